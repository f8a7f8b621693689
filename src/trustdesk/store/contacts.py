"""The contact log: every contact with ICE stored once per version, with its audit entry.

A contact and its audit entry are written in one transaction; so are an amendment (a new
version linked to the one it corrects, with a reason and its author) and a supervisor's
review of a flagged contact. The entry records the SHA-256 of the stored row, so
``audit verify`` (store/contact_checks.py) notices any later change. An entry about a
contact that concerns a decision names it (``"decision"``), so the contact shows in that
decision's audit trail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit
from trustdesk.store.contact_records import (
    ContactDraft,
    ContactFilter,
    ContactRecord,
    ContactReview,
    DecisionVersionTimes,
)
from trustdesk.store.encoding import canonical_json, parse_utc, row_digest, utc_text
from trustdesk.store.errors import Conflict, NotFound
from trustdesk.store.folding import booking_key
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.schema import PENDING_CONTACT_REVIEWS_QUERY
from trustdesk.store.sql import dict_rows, insert, one_dict, scalar

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

#: The stored columns of a contact version, all covered by its digest.
CONTACT_FIELDS = (
    "id",
    "contact_id",
    "version",
    "amends",
    "reason",
    "person_id",
    "booking_number",
    "booking_key",
    "decision_id",
    "kind",
    "direction",
    "occurred_at",
    "channel",
    "ice_office",
    "ice_officer",
    "asked",
    "given",
    "note",
    "user_id",
    "recorded_at",
    "pack_id",
    "advice",
    "allowed",
    "unlawful_reason",
    "review_needed",
    "app_version",
    "audit_seq",
)
CONTACT_REVIEW_FIELDS = (
    "id",
    "contact_id",
    "record_id",
    "reviewer_id",
    "reviewed_at",
    "verdict",
    "note",
    "audit_seq",
)
CONTACT_EVENTS = ("contact.recorded", "contact.amended")
CONTACT_REVIEW_EVENTS = ("contact.reviewed",)
#: Rows read per round when contacts are streamed (reports read many thousands).
BATCH = 2_000

_SELECT = """
    SELECT c.*, u.username AS _user, p.name AS _person_name
    FROM contacts c
    JOIN users u ON u.id = c.user_id
    LEFT JOIN people p ON p.id = c.person_id
"""
_LATEST = " NOT EXISTS (SELECT 1 FROM contacts n WHERE n.amends = c.id)"


def _record(row: dict[str, Any]) -> ContactRecord:
    return ContactRecord(
        id=row["id"],
        contact_id=row["contact_id"],
        version=row["version"],
        amends=row["amends"],
        reason=row["reason"],
        person_id=row["person_id"],
        booking_number=row["booking_number"],
        decision_id=row["decision_id"],
        kind=row["kind"],
        direction=row["direction"],
        occurred_at=parse_utc(row["occurred_at"]),
        channel=row["channel"],
        ice_office=row["ice_office"],
        ice_officer=row["ice_officer"],
        asked=row["asked"],
        given=tuple(json.loads(row["given"])),
        note=row["note"],
        user_id=row["user_id"],
        user=row["_user"],
        recorded_at=parse_utc(row["recorded_at"]),
        pack_id=row["pack_id"],
        advice_json=row["advice"],
        allowed=bool(row["allowed"]),
        unlawful_reason=row["unlawful_reason"],
        review_needed=bool(row["review_needed"]),
        app_version=row["app_version"],
        audit_seq=row["audit_seq"],
        person_name=row["_person_name"],
    )


def _review(row: dict[str, Any]) -> ContactReview:
    return ContactReview(
        id=row["id"],
        contact_id=row["contact_id"],
        record_id=row["record_id"],
        reviewer_id=row["reviewer_id"],
        reviewer=row["_reviewer"],
        reviewed_at=parse_utc(row["reviewed_at"]),
        verdict=row["verdict"],
        note=row["note"],
    )


def given_json(given: tuple[str, ...]) -> str:
    """The stored form of what was given: a canonical JSON list."""
    return canonical_json(list(given))


def write_contact(
    conn: sqlite3.Connection,
    draft: ContactDraft,
    *,
    author: Actor,
    at: datetime,
    previous: ContactRecord | None = None,
    reason: str | None = None,
) -> int:
    """Write one contact version and its audit entry, inside the caller's transaction."""
    if author.user_id is None:
        raise ValueError("a contact needs the user who records it")
    seq = audit.head(conn)[0] + 1
    record_id = int(scalar(conn, "SELECT coalesce(max(id), 0) + 1 FROM contacts"))
    values: dict[str, Any] = {
        "id": record_id,
        "contact_id": record_id if previous is None else previous.contact_id,
        "version": 1 if previous is None else previous.version + 1,
        "amends": None if previous is None else previous.id,
        "reason": reason,
        "person_id": draft.person_id,
        "booking_number": draft.booking_number,
        "booking_key": None if draft.booking_number is None else booking_key(draft.booking_number),
        "decision_id": draft.decision_id,
        "kind": draft.kind,
        "direction": draft.direction,
        "occurred_at": utc_text(draft.occurred_at),
        "channel": draft.channel,
        "ice_office": draft.ice_office,
        "ice_officer": draft.ice_officer,
        "asked": draft.asked,
        "given": given_json(draft.given),
        "note": draft.note,
        "user_id": author.user_id,
        "recorded_at": utc_text(at),
        "pack_id": draft.pack_id,
        "advice": draft.advice_json,
        "allowed": int(draft.allowed),
        "unlawful_reason": draft.unlawful_reason,
        "review_needed": int(draft.review_needed),
        "app_version": draft.app_version,
        "audit_seq": seq,
    }
    try:
        insert(conn, "contacts", values)
    except sqlite3.IntegrityError as exc:
        if previous is not None and "amends" in str(exc):
            raise Conflict(
                f"contact {previous.contact_id} was amended meanwhile; show it again and "
                "amend the latest version"
            ) from None
        raise
    objects: dict[str, Any] = {
        "contact": values["contact_id"],
        "contact_record": record_id,
        "version": values["version"],
        "contact_sha256": row_digest("contacts", values),
        "allowed": draft.allowed,
        "review_needed": draft.review_needed,
    }
    if draft.person_id is not None:
        objects["person"] = draft.person_id
    if draft.decision_id is not None:
        objects["decision"] = draft.decision_id  # files the entry in the decision's trail
    if previous is not None:
        objects["amends"] = previous.id
    event = AuditEvent(CONTACT_EVENTS[previous is not None], "success", objects)
    entry = audit.append(conn, event, author, at)
    if entry.seq != seq:
        raise RuntimeError("audit head moved inside a write transaction")
    return record_id


def _one(conn: sqlite3.Connection, record_id: int) -> ContactRecord:
    row = one_dict(conn, _SELECT + " WHERE c.id = ?", (record_id,))
    if row is None:
        raise NotFound(f"there is no contact record {record_id}")
    return _record(row)


def latest_contact(conn: sqlite3.Connection, contact_id: int) -> ContactRecord:
    row = one_dict(
        conn,
        _SELECT + " WHERE c.contact_id = ? ORDER BY c.version DESC LIMIT 1",
        (contact_id,),
    )
    if row is None:
        raise NotFound(f"there is no contact {contact_id}; check the number (contacts list)")
    return _record(row)


#: An audit position past any real one (a 64-bit integer on both backends).
_NO_LIMIT = 2**62

#: One step of the link between person rows: another row a version of a decision about
#: the row names, under the same booking number (a corrected name or date of birth is a
#: row of its own; a later decision may be filed under either). A version that named
#: someone under another number (a wrong person, corrected back) links nobody: one
#: custody is one booking number.
_LINK_STEP = (
    "SELECT other.person_id FROM linked JOIN decisions own ON own.person_id = linked.pid{own} "
    "JOIN decisions other ON other.decision_id = own.decision_id{other} "
    "JOIN people here ON here.id = linked.pid "
    "JOIN people there ON there.id = other.person_id AND there.booking_key = here.booking_key"
)
#: The person rows linked to one (the parameter), step by step. UNION, not UNION ALL: it
#: ends once nothing new is found.
_LINKED_CTE = (
    "WITH RECURSIVE linked(pid) AS (SELECT CAST(? AS bigint) UNION "
    + _LINK_STEP.format(own="", other="")
    + ") "
)
_LINKED = "SELECT pid FROM linked"


class ContactRepository:
    """Writing and reading the contact log; every write carries its audit entry."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, draft: ContactDraft, author: Actor, at: datetime) -> ContactRecord:
        with self._db.transaction() as conn:
            record_id = write_contact(conn, draft, author=author, at=at)
            return _one(conn, record_id)

    def amend(
        self,
        contact_id: int,
        draft: ContactDraft,
        *,
        reason: str,
        author: Actor,
        at: datetime,
        expected_record_id: int | None = None,
    ) -> ContactRecord:
        """A new version of ``contact_id`` correcting its latest one."""
        with self._db.transaction() as conn:
            previous = latest_contact(conn, contact_id)
            if expected_record_id is not None and previous.id != expected_record_id:
                raise Conflict(
                    f"contact {contact_id} was amended meanwhile (now version "
                    f"{previous.version}); show it again and amend the latest version"
                )
            record_id = write_contact(
                conn, draft, author=author, at=at, previous=previous, reason=reason
            )
            return _one(conn, record_id)

    def latest(self, contact_id: int) -> ContactRecord:
        with self._db.reading() as conn:
            return latest_contact(conn, contact_id)

    def history(self, contact_id: int) -> tuple[ContactRecord, ...]:
        with self._db.reading() as conn:
            rows = list(
                dict_rows(
                    conn, _SELECT + " WHERE c.contact_id = ? ORDER BY c.version", (contact_id,)
                )
            )
        if not rows:
            raise NotFound(f"there is no contact {contact_id}; check the number (contacts list)")
        return tuple(_record(row) for row in rows)

    def for_person(
        self,
        *,
        person_id: int | None = None,
        booking_number: str | None = None,
        decision_id: int | None = None,
        upto_seq: int | None = None,
    ) -> list[ContactRecord]:
        """The latest version of each contact about a person, oldest first.

        By ``booking_number`` (compared as the search compares it, ``booking_key``):
        contacts recorded under that number, and those about any person on record with it.
        By ``decision_id``: contacts about any person one of the decision's versions names
        (a version correcting the name or the date of birth names a person row of its
        own), and those recorded by booking number only (no person on record yet) under
        one of those people's numbers.
        ``upto_seq``: as the record stood at that audit entry (later contacts and
        amendments left out), for a memo that must render the same bytes again.
        """
        params: list[Any]
        if person_id is not None:
            where, params = "c.person_id = ?", [person_id]
        elif booking_number is not None:
            key = booking_key(booking_number)
            where = (
                "(c.booking_key = ? OR c.person_id IN "
                "(SELECT id FROM people WHERE booking_key = ?))"
            )
            params = [key, key]
        elif decision_id is not None:
            where, params = self._about_decision(decision_id, upto_seq)
        else:
            raise ValueError("name a person, a booking number or a decision")
        latest = _LATEST
        if upto_seq is not None:
            where += " AND c.audit_seq <= ?"
            latest = (
                " NOT EXISTS (SELECT 1 FROM contacts n WHERE n.amends = c.id AND n.audit_seq <= ?)"
            )
            params += [upto_seq, upto_seq]
        with self._db.reading() as conn:
            rows = list(
                dict_rows(
                    conn,
                    _SELECT + f" WHERE {where} AND{latest} ORDER BY c.occurred_at, c.contact_id",
                    params,
                )
            )
        return [_record(row) for row in rows]

    def _about_decision(self, decision_id: int, upto_seq: int | None) -> tuple[str, list[Any]]:
        """The condition on contacts ``c`` about the person of a decision, as the record
        stood at ``upto_seq``: about any person row linked to the row its latest version
        names (``linked_people``), or recorded by booking number alone under one of those rows'
        numbers — only where every person on record under that number is this person
        (a number two people share does not say whose the contact is). Found first, so
        the contacts are read through their indexes on both backends."""
        head = upto_seq if upto_seq is not None else _NO_LIMIT
        # From the person its latest version by then names (a version that named a wrong
        # person, corrected since, links nobody; earlier names under the same number are
        # reached by the steps).
        seed = (
            "SELECT person_id FROM (SELECT person_id FROM decisions WHERE decision_id = ? "
            "AND audit_seq <= ? ORDER BY version DESC LIMIT 1) AS latest"
        )
        step = _LINK_STEP.format(own=" AND own.audit_seq <= ?", other=" AND other.audit_seq <= ?")
        linked = f"WITH RECURSIVE linked(pid) AS ({seed} UNION {step}) SELECT pid FROM linked"
        with self._db.reading() as conn:
            ids = {int(row[0]) for row in conn.execute(linked, (decision_id, head, head, head))}
            keys: set[str] = set()
            if ids:
                marks = ", ".join("?" * len(ids))
                rows = conn.execute(
                    f"SELECT DISTINCT booking_key FROM people WHERE id IN ({marks})", sorted(ids)
                ).fetchall()
                for (key,) in rows:
                    if key is None:
                        continue
                    others = conn.execute(
                        "SELECT DISTINCT d.person_id FROM decisions d JOIN people p "
                        "ON p.id = d.person_id WHERE p.booking_key = ? AND d.audit_seq <= ?",
                        (key, head),
                    ).fetchall()
                    if {int(row[0]) for row in others} <= ids:
                        keys.add(str(key))
        if not ids:
            return "0 = 1", []
        # Filed under the decision itself: always its (a booking number corrected by an
        # amendment makes a row the link does not reach).
        clauses = ["c.decision_id = ?", f"c.person_id IN ({', '.join('?' * len(ids))})"]
        params: list[Any] = [decision_id, *sorted(ids)]
        if keys:
            # ``+c.person_id``: SQLite reads these through the booking index.
            clauses.append(
                f"(c.booking_key IN ({', '.join('?' * len(keys))}) AND +c.person_id IS NULL)"
            )
            params += sorted(keys)
        return "(" + " OR ".join(clauses) + ")", params

    def between(
        self, start: datetime, end: datetime, where: ContactFilter | None = None
    ) -> Iterator[ContactRecord]:
        """Contacts that occurred in [start, end), oldest first, read a batch at a time."""
        where = where or ContactFilter()
        clauses = ["c.occurred_at >= ?", "c.occurred_at < ?"]
        params: list[Any] = [utc_text(start), utc_text(end)]
        for column, value in (
            ("kind", where.kind),
            ("user_id", where.user_id),
            ("allowed", None if where.allowed is None else int(where.allowed)),
            ("review_needed", None if where.review_needed is None else int(where.review_needed)),
        ):
            if value is not None:
                clauses.append(f"c.{column} = ?")
                params.append(value)
        if where.latest_only:
            clauses.append(_LATEST)
        sql = _SELECT + f" WHERE {' AND '.join(clauses)} ORDER BY c.occurred_at, c.contact_id"
        with self._db.reading() as conn:
            cursor = conn.execute(sql, params)
            names = [column[0] for column in cursor.description]
            while batch := cursor.fetchmany(BATCH):
                for row in batch:
                    yield _record(dict(zip(names, row, strict=True)))

    def pending_reviews(self) -> list[ContactRecord]:
        """Flagged contact versions still waiting for a supervisor, oldest first."""
        with self._db.reading() as conn:
            ids = [row[0] for row in conn.execute(PENDING_CONTACT_REVIEWS_QUERY)]
            return sorted((_one(conn, i) for i in ids), key=lambda r: (r.occurred_at, r.id))

    def reviews_of(
        self, contact_id: int, *, upto_seq: int | None = None
    ) -> tuple[ContactReview, ...]:
        """A contact's reviews, oldest first (``upto_seq``: those recorded by that entry)."""
        limit = "" if upto_seq is None else f" AND r.audit_seq <= {int(upto_seq)}"
        with self._db.reading() as conn:
            return tuple(
                _review(row)
                for row in dict_rows(
                    conn,
                    "SELECT r.*, u.username AS _reviewer FROM contact_reviews r "
                    f"JOIN users u ON u.id = r.reviewer_id WHERE r.contact_id = ?{limit} "
                    "ORDER BY r.id",
                    (contact_id,),
                )
            )

    def review(
        self,
        contact_id: int,
        *,
        expected_record_id: int,
        verdict: str,
        note: str | None,
        reviewer: Actor,
        at: datetime,
    ) -> ContactReview:
        """A supervisor's review of the contact's current (flagged) version."""
        if reviewer.user_id is None:
            raise ValueError("a review needs a reviewer")
        with self._db.transaction() as conn:
            current = latest_contact(conn, contact_id)
            if current.id != expected_record_id:
                raise Conflict(
                    f"contact {contact_id} was amended meanwhile; show it again and review "
                    "the latest version"
                )
            if scalar(conn, "SELECT 1 FROM contact_reviews WHERE record_id = ?", (current.id,)):
                raise Conflict(
                    f"version {current.version} of contact {contact_id} is already reviewed"
                )
            row: dict[str, Any] = {
                "contact_id": contact_id,
                "record_id": current.id,
                "reviewer_id": reviewer.user_id,
                "reviewed_at": utc_text(at),
                "verdict": verdict,
                "note": note,
                "audit_seq": audit.head(conn)[0] + 1,
            }
            review_id = insert(conn, "contact_reviews", row)
            objects: dict[str, Any] = {
                "contact": contact_id,
                "contact_record": current.id,
                "contact_review": review_id,
                "verdict": verdict,
                "contact_review_sha256": row_digest("contact_reviews", {"id": review_id, **row}),
            }
            if current.decision_id is not None:
                objects["decision"] = current.decision_id
            audit.append(conn, AuditEvent("contact.reviewed", "success", objects), reviewer, at)
            found = one_dict(
                conn,
                "SELECT r.*, u.username AS _reviewer FROM contact_reviews r "
                "JOIN users u ON u.id = r.reviewer_id WHERE r.id = ?",
                (review_id,),
            )
            assert found is not None
            return _review(found)

    def people_with_booking(self, booking_number: str) -> list[tuple[int, str]]:
        """(id, name) of the people on record under a booking number."""
        with self._db.reading() as conn:
            return [
                (int(row[0]), str(row[1]))
                for row in conn.execute(
                    "SELECT id, name FROM people WHERE booking_key = ? ORDER BY id",
                    (booking_key(booking_number),),
                )
            ]

    def linked_people(self, person_id: int) -> frozenset[int]:
        """The person rows linked to ``person_id`` through decisions (itself included):
        one person under every name and date of birth their decisions gave them."""
        with self._db.reading() as conn:
            rows = conn.execute(_LINKED_CTE + _LINKED, (person_id,)).fetchall()
        return frozenset(int(row[0]) for row in rows)

    def person_exists(self, person_id: int) -> bool:
        with self._db.reading() as conn:
            return bool(scalar(conn, "SELECT 1 FROM people WHERE id = ?", (person_id,)))

    def decision_versions(
        self, *, person_id: int | None = None, decision_id: int | None = None
    ) -> tuple[DecisionVersionTimes, ...]:
        """The times of every version of one decision (``decision_id``) or of every
        decision about one person (``person_id``), by decision then version; () when
        there is none. Which version was in force when is the service's to say."""
        if (person_id is None) == (decision_id is None):
            raise ValueError("name a person or a decision, not both")
        # By person: every version of each decision about the person under any of the
        # person rows linked to theirs (``linked_people``: a version correcting the name
        # or the date of birth names another row, and a later decision may name either).
        where, key = (
            (f"decision_id IN (SELECT decision_id FROM decisions WHERE person_id IN ({_LINKED}))",
             person_id)
            if decision_id is None
            else ("decision_id = ?", decision_id)
        )  # fmt: skip
        with self._db.reading() as conn:
            rows = conn.execute(
                f"{_LINKED_CTE if decision_id is None else ''}"
                "SELECT decision_id, id, version, person_id, decision_time, recorded_at "
                f"FROM decisions WHERE {where} ORDER BY decision_id, version",
                (key,),
            ).fetchall()
        return tuple(
            DecisionVersionTimes(
                decision_id=int(row[0]),
                record_id=int(row[1]),
                version=int(row[2]),
                person_id=int(row[3]),
                decision_time=parse_utc(str(row[4])),
                recorded_at=parse_utc(str(row[5])),
            )
            for row in rows
        )

    def decision_version_json(self, record_id: int) -> str:
        """The decision JSON of one stored decision version (its row id)."""
        with self._db.reading() as conn:
            row = conn.execute(
                "SELECT decision_json FROM decisions WHERE id = ?", (record_id,)
            ).fetchone()
        if row is None:
            raise NotFound(f"there is no decision record {record_id}")
        return str(row[0])

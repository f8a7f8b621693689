"""Decisions: every version stored once, with what it was made from, and its audit entry.

A decision and its audit entry are written in one transaction; so are an amendment (a
new version linked to the one it corrects, with reason and author) and its entry. The
audit entry records the SHA-256 of the decision record and of the rows it rests on
(person, detainer, answers, hold), so ``audit verify`` notices any later change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit, drafts, report_members
from trustdesk.store.case_records import (
    DecisionDraft,
    DecisionRecord,
    DetainerFacts,
    PersonFacts,
    SavedDecision,
)
from trustdesk.store.encoding import (
    GENESIS_HASH,
    bytes_sha256_hex,
    canonical_json,
    optional_utc_text,
    row_digest,
    sha256_hex,
    utc_text,
)
from trustdesk.store.errors import AuditWriteFailed, Conflict, JurisdictionChanged
from trustdesk.store.folding import booking_key, fold
from trustdesk.store.hold_due import release_due, release_due_of
from trustdesk.store.jurisdiction_choice import (
    LATEST_CHOICE_COLUMNS,
    LATEST_CHOICE_PARAMS,
    SETTINGS_CHANGED,
    LawCheck,
    law_conflict,
)
from trustdesk.store.records import Actor, AuditEntry, AuditEvent
from trustdesk.store.sql import insert, one_dict, scalar
from trustdesk.store.versions import history, latest, version_later

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

PERSON_FIELDS = ("id", "booking_number", "booking_key", "name", "name_folded", "date_of_birth")
DETAINER_FIELDS = (
    "id",
    "form",
    "received_at",
    "judicial_warrant",
    "administrative_warrant",
    "issuing_office",
    "subject_id",
)
RECORD_FIELDS = (
    "id",
    "decision_id",
    "version",
    "amends",
    "reason",
    "officer_id",
    "recorded_at",
    "decision_time",
    "outcome",
    "needs_review",
    "review_required",
    "releasable_at",
    "hold_expires_at",
    "rule_pack",
    "rule_pack_sha256",
    "app_version",
    "person_id",
    "detainer_id",
    "case_json",
    "decision_json",
    "audit_seq",
)
HOLD_FIELDS = ("id", "decision_id", "record_id", "opened_at", "opened_by", "audit_seq")
DECISION_EVENTS = ("decision.created", "decision.amended")


def record_sha256(
    values: Mapping[str, Any],
    person: Mapping[str, Any],
    detainer: Mapping[str, Any],
    answers: list[tuple[str, str]],
) -> str:
    """The SHA-256 of a decision record: canonical JSON of every column of the version
    and of the rows it rests on (its person, its detainer, its answers).

    The two documents (case input, decision with trace) enter through their own
    SHA-256, so a record is re-hashed without re-encoding kilobytes of JSON.
    """
    record = {key: values[key] for key in RECORD_FIELDS}
    for key in ("case_json", "decision_json"):
        text = record.pop(key)
        # surrogateescape: the same bytes for any text that can be stored; a tampered
        # file's bytes that are not UTF-8, read leniently by verification
        # (verify.lenient_text), are hashed as the bytes they are instead of failing.
        record[key + "_sha256"] = (
            bytes_sha256_hex(text.encode("utf-8", "surrogateescape"))
            if isinstance(text, str)
            else text
        )
    record["person"] = {key: person[key] for key in PERSON_FIELDS}
    record["detainer"] = {key: detainer[key] for key in DETAINER_FIELDS}
    record["answers"] = [list(pair) for pair in sorted(answers)]
    return sha256_hex(canonical_json(record))


def answers_digest(record_id: int, answers: list[tuple[str, str]]) -> str:
    return row_digest(
        "decision_answers",
        {"record_id": record_id, "answers": [list(pair) for pair in sorted(answers)]},
    )


_PERSON_SELECT = (
    f"SELECT {', '.join(PERSON_FIELDS)} FROM people "
    "WHERE booking_number = ? AND name = ? AND ifnull(date_of_birth, '') = ?"
)


def _person_row(conn: sqlite3.Connection, person: PersonFacts) -> dict[str, Any]:
    dob = None if person.date_of_birth is None else person.date_of_birth.isoformat()
    key = (person.booking_number, person.name, dob or "")
    found = one_dict(conn, _PERSON_SELECT, key)
    if found is not None:
        return found
    values: dict[str, Any] = {
        "booking_number": person.booking_number,
        "booking_key": booking_key(person.booking_number),
        "name": person.name,
        "name_folded": fold(person.name),
        "date_of_birth": dob,
    }
    # Before the writers' turn on PostgreSQL (decision 0024), another desk may be adding
    # the same person: its row then stands (waited for by the server) and is used.
    cursor = conn.execute(
        f"INSERT INTO people ({', '.join(values)}) VALUES ({', '.join('?' * len(values))}) "
        "ON CONFLICT DO NOTHING",
        tuple(values.values()),
    )
    person_id = cursor.lastrowid if cursor.rowcount == 1 else None
    if person_id is None:
        found = one_dict(conn, _PERSON_SELECT, key)
        if found is None:
            raise RuntimeError("a person row was neither added nor found")
        return found
    if scalar(conn, "SELECT value FROM meta WHERE key = 'search_index'") == "fts5-trigram":
        conn.execute(
            "INSERT INTO people_fts (rowid, name_folded) VALUES (?, ?)",
            (person_id, values["name_folded"]),
        )
    return {"id": person_id, **values}


def _detainer_row(conn: sqlite3.Connection, detainer: DetainerFacts) -> dict[str, Any]:
    values: dict[str, Any] = {
        "form": detainer.form,
        "received_at": optional_utc_text(detainer.received_at),
        "judicial_warrant": detainer.judicial_warrant,
        "administrative_warrant": detainer.administrative_warrant,
        "issuing_office": detainer.issuing_office,
        "subject_id": detainer.subject_id,
    }
    return {"id": insert(conn, "detainers", values), **values}


#: Where the chain and the ids stand, read in one statement once the writer has its
#: turn: the head entry's seq and hash, and the next decision and hold ids.
_POSITION = (
    "SELECT (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1), "
    "(SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), "
    "(SELECT ifnull(max(id), 0) + 1 FROM decisions), "
    "(SELECT ifnull(max(id), 0) + 1 FROM holds)"
)


_POSITION_LAW = f"{_POSITION}, {LATEST_CHOICE_COLUMNS}"


def write_version(
    conn: sqlite3.Connection,
    draft: DecisionDraft,
    *,
    author: Actor,
    at: datetime,
    previous: DecisionRecord | None = None,
    reason: str | None = None,
    extra: Mapping[str, Any] | None = None,
    take_turn: Callable[[], None] | None = None,
    law: LawCheck | None = None,
) -> tuple[int, int | None, AuditEntry]:
    """Write one version, its rows, its hold and its audit entry; inside a transaction.

    Returns the record id, the id of a hold opened by this version, and the entry.
    In a transaction begun with ``late_turn``, ``take_turn`` is called once the rows no
    other writer touches (person, detainer) are written; everything after it depends
    on the chain's head, and sends nothing it must wait for (docs/decisions/0024).

    ``law``: the jurisdiction the decision was evaluated under, checked against the
    record's in the writers' turn, read with the chain's head; another one (an
    administrator changed it on another desk since this one signed in) raises Conflict
    and nothing is written.
    """
    if author.user_id is None:
        raise ValueError("a decision needs an author")
    person = _person_row(conn, draft.person)
    detainer = _detainer_row(conn, draft.detainer)
    answers = list(draft.answers)
    objects: dict[str, Any] = {
        "person": person["id"],
        "person_sha256": row_digest("people", person),
        "detainer_sha256": row_digest("detainers", detainer),
    }
    if take_turn is not None:
        take_turn()
    if law is None:
        last_seq, prev_hash, record_id, next_hold = conn.execute(_POSITION).fetchone()
    else:
        row = conn.execute(_POSITION_LAW, LATEST_CHOICE_PARAMS).fetchone()
        last_seq, prev_hash, record_id, next_hold = row[:4]
        problem = law_conflict(
            law, row[4:], lambda: [e.objects for e in audit.entries_for(conn, SETTINGS_CHANGED)]
        )
        if problem is not None:
            raise JurisdictionChanged(problem)
    seq = (last_seq or 0) + 1
    recorded_at = utc_text(at)
    values: dict[str, Any] = {
        "id": record_id,
        "decision_id": record_id if previous is None else previous.decision_id,
        "version": 1 if previous is None else previous.version + 1,
        "amends": None if previous is None else previous.id,
        "reason": reason,
        "officer_id": author.user_id,
        "recorded_at": recorded_at,
        "decision_time": utc_text(draft.decision_time),
        "outcome": draft.outcome,
        "needs_review": int(draft.needs_review),
        "review_required": int(draft.review_required),
        "releasable_at": optional_utc_text(draft.releasable_at),
        "hold_expires_at": optional_utc_text(draft.hold_expires_at),
        "rule_pack": draft.rule_pack,
        "rule_pack_sha256": draft.rule_pack_sha256,
        "app_version": draft.app_version,
        "person_id": person["id"],
        "detainer_id": detainer["id"],
        "case_json": draft.case_json,
        "decision_json": draft.decision_json,
        "audit_seq": seq,
    }
    digest = record_sha256(values, person, detainer, answers)
    try:
        # Not sql.insert: the id is known, and asking the server for it would wait.
        conn.execute(_INSERT_DECISION, (*(values[key] for key in RECORD_FIELDS), digest))
    except sqlite3.IntegrityError as exc:
        if previous is not None and "amends" in str(exc):
            raise Conflict(
                f"decision {previous.decision_id} was amended meanwhile; "
                "show it again and amend the latest version"
            ) from None
        raise
    members: dict[str, str] = {}
    if isinstance(conn, sqlite3.Connection):
        # What a report reads of the document, beside it (the server computes its own),
        # bound to the chain by its digest in this entry (decision 0052).
        members = report_members.record(conn, record_id)
    if answers:
        # One statement for them all: in a pipeline each statement is work in the turn.
        conn.execute(
            "INSERT INTO decision_answers (record_id, field, value) VALUES "
            + ", ".join(["(?, ?, ?)"] * len(answers)),
            [item for field, value in answers for item in (record_id, field, value)],
        )
    objects = {
        "decision": values["decision_id"],
        "record": record_id,
        "version": values["version"],
        "record_sha256": digest,
        **objects,
        "answers_sha256": answers_digest(record_id, answers),
        **members,
    }
    if previous is not None:
        objects["amends"] = previous.id
    hold_id = _track_hold(conn, draft, values, objects, next_hold, new=previous is None)
    if previous is not None:
        # A new decision has no review pending yet: nothing to clear.
        conn.execute("DELETE FROM pending_reviews WHERE decision_id = ?", (values["decision_id"],))
    if draft.review_required:
        conn.execute(
            "INSERT INTO pending_reviews (record_id, decision_id) VALUES (?, ?)",
            (record_id, values["decision_id"]),
        )
    objects.update(extra or {})
    event = AuditEvent(DECISION_EVENTS[previous is not None], "success", objects)
    entry = audit.append(conn, event, author, at, after=(seq - 1, prev_hash or GENESIS_HASH))
    if entry.seq != seq:
        raise RuntimeError("audit head moved inside a write transaction")
    return record_id, hold_id, entry


_INSERT_DECISION = (
    f"INSERT INTO decisions ({', '.join((*RECORD_FIELDS, 'record_sha256'))}) "
    f"VALUES ({', '.join('?' * (len(RECORD_FIELDS) + 1))})"
)


def _track_hold(
    conn: sqlite3.Connection,
    draft: DecisionDraft,
    values: dict[str, Any],
    objects: dict[str, Any],
    next_id: int,
    *,
    new: bool,
) -> int | None:
    """Open the decision's hold if this version honors it; keep ``open_holds`` current.

    A new decision has no hold yet, so nothing is read for it: its statements are only
    sent (next_id is the id the hold gets, read with the chain's head).
    """
    decision_id = values["decision_id"]
    hold = (
        None
        if new
        else one_dict(conn, "SELECT id FROM holds WHERE decision_id = ?", (decision_id,))
    )
    opened = None
    if hold is None:
        if not draft.opens_hold:
            return None
        row = {
            "id": next_id,
            "decision_id": decision_id,
            "record_id": values["id"],
            "opened_at": values["recorded_at"],
            "opened_by": values["officer_id"],
            "audit_seq": values["audit_seq"],
        }
        conn.execute(
            f"INSERT INTO holds ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            tuple(row.values()),
        )
        opened = next_id
        objects["hold"] = opened
        objects["hold_sha256"] = row_digest("holds", row)
        hold = {"id": opened}
    closed = (
        opened is None
        and scalar(conn, "SELECT 1 FROM hold_closures WHERE hold_id = ?", (hold["id"],)) is not None
    )
    if not closed:
        # A version that no longer honors the detainer, or honors one whose form asks
        # for no hold, makes release due at once (hold_due); a first version is read
        # from its values, an amendment with the versions before it.
        due = (
            release_due(
                values["outcome"],
                values["hold_expires_at"],
                values["recorded_at"],
                values["decision_json"],
            )
            if new
            else release_due_of(conn, values["id"])
        )
        conn.execute(
            "INSERT INTO open_holds (hold_id, decision_id, record_id, release_due_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (hold_id) DO UPDATE SET "
            "record_id = excluded.record_id, release_due_at = excluded.release_due_at",
            (hold["id"], decision_id, values["id"], due),
        )
    return opened


class DecisionRepository:
    """Writing and reading decisions; every write carries its audit entry."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self,
        draft: DecisionDraft,
        author: Actor,
        at: datetime,
        *,
        extra: Mapping[str, Any] | None = None,
        law: LawCheck | None = None,
        draft_of: tuple[int, int] | None = None,
    ) -> SavedDecision:
        """Record a new decision; ``extra`` goes into its audit entry (a late recording);
        ``law``: the jurisdiction it was evaluated under, checked in the turn (write_version);
        ``draft_of``: (user id, draft id) of the review's draft, deleted in the same
        transaction and named in the entry, or DraftGone and nothing recorded.

        The writers' turn is taken late (decision 0024): a statement the server refuses
        may then be told only at the commit, which is why its refusal is caught here.
        """
        db = self._db
        record: DecisionRecord | None = None
        try:
            with db.transaction(late_turn=True) as conn:
                if draft_of is not None:
                    # Before the turn: its answer is read (a server's pipeline is not).
                    drafts.take(conn, *draft_of)
                    extra = {**(extra or {}), "review_draft": draft_of[1]}
                record_id, hold_id, entry = write_version(
                    conn,
                    draft,
                    author=author,
                    at=at,
                    extra=extra,
                    take_turn=lambda: db.take_turn(conn),
                    law=law,
                )
                # Read back in the same transaction; on a server the rows come back with
                # the commit's reply instead of a wait inside the writers' turn.
                read = version_later(conn, record_id)
                if db.backend == "sqlite":
                    record = read()  # SQLite reads in its own turn, in-process
        except sqlite3.IntegrityError as exc:
            raise AuditWriteFailed(
                f"the decision could not be recorded ({exc}); nothing was recorded"
            ) from None
        if record is None:
            with db.translating():
                record = read()
        return SavedDecision(record, hold_id, entry)

    def amend(
        self,
        decision_id: int,
        draft: DecisionDraft,
        *,
        reason: str,
        author: Actor,
        at: datetime,
        expected_record_id: int | None = None,
        law: LawCheck | None = None,
    ) -> SavedDecision:
        """A new version of ``decision_id`` correcting its latest one."""
        with self._db.transaction() as conn:
            previous = latest(conn, decision_id)
            if expected_record_id is not None and previous.id != expected_record_id:
                raise Conflict(
                    f"decision {decision_id} was amended meanwhile (now version "
                    f"{previous.version}); show it again and amend the latest version"
                )
            _record_id, hold_id, entry = write_version(
                conn, draft, author=author, at=at, previous=previous, reason=reason, law=law
            )
            record = latest(conn, decision_id)
        return SavedDecision(record, hold_id, entry)

    def latest(self, decision_id: int) -> DecisionRecord:
        with self._db.reading() as conn:
            return latest(conn, decision_id)

    def history(self, decision_id: int) -> tuple[DecisionRecord, ...]:
        with self._db.reading() as conn:
            return history(conn, decision_id)

    def view(self, decision_id: int, viewer: Actor, at: datetime) -> tuple[DecisionRecord, ...]:
        """Every version of a decision, the viewing recorded in the audit (or nothing shown)."""
        with self._db.transaction() as conn:
            versions = history(conn, decision_id)
            audit.append(
                conn,
                AuditEvent(
                    "decision.viewed",
                    "success",
                    {"decision": decision_id, "records": [v.id for v in versions]},
                ),
                viewer,
                at,
            )
        return versions

"""The checks behind ``audit verify``: chain, evidence rows, derived tables, accounts.

Every evidence row is compared with the digests in the audit entry that created it, so
an edit of any column is found even with the triggers dropped; row counts are compared
with the chain's event counts; derived tables are recomputed; accounts are replayed.
The decision lookup table (``audit_decisions``) is checked against the chain in the same
pass that replays it, so a decision's trail cannot silently leave an entry out; what
reports read of each decision document (SQLite's ``report_members``, schema 12) is
recomputed from the documents.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from trustdesk.store import audit, candidates, candidates_sqlite, report_members
from trustdesk.store.candidates_sqlite import BLOB_REFUSED
from trustdesk.store.decisions import (
    DECISION_EVENTS,
    DETAINER_FIELDS,
    PERSON_FIELDS,
    answers_digest,
    record_sha256,
)
from trustdesk.store.encoding import GENESIS_HASH, row_digest
from trustdesk.store.fast_json import (
    decision_named_fast,
    decision_named_of,
    entry_hash_fast,
    parsed_objects,
)
from trustdesk.store.fast_reader import FastReader
from trustdesk.store.hold_due import release_due_sql
from trustdesk.store.postgresql import candidates as candidates_pg
from trustdesk.store.records import AuditEntry
from trustdesk.store.row_hashing import (
    DETAINER_COLUMNS,
    PERSON_COLUMNS,
    RECORD_COLUMNS,
    record_digest_fast,
    row_digest_fast_of,
)
from trustdesk.store.schema import FTS_TABLE, PENDING_REVIEWS_QUERY
from trustdesk.store.sql import dict_rows, scalar
from trustdesk.store.users import (
    ACCOUNT_EVENTS,
    LOCK_EVENTS,
    account_differences,
    replay_lock_state,
)

_PERSON_KEYS = tuple((field, f"_p_{field}") for field in PERSON_FIELDS)
_DETAINER_KEYS = tuple((field, f"_t_{field}") for field in DETAINER_FIELDS)
_JOINS = {
    "decisions": " LEFT JOIN people p ON p.id = t.person_id"
    " LEFT JOIN detainers x ON x.id = t.detainer_id",
}


#: For each evidence table: the events that create its rows, the object key naming the
#: row, and the row's id column.
_RECORDED = {
    "decisions": (DECISION_EVENTS, "record", "id"),
    "holds": (DECISION_EVENTS, "hold", "id"),
    "reviews": (("decision.reviewed",), "review", "id"),
    "hold_closures": (("hold.closed",), "hold", "hold_id"),
}


@dataclass(frozen=True, slots=True)
class ChainSpan:
    """One part of the chain to replay: the entries after ``after`` up to ``upto`` (None:
    to the end), the first linking to ``prev_hash``; the decision lookup rows filed in
    ``lookup`` = (after, upto] (None: no bound); ``finish``: report lookup rows after the
    last entry replayed (the part that ends the chain)."""

    after: int
    prev_hash: str
    upto: int | None
    lookup: tuple[int | None, int | None]
    finish: bool


#: What the rows passes take from an entry's objects: the keys naming the rows it wrote
#: and holding their digests (``_RECORDED`` and the passes' digest keys).
_KEPT: tuple[str, ...] = ("record", "record_sha256", "hold", "hold_sha256", "review")
_KEPT += ("review_sha256", "closure_sha256", "members_sha256")
#: The entries a chain pass read, for the rows passes of the same span (decision 0049):
#: audit position → (event, then the value of each of ``_KEPT`` in the objects as orjson
#: read them; None for a key they lack, all None for objects orjson could not read as
#: an object), for the entries whose event creates evidence rows (``_COUNTED``). Only
#: these few values are kept: the parsed objects of 100,000 entries took 100 MB.
EntryObjects = dict[int, tuple[Any, ...]]
_COUNTED = frozenset({*DECISION_EVENTS, "decision.reviewed", "hold.closed"})
_NO_ENTRY: tuple[None, ...] = (None,) * (1 + len(_KEPT))


def _kept(event: str, value: object) -> tuple[Any, ...]:
    """An ``EntryObjects`` value: the event and ``_KEPT``'s values in ``value``."""
    if type(value) is not dict:
        return (event, *_NO_ENTRY[1:])
    get = value.get
    return (
        event,
        get("record"),
        get("record_sha256"),
        get("hold"),
        get("hold_sha256"),
        get("review"),
        get("review_sha256"),
        get("closure_sha256"),
        get("members_sha256"),
    )


def _entry_reader(
    events: Counter[str], entries: EntryObjects | None, lookup: DecisionLookupCheck
) -> Callable[[Any, Any, Any], None]:
    """What a chain pass does with each entry (seq, event, objects) besides checking its
    link, on either backend: counts in ``events`` the events that write evidence rows
    (and the holds opened), keeps those entries' objects for the rows passes of the same
    span in ``entries`` (read once, decisions 0049, 0057; the other entries only as the
    lookup needs them, which reads few) and walks the decision lookup table beside the
    chain (``lookup``)."""
    counted, decision_events = _COUNTED, frozenset(DECISION_EVENTS)
    named, loads, named_of, kept = decision_named_fast, parsed_objects, decision_named_of, _kept

    def read(seq: Any, event: Any, objects: Any) -> None:
        if event in counted:
            events[event] += 1
            # Objects that are no text (a blob: only a tampered file holds one) open no
            # hold; the link's check reports the entry.
            if event in decision_events and type(objects) is str and '"hold_sha256"' in objects:
                events["hold.opened"] += 1
            if entries is not None:
                value = loads(objects)
                entries[seq] = kept(event, value)
                if lookup.active:
                    lookup.entry_named(seq, event, named_of(objects, value))
                return
        if lookup.active:
            lookup.entry_named(seq, event, named(objects))

    return read


def _kept_at(key: str) -> int:
    """Where ``key``'s value is in an ``EntryObjects`` value."""
    if key not in _KEPT:
        raise ValueError(f"{key!r} is not kept from the entries' objects")
    return 1 + _KEPT.index(key)


@dataclass(frozen=True, slots=True)
class Problem:
    seq: int | None  # audit position concerned (None: not tied to one entry)
    text: str

    def __str__(self) -> str:
        return self.text


class Checker:
    def __init__(self, conn: sqlite3.Connection, upto: int | None, after: int = 0) -> None:
        self.conn = conn
        self.upto = upto
        self.after = after  # rows checks: only audit positions after this one
        self.problems: list[Problem] = []
        self.events: Counter[str] = Counter()
        self.records = 0
        self.broken = False  # a link of the chain failed (replay stopped there)
        #: (id, decision_id) of the decision rows checked whose review_required = 1, for
        #: the review queue's check (``review_queue``); None where not collected (on
        #: PostgreSQL).
        self.flagged: list[tuple[Any, Any]] | None = []
        #: How many of the decision rows checked have a member row (SQLite's
        #: ``report_members``): ``member_tables`` names the member rows of no decision
        #: only when the table holds more rows than that.
        self.members_matched = 0

    def problem(self, seq: int | None, text: str) -> None:
        self.problems.append(Problem(seq, text))

    def chain(
        self, span: ChainSpan | None = None, entries: EntryObjects | None = None
    ) -> tuple[int, str]:
        """Replay the chain (audit.replay's checks), counting the events that create
        evidence rows and checking the decision lookup table on the way.

        One tight loop over plain rows (no entry objects, no generators in between; what
        is noted of each entry besides its link, ``_entry_reader``): it runs for every
        entry of the store. Each entry's text is written by SQLite
        (``candidates``: a candidate, which only accepts; on PostgreSQL by orjson here,
        ``_chain_by_client``); any doubt goes to audit.link_problem, the definition
        audit.replay uses. ``span`` replays one part
        of the chain only, for a verification split between processes;
        ``self.broken`` then tells whether a link failed in it. ``entries``: filled
        with the objects of the entries that create evidence rows, read once here for
        the rows passes of the same span (``EntryObjects``; decisions 0049, 0057).
        """
        span = span or ChainSpan(0, GENESIS_HASH, self.upto, (None, self.upto), finish=True)
        events, mark = Counter(self.events), len(self.problems)
        try:
            return self._chain(span, entries, guarded=candidates_sqlite.guard_first(self.conn))
        except sqlite3.OperationalError as exc:
            if BLOB_REFUSED not in str(exc):
                raise
        # A blob in the log (a tampered file): again, with every value's type looked at.
        self.events, self.broken = events, False
        del self.problems[mark:]
        if entries is not None:
            entries.clear()
        return self._chain(span, entries, guarded=True)

    def _chain(
        self, span: ChainSpan, entries: EntryObjects | None, *, guarded: bool
    ) -> tuple[int, str]:
        engine = _engine(self.conn)
        if engine is None:
            return self._chain_by_client(span, entries)
        # Only the part of a split check that starts the chain says the table is unreadable.
        lookup = DecisionLookupCheck(self, *span.lookup, quiet=span.after > 0)
        read = _entry_reader(self.events, entries, lookup)
        limit = "" if span.upto is None else f" AND seq <= {int(span.upto)}"
        cursor = self.conn.execute(
            f"SELECT seq, prev_hash, hash, event, objects, {engine.entry_text(guarded)} "
            f"FROM audit_log WHERE seq > {int(span.after)}{limit} ORDER BY seq"
        )
        prev_hash, expected, count = span.prev_hash, span.after + 1, 0
        sha256, ascii_text = _sha256, candidates.ascii_text
        for batch in _batches(cursor, _batch_size(self.conn)):
            for seq, prev, digest, event, objects, text in batch:
                count += 1
                read(seq, event, objects)
                if (
                    seq != expected
                    or prev != prev_hash
                    or text is None
                    or sha256(
                        text if text.isascii() and b"\x7f" not in text else ascii_text(text) or b""
                    ).hexdigest()
                    != digest
                ):
                    problem = self._link_problem(seq, expected, prev_hash)
                    if problem is not None:
                        self.problem(seq, f"audit entry {seq} {problem}")
                        self.broken = True
                        return count, prev_hash
                prev_hash, expected = digest, expected + 1
        if span.finish:
            lookup.finish()
        return count, prev_hash

    def _chain_by_client(self, span: ChainSpan, entries: EntryObjects | None) -> tuple[int, str]:
        """The chain's pass on PostgreSQL: each entry's text written here by orjson
        (``fast_json.entry_hash_fast``, decision 0032); the server writing it cost more
        CPU in all (decision 0040). ``entries``: as ``chain``'s."""
        lookup = DecisionLookupCheck(self, *span.lookup, quiet=span.after > 0)
        read = _entry_reader(self.events, entries, lookup)
        limit = "" if span.upto is None else f" AND seq <= {int(span.upto)}"
        cursor = self.conn.execute(
            f"SELECT {', '.join(audit.COLUMNS)} FROM audit_log "
            f"WHERE seq > {int(span.after)}{limit} ORDER BY seq"
        )
        prev_hash, expected, count = span.prev_hash, span.after + 1, 0
        link_problem, entry_hash = audit.link_problem, entry_hash_fast
        floats = _may_give_floats(cursor)
        for batch in _batches(cursor, _batch_size(self.conn)):
            for row in batch:
                count += 1
                seq, event, objects = row[0], row[5], row[7]
                read(seq, event, objects)
                # The fast hash only accepts (fast_json); any doubt goes to link_problem.
                if (
                    seq != expected
                    or row[8] != prev_hash
                    or entry_hash(prev_hash, row, floats=floats) != row[9]
                ):
                    problem = link_problem(row, expected, prev_hash)
                    if problem is not None:
                        self.problem(seq, f"audit entry {seq} {problem}")
                        self.broken = True
                        return count, prev_hash
                prev_hash, expected = row[9], expected + 1
        if span.finish:
            lookup.finish()
        return count, prev_hash

    def _link_problem(self, seq: Any, expected: int, prev_hash: str) -> str | None:
        """audit.link_problem of the entry at ``seq``, read whole."""
        row = self.conn.execute(
            f"SELECT {', '.join(audit.COLUMNS)} FROM audit_log WHERE seq = ?", (seq,)
        ).fetchone()
        return audit.link_problem(row, expected, prev_hash)

    def check_row(
        self,
        row: dict[str, Any],
        events: tuple[str, ...],
        label: Callable[[dict[str, Any]], str],
        check: Callable[[dict[str, Any], dict[str, Any]], str | None],
    ) -> None:
        """One evidence row (with ``_event``, ``_objects`` of its entry) against its entry."""
        seq = row["audit_seq"]
        if row["_event"] not in events:
            self.problem(
                seq if isinstance(seq, int) else None,
                f"{label(row)} points to audit entry {seq!r}, which did not record it",
            )
            return
        try:
            objects = json.loads(row["_objects"])
        except (ValueError, TypeError):
            self.problem(seq, f"audit entry {seq} has unreadable objects")
            return
        trouble = check(row, objects) if isinstance(objects, dict) else "has no objects"
        if trouble:
            self.problem(seq, f"audit entry {seq} ({row['_event']}): {label(row)} {trouble}")

    def digest_rows(
        self,
        table: str,
        events: tuple[str, ...],
        label: Callable[[dict[str, Any]], str],
        fields: tuple[str, ...],
        key: str,
        id_key: str,
        id_field: str,
        entries: EntryObjects | None = None,
    ) -> int:
        """Check each row of ``table`` against the audit entry at its ``audit_seq``,
        whose objects name it (``id_key``) and record its digest over ``fields`` (``key``).

        One streaming join, not a query per row: verification reads millions of rows.
        Rows come in chain order (``audit_seq``, indexed), which for append-only tables
        is also id order, so a verification of the first entries reads only their rows.
        The database writes each row's text (``candidates``), hashed here; a row that
        does not pass at once is checked again the general way (``check_row`` with
        ``digest_check``), which says what is wrong: the fast path accepts only what the
        general check accepts. ``entries``: the objects of every entry of the
        checker's span that creates rows, read by its chain pass (``Checker.chain``);
        then the log is not read again here.
        """
        ordered = tuple(sorted(fields))
        where = f" WHERE t.audit_seq > {int(self.after)}"
        if self.upto is not None:
            where += f" AND t.audit_seq <= {int(self.upto)}"
        candidates = functools.partial(
            self._row_candidates, table, events, ordered, key, id_key, id_field, where, entries
        )
        try:
            doubtful, count = candidates(guarded=candidates_sqlite.guard_first(self.conn))
        except sqlite3.OperationalError as exc:
            if BLOB_REFUSED not in str(exc):
                raise
            doubtful, count = candidates(guarded=True)
        names = (*ordered, "_event", "_objects")
        check = self.digest_check(table, fields, key, id_key, id_field)
        for row_id in doubtful:
            for row in self.conn.execute(
                _with_entry(
                    ", ".join("t." + field for field in ordered),
                    table,
                    f"{where} AND t.{id_field} = ?",
                ),
                (row_id,),
            ).fetchall():
                self.check_row(dict(zip(names, row, strict=True)), events, label, check)
        return count

    def _row_candidates(
        self,
        table: str,
        events: tuple[str, ...],
        ordered: tuple[str, ...],
        key: str,
        id_key: str,
        id_field: str,
        where: str,
        entries: EntryObjects | None,
        *,
        guarded: bool,
    ) -> tuple[dict[Any, None], int]:
        """digest_rows' fast pass: the ids of the rows it could not accept, the rows."""
        engine = _engine(self.conn)
        if engine is None:
            return self._row_candidates_by_client(
                table, events, ordered, key, id_key, id_field, where, entries
            )
        text_sql = engine.row_text(table, ordered, guarded)
        cursor = self.conn.execute(
            _with_entry(f"{text_sql}, t.{id_field}", table, where)
            if entries is None
            else _with_seq(f"{text_sql}, t.{id_field}", table, where)
        )
        loads, sha256, ascii_text = parsed_objects, _sha256, candidates.ascii_text
        at_id, at_key = (_kept_at(id_key), _kept_at(key)) if entries is not None else (0, 0)
        count, doubtful = 0, dict[Any, None]()
        for batch in _batches(cursor, _batch_size(self.conn)):
            for text, row_id, entry, objects_text in batch:
                count += 1
                if entries is not None:  # the entry's event and objects, read already
                    kept = entries.get(entry, _NO_ENTRY)
                    event, named, recorded = kept[0], kept[at_id], kept[at_key]
                else:
                    event, named, recorded = entry, None, None
                    if event in events:
                        objects = loads(objects_text)
                        if type(objects) is dict:
                            named, recorded = objects.get(id_key), objects.get(key)
                # Only an integer id and a string digest are taken from orjson's
                # reading (fast_json: it reads those as json.loads does).
                if (
                    event in events
                    and text is not None
                    and type(named) is int
                    and named == row_id
                    and sha256(
                        text if text.isascii() and b"\x7f" not in text else ascii_text(text) or b""
                    ).hexdigest()
                    == recorded
                ):
                    continue
                doubtful[row_id] = None
        return doubtful, count

    def decision_checker(self) -> Callable[[dict[str, Any], dict[str, Any]], str | None]:
        """Checks a decision row (joined with its person, detainer and answers)."""

        def check(row: dict[str, Any], objects: dict[str, Any]) -> str | None:
            if objects.get("record") != row["id"]:
                return "is not the record this entry wrote"
            person = {field: row[key] for field, key in _PERSON_KEYS}
            detainer = {field: row[key] for field, key in _DETAINER_KEYS}
            answers = row["_answers"]
            # The writer stores texts only: a field or value of another type (a blob in
            # SQLite, NULL without the constraint) is an altered answer, and could not
            # be sorted with the others.
            if any(type(field) is not str or type(value) is not str for field, value in answers):
                return "rests on answers that were altered"
            digest = record_sha256(row, person, detainer, answers)
            if digest == objects.get("record_sha256") == row["record_sha256"]:
                return None
            # Something changed: say what, from the digests of each part.
            if row_digest("people", person) != objects.get("person_sha256"):
                return f"rests on person {row['person_id']}, whose row was altered"
            if row_digest("detainers", detainer) != objects.get("detainer_sha256"):
                return f"rests on detainer row {row['detainer_id']}, which was altered"
            if answers_digest(row["id"], answers) != objects.get("answers_sha256"):
                return "rests on answers that were altered"
            return "was altered: its stored values no longer match the recorded SHA-256"

        return check

    def digest_check(
        self, table: str, fields: tuple[str, ...], key: str, id_key: str, id_field: str
    ) -> Callable[[dict[str, Any], dict[str, Any]], str | None]:
        def check(row: dict[str, Any], objects: dict[str, Any]) -> str | None:
            if objects.get(id_key) != row[id_field]:
                return "is not the row this entry wrote"
            if row_digest(table, {field: row[field] for field in fields}) != objects.get(key):
                return "was altered: it no longer matches the recorded SHA-256"
            return None

        return check

    def missing(self, table: str) -> None:
        """Name the audit entries whose row in ``table`` is gone."""
        events, key, column = _RECORDED[table]
        marks = ", ".join("?" * len(events))
        limit = "" if self.upto is None else f" AND seq <= {int(self.upto)}"
        # json_valid first: a tampered entry may hold anything, and must not stop the check.
        wanted_id = f"CASE WHEN json_valid(objects) THEN json_extract(objects, '$.{key}') END"
        for seq, event, wanted in self.conn.execute(
            f"SELECT seq, event, {wanted_id} FROM audit_log "
            f"WHERE event IN ({marks}) AND {wanted_id} IS NOT NULL{limit} "
            f"AND {wanted_id} NOT IN (SELECT {column} FROM {table})",
            events,
        ):
            self.problem(
                seq,
                f"audit entry {seq} ({event}) recorded {table} row {key} {wanted}, which is "
                "missing: it was deleted behind TrustDesk's back",
            )

    def counts(self, rows: dict[str, int]) -> None:
        for event, table in (
            ("decision.created", "decisions"),
            ("hold.opened", "holds"),
            ("decision.reviewed", "reviews"),
            ("hold.closed", "hold_closures"),
        ):
            expected = self.events[event] + (
                self.events["decision.amended"] if event == "decision.created" else 0
            )
            if rows[table] != expected:
                self.missing(table)
                self.problem(
                    None,
                    f"table {table} holds {rows[table]} rows but the audit chain recorded "
                    f"{expected}: rows were deleted or inserted behind TrustDesk's back",
                )

    def unfiled_rows(self) -> None:
        """The evidence rows filed at no position of the chain: ``audit_seq`` NULL, zero
        or below. The rows passes read the positions of their spans, ``(after, upto]``
        from 0 on, and the rows past the head; a row filed below them would be neither
        checked nor counted, yet read by the desk (a closure closing a hold, a later
        version replacing a decision). Two index lookups a table: with ``OR`` (or an
        ``ORDER BY``) SQLite read the whole index, or the table."""
        for table, key in _FILED:
            for row_id, seq in self.conn.execute(
                f"SELECT {key}, audit_seq FROM {table} WHERE audit_seq IS NULL UNION ALL "
                f"SELECT {key}, audit_seq FROM {table} WHERE audit_seq <= 0 LIMIT 20"
            ).fetchall():
                self.problem(
                    None,
                    f"{table} row {row_id} is filed at audit position {seq!r}, where the "
                    "chain has no entry: it was inserted behind TrustDesk's back",
                )

    def server_catalog(self) -> None:
        """On a server, the catalog around the evidence as TrustDesk made it: no row
        security, rule, view or foreign function that could change what verification
        reads, every table's key, the report columns computed (decision 0060), its own
        functions and triggers as made (0063). On SQLite, the triggers (0063)."""
        if _engine(self.conn) is not None:
            from trustdesk.store.sqlite_catalog import trigger_problems

            for text in trigger_problems(self.conn):
                self.problem(None, text)
            return
        from trustdesk.store.postgresql import catalog_check

        for text in catalog_check.problems(self.conn):
            self.problem(None, text)

    def agency_profile(self) -> None:
        """The agency's profile against the digest its last change recorded
        (``settings.changed``): memo headers, the sign-in page and every time the desk
        shows in the agency's zone come from it."""
        from trustdesk.store.agency import SETTINGS_CHANGED, profile_sha256, read_profile

        recorded: tuple[int, object] | None = None
        for entry in audit.entries_for(self.conn, SETTINGS_CHANGED):
            objects = entry.objects_dict()
            if objects.get("setting") == "agency":
                recorded = (entry.seq, objects.get("profile_sha256"))
        profile = read_profile(self.conn)
        if recorded is None:
            if profile is not None:
                self.problem(
                    None,
                    "the agency profile has no audit entry: it was written behind TrustDesk's back",
                )
            return
        seq, digest = recorded
        if profile is None:
            self.problem(seq, f"the agency profile recorded in audit entry {seq} is missing")
        elif profile_sha256(profile) != digest:
            self.problem(
                seq,
                f"the agency profile differs from its last audit entry {seq}: it was changed "
                "behind TrustDesk's back",
            )

    def memo_history(self) -> None:
        """The history of the memo header and the signers' names (schema 15,
        store/memo_history.py) against the digests their entries recorded: one row per
        change, nothing per decision."""
        from trustdesk.store import memo_history

        for seq, text in memo_history.problems(self.conn, self.upto):
            self.problem(seq, text)

    def store_identity(self) -> None:
        """``meta``'s store id against the one the chain recorded (``store.created`` or
        ``store.identity``): a backup names its store by meta's, and a restore or a
        ``store migrate`` trusts it."""
        from trustdesk.store.identity import chained_store_id, meta_store_id

        chained = chained_store_id(self.conn)
        if chained is not None and meta_store_id(self.conn) != chained:
            self.problem(
                None,
                f"the store id in meta is not the one the audit chain recorded ({chained}): "
                "it was changed behind TrustDesk's back",
            )

    def unused_people(self) -> None:
        """People rows no decision and no contact rests on. Each decision's digest covers
        the person it rests on, but a row added beside them would be read by the person's
        history and offered by the contact log under its booking number; TrustDesk
        writes a person only with the record that rests on it. One index probe a row."""
        for (person,) in self.conn.execute(
            "SELECT p.id FROM people p "
            "WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.person_id = p.id) "
            "AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.person_id = p.id) LIMIT 20"
        ).fetchall():
            self.problem(
                None,
                f"person row {person} is rested on by no decision and no contact: it was "
                "added behind TrustDesk's back",
            )

    def open_holds(self) -> None:
        # ``+h.decision_id``: the holds drive the join (few are open; each finds its
        # decision's versions by index). Without it SQLite read all of decisions' wide
        # rows and looked each one's hold up: 3.5 s against 0.2 s for 1,000,000
        # decisions (decision 0049). The unary plus changes no value, on either backend.
        due = release_due_sql("sqlite" if _engine(self.conn) else "postgresql", "l")
        expected_open = set(
            self.conn.execute(
                f"""SELECT h.id, h.decision_id, l.id, {due}
                   FROM holds h
                   JOIN decisions l ON l.decision_id = +h.decision_id
                   WHERE NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = l.id)
                     AND NOT EXISTS (SELECT 1 FROM hold_closures c WHERE c.hold_id = h.id)"""
            )
        )
        listed = self.conn.execute(
            "SELECT hold_id, decision_id, record_id, release_due_at FROM open_holds"
        ).fetchall()
        actual_open = set(listed)
        # A row listed twice (the desk would show the hold twice) is a difference too.
        if expected_open != actual_open or len(listed) != len(actual_open):
            self.problem(None, "the list of open holds does not match the holds and closures")

    def review_inputs(self) -> tuple[int, set[Any], set[Any]]:
        """What ``review_queue`` reads besides the flagged rows: the decision rows, the
        records amended, the records reviewed and their results. Read apart, so that a
        split verification reads them while a helper is still checking rows."""
        count = scalar(self.conn, "SELECT count(*) FROM decisions")
        amended = {row[0] for row in self.conn.execute(_AMENDED)}
        reviewed: set[Any] = set()
        for record, result in self.conn.execute(_REVIEWED):
            reviewed.update((record, result))
        return count, amended, reviewed

    def review_queue(
        self,
        flagged: list[tuple[Any, Any]] | None,
        covered: int | None,
        inputs: tuple[int, set[Any], set[Any]] | None = None,
    ) -> None:
        """pending_reviews against the decisions awaiting review.

        ``flagged``: (id, decision_id) of the decision rows whose review_required = 1,
        as the decision rows' pass found them, over ``covered`` rows; when those are all
        of the table's rows, PENDING_REVIEWS_QUERY's answer is computed from them (its
        scan of every wide decision row cost 1.7 s per 1,000,000, decision 0049): the
        same comparisons (SQLite's ``=`` between integers, and Python's, agree; other
        types equal nothing in either; PostgreSQL's column is an integer held to 0 or 1,
        whose scan cost the server 1.4 s per 1,000,000, decision 0057). Otherwise (rows
        no span holds, which only tampering makes) the query itself. ``inputs``:
        ``review_inputs``, read already in the same snapshot (decision 0075).
        """
        expected_pending: set[tuple[Any, Any]]
        count, amended, reviewed = inputs if inputs is not None else (None, set(), set())
        if flagged is not None and covered is not None and inputs is None:
            count, amended, reviewed = self.review_inputs()
        if flagged is not None and covered is not None and covered == count:
            expected_pending = {
                (record, decision)
                for record, decision in flagged
                if record not in amended and record not in reviewed
            }
        else:
            expected_pending = set(self.conn.execute(PENDING_REVIEWS_QUERY))
        listed = self.conn.execute("SELECT record_id, decision_id FROM pending_reviews").fetchall()
        actual_pending = set(listed)
        if expected_pending != actual_pending or len(listed) != len(actual_pending):
            self.problem(None, "the review queue does not match the decisions and reviews")

    def member_tables(
        self, matched: int | None = None, unused: list[int] | None = None
    ) -> list[Problem]:
        """SQLite's copy of what reports read of each document (schema 12): each
        decision's row is checked with the decision rows; here the rest (a table
        missing, rows of no decision, lists of none). The server computes its own
        (schema 11). Returned, not recorded: verify reports them after the review
        queue's (decision 0052). ``matched``: how many decision rows the rows passes
        found with a member row (``members_matched``, summed over the parts). Each
        such row is a different member row (keyed by its record), so when the table
        holds no more rows than that, no row can be of no decision, and the search
        for such rows (a lookup in the wide decisions table for each member row, 1.2 s
        per 1,000,000) is left out (decision 0055). ``unused``: ``unused_lists``, read
        while a helper was still checking rows (decision 0056)."""
        if _engine(self.conn) is None:
            return []
        found = report_members.table_problems(self.conn, matched, unused)
        return [Problem(seq, text) for seq, text in found]

    def unused_lists(self) -> list[int] | None:
        """``report_members.unused_lists`` on SQLite (None elsewhere), for
        ``member_tables``: a scan of every member row that needs nothing from the rows'
        passes, so verify reads it while a helper may still be checking rows."""
        return None if _engine(self.conn) is None else report_members.unused_lists(self.conn)

    @staticmethod
    def search_index(index_conn: sqlite3.Connection | None) -> list[Problem]:
        """The name index's own check (needs a writable connection); returned as
        ``member_tables``'s."""
        damage = None if index_conn is None else search_index_problem(index_conn)
        return [] if damage is None else [damage]

    def accounts(self) -> None:
        state: dict[int, tuple[int, dict[str, Any]]] = {}
        for event in ACCOUNT_EVENTS:
            for entry in audit.entries_for(self.conn, event):
                objects = entry.objects_dict()
                user = objects.get("user")
                if isinstance(user, int) and (user not in state or state[user][0] < entry.seq):
                    state[user] = (entry.seq, objects)
        for row in dict_rows(
            self.conn,
            "SELECT id, username, role, active, password_hash, full_name, badge FROM users",
        ):
            found = state.pop(row["id"], None)
            if found is None:
                self.problem(None, f"user {row['username']!r} has no audit entry creating it")
                continue
            seq, objects = found
            changed = account_differences(row, objects)
            if changed:
                self.problem(
                    seq,
                    f"user {row['username']!r} differs from its last audit entry {seq} in "
                    f"{', '.join(changed)}: the account was changed behind TrustDesk's back",
                )
        for user, (seq, _objects) in state.items():
            self.problem(seq, f"user {user} recorded in audit entry {seq} is missing")

    def lock_out_state(self) -> None:
        """Each account's lock-out state replayed from the chain: ``locked_at`` (the last
        ``account.locked`` not followed by an unlock or a recovery), ``unlocked_at`` (the
        last of those), ``last_logon_at`` (the last successful sign-in) and the failed
        sign-ins kept in ``login_failures`` (one per failure entry that counted one).
        Sign-in reads them all: a lock lifted, or failures before a time set in the
        future no longer counted, would let anyone guess passwords without end."""
        changes = sorted(
            (entry.seq, entry.objects_dict().get("user"), entry.event, entry.at)
            for event in LOCK_EVENTS
            for entry in audit.entries_for(self.conn, event)
        )
        locked, unlocked = replay_lock_state(change[1:] for change in changes)
        logon: dict[Any, str] = {}
        failures: Counter[tuple[Any, str]] = Counter()
        for entry in audit.entries_for(self.conn, "logon"):
            objects = entry.objects_dict()
            if type(objects.get("user")) is not int:
                continue  # an unknown name: nothing is kept for it
            if entry.outcome == "success":
                logon[objects["user"]] = entry.at
            elif "recent_failures" in objects:  # a failure counted towards the lock-out
                failures[(objects["user"], entry.at)] += 1
        for user, name, *state in self.conn.execute(
            "SELECT id, username, locked_at, unlocked_at, last_logon_at FROM users"
        ).fetchall():
            expected = (locked.get(user), unlocked.get(user), logon.get(user))
            differs = [
                field
                for field, found, wanted in zip(
                    ("locked_at", "unlocked_at", "last_logon_at"), state, expected, strict=True
                )
                if found != wanted
            ]
            if differs:
                self.problem(
                    None,
                    f"user {name!r}'s lock-out state ({', '.join(differs)}) is not what the "
                    "audit chain recorded: it was changed behind TrustDesk's back",
                )
        kept = Counter(
            (user, at)
            for user, at in self.conn.execute("SELECT user_id, at FROM login_failures").fetchall()
        )
        if kept != failures:
            users = sorted({str(user) for user, _at in (kept - failures) + (failures - kept)})
            self.problem(
                None,
                f"the failed sign-ins kept for user {', '.join(users)} are not those the audit "
                "chain recorded: they were changed behind TrustDesk's back",
            )

    def decision_rows(
        self, span: tuple[int, int | None] | None = None, entries: EntryObjects | None = None
    ) -> int:
        """Every decision record against the entry that wrote it (``rows``' checks).

        The one table with a million rows and more, so its loop is written for speed:
        the database writes the record's text around its two documents (``candidates``),
        here only the documents' and the text's digests are taken (the same bytes as
        record_sha256). A row that does not pass at once is checked again the general
        way (``check_row`` with ``decision_checker``), which says what is wrong: the
        fast path can only accept a row the general check accepts too. ``span`` (after,
        upto) replaces the checker's own positions, for a verification split between
        processes; ``entries``: as digest_rows'.
        """
        after, upto = span if span is not None else (self.after, self.upto)
        where = f" WHERE t.audit_seq > {int(after)}"
        if upto is not None:
            where += f" AND t.audit_seq <= {int(upto)}"
        mark = len(self.flagged) if self.flagged is not None else 0
        guarded, members_guarded = candidates_sqlite.guard_first(self.conn), False
        while True:
            try:
                doubtful, members, count, matched = self._decision_candidates(
                    where, entries, guarded=guarded, members_guarded=members_guarded
                )
                break
            except sqlite3.OperationalError as exc:
                if BLOB_REFUSED in str(exc) and not guarded:
                    guarded = True
                elif report_members.QuickCheck.MALFORMED in str(exc) and not members_guarded:
                    members_guarded = True
                else:
                    raise
                if self.flagged is not None:
                    del self.flagged[mark:]
        self.members_matched += matched
        for record in doubtful:
            self.general_decision_row(record)
        if members:
            for seq, text in report_members.problems_of(self.conn, members):
                self.problem(seq, text)
        return count

    def _row_candidates_by_client(
        self,
        table: str,
        events: tuple[str, ...],
        ordered: tuple[str, ...],
        key: str,
        id_key: str,
        id_field: str,
        where: str,
        entries: EntryObjects | None,
    ) -> tuple[dict[Any, None], int]:
        """_row_candidates on PostgreSQL: the rows' texts written here by orjson
        (``row_hashing.row_digest_fast_of``, decision 0032)."""
        columns = ", ".join("t." + field for field in ordered)
        cursor = self.conn.execute(
            _with_entry(columns, table, where)
            if entries is None
            else _with_seq(columns, table, where)
        )
        floats = _may_give_floats(cursor)
        digest, loads = row_digest_fast_of(table, ordered, floats=floats), parsed_objects
        id_at, end = ordered.index(id_field), len(ordered)
        at_id, at_key = (_kept_at(id_key), _kept_at(key)) if entries is not None else (0, 0)
        get_kept = (entries or {}).get
        count, doubtful = 0, dict[Any, None]()
        for batch in _batches(cursor, _batch_size(self.conn)):
            for row in batch:
                count += 1
                if entries is not None:  # the entry's event and objects, read already
                    kept = get_kept(row[-2], _NO_ENTRY)
                    if (
                        kept[0] in events
                        and type(named := kept[at_id]) is int
                        and named == row[id_at]
                        and digest(row[:end]) == kept[at_key]
                    ):
                        continue
                elif row[-2] in events:
                    objects = loads(row[-1])
                    if (
                        type(objects) is dict
                        and type(named := objects.get(id_key)) is int
                        and named == row[id_at]
                        and digest(row[:end]) == objects.get(key)
                    ):
                        continue
                doubtful[row[id_at]] = None
        return doubtful, count

    def _decision_candidates(
        self,
        where: str,
        entries: EntryObjects | None,
        *,
        guarded: bool,
        members_guarded: bool,
    ) -> tuple[list[Any], list[int], int, int]:
        """decision_rows' fast pass: the records it could not accept, those whose report
        members (SQLite's ``report_members``, schema 12) it could not accept, the rows,
        and how many of them have a member row. The members are checked here, in the
        pass that reads every document anyway: in a pass of their own, reading the
        documents again cost twice what comparing them did (docs/decisions/0048)."""
        engine = _engine(self.conn)
        if engine is None:
            doubtful, count = self._decision_candidates_by_client(where, entries)
            return doubtful, [], count, 0
        cursor, lists = self._decision_statement(
            engine, where, entries, guarded=guarded, members_guarded=members_guarded
        )
        events = frozenset(DECISION_EVENTS)
        loads, sha256, ascii_text = parsed_objects, _sha256, candidates.ascii_text
        whole_text, members_digest = engine.record_text, report_members.Digests(lists or {})
        count, matched, doubtful, members_doubtful, flagged = 0, 0, [], [], self.flagged
        assert flagged is not None
        # The columns after the texts (_FLAG_AT), as locals: this loop runs per decision.
        quick_at, flag_at, decision_at = _FLAG_AT - 1, _FLAG_AT, _FLAG_AT + 1
        bound_at, list_at, members_at = _FLAG_AT + 2, _FLAG_AT + 3, _MEMBERS_AT
        no_entry, get_kept = _NO_ENTRY, (entries or {}).get
        for batch in _batches(cursor, _batch_size(self.conn)):
            for row in batch:
                count += 1
                if row[bound_at] is not None:  # the member row's text: it exists
                    matched += 1
                if row[flag_at] == 1:  # review_required = 1, for review_queue
                    flagged.append((row[1], row[decision_at]))
                stored, record, event = row[0], row[1], row[2]
                named = recorded = bound_digest = None
                if entries is not None:  # the entry's event and objects, read already
                    kept = get_kept(event, no_entry)
                    event, named, recorded = kept[0], kept[1], kept[2]
                    bound_digest = kept[members_at]
                elif event in events:
                    objects = loads(row[3])
                    if type(objects) is dict:
                        named, recorded = objects.get("record"), objects.get("record_sha256")
                        bound_digest = objects.get("members_sha256")
                if not (type(named) is int and named == record):
                    bound_digest = None  # an entry of another row binds nothing here
                if lists is not None and not (
                    row[quick_at] == 1
                    if bound_digest is None
                    else members_digest(row[bound_at], row[list_at]) == bound_digest
                ):
                    members_doubtful.append(record)
                if event in events and type(named) is int and named == record:
                    try:
                        whole = whole_text(row)
                    except RECORD_TEXT_ERRORS:  # a part missing (NULL) or unreadable
                        whole = b""
                    if not (whole.isascii() and b"\x7f" not in whole):
                        whole = ascii_text(whole) or b""
                    if sha256(whole).hexdigest() == recorded == stored:
                        continue
                doubtful.append(record)
        return doubtful, members_doubtful, count, matched

    def _decision_statement(
        self,
        engine: _Engine,
        where: str,
        entries: EntryObjects | None,
        *,
        guarded: bool,
        members_guarded: bool,
    ) -> tuple[Any, dict[Any, bytes] | None]:
        """The fast pass's statement on SQLite (its columns as the pass reads them:
        ``_FLAG_AT``), and the outcome lists' texts (None: no report tables)."""
        members, bound, joins, lists = "NULL", "NULL, NULL", "", None
        if report_members.has_tables(self.conn):
            quick = report_members.QuickCheck(self.conn)
            joins, lists = quick.joins("t"), report_members.list_texts(self.conn)
            bound = f"CASE WHEN rm.record_id IS NOT NULL THEN {report_members.BOUND_TEXT} END"
            bound += ", rm.outcomes_list"
            # The document is parsed only for the rows whose entry binds no member row
            # (decisions stored before their entries did, decision 0052).
            unbound = _unbound(entries)
            if unbound != "0":
                members = quick.column("t", guarded=members_guarded)
                members = f"CASE WHEN {unbound} THEN {members} END"
        entry, log = (
            ("a.event, a.objects", " LEFT JOIN audit_log a ON a.seq = t.audit_seq")
            if entries is None
            else ("t.audit_seq, NULL", "")
        )
        keeps_json = candidates_sqlite.subquery_keeps_json(self.conn)
        cursor = self.conn.execute(
            f"SELECT t.record_sha256, t.id, {entry}, "
            f"{', '.join(engine.record_texts(guarded, keeps_json)[1])}, {members}, "
            f"t.review_required = 1, t.decision_id, {bound} "
            f"FROM decisions t{log}{_JOINS['decisions']}{joins}{where} ORDER BY t.audit_seq"
        )
        return cursor, lists

    def _decision_candidates_by_client(
        self, where: str, entries: EntryObjects | None
    ) -> tuple[list[Any], int]:
        """_decision_candidates on PostgreSQL: the server sends the columns and its
        digests of the documents, the record's text is written here by orjson
        (``row_hashing.record_digest_fast``, decision 0032). ``entries``: as
        ``digest_rows``'; then the statement does not join the log (decision 0057)."""
        log, entry = " LEFT JOIN audit_log a ON a.seq = t.audit_seq", ("a.event", "a.objects")
        if entries is not None:
            log, entry = "", ("t.audit_seq", "NULL")
        columns = _decision_columns(candidates_pg.ANSWERS, candidates_pg.DOCUMENTS, entry)
        cursor = self.conn.execute(
            f"SELECT {columns} FROM decisions t{log}{_JOINS['decisions']}"
            f"{where} ORDER BY t.audit_seq"
        )
        events, floats = DECISION_EVENTS, _may_give_floats(cursor)
        loads, digest = parsed_objects, record_digest_fast
        record_end = len(RECORD_COLUMNS)
        person_end = record_end + 3 + len(PERSON_COLUMNS)
        detainer_end = person_end + len(DETAINER_COLUMNS)
        id_at, sha_at = RECORD_COLUMNS.index("id"), record_end + 2
        review_at, decision_at = _REVIEW_AT, _DECISION_AT
        at_record, at_digest = _kept_at("record"), _kept_at("record_sha256")
        get_kept = (entries or {}).get
        count, doubtful, flagged = 0, [], self.flagged
        assert flagged is not None
        for batch in _batches(cursor, _batch_size(self.conn)):
            for row in batch:
                count += 1
                # review_required = 1 (an integer column held to 0 or 1), for review_queue.
                if row[review_at] == 1:
                    flagged.append((row[id_at], row[decision_at]))
                if entries is not None:  # the entry's event and objects, read already
                    kept = get_kept(row[-2], _NO_ENTRY)
                    event, named, recorded = kept[0], kept[at_record], kept[at_digest]
                else:
                    event, named, recorded = row[-2], None, None
                    if event in events:
                        objects = loads(row[-1])
                        if type(objects) is dict:
                            named, recorded = objects.get("record"), objects.get("record_sha256")
                if event in events and type(named) is int and named == row[id_at]:
                    found = digest(
                        row[:record_end],
                        row[record_end],
                        row[record_end + 1],
                        row[sha_at + 1 : person_end],
                        row[person_end:detainer_end],
                        row[-3],
                        floats=floats,
                    )
                    if found == recorded == row[sha_at]:
                        continue
                doubtful.append(row[id_at])
        return doubtful, count

    def general_decision_row(self, record: Any) -> None:
        """One decision record checked the general way (``check_row`` with
        ``decision_checker``), which says what is wrong with it."""
        for row in self.conn.execute(
            f"SELECT {_FAST_DECISION_COLUMNS} FROM decisions t "
            f"LEFT JOIN audit_log a ON a.seq = t.audit_seq{_JOINS['decisions']} "
            "WHERE t.id = ?",
            (record,),
        ).fetchall():
            found = dict(zip(_FAST_NAMES, row, strict=True))
            # The answers as rows, each value as stored: read as one joined text, a
            # field holding the separators read as several answers (and a blob as the
            # text of its bytes).
            found["_answers"] = self.conn.execute(
                "SELECT field, value FROM decision_answers WHERE record_id = ?", (record,)
            ).fetchall()
            self.check_row(found, DECISION_EVENTS, _decision_label, self.decision_checker())


#: The evidence tables filed by audit position (``audit_seq``), with their rows' keys.
_FILED = (
    ("decisions", "id"),
    ("holds", "id"),
    ("reviews", "id"),
    ("hold_closures", "hold_id"),
    ("contacts", "id"),
    ("contact_reviews", "id"),
)
_MEMBERS_AT = _kept_at("members_sha256")
#: Where a decision's review flag and decision id are in ``_decision_columns``' row.
_REVIEW_AT = RECORD_COLUMNS.index("review_required")
_DECISION_AT = RECORD_COLUMNS.index("decision_id")


def _unbound(entries: EntryObjects | None) -> str:
    """Which decision rows ``t`` of a pass may have an entry that binds no member row
    (``members_sha256``), as SQL: where the entries were kept (``entries``), those up
    to the last such entry ("0": none); else those whose entry does not name the key. A
    row outside it whose entry binds none after all (only tampering makes one) gets no
    quick check and is checked exactly, so this only saves parsing documents."""
    if entries is None:
        return "ifnull(instr(a.objects, '\"members_sha256\"'), 0) = 0"
    events = frozenset(DECISION_EVENTS)
    last = max(
        (seq for seq, kept in entries.items() if kept[0] in events and kept[_MEMBERS_AT] is None),
        default=None,
    )
    return "0" if last is None else f"t.audit_seq <= {int(last)}"


_AMENDED = "SELECT amends FROM decisions WHERE amends IS NOT NULL"
_REVIEWED = "SELECT record_id, result_record_id FROM reviews"


def _decision_label(row: dict[str, Any]) -> str:
    return f"decision {row['decision_id']} version {row['version']} (record {row['id']})"


@dataclass(frozen=True, slots=True)
class _Engine:
    """A backend's SQL for the candidate texts (``candidates_sqlite``; PostgreSQL has
    none, decision 0040), and what makes a decision's whole text of its row."""

    entry_text: Callable[[bool], str]
    row_text: Callable[[str, tuple[str, ...], bool], str]
    record_texts: Callable[[bool, bool], tuple[bytes, list[str]]]
    #: The decision's text from its row (its columns from the fifth on, as
    #: ``record_texts`` wrote them); an error in ``RECORD_TEXT_ERRORS`` where a part is
    #: missing or cannot be read.
    record_text: Callable[[Any], bytes]


_sha256 = hashlib.sha256
_quote = json.encoder.encode_basestring_ascii  # canonical_json's string encoder
#: What ``_Engine.record_text`` raises for a row whose text cannot be written (only a
#: tampered file has one): a part or document NULL, a name NULL or not UTF-8.
RECORD_TEXT_ERRORS = (TypeError, AttributeError, UnicodeDecodeError)


def _record_template() -> bytes:
    """``record_texts``' template, the documents' digests written as the JSON strings
    record_sha256 makes of them."""
    template, _columns = candidates_sqlite.record_texts(
        RECORD_COLUMNS, PERSON_COLUMNS, DETAINER_COLUMNS, False
    )
    for key in (b'"case_json_sha256":', b'"decision_json_sha256":'):
        if template.count(key + b"%s") != 1:
            raise ValueError("a decision's text is laid out otherwise")
        template = template.replace(key + b"%s", key + b'"%s"')
    return template


_RECORD_TEMPLATE = _record_template()


def _sqlite_record_text(row: Any) -> bytes:
    # SQLite hands over the text's groups of keys as json_object texts (their braces
    # dropped here), the documents' UTF-8 and the person's name between them
    # (candidates_sqlite.record_texts, RECORD_COLUMN_KINDS): the documents are hashed
    # into the digests record_sha256 puts in their places, the name is written as
    # canonical_json writes it. A part or a document missing (NULL) raises TypeError,
    # a name that is no text (NULL) AttributeError, one that is not UTF-8
    # UnicodeDecodeError: the caller takes all three as a text no digest matches.
    return _RECORD_TEMPLATE % (
        row[4][1:-1],
        _sha256(row[5]).hexdigest().encode("ascii"),
        row[6][1:-1],
        _sha256(row[7]).hexdigest().encode("ascii"),
        row[8][1:-1],
        row[9][1:-1],
        _quote(row[10].decode("utf-8")).encode("ascii"),
        row[11][1:-1],
        row[12][1:-1],
    )


#: Where a decision row's review flag is in ``_decision_candidates``' statement: after
#: its four leading columns, ``record_texts``' nine and the report member's quick check.
_FLAG_AT = 4 + len(candidates_sqlite.RECORD_COLUMN_KINDS) + 1


_ENGINES = {
    "sqlite": _Engine(
        candidates_sqlite.entry_text,
        candidates_sqlite.row_text,
        lambda guarded, keeps_json: candidates_sqlite.record_texts(
            RECORD_COLUMNS, PERSON_COLUMNS, DETAINER_COLUMNS, guarded, keeps_json
        ),
        _sqlite_record_text,
    ),
    # The faster reader (fast_reader.FastReader): its statements guarded row by row
    # (candidates_sqlite.by_row); any error sends its span to the standard reader.
    "apsw": _Engine(
        lambda guarded: candidates_sqlite.entry_text(guarded, whole_rows=True),
        lambda table, columns, guarded: candidates_sqlite.row_text(
            table, columns, guarded, whole_rows=True
        ),
        lambda guarded, keeps_json: candidates_sqlite.record_texts(
            RECORD_COLUMNS, PERSON_COLUMNS, DETAINER_COLUMNS, guarded, keeps_json, True
        ),
        _sqlite_record_text,
    ),
}


def _engine(conn: Any) -> _Engine | None:
    """The backend's candidate texts; None on PostgreSQL, where the client writes them
    (decision 0032): the server writing them was measured to cost more CPU in all than
    the client saved (decision 0040)."""
    # A reader that reports progress wraps the connection (store/stoppable.py).
    inner = getattr(conn, "wrapped", conn)
    if isinstance(inner, FastReader):
        return _ENGINES["apsw"]
    return _ENGINES["sqlite"] if isinstance(inner, sqlite3.Connection) else None


#: Rows per batch of a statement's rows. A server's cursor fetches the next batch while
#: this one is checked, and each batch is a round trip: large batches (``PgCursor.batches``).
_FETCH = 2_000
#: On SQLite, small batches: the rows are made as they are fetched, and 2,000 decision
#: rows (about 14 MB with their documents) had left the processor's caches when Python
#: read them back to hash them; 64 at a time took 8 % less CPU per span (decision 0056).
_FETCH_LOCAL = 64


#: PostgreSQL's types (OIDs) whose values psycopg gives as an int, a str or None, never
#: a float: bigint, smallint, integer, text, varchar.
_NO_FLOAT_TYPES = frozenset({20, 21, 23, 25, 1043})


def _may_give_floats(cursor: Any) -> bool:
    """Whether a statement's rows may hold a float, which orjson may write otherwise
    than canonical_json (the fast texts' float guard, ``fast_json.ascii_json``): on
    SQLite always (its columns hold any type); on the server unless every column is an
    integer or text type (decision 0057)."""
    description = cursor.description
    return description is None or any(
        getattr(column, "type_code", None) not in _NO_FLOAT_TYPES for column in description
    )


def _batch_size(conn: Any) -> int:
    """How many rows a batch of a statement of ``conn`` holds (``_batches``)."""
    return _FETCH_LOCAL if _engine(conn) is not None else _FETCH


def _batches(cursor: Any, size: int) -> Iterator[list[Any]]:
    """A streaming read's rows in batches of ``size`` (``_batch_size``); a server's
    cursor fetches the next batch while this one is checked (``PgCursor.batches``)."""
    ahead = getattr(cursor, "batches", None)
    if ahead is not None:
        yield from ahead(size)
        return
    while batch := cursor.fetchmany(size):
        yield batch


#: The general check's columns of a decision: the record's, its two documents, its
#: stored digest, its person's and detainer's, its answers (NULL: read apart, as rows),
#: its entry's.
_FAST_NAMES = (
    *RECORD_COLUMNS,
    "case_json",
    "decision_json",
    "record_sha256",
    *(f"_p_{field}" for field in PERSON_COLUMNS),
    *(f"_t_{field}" for field in DETAINER_COLUMNS),
    "_answers",
    "_event",
    "_objects",
)


def _decision_columns(
    answers: str,
    documents: tuple[str, ...] = ("t.case_json", "t.decision_json"),
    entry: tuple[str, str] = ("a.event", "a.objects"),
) -> str:
    """A decision's columns as the general check and the client's fast pass read them;
    ``entry``: its entry's event and objects (the log joined as ``a``), or what stands
    for them where the chain pass kept them (``_with_seq``)."""
    return ", ".join(
        [f"t.{field}" for field in RECORD_COLUMNS]
        + list(documents)
        + ["t.record_sha256"]
        + [f"p.{field}" for field in PERSON_COLUMNS]
        + [f"x.{field}" for field in DETAINER_COLUMNS]
        + [answers, *entry]
    )


#: The general check's statement's columns; its answers are read apart, as rows
#: (``general_decision_row``).
_FAST_DECISION_COLUMNS = _decision_columns("NULL")


_TRAIL_HIDES = "; the decision's audit trail would not show the entry as it is"


class DecisionLookupCheck:
    """``audit_decisions`` against the chain, walked side by side in ``seq`` order.

    Every entry whose objects name a decision (``audit.decision_named``) must have its
    row, filed under that decision; no row may point at another decision, at an entry
    naming none, or at an entry that does not exist. Costs no extra read of the log: it
    rides on the chain replay, and the table is read once, in key order.
    """

    def __init__(
        self,
        checker: Checker,
        after: int | None = None,
        upto: int | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        """The rows filed at entries in ``(after, upto]`` (None: no bound). ``quiet``:
        a table that cannot be read is reported by another part of a split check."""
        self.checker = checker
        self.pending: tuple[Any, Any] | None = None
        bounds = [] if after is None else [f"seq > {int(after)}"]
        bounds += [] if upto is None else [f"seq <= {int(upto)}"]
        limit = f" WHERE {' AND '.join(bounds)}" if bounds else ""
        try:
            cursor = checker.conn.execute(
                f"SELECT seq, decision_id FROM audit_decisions{limit} ORDER BY seq"
            )
        except sqlite3.OperationalError as exc:  # dropped or rebuilt behind our back
            self._unreadable(exc, quiet=quiet)
            return
        # On SQLite the rows come in batches: the walk takes one per chain entry, and
        # a step of the statement for each cost a tenth of the chain's pass in Python
        # (decision 0055). A server's cursor is read as it always was (its own reader
        # runs ahead of the chain's, ``PgCursor.batches``).
        self.rows: Iterator[tuple[Any, Any]] = (
            itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(_FETCH_LOCAL), []))
            if _engine(checker.conn) is not None
            else iter(cursor)
        )
        self.active = True
        self.pending = next(self.rows, None)

    def _unreadable(self, exc: sqlite3.OperationalError, *, quiet: bool) -> None:
        self.active = False
        if quiet:
            return
        self.checker.problem(
            None,
            f"the decision lookup table cannot be read ({exc}): it was removed or "
            "changed behind TrustDesk's back, and decisions' audit trails cannot be shown",
        )

    def _take_through(self, seq: int) -> list[Any]:
        """The decisions filed at ``seq``; rows before it point at no entry (reported)."""
        filed = []
        while self.pending is not None:
            row_seq, decision = self.pending
            if type(row_seq) is not int:
                self._orphan(row_seq, decision)
            elif row_seq > seq:
                break
            elif row_seq == seq:
                filed.append(decision)
            else:
                self._orphan(row_seq, decision)
            self.pending = next(self.rows, None)
        return filed

    def _orphan(self, seq: Any, decision: Any) -> None:
        self.checker.problem(
            seq if type(seq) is int else None,
            f"the decision lookup table files audit entry {seq!r} under decision "
            f"{decision!r}, but there is no such entry: rows were added behind "
            "TrustDesk's back",
        )

    def entry(self, entry: AuditEntry) -> None:
        if self.active:
            self.entry_named(entry.seq, entry.event, audit.decision_named(entry.objects))

    def entry_named(self, seq: int, event: str, expected: int | None) -> None:
        """Entry ``seq`` names decision ``expected`` (or none): is it filed so, alone?"""
        pending = self.pending
        if (
            expected is not None
            and pending is not None
            and type(pending[0]) is int
            and pending[0] == seq
            and pending[1] == expected
        ):
            # The usual case, once per entry (decision 0049): this entry's row is next.
            # It is filed here; so is any row after it at the same position or before.
            self.pending = following = next(self.rows, None)
            if following is None or (type(following[0]) is int and following[0] > seq):
                return
            filed = [pending[1], *self._take_through(seq)]
        else:
            filed = self._take_through(seq)
        self.compare(seq, event, expected, filed)

    def compare(self, seq: int, event: str, expected: int | None, filed: list[Any]) -> None:
        """Entry ``seq`` names ``expected`` and the table files it under ``filed``."""
        if filed == ([] if expected is None else [expected]):
            return
        if expected is None:
            text = (
                f"audit entry {seq} ({event}) names no decision, but the decision lookup "
                f"table files it under decision {', '.join(map(repr, filed))}: the row was "
                "added or changed behind TrustDesk's back"
            )
        elif not filed:
            text = (
                f"audit entry {seq} ({event}) of decision {expected} is missing from the "
                f"decision lookup table: the row was deleted behind TrustDesk's back"
                f"{_TRAIL_HIDES}"
            )
        else:
            text = (
                f"audit entry {seq} ({event}) of decision {expected} is filed under decision "
                f"{', '.join(map(repr, filed))} in the decision lookup table: the row was "
                f"changed behind TrustDesk's back{_TRAIL_HIDES}"
            )
        self.checker.problem(seq, text)

    def finish(self) -> None:
        """Rows after the last entry point at entries that do not exist."""
        while self.active and self.pending is not None:
            self._orphan(*self.pending)
            self.pending = next(self.rows, None)


def search_index_problem(conn: sqlite3.Connection) -> Problem | None:
    """FTS5's own check of the name index against the people table.

    FTS5 runs it as an INSERT command, so it needs a writable connection.
    """
    if scalar(conn, "SELECT value FROM meta WHERE key = 'search_index'") != "fts5-trigram":
        return None
    # FTS5 checks the index against the content table its schema names: pointed at a
    # view of some people (writable_schema) and rebuilt, it would agree and hide them.
    declared = scalar(conn, "SELECT sql FROM sqlite_master WHERE name = 'people_fts'")
    if declared != FTS_TABLE:
        return Problem(
            None,
            "the name search index is not declared as TrustDesk made it (its content is "
            "not the people table): it was changed behind TrustDesk's back",
        )
    try:
        conn.execute("INSERT INTO people_fts (people_fts, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError as exc:
        return Problem(None, f"the name search index is damaged ({exc})")
    return None


def _with_seq(columns: str, table: str, where: str) -> str:
    """``_with_entry``'s rows with their ``audit_seq`` (and a NULL) in place of their
    entry's event and objects, which the chain pass read already."""
    return f"SELECT {columns}, t.audit_seq, NULL FROM {table} t{where} ORDER BY t.audit_seq"


def _with_entry(columns: str, table: str, where: str) -> str:
    """The rows of ``table`` (as ``t``) meeting ``where``, in the chain's order: the
    ``columns`` asked for, then the event and objects of the audit entry that wrote each."""
    return (
        f"SELECT {columns}, a.event, a.objects "
        f"FROM {table} t LEFT JOIN audit_log a ON a.seq = t.audit_seq{where} ORDER BY t.audit_seq"
    )

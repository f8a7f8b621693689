"""History search: booking number, name (partial, case- and accent-insensitive), dates,
outcome, officer; and the review queue.

Names are matched on their folded form (``folding.fold``). With the FTS5 trigram index
any fragment of three or more characters is found through the index; shorter fragments,
or a database built where SQLite lacks FTS5, fall back to a scan of the folded names.
Filters on outcome, officer and dates apply to the latest version of each decision;
name and booking number match any version, so a corrected name still finds the record.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from trustdesk.store.case_records import DecisionSummary
from trustdesk.store.encoding import parse_utc, utc_text
from trustdesk.store.folding import booking_key, fold
from trustdesk.store.sql import dict_rows, scalar

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

MAX_RESULTS = 1000
TRIGRAM = 3
#: Up to this many matching people, search starts from them; beyond, it walks by date.
LOOKUP_LIMIT = 5000

_SUMMARY_SELECT = """
    SELECT d.decision_id, d.id AS record_id, d.version, d.decision_time, d.recorded_at,
           d.outcome, d.review_required, p.booking_number, p.name, u.username AS officer,
           (EXISTS (SELECT 1 FROM reviews r WHERE r.record_id = d.id)
            OR EXISTS (SELECT 1 FROM reviews r WHERE r.result_record_id = d.id)) AS reviewed
    FROM {source}
    CROSS JOIN people p ON p.id = d.person_id
    CROSS JOIN users u ON u.id = d.officer_id
"""


@dataclass(frozen=True, slots=True)
class SearchQuery:
    booking_number: str | None = None
    name: str | None = None
    decided_from: datetime | None = None
    decided_before: datetime | None = None
    outcome: str | None = None
    officer: str | None = None  # user name
    limit: int = 100


def _summary(row: dict[str, Any]) -> DecisionSummary:
    return DecisionSummary(
        decision_id=row["decision_id"],
        record_id=row["record_id"],
        version=row["version"],
        decision_time=parse_utc(row["decision_time"]),
        recorded_at=parse_utc(row["recorded_at"]),
        outcome=row["outcome"],
        booking_number=row["booking_number"],
        name=row["name"],
        officer=row["officer"],
        review_required=bool(row["review_required"]),
        reviewed=bool(row["reviewed"]),
    )


_PEOPLE = "SELECT p.id FROM people p WHERE "


def _walks_per_row(conn: sqlite3.Connection) -> bool:
    """True where the name index is PostgreSQL's trigram index (see ``search``)."""
    return bool(scalar(conn, "SELECT value FROM meta WHERE key = 'search_index'") == "pg_trgm")


def _like(fragment: str) -> str:
    escaped = fragment.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def person_filter(conn: sqlite3.Connection, query: SearchQuery) -> tuple[str, list[Any]] | None:
    """SQL selecting the ids of people matching the name/booking parts of ``query``.

    Words of three or more characters go through the trigram index; shorter words only
    filter the people it found (or, with no indexed word, scan the folded names).
    """
    conditions: list[str] = []
    params: list[Any] = []
    if query.booking_number:
        conditions.append("p.booking_key = ?")
        params.append(booking_key(query.booking_number))
    words = fold(query.name).split() if query.name else []
    if words:
        indexed = scalar(conn, "SELECT value FROM meta WHERE key = 'search_index'")
        long = [word for word in words if len(word) >= TRIGRAM]
        if long and indexed == "fts5-trigram":
            conditions.append("p.id IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ?)")
            params.append(" ".join('"' + word.replace('"', '""') + '"' for word in long))
            words = [word for word in words if len(word) < TRIGRAM]
        for word in words:
            conditions.append("p.name_folded LIKE ? ESCAPE '\\'")
            params.append(_like(word))
    if not conditions:
        return None
    if len(conditions) == 1 and conditions[0].startswith("p.id IN ("):
        return conditions[0][len("p.id IN (") : -1], params  # the index alone
    return "SELECT p.id FROM people p WHERE " + " AND ".join(conditions), params


def search(conn: sqlite3.Connection, query: SearchQuery) -> list[DecisionSummary]:
    """Latest versions matching ``query``, newest decision first.

    Phase 1 orders record ids only, through covering indexes; phase 2 reads the details
    of the few it kept. With a name or booking number, phase 1 starts from the matching
    people when they are few (``LOOKUP_LIMIT``), and otherwise walks decisions newest
    first, testing each against them, which stops as soon as ``limit`` are found.
    """
    conditions = ["NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = d.id)"]
    params: list[Any] = []
    hint = ""
    people = person_filter(conn, query)
    if people is not None:
        hint = "INDEXED BY decisions_by_time"
        sql, values = people
        found = [row[0] for row in conn.execute(f"{sql} LIMIT {LOOKUP_LIMIT + 1}", values)]
        if len(found) <= LOOKUP_LIMIT:
            hint = "INDEXED BY decisions_by_decision"
            sql, values = "SELECT value FROM json_each(?)", [json.dumps(found)]
        if len(found) > LOOKUP_LIMIT and sql.startswith(_PEOPLE) and _walks_per_row(conn):
            # PostgreSQL (pg_trgm) guesses a handful of people for any fragment and
            # builds the whole set of their decisions first (24,000 of them: 100-300 ms
            # for 1,000,000 decisions); a test per decision it cannot flatten (OFFSET 0)
            # makes it walk newest first and stop at the limit instead (~20 ms).
            conditions.append(
                "EXISTS (SELECT 1 FROM decisions v JOIN people p ON p.id = v.person_id "
                f"WHERE v.decision_id = d.decision_id AND {sql[len(_PEOPLE) :]} OFFSET 0)"
            )
        else:
            # One set of matching decisions, built once; SQLite re-runs an IN inside a
            # correlated subquery for every row, which is far slower.
            conditions.append(
                "d.decision_id IN (SELECT v.decision_id FROM decisions v "
                f"WHERE v.person_id IN ({sql}))"
            )
        params.extend(values)
    if query.decided_from is not None:
        conditions.append("d.decision_time >= ?")
        params.append(utc_text(query.decided_from))
    if query.decided_before is not None:
        conditions.append("d.decision_time < ?")
        params.append(utc_text(query.decided_before))
    if query.outcome is not None:
        conditions.append("d.outcome = ?")
        params.append(query.outcome)
    if query.officer is not None:
        conditions.append("d.officer_id = (SELECT id FROM users WHERE username = ?)")
        params.append(query.officer.strip().lower())
    limit = max(1, min(query.limit, MAX_RESULTS))
    ids = [
        row[0]
        for row in conn.execute(
            f"SELECT d.id FROM decisions d {hint} WHERE "
            + " AND ".join(conditions)
            + " ORDER BY d.decision_time DESC, d.decision_id DESC LIMIT ?",
            (*params, limit),
        )
    ]
    return _summaries(conn, ids)


def _summaries(conn: sqlite3.Connection, ids: list[int]) -> list[DecisionSummary]:
    if not ids:
        return []
    rows = {
        row["record_id"]: row
        for row in dict_rows(
            conn,
            _SUMMARY_SELECT.format(
                source="json_each(?) k CROSS JOIN decisions d ON d.id = k.value"
            ),
            (json.dumps(ids),),
        )
    }
    return [_summary(rows[record_id]) for record_id in ids]


def awaiting_review(conn: sqlite3.Connection) -> list[DecisionSummary]:
    """The review queue, oldest decision first."""
    source = "pending_reviews q CROSS JOIN decisions d ON d.id = q.record_id"
    sql = _SUMMARY_SELECT.format(source=source) + " ORDER BY d.decision_time, d.decision_id"
    return [_summary(row) for row in dict_rows(conn, sql)]


class SearchRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def decisions(self, query: SearchQuery) -> list[DecisionSummary]:
        with self._db.reading() as conn:
            return search(conn, query)

    def awaiting_review(self) -> list[DecisionSummary]:
        with self._db.reading() as conn:
            return awaiting_review(conn)

    def records(self, query: RecordQuery) -> FoundRecords:
        with self._db.reading() as conn:
            return find_records(conn, query)


# -- finding any record: decisions, holds and (once recorded) ICE contacts ---------------

#: What ``RecordQuery.outcome`` may be, and the kind of record each belongs to.
RECORD_OUTCOMES = {
    "honor": "decision",
    "decline": "decision",
    "open": "hold",
    "ice_took_custody": "hold",
    "released_at_expiry": "hold",
    "released_other": "hold",
    "allowed": "contact",
    "not_allowed": "contact",
}
RECORD_KINDS = ("decision", "hold", "contact")


@dataclass(frozen=True, slots=True)
class RecordQuery:
    """Any record of a person: by booking number and name (as ``SearchQuery``), by the
    instant range ``[start, end)`` of any of its dates, and by outcome (``RECORD_OUTCOMES``)."""

    booking_number: str | None = None
    name: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    outcome: str | None = None
    limit: int = 200


@dataclass(frozen=True, slots=True)
class FoundRecord:
    """One search hit: which record, when, whose, and its outcome in the record's words."""

    kind: str  # decision | hold | contact
    record_id: int  # the decision id, hold id or contact id
    decision_id: int | None
    at: datetime
    booking_number: str
    name: str
    outcome: str


@dataclass(frozen=True, slots=True)
class FoundRecords:
    records: tuple[FoundRecord, ...]
    #: More people matched than were looked at (``LOOKUP_LIMIT``): narrow the search.
    people_truncated: bool = False


def _matching_people(conn: sqlite3.Connection, query: RecordQuery) -> tuple[list[int], bool]:
    people = person_filter(conn, SearchQuery(booking_number=query.booking_number, name=query.name))
    assert people is not None
    sql, values = people
    found = [row[0] for row in conn.execute(f"{sql} LIMIT {LOOKUP_LIMIT + 1}", values)]
    return found[:LOOKUP_LIMIT], len(found) > LOOKUP_LIMIT


def _range(column: str, query: RecordQuery, conditions: list[str], params: list[Any]) -> None:
    if query.start is not None:
        conditions.append(f"{column} >= ?")
        params.append(utc_text(query.start))
    if query.end is not None:
        conditions.append(f"{column} < ?")
        params.append(utc_text(query.end))


def _people_decisions(column: str) -> str:
    """``column`` (a decision id) is one of a version naming one of the people: a
    corrected name still finds the record."""
    return (
        f"{column} IN (SELECT v.decision_id FROM decisions v "
        "WHERE v.person_id IN (SELECT value FROM json_each(?)))"
    )


def _found(
    conn: sqlite3.Connection,
    kind: str,
    select: str,
    conditions: list[str],
    params: list[Any],
    order: str,
    query: RecordQuery,
    outcome: Callable[[dict[str, Any]], str],
) -> list[FoundRecord]:
    """The newest ``query.limit`` rows of ``select`` (columns ``id``, ``decision_id``,
    ``at``, ``booking_number``, ``name``) meeting every condition, as found records."""
    sql = f"{select} WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT ?"
    return [
        FoundRecord(
            kind,
            row["id"],
            row["decision_id"],
            parse_utc(row["at"]),
            row["booking_number"] or "",
            row["name"] or "",
            outcome(row),
        )
        for row in dict_rows(conn, sql, (*params, query.limit))
    ]


def _decision_hits(
    conn: sqlite3.Connection, query: RecordQuery, people: str | None
) -> list[FoundRecord]:
    conditions = ["NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = d.id)"]
    params: list[Any] = []
    if people is not None:
        conditions.append(_people_decisions("d.decision_id"))
        params.append(people)
    _range("d.decision_time", query, conditions, params)
    if query.outcome is not None:
        conditions.append("d.outcome = ?")
        params.append(query.outcome)
    select = (
        "SELECT d.decision_id AS id, d.decision_id, d.decision_time AS at, d.outcome, "
        "p.booking_number, p.name FROM decisions d CROSS JOIN people p ON p.id = d.person_id"
    )
    order = "d.decision_time DESC, d.decision_id DESC"
    return _found(conn, "decision", select, conditions, params, order, query, itemgetter("outcome"))


def _hold_hits(
    conn: sqlite3.Connection, query: RecordQuery, people: str | None
) -> list[FoundRecord]:
    conditions = ["NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = d.id)"]
    params: list[Any] = []
    if people is not None:
        conditions.append(_people_decisions("h.decision_id"))
        params.append(people)
    if query.start is not None or query.end is not None:
        # A hold is "on" a date when it began or ended then.
        opened: list[str] = []
        ended: list[str] = []
        _range("h.opened_at", query, opened, params)
        _range("c.ended_at", query, ended, params)
        conditions.append(f"(({' AND '.join(opened)}) OR ({' AND '.join(ended)}))")
    if query.outcome == "open":
        conditions.append("c.hold_id IS NULL")
    elif query.outcome is not None:
        conditions.append("c.outcome = ?")
        params.append(query.outcome)
    select = (
        "SELECT h.id, h.decision_id, h.opened_at AS at, c.outcome, p.booking_number, p.name "
        "FROM holds h LEFT JOIN hold_closures c ON c.hold_id = h.id "
        "JOIN decisions d ON d.decision_id = h.decision_id "
        "JOIN people p ON p.id = d.person_id"
    )
    order = "h.opened_at DESC, h.id DESC"
    return _found(
        conn, "hold", select, conditions, params, order, query, lambda row: row["outcome"] or "open"
    )


def _contact_hits(
    conn: sqlite3.Connection, query: RecordQuery, people: str | None
) -> list[FoundRecord]:
    """ICE contacts (latest versions): about one of the people, or recorded under a
    booking number one of them was booked under, or (no person on record) that number."""
    conditions = ["NOT EXISTS (SELECT 1 FROM contacts n WHERE n.amends = c.id)"]
    params: list[Any] = []
    if people is not None:
        conditions.append(
            "(c.person_id IN (SELECT value FROM json_each(?)) OR c.booking_key IN "
            "(SELECT b.booking_key FROM people b WHERE b.id IN (SELECT value FROM json_each(?))))"
        )
        params.extend((people, people))
    elif query.booking_number:
        conditions.append("c.booking_key = ?")
        params.append(booking_key(query.booking_number))
    _range("c.occurred_at", query, conditions, params)
    if query.outcome is not None:
        conditions.append("c.allowed = ?")
        params.append(1 if query.outcome == "allowed" else 0)
    select = (
        "SELECT c.contact_id AS id, c.decision_id, c.occurred_at AS at, c.allowed, "
        "coalesce(c.booking_number, p.booking_number) AS booking_number, "
        # Recorded under a booking number only: the name last recorded under it.
        "coalesce(p.name, (SELECT b.name FROM people b WHERE b.booking_key = c.booking_key "
        "ORDER BY b.id DESC LIMIT 1)) AS name "
        "FROM contacts c LEFT JOIN people p ON p.id = c.person_id"
    )
    order = "c.occurred_at DESC, c.contact_id DESC"
    return _found(
        conn,
        "contact",
        select,
        conditions,
        params,
        order,
        query,
        lambda row: "allowed" if row["allowed"] else "not_allowed",
    )


def find_records(conn: sqlite3.Connection, query: RecordQuery) -> FoundRecords:
    """Records matching ``query``, newest first, at most ``query.limit`` in all.

    Each kind is asked for its newest ``limit`` through its own time index, then the
    lists are merged: no query ever reads more than ``limit`` rows of a kind.
    """
    if query.outcome is not None and query.outcome not in RECORD_OUTCOMES:
        raise ValueError(f"unknown outcome {query.outcome!r}")
    limit = max(1, min(query.limit, MAX_RESULTS))
    query = RecordQuery(
        query.booking_number, query.name, query.start, query.end, query.outcome, limit
    )
    people: str | None = None
    truncated = False
    if query.booking_number or (query.name and fold(query.name)):
        ids, truncated = _matching_people(conn, query)
        if not ids and (query.name or not query.booking_number):
            return FoundRecords(())
        people = json.dumps(ids) if ids else None
    wanted = RECORD_OUTCOMES.get(query.outcome or "")
    hits: list[FoundRecord] = []
    for kind, finder in _FINDERS.items():
        if people is None and query.booking_number and kind != "contact":
            continue  # a booking number nobody on record has: only contacts may name it
        if wanted in (None, kind):
            hits.extend(finder(conn, query, people))
    # Newest first; at one instant, a decision before the hold it opened.
    hits.sort(key=lambda hit: (RECORD_KINDS.index(hit.kind), -hit.record_id))
    hits.sort(key=lambda hit: hit.at, reverse=True)
    return FoundRecords(tuple(hits[:limit]), truncated)


_FINDERS = {"decision": _decision_hits, "hold": _hold_hits, "contact": _contact_hits}

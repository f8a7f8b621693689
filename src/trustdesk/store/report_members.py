"""What a report reads of each decision document, kept beside it in a SQLite file
(schema 12, docs/decisions/0048): the document's ``grounds`` and top-level
``unverified`` lists, and which outcome list it has.

A year's report read these from 78,000 decision documents (``json_extract``, a parse of
some 5 kB each) in the period's build and again, for the action outcomes, in a pass of
its own: about half of its CPU on a record of 1,000,000 decisions (decision 0048). The
server keeps the same members in generated columns (schema 11, decision 0044); SQLite
cannot: with ``trusted_schema = OFF`` (RELIABILITY.md) it refuses ``json_extract`` in a
generated column, an index expression and a trigger ("unsafe use of json_extract()",
SQLite 3.40). So two tables of their own hold them, filled in SQL by the same
``json_extract`` the report used (the very values it grouped before, whatever their
type: the columns have no declared type, so SQLite converts nothing):

* ``report_members``: one row per decisions row (every version), keyed by its id;
* ``report_outcome_lists``: each distinct outcome list once; a member row names its
  document's list by id (NULL where the document has none), so the report groups its
  period by a small integer and reads one document per distinct list.

The decision writer fills them in the decision's own transaction (``record``), step 12
for the decisions stored before (``backfill``); both are append-only like the evidence
beside them (triggers), and ``audit verify`` checks every row: a row missing, extra or
different is reported, so the desk cannot shift a report's figures by editing them.

* A member row written by this writer is bound to the chain like the evidence rows: the
  decision's audit entry carries ``members_sha256`` (``digest``), the SHA-256 of the
  row's three values and its outcome list's text, each written exactly with its type
  (``BOUND_TEXT``), so verification compares a small text's digest instead of parsing
  the document again (decision 0052).
* A member row of a decision stored before (its entry has no ``members_sha256``: step
  12's backfill) is recomputed from its document (``QuickCheck`` in the pass over the
  decision rows, then ``problems_of``); ``table_problems`` finds rows and lists of no
  decision; ``problems`` does all of it in passes of its own.
"""

from __future__ import annotations

import hashlib
import sqlite3
from typing import Any

from trustdesk.store.document_sql import DocumentSql

TABLE = "report_members"
LISTS = "report_outcome_lists"

#: The three members of the document of decisions row ``d``, as the report reads them.
GROUNDS = "json_extract(d.decision_json, '$.grounds')"
UNVERIFIED = "json_extract(d.decision_json, '$.unverified')"
OUTCOMES = "json_extract(d.decision_json, '$.outcomes')"


def _append_only(table: str) -> tuple[str, ...]:
    message = f"{table} is append-only: it is kept with the decisions and never changed"
    return tuple(
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
        for verb in ("UPDATE", "DELETE")
    )


#: Schema step 12 on SQLite (before ``backfill``). The member columns have no type, so
#: that each keeps the value ``json_extract`` gave (text for a list, as the report reads).
TABLES = (
    f"""CREATE TABLE {LISTS} (
        id INTEGER PRIMARY KEY,
        outcomes NOT NULL UNIQUE
    )""",
    f"""CREATE TABLE {TABLE} (
        record_id INTEGER PRIMARY KEY REFERENCES decisions(id),
        grounds,
        unverified,
        outcomes_list INTEGER REFERENCES {LISTS}(id)
    )""",
    *_append_only(LISTS),
    *_append_only(TABLE),
)


def _fill(where: str) -> tuple[str, str]:
    """The two statements that fill both tables for the decisions rows ``d`` meeting
    ``where``: new outcome lists first (in record order), then one member row each."""
    return (
        f"INSERT OR IGNORE INTO {LISTS} (outcomes) SELECT o FROM (SELECT {OUTCOMES} AS o, "
        f"d.id FROM decisions d WHERE {where}) WHERE o IS NOT NULL ORDER BY id",
        f"INSERT INTO {TABLE} (record_id, grounds, unverified, outcomes_list) "
        f"SELECT d.id, {GROUNDS}, {UNVERIFIED}, "
        f"(SELECT l.id FROM {LISTS} l WHERE l.outcomes = {OUTCOMES}) "
        f"FROM decisions d WHERE {where}",
    )


_RECORD = _fill("d.id = ?")


def record(conn: Any, record_id: int) -> dict[str, str]:
    """Keep the report's members of decisions row ``record_id`` (just written, in the
    caller's transaction); returns what the decision's audit entry holds to bind them
    (``members_sha256``). SQLite only: the server computes its own (schema 11)."""
    fill(conn, record_id)
    row = conn.execute(_BOUND_OF_RECORD, (record_id,)).fetchone()
    if row is None:
        raise RuntimeError(f"no {TABLE} row was written for decisions row {record_id}")
    return {"members_sha256": digest(row[0], row[1])}


def fill(conn: Any, record_id: int) -> None:
    """The member row of decisions row ``record_id`` (and its outcome list), unbound."""
    for statement in _RECORD:
        conn.execute(statement, (record_id,))


def _exact(column: str) -> str:
    """One stored value as a text that tells every value of every type apart: its type,
    then its bytes in hexadecimal (a text's UTF-8, NUL included; an integer's digits), or
    for a float SQLite's ``quote``, which gives as many digits as bring the same double
    back."""
    return (
        f"typeof({column}) || ':' || "
        f"CASE typeof({column}) WHEN 'real' THEN quote({column}) ELSE hex({column}) END"
    )


#: The text of member row ``rm`` that its decision's audit entry binds: its three values,
#: each exact (``_exact``: no ``,`` inside). Its outcome list's own text comes apart
#: (``LIST_TEXTS``, read once), so a verification does not read it for every row.
BOUND_TEXT = (
    f"CAST({_exact('rm.grounds')} || ',' || {_exact('rm.unverified')} || ',' "
    f"|| {_exact('rm.outcomes_list')} AS BLOB)"
)
#: Each outcome list's id and exact text.
LIST_TEXTS = f"SELECT id, CAST({_exact('outcomes')} AS BLOB) FROM {LISTS}"
_BOUND_OF_RECORD = (
    f"SELECT {BOUND_TEXT}, CASE WHEN rl.id IS NOT NULL THEN CAST({_exact('rl.outcomes')} "
    f"AS BLOB) END FROM {TABLE} rm "
    f"LEFT JOIN {LISTS} rl ON rl.id = rm.outcomes_list WHERE rm.record_id = ?"
)


def digest(bound: bytes | None, list_text: bytes | None) -> str:
    """``members_sha256``: the member row's ``BOUND_TEXT`` and its outcome list's exact
    text (None: the row names no list that exists), hashed together. A row missing
    (``bound`` None) has no digest any entry holds."""
    if bound is None:
        return ""
    return hashlib.sha256(b"%s;%s" % (bound, b"-" if list_text is None else list_text)).hexdigest()


def list_texts(conn: Any) -> dict[Any, bytes]:
    """Each outcome list's exact text by id, for ``digest`` of many member rows."""
    return {row[0]: bytes(row[1]) for row in conn.execute(LIST_TEXTS)}


class Digests:
    """``digest`` of many member rows, each by its ``BOUND_TEXT`` and the id of the list
    it names (``list_texts``). An outcome list's text is about 4 KB, so each digest
    hashes that much, about 3 s of CPU per 1,000,000 rows; but a facility's rows hold
    few different members (the grounds and unverified facts of a few rules, some tens of
    lists), so a digest is remembered by what it is made of, exactly: equal inputs, the
    same digest (decision 0056). At most ``KEPT`` are remembered; any others are
    computed each time."""

    KEPT = 65_536

    def __init__(self, lists: dict[Any, bytes]) -> None:
        self.lists = lists
        self.known: dict[tuple[bytes | None, Any], str] = {}

    def __call__(self, bound: bytes | None, list_id: Any) -> str:
        key = (bound, list_id)
        found = self.known.get(key)
        if found is None:
            found = digest(bound, self.lists.get(list_id))
            if len(self.known) < self.KEPT:
                self.known[key] = found
        return found


def backfill(conn: sqlite3.Connection) -> None:
    """Schema step 12: the tables, filled for every stored decision (two passes over the
    documents, each parsed once per pass)."""
    for statement in (*TABLES, *_fill("1")):
        conn.execute(statement)


def document_sql(alias: str) -> DocumentSql:
    """How the report reads the members of the decisions row ``alias`` on SQLite: from
    its member row (joined by key; LEFT, so that a decision whose row was removed
    behind TrustDesk's back is still counted, and ``audit verify`` reports the row)."""
    if not alias.isidentifier():
        raise ValueError(alias)
    side = f"{alias}_members"
    return DocumentSql(
        f"{side}.grounds",
        f"{side}.unverified",
        f"json_extract({alias}.decision_json, '$.outcomes')",
        f"{side}.outcomes_list",
        f" LEFT JOIN {TABLE} {side} ON {side}.record_id = {alias}.id",
    )


#: The decisions whose member row is missing or does not hold what their document does:
#: each member compared with its own ``json_extract`` (three parses of the document).
#: The exact check of the decisions ``d`` meeting ``{where}``: (record id, audit seq,
#: member row missing?) of those whose member row is missing or does not hold what their
#: document does, each member compared with its own ``json_extract``. A document that is
#: not JSON at all (only a change behind TrustDesk's back makes one; the decision's own
#: check names it) is a difference too.
_DIFFERENT = (
    "SELECT d.id, d.audit_seq, m.record_id IS NULL FROM decisions d "
    f"LEFT JOIN {TABLE} m ON m.record_id = d.id LEFT JOIN {LISTS} l ON l.id = m.outcomes_list "
    "WHERE ({where}) AND CASE WHEN NOT json_valid(d.decision_json) THEN 1 "
    f"ELSE (m.record_id IS NULL OR m.grounds IS NOT {GROUNDS} "
    f"OR m.unverified IS NOT {UNVERIFIED} OR l.outcomes IS NOT {OUTCOMES} "
    "OR (m.outcomes_list IS NOT NULL AND l.id IS NULL)) END ORDER BY d.id"
)


def _whole(column: str) -> str:
    """``column`` holds NULL or the text of a whole JSON array or object (what
    ``json_extract`` gives for a list member)."""
    return (
        f"({column} IS NULL OR (typeof({column}) = 'text' "
        f"AND substr({column}, 1, 1) IN ('[', '{{') AND json_valid({column})))"
    )


def _rendered(column: str) -> str:
    return f"ifnull({column}, 'null')"


_WHOLE_LISTS = f"SELECT id FROM {LISTS} l WHERE {_whole('l.outcomes')}"


class QuickCheck:
    """The quick check of every member row, in a pass over the decisions that reads
    their documents anyway (``audit verify``'s check of the decision rows,
    ``checks.Checker.decision_rows``): reading 1,000,000 documents out of the file cost
    about 8 s of CPU here, their parse about 3 s (decision 0048).

    ``column(alias)``, with ``joins(alias)`` after the decisions row ``alias``, is 1 where
    the member row surely holds what the document does: the document parsed once, for
    its three members at once (SQLite renders them as one JSON array, a missing member
    as null), against the row's three values put together the same way. Only values
    that are each NULL or a whole JSON array or object are compared so (the lists the
    report reads; the outcome lists are checked once each, ``ok``): a valid JSON text is
    split into its elements one way only, so equal texts mean equal members. Anything
    else — a member row missing, a string or number member, a difference — is 0, and
    ``problems_of`` checks those records exactly. ``guarded``: each document tested
    for JSON first (a parse more), for a record where one is not (``json_extract`` stops
    the statement with "malformed JSON").
    """

    MALFORMED = "malformed JSON"

    def __init__(self, conn: Any) -> None:
        self.ok = ", ".join(str(int(row[0])) for row in conn.execute(_WHOLE_LISTS)) or "NULL"

    @staticmethod
    def joins(alias: str) -> str:
        return (
            f" LEFT JOIN {TABLE} rm ON rm.record_id = {alias}.id"
            f" LEFT JOIN {LISTS} rl ON rl.id = rm.outcomes_list"
        )

    def column(self, alias: str, *, guarded: bool) -> str:
        same = (
            f"rm.record_id IS NOT NULL AND {_whole('rm.grounds')} AND {_whole('rm.unverified')} "
            f"AND (rm.outcomes_list IS NULL OR rm.outcomes_list IN ({self.ok})) "
            f"AND json_extract({alias}.decision_json, '$.grounds', '$.unverified', "
            f"'$.outcomes') = '[' || {_rendered('rm.grounds')} || ',' "
            f"|| {_rendered('rm.unverified')} || ',' || {_rendered('rl.outcomes')} || ']'"
        )
        if guarded:
            same = f"CASE WHEN json_valid({alias}.decision_json) THEN ({same}) ELSE 0 END"
        return f"ifnull(({same}), 0)"


#: Rows named one by one in the problems; beyond, a count.
NAMED = 20
#: Records checked exactly per statement.
_CHUNK = 500


def problems_of(conn: Any, records: list[int]) -> list[tuple[int | None, str]]:
    """(audit seq, what is wrong) for each of ``records`` (decision record ids the quick
    check did not accept) whose member row is not its document's."""
    different: list[tuple[int, int, int]] = []
    for start in range(0, len(records), _CHUNK):
        chunk = records[start : start + _CHUNK]
        where = f"d.id IN ({', '.join('?' * len(chunk))})"
        different.extend(conn.execute(_DIFFERENT.replace("{where}", where), chunk).fetchall())
    found: list[tuple[int | None, str]] = [
        (
            seq,
            f"decision record {record_id} has no row in {TABLE}"
            if missing
            else f"decision record {record_id}: its row in {TABLE} does not hold what its "
            "document says (grounds, unverified items or outcome list); reports count from it",
        )
        for record_id, seq, missing in different[:NAMED]
    ]
    if len(different) > NAMED:
        found.append((None, f"and {len(different) - NAMED} more decision records of the same kind"))
    return found


#: Member rows of no decision, and outcome lists no member row names.
_EXTRA = (
    f"SELECT m.record_id FROM {TABLE} m "
    "WHERE NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = m.record_id) ORDER BY 1"
)
_COUNT = f"SELECT count(*) FROM {TABLE}"
_UNUSED_LISTS = f"SELECT id FROM {LISTS} EXCEPT SELECT outcomes_list FROM {TABLE} ORDER BY 1"


def unused_lists(conn: Any) -> list[int] | None:
    """The ids of the outcome lists no member row names (a scan of every member row);
    None if the tables are missing."""
    if not has_tables(conn):
        return None
    return [row[0] for row in conn.execute(_UNUSED_LISTS)]


def table_problems(
    conn: Any, matched: int | None = None, unused: list[int] | None = None
) -> list[tuple[int | None, str]]:
    """What is wrong with the two tables beyond the decisions' own member rows: a table
    missing, member rows of no decision, outcome lists of none. ``matched``: how many
    decision rows were found with a member row; the member rows are keyed by their
    record, so each was a different one, and when the table holds no more rows than
    that, every row is a decision's and the search for others is left out. ``unused``:
    ``unused_lists`` of the same snapshot, if it was read already."""
    if not has_tables(conn):
        return [(None, f"the table {TABLE} of the report's members is missing (schema 12)")]
    whole = matched is not None and matched == conn.execute(_COUNT).fetchone()[0]
    extra = [] if whole else [row[0] for row in conn.execute(_EXTRA)]
    found: list[tuple[int | None, str]] = [
        (None, f"{TABLE} has a row for record {record_id}, which is no decision")
        for record_id in extra[:NAMED]
    ]
    if len(extra) > NAMED:
        found.append((None, f"and {len(extra) - NAMED} more rows of {TABLE} of no decision"))
    if unused is None:
        unused = unused_lists(conn) or []
    if unused:
        found.append(
            (None, f"{LISTS} holds {len(unused)} list(s) no decision has (ids {unused[:NAMED]})")
        )
    return found


def problems(conn: Any) -> list[tuple[int | None, str]]:
    """Every problem of the two tables against all decision documents, in passes of
    their own (``audit verify`` runs the quick check inside its pass over the
    decisions instead, then ``problems_of`` and ``table_problems``)."""
    if not has_tables(conn):
        return table_problems(conn)
    quick = QuickCheck(conn)
    records: list[int] = []
    for guarded in (False, True):
        query = (
            f"SELECT d.id FROM decisions d{quick.joins('d')} "
            f"WHERE NOT {quick.column('d', guarded=guarded)} ORDER BY d.id"
        )
        try:
            records = [int(row[0]) for row in conn.execute(query)]
            break
        except sqlite3.OperationalError as exc:
            if guarded or QuickCheck.MALFORMED not in str(exc):
                raise
    return problems_of(conn, records) + table_problems(conn)


def has_tables(conn: Any) -> bool:
    names = {
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)",
            (TABLE, LISTS),
        )
    }
    return names == {TABLE, LISTS}

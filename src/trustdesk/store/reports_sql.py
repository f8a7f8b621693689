"""The few SQL spellings the report queries need that SQLite and PostgreSQL write apart.

Everything else in the report queries is the store's shared SQL (postgresql/dialect.py
translates the marks and ``ifnull``). Two things differ in meaning, not only in
spelling, and are written here per backend:

* seconds between two stored instants (fixed-width UTC text, ``...000000Z``): SQLite's
  ``strftime('%s', …)`` and PostgreSQL's ``extract(epoch …)``, both whole seconds
  (fractions dropped), so both backends put a time in the same minute;
* the ``grounds``, ``unverified`` and ``outcomes`` lists of a stored decision document,
  as JSON text that Python reads with ``json.loads``: SQLite's ``json_extract`` (fast:
  SQLite parses the few kilobytes in C once for the three, in the row it is reading).
  On PostgreSQL the documents sit compressed out of line (TOAST), every use of the
  column decompresses it again, and ``CAST(… AS json) -> key`` parses the whole document
  per member: for a year of 78,000 decisions that was 2.5 s of a 4.3 s report (decision
  0033). There each document is decompressed once (a lateral copy) and the lists are
  cut out of its text by their neighbours (``document``). (The PostgreSQL schema's
  ``json_extract`` returns integer ids only, so the server never gets SQLite's
  spelling.)

And on PostgreSQL the report's transaction turns the JIT compiler off: the planner's
cost estimate for these one-off queries over a large table triggered it, and compiling
cost a second (measured) for queries that then ran in half a second.
"""

from __future__ import annotations

from dataclasses import dataclass


def _position(mark: str, doc: str = "j.doc") -> str:
    """The 1-based byte place of an ASCII ``mark`` in a document's bytes ``doc``
    (PostgreSQL; 0 when absent)."""
    if '"' not in mark or "'" in mark or "\\" in mark or not mark.isascii():
        raise ValueError(mark)
    return f"position('{mark}'::bytea IN {doc})"


@dataclass(frozen=True, slots=True)
class DocumentSql:
    """The SQL that reads a decision document's lists (``ReportDialect.document``)."""

    #: A join to add after the decisions (PostgreSQL: the document's bytes, once).
    join: str
    grounds: str
    unverified: str
    outcomes: str
    #: A short name of the outcome list (its MD5), or None where the period does not
    #: keep one (SQLite reads the lists in a pass of their own).
    outcomes_key: str | None


#: The marks cut out of a decision document's bytes on PostgreSQL (``document``).
MARKS = {
    "gs": '"grounds":[',
    "ge": '],"hold":',
    "uv": '"unverified":["',
    "os": '"outcomes":[',
    "oe": '],"prohibited_actions":',
}

#: How many bytes at a document's end are searched for its empty unverified list.
TAIL = 1024

#: The decision document's members a report reads.
KEYS = ("grounds", "unverified", "outcomes")


@dataclass(frozen=True, slots=True)
class ReportDialect:
    backend: str

    def epoch(self, column: str) -> str:
        """Whole seconds since 1970 of a stored instant (NULL stays NULL)."""
        if self.backend == "postgresql":
            return f"CAST(floor(extract(epoch FROM CAST({column} AS timestamptz))) AS bigint)"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def minutes_between(self, earlier: str, later: str) -> str:
        """Whole minutes from ``earlier`` to ``later`` (rounded toward zero)."""
        return f"(({self.epoch(later)} - {self.epoch(earlier)}) / 60)"

    def settings(self) -> tuple[str, ...]:
        """Statements run first in the report's read transaction."""
        return ("SET LOCAL jit = off",) if self.backend == "postgresql" else ()

    def document(self, column: str) -> DocumentSql:
        """How the report reads the decision document in ``column``: its ``grounds``,
        ``unverified`` and ``outcomes`` lists as JSON text (outcomes NULL where the
        document has none: made before rule-pack format 3).

        SQLite: ``json_extract`` (it parses a document once for the three, measured
        0.35 s for 78,000; cutting the text by marks measured three times slower there).
        PostgreSQL (docs/decisions/0033, 0041): each document is decompressed once, as
        bytes (a lateral copy), and the lists are cut out of it by their neighbours —
        byte positions, because ``strpos`` and ``substr`` on text count characters and
        measured 0.5 s and 1.3 s per 78,000 documents each. ``document_json`` writes
        sorted keys and no spaces, so ``"grounds":[`` is followed by ``],"hold":`` and
        ``"outcomes":[`` by ``],"prohibited_actions":``; the members before them (the
        decision, its grounds, the hold and its texts) have no member of either name,
        and inside JSON strings a quote is escaped, so the marks cannot occur in text. A
        document without the marks falls back to the JSON operators. The outcome lists
        are also named by the MD5 of their bytes (``outcomes_key``), so that the period
        keeps 32 characters per decision instead of kilobytes."""
        if self.backend != "postgresql":
            grounds, unverified, outcomes = (self.json_member(column, key) for key in KEYS)
            return DocumentSql("", grounds, unverified, outcomes, None)
        # The document's bytes, once, and the places of the marks in them, once each.
        marks = ", ".join(f"{_position(mark, 'b.doc')} AS {name}" for name, mark in MARKS.items())
        join = (
            f"JOIN LATERAL (SELECT b.doc, {marks} FROM (SELECT convert_to({column}, 'UTF8') "
            "AS doc OFFSET 0) b OFFSET 0) j ON true "
        )
        whole = "convert_from(j.doc, 'UTF8')"
        grounds = self._between("grounds", "j.gs", "j.ge", whole)
        # The top-level "unverified" list is the member just before "warnings" (the
        # last key, and a key of the top level only): `"unverified":[],"warnings":`
        # means it is empty, as is every list of that name when none begins with a
        # string. Only the other documents are parsed (the outcomes and the trace have
        # "unverified" lists of their own, so the first test alone rarely spares one).
        # Looked for in the document's last kilobyte only (the list and "warnings" end
        # it); a longer tail is parsed, as before.
        tail = f"substring(j.doc FROM greatest(octet_length(j.doc) - {TAIL - 1}, 1))"
        empty = _position('"unverified":[],"warnings":', tail)
        parsed = self.json_member(whole, "unverified")
        unverified = f"CASE WHEN j.uv = 0 THEN '[]' WHEN {empty} > 0 THEN '[]' ELSE {parsed} END"
        outcomes = self._between("outcomes", "j.os", "j.oe", whole)
        hashed = self._between("outcomes", "j.os", "j.oe", whole, as_bytes=True)
        return DocumentSql(join, grounds, unverified, outcomes, f"md5({hashed})")

    def _between(
        self, key: str, start: str, end: str, whole: str, *, as_bytes: bool = False
    ) -> str:
        """List member ``key`` of the document's bytes ``j.doc``, cut out between its
        mark (found at ``start``) and that of the member written after it (``end``), as
        text (or as bytes, to hash); without the marks, the JSON operators on the
        document's text ``whole`` (NULL where it has no such member: a document made
        before rule-pack format 3 has no outcomes)."""
        skip = len(key) + 3  # the quoted key and its colon
        cut = f"substring(j.doc FROM {start} + {skip} FOR {end} - {start} - {skip - 1})"
        fallback = self.json_member(whole, key)
        if as_bytes:
            fallback = f"convert_to({fallback}, 'UTF8')"
        else:
            cut = f"convert_from({cut}, 'UTF8')"
        absent = _position(f'"{key}":')
        return (
            f"CASE WHEN {start} > 0 AND {end} > {start} THEN {cut} "
            f"WHEN {absent} = 0 THEN NULL ELSE {fallback} END"
        )

    def json_member(self, column: str, key: str) -> str:
        """The JSON text of member ``key`` of the JSON object in ``column``."""
        if not key.isidentifier():
            raise ValueError(key)
        if self.backend == "postgresql":
            return f"(CAST({column} AS json) -> '{key}')::text"
        return f"json_extract({column}, '$.{key}')"


def dialect_for(backend: str) -> ReportDialect:
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(backend)
    return ReportDialect(backend)

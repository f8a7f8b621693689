"""The few SQL spellings the report queries need that SQLite and PostgreSQL write apart.

Everything else in the report queries is the store's shared SQL (postgresql/dialect.py
translates the marks and ``ifnull``). Two things differ in meaning, not only in
spelling, and are written here per backend:

* seconds between two stored instants (fixed-width UTC text, ``...000000Z``): SQLite's
  ``strftime('%s', …)`` and PostgreSQL's ``extract(epoch …)``, both whole seconds
  (fractions dropped), so both backends put a time in the same minute;
* the ``grounds`` and ``unverified`` lists of a stored decision document, as JSON text
  that Python reads with ``json.loads``: SQLite's ``json_extract`` (fast: SQLite parses
  the few kilobytes in C, in the row it is reading). On PostgreSQL the documents sit
  compressed out of line (TOAST), every use of the column decompresses it again, and
  ``CAST(… AS json) -> key`` parses the whole document per member: for a year of 78,000
  decisions that was 2.5 s of a 4.3 s report. There the document is decompressed once
  per row (a lateral copy); the grounds are cut out of its text by their neighbours (the
  decision document is always written by ``document_json``: sorted keys, no spaces, so
  ``"grounds":[`` is followed by ``],"hold":``; inside JSON strings a quote is escaped,
  so the marks cannot occur in text; a document without them falls back to the JSON
  operators), and the document is parsed for its ``unverified`` list only when some
  list of that name in it is not empty. (The PostgreSQL schema's ``json_extract``
  returns integer ids only, so the server never gets SQLite's spelling.)

And on PostgreSQL the report's transaction turns the JIT compiler off: the planner's
cost estimate for these one-off queries over a large table triggered it, and compiling
cost a second (measured) for queries that then ran in half a second.
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def document(self, column: str) -> tuple[str, str]:
        """(a join to add after the table, the expression to read the document from)."""
        if self.backend == "postgresql":
            return (f"JOIN LATERAL (SELECT {column} || '' AS doc OFFSET 0) j ON true ", "j.doc")
        return ("", column)

    def decision_lists(self, doc: str) -> tuple[str, str]:
        """SQL for the ``grounds`` and ``unverified`` lists of decision document ``doc``."""
        if self.backend != "postgresql":
            return self.json_member(doc, "grounds"), self.json_member(doc, "unverified")
        start = f"strpos({doc}, '\"grounds\":[')"
        end = f"strpos({doc}, '],\"hold\":')"
        grounds = (
            f"CASE WHEN {start} > 0 AND {end} > {start} "
            f"THEN substr({doc}, {start} + 10, {end} - {start} - 9) "
            f"ELSE {self.json_member(doc, 'grounds')} END"
        )
        # No non-empty "unverified" list anywhere (the mark of one that begins with a
        # string) means the top-level one is empty too: most documents skip the parse.
        unverified = (
            f"CASE WHEN strpos({doc}, '\"unverified\":[\"') = 0 THEN '[]' "
            f"ELSE {self.json_member(doc, 'unverified')} END"
        )
        return grounds, unverified

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

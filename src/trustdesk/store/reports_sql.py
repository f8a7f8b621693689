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
  decisions that was 2.5 s of a 4.3 s report. There each document is decompressed once
  (a lateral copy) and the grounds are cut out of its text by their neighbours: the
  decision document is always written by ``document_json`` (sorted keys, no spaces), so
  ``"grounds":[`` comes second and is followed by ``],"hold":``; inside JSON strings a
  quote is escaped, so the marks cannot occur in text; a document without them falls
  back to the JSON operators. The document is parsed for its
  ``unverified`` list only when some list of that name in it is not empty. (The
  PostgreSQL schema's ``json_extract`` returns integer ids only, so the server never
  gets SQLite's spelling.)

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

    def document(self, column: str) -> tuple[str, str, str]:
        """(a join to add after the decisions, then the SQL of its ``grounds`` and of its
        ``unverified`` list) for the decision document in ``column``."""
        if self.backend != "postgresql":
            return "", self.json_member(column, "grounds"), self.json_member(column, "unverified")
        # One lateral copy per decision: the document is decompressed once, not at each
        # use (a slice of its head for the grounds measured slower: two decompressions).
        join = f"JOIN LATERAL (SELECT {column} || '' AS doc OFFSET 0) j ON true "
        start = "strpos(j.doc, '\"grounds\":[')"
        end = "strpos(j.doc, '],\"hold\":')"
        grounds = (
            f"CASE WHEN {start} > 0 AND {end} > {start} "
            f"THEN substr(j.doc, {start} + 10, {end} - {start} - 9) "
            f"ELSE {self.json_member('j.doc', 'grounds')} END"
        )
        # No non-empty "unverified" list anywhere (the mark of one that begins with a
        # string) means the top-level one is empty too: most documents skip the parse.
        unverified = (
            "CASE WHEN strpos(j.doc, '\"unverified\":[\"') = 0 THEN '[]' "
            f"ELSE {self.json_member('j.doc', 'unverified')} END"
        )
        return join, grounds, unverified

    def outcome_pairs(self, column: str) -> tuple[str, str, str]:
        """(a join from the period to each element of the JSON array in ``column``, then
        the SQL of an element's ``id`` and of its ``outcome``): the action outcomes a
        stored decision recorded (``Decision.outcomes``), one row per action."""
        if self.backend == "postgresql":
            join = f"JOIN LATERAL json_array_elements(CAST({column} AS json)) o ON true "
            return join, "(o.value ->> 'id')", "(o.value ->> 'outcome')"
        join = f"CROSS JOIN json_each({column}) o "
        return join, "json_extract(o.value, '$.id')", "json_extract(o.value, '$.outcome')"

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

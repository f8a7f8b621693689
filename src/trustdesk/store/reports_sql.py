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
  On PostgreSQL the documents sit compressed out of line (TOAST) and reading them was
  about half of a year's report (decisions 0033 and 0041): there the server keeps the
  grounds, the unverified list and the outcome list's MD5 in columns it computes from
  the document (schema 11, docs/decisions/0044; postgresql/report_documents.py), the
  same members' JSON text. (The PostgreSQL schema's ``json_extract`` returns integer ids
  only, so the server never gets SQLite's spelling.)

And on PostgreSQL the report's transaction turns the JIT compiler off: the planner's
cost estimate for these one-off queries over a large table triggered it, and compiling
cost a second (measured) for queries that then ran in half a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.store.document_sql import DocumentSql

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

    def by_key(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Statements run before and after building the report's period: on PostgreSQL
        the build joins each of the period's decisions to its rows by their keys (nested
        loops over the primary and unique indexes), not by hashing whole tables.

        The server's cost model (a random page read four times a sequential one) chose
        hash joins over full scans of decisions, detainers, holds and closures for a
        year of 78,000 of 1,000,000 decisions; by key the build measured 1.0 s of server
        CPU instead of 2.1 s, and over all 1,000,000 no slower (12.9 s against 13.6 s;
        docs/decisions/0044). Only the build: the figures' queries plan as before."""
        if self.backend != "postgresql":
            return (), ()
        planner = ("enable_hashjoin", "enable_mergejoin")
        return (
            tuple(f"SET LOCAL {name} = off" for name in planner),
            tuple(f"RESET {name}" for name in planner),
        )

    def document(self, alias: str) -> DocumentSql:
        """How the report reads the decision document of the decisions row ``alias``:
        its ``grounds``, ``unverified`` and ``outcomes`` lists as JSON text (outcomes
        NULL where the document has none: made before rule-pack format 3).

        SQLite: ``json_extract`` of its ``decision_json`` (it parses a document once for
        the three, measured 0.35 s for 78,000). PostgreSQL: the columns the server
        computed from the document (store/postgresql/report_documents.py, decision 0044).
        """
        if not alias.isidentifier():
            raise ValueError(alias)
        if self.backend != "postgresql":
            column = f"{alias}.decision_json"
            grounds, unverified, outcomes = (self.json_member(column, key) for key in KEYS)
            return DocumentSql(grounds, unverified, outcomes, None)
        # Imported here: a SQLite desk never loads PostgreSQL's reading.
        from trustdesk.store.postgresql.report_documents import document_sql

        return document_sql(alias)

    def json_member(self, column: str, key: str) -> str:
        """The JSON text of member ``key`` of the JSON object in ``column``."""
        if self.backend == "postgresql":
            from trustdesk.store.postgresql.report_documents import json_member

            return json_member(column, key)
        if not key.isidentifier():
            raise ValueError(key)
        return f"json_extract({column}, '$.{key}')"


def dialect_for(backend: str) -> ReportDialect:
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(backend)
    return ReportDialect(backend)

"""The few SQL spellings the report queries need that SQLite and PostgreSQL write apart.

Everything else in the report queries is the store's shared SQL (postgresql/dialect.py
translates the marks and ``ifnull``). Two things differ in meaning, not only in
spelling, and are written here per backend:

* seconds between two stored instants (fixed-width UTC text, ``...000000Z``): SQLite's
  ``strftime('%s', …)`` and PostgreSQL's ``extract(epoch …)``, both whole seconds
  (fractions dropped), so both backends put a time in the same minute;
* the ``grounds``, ``unverified`` and ``outcomes`` lists of a stored decision document,
  as JSON text that Python reads with ``json.loads``. Reading them from the documents
  was about half of a year's report on both backends (decisions 0033, 0041, 0048), so
  each keeps them beside the document: the server in columns it computes from the
  document (schema 11, docs/decisions/0044; postgresql/report_documents.py), SQLite in
  a table its writer fills with ``json_extract`` (schema 12, docs/decisions/0048;
  store/report_members.py), the same members' JSON text. (The PostgreSQL schema's
  ``json_extract`` returns integer ids only, so the server never gets SQLite's
  spelling.)

And on PostgreSQL the report's transaction turns the JIT compiler off: the planner's
cost estimate for these one-off queries over a large table triggered it, and compiling
cost a second (measured) for queries that then ran in half a second.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.store.document_sql import DocumentSql
from trustdesk.store.report_members import document_sql as members_sql


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

        SQLite: the row kept of the document beside it (schema 12,
        store/report_members.py, decision 0048). PostgreSQL: the columns the server
        computed from the document (store/postgresql/report_documents.py, decision 0044).
        Either way only the outcome lists are read from documents, one per distinct list.
        """
        if not alias.isidentifier():
            raise ValueError(alias)
        if self.backend != "postgresql":
            return members_sql(alias)
        # Imported here: a SQLite desk never loads PostgreSQL's reading.
        from trustdesk.store.postgresql.report_documents import document_sql

        return document_sql(alias)


def dialect_for(backend: str) -> ReportDialect:
    if backend not in ("sqlite", "postgresql"):
        raise ValueError(backend)
    return ReportDialect(backend)

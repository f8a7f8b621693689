"""What a report's query reads of a stored decision document, as SQL pieces: shared by
the report's dialects (``store.reports_sql``) and PostgreSQL's reading of the document
(``store.postgresql.report_documents``), which builds on nothing else of the report."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocumentSql:
    """The SQL that reads a decision document's lists (``ReportDialect.document``)."""

    grounds: str
    unverified: str
    outcomes: str
    #: A short name of the outcome list (its MD5 on PostgreSQL, the id of the list in
    #: ``report_outcome_lists`` on SQLite), NULL where the document has none.
    outcomes_key: str
    #: Joins the other three need after the decisions row (SQLite: its member row).
    joins: str = ""

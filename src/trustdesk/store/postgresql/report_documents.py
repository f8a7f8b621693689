"""PostgreSQL's reading of a stored decision document for the report
(``trustdesk.store.reports_sql.ReportDialect.document``): its ``grounds``,
``unverified`` and ``outcomes`` lists.

The grounds, the unverified list and the outcome list's MD5 are read from the columns
the server computed from the document when it was stored (schema 11,
``postgresql/schema.py`` ``REPORT_COLUMNS``, docs/decisions/0044), so the report's
period never reads a decision document: for a year of 78,000 decisions, decompressing
the TOASTed documents and cutting the lists out of them was about half of the server's
work (decisions 0033 and 0041). Only the outcome lists themselves are read from their
documents, one document per distinct list (``outcomes_key``).
"""

from __future__ import annotations

from trustdesk.store.document_sql import DocumentSql


def json_member(column: str, key: str) -> str:
    """The JSON text of member ``key`` of the JSON object in ``column`` (PostgreSQL)."""
    if not key.isidentifier():
        raise ValueError(key)
    return f"(CAST({column} AS json) -> '{key}')::text"


def document_sql(alias: str) -> DocumentSql:
    """How the report reads the decision document of the decisions row ``alias`` on
    PostgreSQL."""
    if not alias.isidentifier():
        raise ValueError(alias)
    return DocumentSql(
        f"{alias}.report_grounds",
        f"{alias}.report_unverified",
        json_member(f"{alias}.decision_json", "outcomes"),
        f"{alias}.report_outcomes_md5",
    )

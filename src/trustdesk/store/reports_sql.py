"""The few SQL spellings the report queries need that SQLite and PostgreSQL write apart.

Everything else in the report queries is the store's shared SQL (postgresql/dialect.py
translates the marks and ``ifnull``). Two things differ in meaning, not only in
spelling, and are written here per backend:

* seconds between two stored instants (fixed-width UTC text, ``...000000Z``): SQLite's
  ``strftime('%s', …)`` and PostgreSQL's ``extract(epoch …)``, both whole seconds
  (fractions dropped), so both backends put a time in the same minute;
* a top-level member of a stored decision document, as JSON text: SQLite's
  ``json_extract`` (the PostgreSQL schema defines a ``json_extract`` of its own that
  returns integer ids only, so the server gets ``->``). Both give the array with no
  spaces, as ``document_json`` stored it; Python reads it with ``json.loads``.
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

"""A table or column of TrustDesk's schema gone from the database: a finding, not a bug.

TrustDesk's schema steps make every table and column before a store opens, and nothing of
TrustDesk's renames or drops one. So when the database says a statement names a table or
column that is not there, and TrustDesk's own schema makes that name, someone changed the
database behind TrustDesk's back: the evidence that table held cannot be read or checked.
``audit verify`` reports it as a problem of the record; every other command stops with
one line saying so (``SchemaChanged``). A name TrustDesk's schema never makes (a typo in
a statement) is left alone: that is a bug in TrustDesk, and surfaces as one.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache

from trustdesk.store.errors import StoreError

#: SQLite's messages; PostgreSQL's error codes (undefined table, undefined column).
_MESSAGES = ("no such table:", "no such column:")
_CODES = ("42P01", "42703")
_QUOTED = re.compile(r'"([^"]+)"')
_COLUMN = re.compile(r"column (\S+) does not exist")


class SchemaChanged(StoreError):
    """A table or column of TrustDesk's schema is not in the database."""


def schema_gone(exc: BaseException) -> str | None:
    """What to tell when ``exc`` says that a table or column of TrustDesk's schema is not
    in the database; None for any other error (including a name TrustDesk never makes)."""
    if isinstance(exc, SchemaChanged):
        return str(exc)
    if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith(_MESSAGES):
        detail = str(exc)
        name = detail.partition(":")[2].strip()
        server = False
    elif getattr(exc, "sqlstate", None) in _CODES:
        diag = getattr(exc, "diag", None)
        detail = str(getattr(diag, "message_primary", None) or exc).strip()
        quoted, column = _QUOTED.search(detail), _COLUMN.search(detail)
        name = quoted.group(1) if quoted else column.group(1) if column else ""
        server = True
    else:
        return None
    name = name.rpartition(".")[2].strip('"').lower()  # main.decisions, t.note
    if not name or name not in made_names(server):
        return None
    return (
        f"the record's tables are not the ones TrustDesk made ({detail}): a table or column "
        "that holds evidence was renamed or dropped behind TrustDesk's back, so the record "
        "cannot be checked. Restore the records from the last good backup and find out "
        "who changed the database"
    )


@cache
def made_names(server: bool) -> frozenset[str]:
    """Every word of the statements that make TrustDesk's schema on that backend (its
    tables' and columns' names among them), in lower case."""
    if server:
        from trustdesk.store.postgresql import schema as server_schema

        steps = server_schema.STEPS.values()
        statements = [*server_schema.BASELINE, *(text for step in steps for text in step)]
    else:
        from trustdesk.store.sqlite_catalog import made_schema

        statements = [str(row[3]) for row in made_schema() if row[3] is not None]
    return frozenset(re.findall(r"\w+", " ".join(statements).lower()))

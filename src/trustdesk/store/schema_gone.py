"""A table or column of TrustDesk's schema gone from the database: a finding, not a bug.

TrustDesk's schema steps make every table and column before a store opens, and nothing of
TrustDesk's renames or drops one. So when a statement fails because a table or column is
not there, and one that TrustDesk's own schema makes is missing from the database,
someone changed the database behind TrustDesk's back: the evidence that table held
cannot be read or checked. ``audit verify`` reports it as a problem of the record; every
other command stops with one line saying so (``SchemaChanged``, a kind of damage that
``trustdesk restore`` repairs). Anything else, such as a statement of TrustDesk's own
naming an alias or a column wrongly, is a bug in TrustDesk and surfaces as one
(decision 0077).

- SQLite: the file's own catalog is read, and the finding names every table and column
  TrustDesk makes that the file lacks. Without one, the error stays as it is.
- PostgreSQL: a failed statement ends the transaction, so the catalog cannot be read on
  its connection. Only the server's "relation … does not exist" and "column … does not
  exist" count, and only for a table or column TrustDesk's own statements make.
"""

from __future__ import annotations

import re
import sqlite3
from functools import cache
from pathlib import Path

from trustdesk.store.errors import DatabaseCorrupt
from trustdesk.store.paths import holds_log

#: SQLite's messages; PostgreSQL's error codes (undefined table, undefined column) and
#: the only messages under them that say a table or column is not there.
_MESSAGES = ("no such table:", "no such column:")
_RELATION = re.compile(r'relation "(?:[^"]+\.)?([^".]+)" does not exist')
_COLUMN = re.compile(r'column "?(?:[\w"]+\.)?"?(\w+)"? (?:of relation "[^"]+" )?does not exist')
_CODES = {"42P01": _RELATION, "42703": _COLUMN}
_ADVICE = (
    "a table or column that holds evidence was renamed or dropped behind TrustDesk's back, "
    "so the record cannot be checked. Restore the records from the last good backup and "
    "find out who changed the database"
)


class SchemaChanged(DatabaseCorrupt):
    """A table or column of TrustDesk's schema is not in the database."""


def schema_gone(exc: BaseException, where: sqlite3.Connection | Path | None = None) -> str | None:
    """What to tell when ``exc`` failed because a table or column of TrustDesk's schema
    is not in the database; None for any other error. ``where``: the SQLite database
    (a connection to it, or its file) whose catalog confirms it; without it a SQLite
    error is left as it is."""
    if isinstance(exc, SchemaChanged):
        return str(exc)
    if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith(_MESSAGES):
        missing = None if where is None else _missing_from_file(where)
        if not missing:
            return None
        return f"the record's tables are not the ones TrustDesk made: {missing} ({exc}): {_ADVICE}"
    pattern = _CODES.get(str(getattr(exc, "sqlstate", None)))
    if pattern is None:
        return None
    diag = getattr(exc, "diag", None)
    detail = str(getattr(diag, "message_primary", None) or exc).strip()
    found = pattern.search(detail)
    tables, columns = _made_on_server()
    if found is None or found.group(1).lower() not in (tables if pattern is _RELATION else columns):
        return None
    return f"the record's tables are not the ones TrustDesk made ({detail}): {_ADVICE}"


def _missing_from_file(where: sqlite3.Connection | Path) -> str:
    """The tables and columns TrustDesk makes that the SQLite database lacks, in words
    ('' when none is missing, or the catalog cannot be read)."""
    conn: sqlite3.Connection | None = None
    try:
        if isinstance(where, sqlite3.Connection):
            conn = where
        else:
            # Read-only; and where no write-ahead log lies beside the file (a backup
            # handed in), as unchanging: nothing is written beside a file that is only
            # read (a WAL-mode file opened read-only would get its -wal and -shm).
            mode = "mode=ro" if holds_log(where) else "mode=ro&immutable=1"
            conn = sqlite3.connect(f"{where.absolute().as_uri()}?{mode}", uri=True)
        held = _columns_by_table(conn)
    except sqlite3.Error:
        return ""
    finally:
        if conn is not None and conn is not where:
            conn.close()
    gone: list[str] = []
    for table, columns in sorted(_made_in_file().items()):
        if table not in held:
            gone.append(f"table {table} is missing")
        else:
            gone.extend(f"column {table}.{c} is missing" for c in sorted(columns - held[table]))
    return "; ".join(gone)


@cache
def _made_in_file() -> dict[str, frozenset[str]]:
    """Every table TrustDesk's schema steps make in a SQLite file, with its columns."""
    from trustdesk.store.sqlite_catalog import made

    return made(_columns_by_table)


def _columns_by_table(conn: sqlite3.Connection) -> dict[str, frozenset[str]]:
    """Every table of a SQLite database, with its columns' names."""
    names = [str(n) for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: frozenset(str(row[1]) for row in conn.execute(f'PRAGMA table_info("{name}")'))
        for name in names
    }


#: A table's statement, and the first word of each of its lines (a column, or a
#: constraint's keyword); a column added by a later step.
_CREATE_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*)\)", re.DOTALL)
_LINE_START = re.compile(r"^\s*(\w+)\s", re.MULTILINE)
_ADD_COLUMN = re.compile(r"ADD COLUMN (\w+)")
_NOT_COLUMNS = {"primary", "unique", "check", "foreign", "constraint", "exclude"}


@cache
def _made_on_server() -> tuple[frozenset[str], frozenset[str]]:
    """The tables (and views) and the columns TrustDesk's server statements make."""
    from trustdesk.store.postgresql import schema as server_schema

    steps = server_schema.STEPS.values()
    statements = [*server_schema.BASELINE, *(text for step in steps for text in step)]
    tables: set[str] = set(re.findall(r"CREATE (?:OR REPLACE )?VIEW (\w+)", " ".join(statements)))
    columns: set[str] = set()
    for statement in statements:
        table = _CREATE_TABLE.search(statement)
        if table is not None:
            tables.add(table.group(1).lower())
            columns.update(w.lower() for w in _LINE_START.findall(table.group(2)))
        columns.update(w.lower() for w in _ADD_COLUMN.findall(statement))
    return frozenset(tables), frozenset(columns - _NOT_COLUMNS)

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
- PostgreSQL: a failed statement ends the transaction, so the catalog is read on a
  connection of its own, and the finding names every table and column TrustDesk's
  statements make that the server's schema lacks; with none missing, the error stays as
  it is. The server's words are not relied on: they are in the language of its
  ``lc_messages``. Only when the catalog cannot be read do its English "relation … does
  not exist" and "column … does not exist" decide, for a name TrustDesk makes.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping
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
_NOT_MADE = "the record's tables are not the ones TrustDesk made"
_ADVICE = (
    "a table or column that holds evidence was renamed or dropped behind TrustDesk's back, "
    "so the record cannot be checked. Restore the records from the last good backup and "
    "find out who changed the database"
)


class SchemaChanged(DatabaseCorrupt):
    """A table or column of TrustDesk's schema is not in the database."""


#: A server's catalog of TrustDesk's schema, read afresh: each table with its columns,
#: or None when it cannot be read (``PgConnection.schema_columns``).
ServerCatalog = Callable[[], Mapping[str, frozenset[str]] | None]


def schema_gone(
    exc: BaseException, where: sqlite3.Connection | Path | ServerCatalog | None = None
) -> str | None:
    """What to tell when ``exc`` failed because a table or column of TrustDesk's schema
    is not in the database; None for any other error. ``where``: the database whose
    catalog confirms it — a SQLite database (a connection to it, or its file), or what
    reads a server's. Without it a SQLite error is left as it is, and a server's
    goes by its English message."""
    if isinstance(exc, SchemaChanged):
        return str(exc)
    if isinstance(exc, sqlite3.OperationalError) and str(exc).startswith(_MESSAGES):
        on_file = where if isinstance(where, sqlite3.Connection | Path) else None
        missing = None if on_file is None else _missing_from_file(on_file)
        if not missing:
            return None
        return f"{_NOT_MADE}: {missing} ({exc}): {_ADVICE}"
    pattern = _CODES.get(str(getattr(exc, "sqlstate", None)))
    if pattern is None:
        return None
    diag = getattr(exc, "diag", None)
    detail = str(getattr(diag, "message_primary", None) or exc).strip()
    # (A sqlite3 connection is callable too: only what reads a server's catalog is called.)
    held = None if where is None or isinstance(where, sqlite3.Connection | Path) else where()
    if held is not None:
        missing = _missing(held, _made_on_server())
        return f"{_NOT_MADE}: {missing} ({detail}): {_ADVICE}" if missing else None
    # The catalog could not be read: the server's own words decide, if they are English.
    found = pattern.search(detail)
    made = _made_on_server()
    tables = frozenset(made)
    columns = frozenset(c for names in made.values() for c in names)
    if found is None or found.group(1).lower() not in (tables if pattern is _RELATION else columns):
        return None
    return f"{_NOT_MADE} ({detail}): {_ADVICE}"


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
    return _missing(held, _made_in_file())


#: The most missing tables and columns a finding names one by one.
_NAMED = 8


def _missing(held: Mapping[str, frozenset[str]], made: Mapping[str, frozenset[str]]) -> str:
    """The tables and columns of ``made`` that ``held`` lacks, in words ('' for none)."""
    gone: list[str] = []
    for table, columns in sorted(made.items()):
        if table not in held:
            gone.append(f"table {table} is missing")
        else:
            gone.extend(f"column {table}.{c} is missing" for c in sorted(columns - held[table]))
    if len(gone) > _NAMED:
        gone[_NAMED:] = [f"and {len(gone) - _NAMED} more"]
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
#: constraint's keyword); a table altered, and the columns it gains.
_CREATE_TABLE = re.compile(r"CREATE TABLE (\w+) \((.*)\)", re.DOTALL)
_LINE_START = re.compile(r"^\s*(\w+)\s", re.MULTILINE)
_ALTER_TABLE = re.compile(r"ALTER TABLE (\w+) ")
_ADD_COLUMN = re.compile(r"ADD COLUMN (\w+)")
_VIEW = re.compile(r"CREATE (?:OR REPLACE )?VIEW (\w+)")
#: A line's first word that is not a column: a constraint's keyword, or the continuation
#: of the line above (tests/store/test_verify_hostile.py checks a fresh schema lacks none).
_NOT_COLUMNS = {
    "primary",
    "unique",
    "check",
    "foreign",
    "constraint",
    "exclude",
    "references",
    "not",
    "default",
    "generated",
    "on",
    "deferrable",
    "initially",
    "collate",
}


@cache
def _made_on_server() -> dict[str, frozenset[str]]:
    """The tables and views TrustDesk's server statements make, with the columns of each
    table (a view's are not listed: it is there or not). No statement of TrustDesk's
    drops or renames one."""
    from trustdesk.store.postgresql import schema as server_schema

    steps = server_schema.STEPS.values()
    statements = [*server_schema.BASELINE, *(text for step in steps for text in step)]
    made: dict[str, set[str]] = {}
    for statement in statements:
        for view in _VIEW.findall(statement):
            made.setdefault(view.lower(), set())
        table = _CREATE_TABLE.search(statement)
        if table is not None:
            columns = {w.lower() for w in _LINE_START.findall(table.group(2))}
            made.setdefault(table.group(1).lower(), set()).update(columns - _NOT_COLUMNS)
        altered = _ALTER_TABLE.search(statement)
        if altered is not None:
            added = {w.lower() for w in _ADD_COLUMN.findall(statement)}
            made.setdefault(altered.group(1).lower(), set()).update(added)
    return {table: frozenset(columns) for table, columns in made.items()}

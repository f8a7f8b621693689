"""``audit verify`` on SQLite: the triggers around the evidence as TrustDesk made them.

Whoever can write the file can drop the triggers that refuse changes to the evidence
and link the chain, or add one of their own, with the plain sqlite3 module. The rows'
digests still catch a changed row, but the walls behind them are gone unseen: a trigger
missing, changed or added is a problem of the record (decision 0063). What TrustDesk
made is what its own schema steps make, run on an empty database in memory (a few
milliseconds), compared statement by statement with the file's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

#: Every row SQLite may load as a trigger: its loader runs each row's statement and
#: reads the type without regard to case, so a row typed 'TRIGGER' is a trigger too.
_TRIGGERS = (
    "SELECT name, tbl_name, sql, type FROM sqlite_master WHERE lower(type) = 'trigger' "
    "OR upper(ltrim(ifnull(sql, ''))) LIKE 'CREATE%TRIGGER%'"
)
_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
_BEHIND = "changed behind TrustDesk's back"


def made(read: Callable[[sqlite3.Connection], T]) -> T:
    """``read`` of an empty database in memory that TrustDesk's schema steps made."""
    from trustdesk.store.migrations import migrate

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn)
        return read(conn)
    finally:
        conn.close()


@cache
def made_triggers() -> dict[str, tuple[str, str]]:
    """TrustDesk's triggers by name: (table, statement with its spaces folded)."""
    return made(_triggers)


#: Every row of the schema, as SQLite keeps it.
_SCHEMA = "SELECT type, name, tbl_name, sql FROM sqlite_master"


@cache
def made_schema() -> tuple[tuple[object, ...], ...]:
    """Every row of the schema TrustDesk's steps make (type, name, table, statement)."""
    return made(schema_rows)


def schema_rows(conn: Any) -> tuple[tuple[object, ...], ...]:
    """Every row of ``conn``'s schema, in an order of their own."""
    return tuple(sorted((tuple(row) for row in conn.execute(_SCHEMA).fetchall()), key=repr))


def schema_is_made(conn: Any) -> bool:
    """Whether the file ``conn`` reads holds exactly the schema TrustDesk makes, row for
    row and statement for statement: no view in a table's place, no column computed on
    reading, no trigger, index or table of anyone else's. The faster reader of ``audit
    verify`` runs the file's schema under another SQLite than the desk's (decision 0075):
    a schema of someone else's could show it other values than the desk reads."""
    return schema_rows(conn) == made_schema()


def _rows(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    return [
        (str(name), str(table), " ".join(str(sql).split()), str(kind))
        for name, table, sql, kind in conn.execute(_TRIGGERS).fetchall()
    ]


def _triggers(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    return {name: (table, sql) for name, table, sql, _kind in _rows(conn)}


def trigger_problems(conn: sqlite3.Connection) -> list[str]:
    """Each trigger of the file missing, not as TrustDesk made it, never made by it, or
    written into the schema in a form TrustDesk never writes (another spelling of the
    type, a name twice)."""
    made, rows = made_triggers(), _rows(conn)
    held = {name: (table, sql) for name, table, sql, _kind in rows}
    tables = {name for (name,) in conn.execute(_TABLES).fetchall()}
    found: list[str] = []
    for name, table, _sql, kind in rows:
        if kind != "trigger":
            found.append(
                f"the schema holds a trigger {name!r} on table {table} written as type "
                f"{kind!r}, which only an edit of the schema itself makes; {_BEHIND}"
            )
    names = [name for name, _table, _sql, _kind in rows]
    for name in sorted({name for name in names if names.count(name) > 1}):
        found.append(f"the schema holds the trigger {name!r} more than once; {_BEHIND}")
    for name, (table, statement) in sorted(made.items()):
        if table not in tables:
            continue  # a table gone is reported as such (its triggers went with it)
        if name not in held:
            found.append(
                f"the trigger {name} on table {table}, which guards the evidence, is missing; "
                f"{_BEHIND}"
            )
        elif held[name] != (table, statement):
            found.append(
                f"the trigger {name} on table {table} is not the one TrustDesk made: "
                f"{held[name][1]}; {_BEHIND}"
            )
    for name in sorted(set(held) - set(made)):
        found.append(
            f"table {held[name][0]} has a trigger {name!r}, which TrustDesk never makes: it "
            f"can change or hide what is recorded; {_BEHIND}"
        )
    return found

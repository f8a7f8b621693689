"""Small helpers for reading rows as dicts (repositories turn them into dataclasses)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any


def dict_rows(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()
) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    for row in cursor:
        yield dict(zip(names, row, strict=True))


def one_dict(
    conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()
) -> dict[str, Any] | None:
    return next(dict_rows(conn, sql, params), None)


def scalar(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return None if row is None else row[0]


def insert(conn: sqlite3.Connection, table: str, values: dict[str, Any]) -> int:
    """Insert one row from a dict; the new rowid."""
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
    )
    rowid = cursor.lastrowid
    assert rowid is not None
    return rowid

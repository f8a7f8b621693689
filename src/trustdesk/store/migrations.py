"""Bringing a database up to the current schema, one step per transaction.

A step that fails rolls back alone: the database stays at the last completed version,
whole and usable by the TrustDesk that wrote it, and the next start resumes from there.
"""

from __future__ import annotations

import sqlite3

from trustdesk.store.errors import NewerSchema
from trustdesk.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def check_not_newer(version: int, where: str) -> None:
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{where} was written by a newer TrustDesk (schema {version}; this one reads up "
            f"to {SCHEMA_VERSION}); install the newer TrustDesk, or restore a backup made "
            "with this version. The file was not changed."
        )


def apply(conn: sqlite3.Connection, migration: Migration) -> None:
    """Run one step and set ``user_version`` to it, in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if schema_version(conn) != migration.version - 1:
            raise RuntimeError(
                f"migration {migration.version} needs schema {migration.version - 1}"
            )
        if callable(migration.step):
            migration.step(conn)
        else:
            for statement in migration.step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {int(migration.version)}")
        conn.execute("COMMIT")
    except BaseException:
        # SQLite may have rolled back already (a full disk does): then there is nothing
        # to roll back, and the error that did it is the one to report.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def migrate(
    conn: sqlite3.Connection,
    target: int = SCHEMA_VERSION,
    steps: tuple[Migration, ...] = MIGRATIONS,
) -> list[int]:
    """Apply every step above the current version up to ``target``; the versions applied."""
    current = schema_version(conn)
    check_not_newer(current, "the database")
    applied = []
    for migration in steps:
        if current < migration.version <= target:
            apply(conn, migration)
            applied.append(migration.version)
            current = migration.version
    return applied

"""What ``store migrate`` copies, and how the desk's SQLite snapshot is read for it.

Shared by the move (``store/transfer.py``) and the server's side of it
(``postgresql/copy_in.py``): the tables and keys copied, the errors and the report.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from trustdesk.store.errors import StoreError

#: Tables copied, parents before children. Derived tables are copied too, since they are
#: checked against the evidence by ``audit verify`` on the target like on the desk.
COPIED = (
    "users",
    "login_failures",
    "audit_log",
    "audit_decisions",
    "people",
    "detainers",
    "decisions",
    "decision_answers",
    "reviews",
    "holds",
    "hold_closures",
    "open_holds",
    "pending_reviews",
    "agency",
    "drafts",
    "contacts",
    "contact_reviews",
    "agency_history",
    "signer_history",
)
#: Tables of the SQLite file that are not copied, and why.
NOT_COPIED = {
    "meta": "the store's identity is copied key by key (META_KEYS); the rest is per backend",
    "people_fts": "SQLite's own name index; the server has its own, built from people",
    "report_members": "SQLite's copy of what reports read of each decision document; the "
    "server computes its own from the documents it gets (generated columns, schema 11)",
    "report_outcome_lists": "the outcome lists report_members names (SQLite's only)",
}
#: Keys of ``meta`` that belong to the record rather than to the database holding it.
META_KEYS = ("store_id", "created_at")
#: Rows streamed per read from SQLite.
BATCH = 5_000


class TargetNotEmpty(StoreError):
    """The PostgreSQL store already holds records; nothing was written to it."""


class CopyFailed(StoreError):
    """The copy could not be made; it was rolled back and the target left empty."""


class ChainBroken(StoreError):
    """The desk's record, or its copy on the server, does not verify; nothing was written."""


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int


@dataclass(frozen=True, slots=True)
class TransferReport:
    tables: tuple[TableCopy, ...]
    head_seq: int  # the server's head: its ``store.migrated_in`` entry
    head_hash: str
    store_id: str
    source_seq: int  # the desk's head that was copied
    source_hash: str
    server_role: str  # who wrote the server's records
    moved_out_seq: int = 0  # the folder's ``store.migrated_out`` entry (0: not yet)
    #: Nothing copied: the server already held this folder's record (an earlier move whose
    #: folder mark failed), and only the folder's missing mark was recorded now.
    repaired: bool = False

    def rows(self, table: str) -> int:
        return next((t.rows for t in self.tables if t.table == table), 0)


Progress = Callable[[str], None]


def source_tables(conn: sqlite3.Connection) -> list[str]:
    """The SQLite file's own tables (without FTS5's shadow tables)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return [name for name in names if not name.startswith("people_fts_")]


def source_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"SELECT * FROM pragma_table_info('{table}')")]


def source_rows(
    conn: sqlite3.Connection, table: str, columns: Sequence[str]
) -> Iterator[tuple[Any, ...]]:
    """A table's rows in key order (rowid, or the primary key of a WITHOUT ROWID table)."""
    cursor = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1")
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def source_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta"))


def source_count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

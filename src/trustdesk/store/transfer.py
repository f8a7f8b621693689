"""Copying a desk's SQLite record onto a new, empty PostgreSQL store (``store migrate``).

Every row of evidence, account and setting is copied with its own ids, times and
digests, so the audit chain on the server is the very chain of the desk, entry for entry,
and every memo and anchor made on the desk stays valid. The copy runs in one server
transaction: the target is checked empty, the tables are locked against the desks, every
table is streamed in with COPY, the id sequences are moved past the copied ids, and the
whole chain is verified on the server before anything is committed. Any failure rolls
all of it back, leaving the target as empty as it was.

The SQLite side is read from one snapshot of a separate read-only connection; the rows
are handed to the server exactly as stored (the columns and their meaning are the same on
both backends: ``store/schema.py``), converted only where PostgreSQL's column type
differs from SQLite's storage class (0/1 to boolean).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustdesk.store.errors import StoreError

if TYPE_CHECKING:
    import psycopg

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
)
#: Tables of the SQLite file that are not copied, and why.
NOT_COPIED = {
    "meta": "the store's identity is copied key by key (META_KEYS); the rest is per backend",
    "people_fts": "SQLite's own name index; the server has its own, built from people",
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
    head_seq: int
    head_hash: str
    store_id: str

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


# -- the PostgreSQL side ---------------------------------------------------------------


def target_columns(cur: psycopg.Cursor[Any], table: str) -> dict[str, str]:
    """Column name → PostgreSQL data type, in table order."""
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return dict(cur.fetchall())


def occupied(cur: psycopg.Cursor[Any]) -> list[str]:
    """The copied tables that already hold records on the target.

    ``store init`` gives a new store its identity: an entry ``store.created`` (and its
    id in ``meta``). A target holding that alone is empty; the copy replaces it with the
    desk's own identity, whose ``store.created`` opens the desk's chain.
    """
    found = []
    for table in COPIED:
        if table == "audit_log":
            cur.execute("SELECT count(*), bool_and(event = 'store.created') FROM audit_log")
            row = cur.fetchone()
            if row is not None and (row[0] > 1 or (row[0] == 1 and not row[1])):
                found.append(table)
            continue
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        row = cur.fetchone()
        if row is not None and row[0]:
            found.append(table)
    return found


def _converter(kind: str) -> Callable[[Any], Any] | None:
    if kind == "boolean":
        return lambda value: None if value is None else bool(value)
    if kind == "bytea":
        return lambda value: None if value is None else bytes(value)
    return None


def copy_table(
    source: sqlite3.Connection, cur: psycopg.Cursor[Any], table: str, say: Progress
) -> int:
    """Stream one table into the target with COPY; the number of rows."""
    have = source_columns(source, table)
    want = target_columns(cur, table)
    missing = [column for column in have if column not in want]
    if missing:
        raise CopyFailed(
            f"the PostgreSQL store has no column {table}.{missing[0]}: it was made by another "
            "version of TrustDesk; run `trustdesk store init` of this version on a new database"
        )
    converters = [_converter(want[column]) for column in have]
    total = source_count(source, table)
    say(f"  {table}: {total:,} rows")
    count = 0
    with cur.copy(f"COPY {table} ({', '.join(have)}) FROM STDIN") as copy:
        for stored in source_rows(source, table, have):
            row = stored
            if any(converters):
                row = tuple(
                    value if convert is None else convert(value)
                    for value, convert in zip(stored, converters, strict=True)
                )
            copy.write_row(row)
            count += 1
            if count % 200_000 == 0:
                say(f"    {count:,} / {total:,}")
    return count


def advance_sequences(cur: psycopg.Cursor[Any], table: str) -> None:
    """Move each id sequence of ``table`` past the copied ids, so new rows follow them."""
    for column in target_columns(cur, table):
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", (table, column))
        row = cur.fetchone()
        if row is None or row[0] is None:
            continue
        cur.execute(
            f"SELECT setval(%s, coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
            (row[0],),
        )


def copy_meta(cur: psycopg.Cursor[Any], meta: dict[str, str]) -> None:
    for key in META_KEYS:
        if key in meta:
            cur.execute("DELETE FROM meta WHERE key = %s", (key,))
            cur.execute("INSERT INTO meta (key, value) VALUES (%s, %s)", (key, meta[key]))


# -- the whole move ---------------------------------------------------------------------


def migrate(source_dir: Path, url: str, say: Progress) -> TransferReport:
    """Copy the record of ``source_dir`` onto the empty store at ``url``; see the module."""
    from trustdesk.store.paths import DB_NAME
    from trustdesk.store.store import Store

    if not (source_dir / DB_NAME).is_file():
        raise StoreError(
            f"{source_dir} holds no TrustDesk record ({DB_NAME} not found); name the desk's "
            "data folder with --from"
        )
    # Opening brings an older record up to this version's schema, the one `store init`
    # made on the server.
    with Store.open(source_dir) as source:
        say(f"checking the record in {source_dir} …")
        checked = source.verify()
        if not checked.ok:
            first = checked.problems[0]
            raise ChainBroken(
                f"the record in {source_dir} does not verify ({first}); nothing was copied. "
                "Restore a good backup of the desk first (trustdesk restore)"
            )
        say(f"  intact: {checked.records:,} decision records, {checked.entries:,} audit entries")
        # Read inside a write transaction: one snapshot of the whole record, and no desk
        # on this folder can record anything meanwhile that the server would then miss
        # (it waits, and is told the folder is busy if the copy takes longer).
        with source.db.transaction() as conn:
            return _copy(conn, url, say)


def _copy(source: sqlite3.Connection, url: str, say: Progress) -> TransferReport:
    """The server side: one transaction, rolled back on any failure (see the module)."""
    from trustdesk.store.postgresql.connection import PgConnection, open_connection
    from trustdesk.store.postgresql.schema import CHAIN_LOCK_KEY
    from trustdesk.store.verify import verify

    raw = open_connection(url)
    target = PgConnection(raw, url)
    try:
        with target.translating():
            raw.execute("BEGIN")
            # The desks' own writers' lock: none of them can write while this runs.
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
            with raw.cursor() as cur:
                _refuse_occupied(cur, url)
                _bypass_triggers(cur, url)
                # The target's own identity (store init's first entry) makes way for the
                # desk's, which opens the chain being copied.
                cur.execute("DELETE FROM audit_log")
                say(f"copying onto {_where(url)} …")
                copied = []
                for table in COPIED:
                    copied.append(TableCopy(table, copy_table(source, cur, table, say)))
                    advance_sequences(cur, table)
                meta = source_meta(source)
                copy_meta(cur, meta)
            say("verifying the copy on the server …")
            report = verify(target)  # type: ignore[arg-type]
            if not report.ok:
                raise ChainBroken(
                    f"the copy does not verify on the server ({report.problems[0]}); it was "
                    "rolled back and the target left empty. Please report this"
                )
            raw.execute("COMMIT")
    finally:
        if not raw.closed:
            if raw.info.transaction_status != 0:  # not idle: roll back what was begun
                raw.execute("ROLLBACK")
            raw.close()
    return TransferReport(tuple(copied), report.head_seq, report.head_hash, meta["store_id"])


def _bypass_triggers(cur: psycopg.Cursor[Any], url: str) -> None:
    """Let the rows in as they are: no append-only, chain-link or foreign-key trigger.

    For this transaction only; what those triggers guard (an unbroken chain, rows that
    match their entries, nothing extra or missing) is checked by the full verification
    that must pass before anything is committed. Needs a superuser.
    """
    import psycopg as pg

    try:
        cur.execute("SET LOCAL session_replication_role = replica")
    except pg.errors.InsufficientPrivilege:
        raise StoreError(
            f"store migrate must connect to {_where(url)} as a database superuser (e.g. "
            "postgres); nothing was written"
        ) from None


def _where(url: str) -> str:
    from trustdesk.store.postgresql.connection import describe

    return describe(url)


def _refuse_occupied(cur: psycopg.Cursor[Any], url: str) -> None:
    found = occupied(cur)
    if found:
        raise TargetNotEmpty(
            f"{_where(url)} already holds records (table {found[0]} is not empty); "
            "nothing was written. `store migrate` copies onto a new store only: run "
            "`trustdesk store init` on a new, empty database and migrate to that"
        )

"""The open store on a PostgreSQL server: connection, transactions, reconnection.

The PostgreSQL counterpart of store/database.py. No folder lock: several desks and
programs share the server, and the server serialises writers (every write transaction
takes the store's advisory lock: first, or for a new decision's save once the rows no
other writer touches are written, see postgresql/connection.py and decision 0024). A lost connection
fails the operation under way with ``ServerUnavailable`` (the server rolled it back);
the next operation connects again.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

import psycopg

from trustdesk.store.anchor import AnchorFile
from trustdesk.store.errors import NewerSchema, NotATrustDeskDatabase, StoreError
from trustdesk.store.postgresql.connection import (
    IntegrityViolation,
    PgConnection,
    describe,
    open_connection,
    unavailable,
)
from trustdesk.store.postgresql.schema import OWNER_ROLE, SCHEMA
from trustdesk.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite3


class PgDatabase:
    """One connection to the store's database on a server (see the module docstring)."""

    backend = "postgresql"

    def __init__(self, url: str, data_dir: Path, conn: PgConnection) -> None:
        self.url = url
        self.data_dir = data_dir
        # Messages name the server; no file of this name exists.
        self.path = Path(describe(url))
        self._conn: PgConnection | None = conn
        self._closed = False
        self._mutex = threading.RLock()
        self._brief = False  # waiting_briefly
        # Per workstation and database (not per folder): named by the server and database.
        self.anchor = AnchorFile(Path("/postgresql") / describe(url).replace(" ", "_"))

    @classmethod
    def open(cls, url: str, data_dir: Path | str | None = None) -> PgDatabase:
        from trustdesk.store.paths import resolve_data_dir

        folder = resolve_data_dir(data_dir)
        conn = PgConnection(open_connection(url), url)
        try:
            _prepare(conn, url)
        except BaseException:
            conn.close()
            raise
        return cls(url, folder, conn)

    def where(self) -> str:
        return describe(self.url)

    @property
    def conn(self) -> PgConnection:
        if self._closed:
            raise StoreError("the database is closed")
        if self._conn is None or self._conn.broken or self._conn.raw.closed:
            # Reconnect: the server may be back (ServerUnavailable again if not).
            self._conn = PgConnection(open_connection(self.url), self.url)
        self._conn.brief = self._brief
        return self._conn

    @contextlib.contextmanager
    def transaction(self, *, late_turn: bool = False) -> Iterator[sqlite3.Connection]:
        with self._mutex, self.translating():
            conn = self.conn
            try:
                if late_turn:
                    conn.begin_late()  # the lock comes with take_turn
                else:
                    conn.execute("BEGIN IMMEDIATE")  # may wait its turn, and give up (busy)
            except BaseException:
                _rollback(conn)
                raise
            try:
                yield cast("sqlite3.Connection", conn)
                conn.commit()
            except BaseException:
                conn.end_pipeline()
                _rollback(conn)
                raise
            with contextlib.suppress(StoreError, psycopg.Error):
                self.anchor.advance(cast("sqlite3.Connection", conn))

    def take_turn(self, conn: sqlite3.Connection) -> None:
        """The writers' turn, in a transaction begun with ``late_turn``: the advisory
        lock is queued here and waited for by the next statement whose result is read."""
        cast(PgConnection, conn).take_turn()

    def server_time(self) -> datetime:
        """The server's clock now (its statement's start), to compare this desk's with."""
        with self._mutex, self.translating():
            row = self.conn.execute("SELECT pg_catalog.statement_timestamp()").fetchone()
        value = row[0]
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))

    @contextlib.contextmanager
    def waiting_briefly(self) -> Iterator[None]:
        """backend.Database's: each write transaction meanwhile sets its own, short
        ``lock_timeout`` before it queues for the writers' lock."""
        with self._mutex:
            self._brief = True
            try:
                yield
            finally:
                self._brief = False
                if self._conn is not None:
                    self._conn.brief = False

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._mutex, self.translating():
            conn = self.conn
            conn.execute("BEGIN")
            try:
                yield cast("sqlite3.Connection", conn)
            finally:
                _rollback(conn)

    @contextlib.contextmanager
    def translating(self) -> Iterator[None]:
        """The connection raised sqlite3's classes for what the repositories catch; what
        they let through becomes the store's message, as on SQLite (append-only refusals)."""
        import sqlite3

        from trustdesk.store.connection import translate

        try:
            yield
        except sqlite3.Error as exc:
            error = translate(exc, self.path)
            if error is None:
                raise
            raise error from None

    def administrator(self) -> tuple[bool, str]:
        """(whether this connection administers the records, its role): a superuser or
        a member of the owner role may do what only whoever holds the records may."""
        with self.reading() as conn:
            row = conn.execute(
                "SELECT rolsuper OR pg_has_role(current_user, ?, 'MEMBER'), current_user "
                "FROM pg_roles WHERE rolname = current_user",
                (OWNER_ROLE,),
            ).fetchone()
        return (bool(row[0]), str(row[1])) if row else (False, "unknown")

    def open_reader(self) -> sqlite3.Connection:
        conn = PgConnection(open_connection(self.url), self.url, streaming=True)
        return cast("sqlite3.Connection", conn)

    def close(self) -> None:
        with self._mutex:
            self._closed = True
            if self._conn is not None:
                conn, self._conn = self._conn, None
                with contextlib.suppress(psycopg.Error):
                    conn.close()

    def __enter__(self) -> PgDatabase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _rollback(conn: PgConnection) -> None:
    if conn.broken or conn.raw.closed:
        return
    with contextlib.suppress(psycopg.Error, StoreError):
        if conn.in_transaction:
            conn.raw.execute("ROLLBACK")


def _prepare(conn: PgConnection, url: str) -> None:
    """Refuse a database without the store's schema or with a newer one; give a new
    store its identity and first audit entry (as a new SQLite file gets them)."""
    from trustdesk.store.database import initialise

    try:
        found = conn.raw.execute(
            "SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_version",)
        ).fetchone()
        if not (found and found[0]):
            raise NotATrustDeskDatabase(
                f"{describe(url)} has no TrustDesk store; an administrator sets it up with "
                "`trustdesk store init URL` (see the README's Database server section)"
            )
        row = conn.raw.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
    except psycopg.OperationalError as exc:
        raise unavailable(url, exc) from None
    except psycopg.Error as exc:
        raise StoreError(f"cannot read {describe(url)}: {str(exc).strip()}") from None
    version = 0 if row is None else int(row[0])
    if version > SCHEMA_VERSION:
        raise NewerSchema(
            f"{describe(url)} was written by a newer TrustDesk (schema {version}; this one "
            f"reads up to {SCHEMA_VERSION}); install the newer TrustDesk."
        )
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{describe(url)} has an older TrustDesk schema ({version}); an administrator "
            "brings it up to date with `trustdesk store init URL` (this TrustDesk's)"
        )
    store_id = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
    if store_id is None:
        try:
            initialise(cast("sqlite3.Connection", conn))
        except IntegrityViolation:
            # Another desk gave the new store its identity at the same moment.
            again = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
            if again is None:
                raise

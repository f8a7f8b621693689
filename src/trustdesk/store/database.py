"""The open database of one data folder: locks, checks, pragmas, migrations, transactions.

Several programs may have one data folder open at once (see lock.py): every write is a
``BEGIN IMMEDIATE`` transaction, so writers take turns (each waits up to the busy timeout
for the one before it) and the audit chain's head is read and extended inside the
writer's turn: one linear chain, however many programs record. Reads never wait.

Opening order matters for "nothing overwritten": the folder's locks are taken first (a
shared hold for as long as it is open, and the setup lock while it is being opened), then
the file's own bytes are checked, then SQLite opens it and the schema version is read
before any pragma or migration writes a byte. A new database is built under a
temporary name and renamed into place only when complete, so a crash during the very
first start never leaves a half-made ``trustdesk.db`` behind.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from trustdesk.durable import fsync_dir, fsync_file
from trustdesk.store import audit
from trustdesk.store.anchor import AnchorFile
from trustdesk.store.backend import BRIEF_WAIT_MS
from trustdesk.store.connection import (
    BUSY_TIMEOUT_SECONDS,
    PAGE_SIZE,
    configure,
    connect,
    inspect_file,
    translate,
)
from trustdesk.store.errors import (
    RESTORE_ADVICE,
    AlreadyOpen,
    DatabaseCorrupt,
    DiskFull,
    ReadOnly,
    StoreError,
    StoreIOError,
)
from trustdesk.store.lock import FolderLock, WindowLock, setup_lock
from trustdesk.store.migrations import check_not_newer, migrate, schema_version
from trustdesk.store.paths import DB_NAME, hostname, refuse_network_path, resolve_data_dir
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.schema import APPLICATION_ID, SCHEMA_VERSION

log = logging.getLogger("trustdesk.store")

_INIT_PREFIX = f".{DB_NAME}.init-"


class Database:
    """This program's connection to ``trustdesk.db`` (one thread at a time), with its locks."""

    backend = "sqlite"

    def __init__(
        self,
        data_dir: Path,
        conn: sqlite3.Connection,
        lock: FolderLock,
        window: WindowLock | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self._conn: sqlite3.Connection | None = conn
        self._lock = lock
        self._window = window
        self._mutex = threading.RLock()
        #: How long a writer waits for its turn now, in seconds (``waiting_briefly``).
        self._busy_seconds = BUSY_TIMEOUT_SECONDS
        #: The chain head this workstation last saw, moved on after every commit.
        self.anchor = AnchorFile(data_dir)
        #: Which file the connection opened (device, inode): another program's restore
        #: replaces it by a new one, which this program must then open (``alone``).
        self._identity = _file_identity(self.path)

    # -- opening ---------------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path | str | None = None, *, window: bool = False) -> Database:
        """Open (creating on first use) the database of ``data_dir``.

        ``window``: for the desktop app, which is refused while another window has the
        folder open; any number of other programs may use it meanwhile.
        """
        folder = resolve_data_dir(data_dir)
        refuse_network_path(folder)
        _make_folder(folder)
        claim = WindowLock.acquire(folder) if window else None
        try:
            with setup_lock(folder):
                lock = FolderLock.share(folder)
                try:
                    conn = _open_under_setup_lock(folder)
                except BaseException:
                    lock.release()
                    raise
        except BaseException:
            if claim is not None:
                claim.release()
            raise
        return cls(folder, conn, lock, claim)

    # -- use ---------------------------------------------------------------------------

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the database is closed")
        return self._conn

    @contextlib.contextmanager
    def transaction(self, *, late_turn: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction: all of it is committed, or none of it.

        ``late_turn`` is for PostgreSQL (backend.Database): SQLite's BEGIN IMMEDIATE
        takes the writers' turn at once, in-process and cheaply, whatever is asked."""
        with self._mutex, self.translating():
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            # Only once committed: an anchor ahead of the file would be a false alarm.
            with contextlib.suppress(sqlite3.Error):
                self.anchor.advance(conn)

    def take_turn(self, conn: sqlite3.Connection) -> None:
        """Nothing to do: the transaction took the writers' turn at its BEGIN IMMEDIATE."""

    @contextlib.contextmanager
    def waiting_briefly(self) -> Iterator[None]:
        """backend.Database's: SQLite's busy timeout shortened meanwhile, then put back
        (also on a connection opened meanwhile, after another program's restore)."""
        with self._mutex:
            self._busy_timeout(BRIEF_WAIT_MS / 1000)
            try:
                yield
            finally:
                self._busy_timeout(BUSY_TIMEOUT_SECONDS)

    def _busy_timeout(self, seconds: float) -> None:
        self._busy_seconds = seconds
        if self._conn is not None:
            with self.translating():
                self._conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")

    @contextlib.contextmanager
    def alone(self, what: str) -> Iterator[None]:
        """This program alone on the folder while ``what`` (a restore) replaces files;
        refused with a plain message while another program has it open.

        The folder lock gives up its shared hold for an instant to take the exclusive
        one. Another program's restore can take the folder in that instant and replace
        the database file; this program, refused or not, then goes on with the file now
        in place, never with the replaced one (whatever it wrote there was lost
        unseen: a hostile pass)."""
        with self._mutex:
            try:
                with self._lock.alone(what):
                    self._follow_replacement()
                    yield
            except AlreadyOpen:
                self._follow_replacement()
                raise

    def _follow_replacement(self) -> None:
        """Reopen the database if the file in place is not the one the connection opened."""
        if self._conn is None or _file_identity(self.path) == self._identity:
            return
        log.warning("the database file was replaced by another program: opened again")
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn = None
        self.reattach()

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several queries."""
        with self._mutex, self.translating():
            conn = self.conn
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    @contextlib.contextmanager
    def translating(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            error = translate(exc, self.path, self._busy_seconds)
            if error is None:
                raise
            raise error from None

    def open_reader(self) -> sqlite3.Connection:
        """A separate read-only connection: a snapshot that never blocks the writer."""
        conn = connect(self.path, readonly=True)
        try:
            with self.translating():
                configure(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def where(self) -> str:
        return str(self.path)

    def close(self) -> None:
        with self._mutex:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                try:
                    conn.close()
                finally:
                    self._lock.release()
                    if self._window is not None:
                        self._window.release()

    def detach(self) -> FolderLock:
        """Close the connection but keep the folder lock (used while a restore swaps files)."""
        with self._mutex:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._conn.close()
                self._conn = None
            return self._lock

    def reattach(self) -> None:
        with self._mutex:
            inspect_file(self.path)
            conn = connect(self.path)
            try:
                _prepare(conn, self.path)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
            self._identity = _file_identity(self.path)
            if self._busy_seconds != BUSY_TIMEOUT_SECONDS:  # reopened while waiting_briefly
                self._busy_timeout(self._busy_seconds)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except PermissionError:
        raise ReadOnly(
            f"cannot create data folder {folder} (permission denied); choose a folder you "
            "can write to (--data-dir)"
        ) from None
    except OSError as exc:
        if exc.errno == 30:  # EROFS
            raise ReadOnly(f"data folder {folder} is on a read-only file system") from None
        if exc.errno == 28:  # ENOSPC
            raise DiskFull(f"cannot create data folder {folder}: the disk is full") from None
        raise StoreIOError(f"cannot create data folder {folder}: {exc.strerror}") from None


def _open_under_setup_lock(folder: Path) -> sqlite3.Connection:
    """Build, check, open and migrate: one program at a time (the setup lock is held)."""
    path = folder / DB_NAME
    _remove_unfinished_builds(folder)
    if not path.exists():
        _refuse_orphan_wal(path)
        _build_new(path)
    inspect_file(path)
    conn = connect(path)
    try:
        _prepare(conn, path)
    except BaseException:
        conn.close()
        raise
    return conn


def _remove_unfinished_builds(folder: Path) -> None:
    # Only ever our own temporary files, and only under the setup lock: no other program
    # is building one now, so any left is a crashed first start's.
    for leftover in folder.glob(_INIT_PREFIX + "*"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _refuse_orphan_wal(path: Path) -> None:
    for suffix in ("-wal", "-journal"):
        orphan = path.with_name(path.name + suffix)
        if orphan.exists() and orphan.stat().st_size > 0:
            raise DatabaseCorrupt(
                f"{path} is missing but {orphan.name} is still there: the database was "
                f"moved or deleted. Put trustdesk.db back, or {RESTORE_ADVICE}; TrustDesk "
                "will not start a new database over unsaved records."
            )


def _build_new(path: Path) -> None:
    """Create, initialise and migrate a new database, then move it into place."""
    temp = path.with_name(f"{_INIT_PREFIX}{os.urandom(16).hex()}")
    try:
        conn = connect(temp, create=True)
        try:
            # Before anything is written: the first write fixes the file's page size.
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            configure(conn, wal=False)
            migrate(conn)
            initialise(conn)
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        fsync_file(temp)
        os.replace(temp, path)
        fsync_dir(path.parent)
    except sqlite3.Error as exc:
        error = translate(exc, path)
        if error is None:
            raise
        raise error from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def initialise(conn: sqlite3.Connection) -> None:
    """Give a new database its identity and the first entry of its audit chain."""
    now = datetime.now(UTC)
    # The store's identity for life: a random (version 4) UUID, kept in meta and in the
    # first audit entry, so a restore can tell these records from another store's.
    store_id = str(uuid.UUID(bytes=os.urandom(16), version=4))
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('store_id', ?), ('created_at', ?)",
            (store_id, now.isoformat()),
        )
        audit.append(
            conn,
            AuditEvent(
                "store.created", "success", {"schema": SCHEMA_VERSION, "store_id": store_id}
            ),
            Actor(None, None, hostname()),
            now,
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # a full disk has SQLite roll back by itself
            conn.execute("ROLLBACK")
        raise


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a newer schema before writing anything; then pragmas and migrations."""
    try:
        version = schema_version(conn)
        check_not_newer(version, str(path))
        configure(conn)
        migrate(conn)
        store_id = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()
        if store_id is None and version == 0:
            # Marked as TrustDesk's but never initialised: nothing in it to lose.
            initialise(conn)
            store_id = ("new",)
    except sqlite3.Error as exc:
        error = translate(exc, path)
        if error is None:
            error = DatabaseCorrupt(
                f"{path} is not a usable TrustDesk database ({exc}); {RESTORE_ADVICE}"
            )
        raise error from None
    if store_id is None:
        raise DatabaseCorrupt(
            f"{path} lacks its TrustDesk identity (meta.store_id); {RESTORE_ADVICE}"
        )


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` as (device, inode); None when it cannot be looked at."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino

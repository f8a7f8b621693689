"""Opening SQLite files: refusing foreign or damaged ones, and the pragmas every connection has.

Checks on the file's own bytes come first, before SQLite touches it, so a file that is
not a TrustDesk database is refused without a single byte written to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from trustdesk.store.errors import (
    RESTORE_ADVICE,
    AlreadyOpen,
    DatabaseCorrupt,
    DiskFull,
    NotATrustDeskDatabase,
    ReadOnly,
    StoreError,
    StoreIOError,
)
from trustdesk.store.schema import APPLICATION_ID
from trustdesk.store.schema_gone import SchemaChanged, schema_gone

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0
HEADER_SIZE = 100
#: The page size of a new database. A decision row is about 7 KB (its two documents):
#: in SQLite's default 4 KB pages every row spilled onto overflow pages, which
#: ``audit verify`` followed and copied for each of them; in 16 KB pages a row lies in
#: one page, and verifying 300,000 entries took about 6 % less CPU. Larger pages saved a
#: little more (64 KB: 9 %) but every save writes whole pages to the -wal (a decision:
#: 42 KB at 4 KB, 169 KB at 16 KB, 675 KB at 64 KB). A database made before keeps its
#: pages: SQLite changes them only by rewriting the whole file (decision 0055).
PAGE_SIZE = 16384

#: What every connection to a TrustDesk database must report (RELIABILITY.md).
EXPECTED_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "secure_delete": 1,
    "application_id": APPLICATION_ID,
    "trusted_schema": 0,
}

_LEAVE = "TrustDesk left the file unchanged"


def inspect_file(path: Path) -> None:
    """Refuse a file that is empty, not SQLite, another application's or truncated."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            header = handle.read(HEADER_SIZE)
    except PermissionError:
        raise ReadOnly(f"cannot read {path} (permission denied)") from None
    except OSError as exc:
        raise StoreIOError(f"cannot read {path}: {exc.strerror or exc}") from None
    if size == 0:
        raise NotATrustDeskDatabase(
            f"{path} is an empty file, not a TrustDesk database; {_LEAVE}. Move it away "
            "or choose another data folder (--data-dir)."
        )
    if not header.startswith(SQLITE_MAGIC):
        raise NotATrustDeskDatabase(
            f"{path} is not a TrustDesk database (not an SQLite file); {_LEAVE}. Move it "
            "away or choose another data folder (--data-dir)."
        )
    if len(header) < HEADER_SIZE:
        raise DatabaseCorrupt(
            f"{path} is damaged: shorter than an SQLite header ({size} bytes); {_LEAVE}. "
            f"To recover, {RESTORE_ADVICE}."
        )
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise NotATrustDeskDatabase(
            f"{path} is another application's SQLite database (application id "
            f"{app_id:#010x}), not TrustDesk's; {_LEAVE}. Move it away or choose another "
            "data folder (--data-dir)."
        )
    _refuse_truncated(path, header, size)


def _refuse_truncated(path: Path, header: bytes, size: int) -> None:
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = header[24:28]
    pages = int.from_bytes(header[28:32], "big")
    valid_for = header[92:96]
    wal = path.with_name(path.name + "-wal")
    # With frames waiting in the -wal, the main file may legitimately lag behind.
    if wal.exists() and wal.stat().st_size > 32:
        return
    expected = pages * page_size
    header_trusted = valid_for == change_counter and pages > 0
    if (header_trusted and size < expected) or (page_size and size % page_size):
        raise DatabaseCorrupt(
            f"{path} is damaged: truncated to {size} bytes (its header says {expected}); "
            f"{_LEAVE}. To recover, {RESTORE_ADVICE}."
        )


def connect(
    path: Path, *, readonly: bool = False, create: bool = False, immutable: bool = False
) -> sqlite3.Connection:
    """A raw connection in autocommit mode (transactions are explicit); no pragmas yet.

    ``immutable`` reads the file alone, as it is on disk: no lock, no -wal, no -shm, not
    a byte written anywhere (for backup files the user hands in).
    """
    if create and not readonly and not immutable:
        _create_group_writable(path)
    mode = "ro" if readonly or immutable else ("rwc" if create else "rw")
    options = f"mode={mode}" + ("&immutable=1" if immutable else "")
    try:
        return sqlite3.connect(
            f"{path.absolute().as_uri()}?{options}",
            uri=True,
            isolation_level=None,
            check_same_thread=False,
            # A writer waits this long for the one before it (several programs may
            # record into one data folder; each transaction is short).
            timeout=BUSY_TIMEOUT_SECONDS,
        )
    except sqlite3.Error as exc:
        error = translate(exc, path)
        if error is None:
            raise
        raise error from None


def _create_group_writable(path: Path) -> None:
    """Create ``path`` empty with mode 0660 less the umask, unless it exists.

    SQLite would create it 0644 less the umask: never group-writable, so in a data folder
    shared by a group (the Debian package's /var/lib/trustdesk, umask 0007) only its
    creator could record. SQLite gives the -wal and -shm files the database's mode. A
    per-user data folder stays private by its own 0700 mode.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o660)
    except OSError:
        return  # SQLite's own attempt reports the problem in its words (translate)
    os.close(fd)


def configure(conn: sqlite3.Connection, *, wal: bool = True) -> None:
    """Set the pragmas of RELIABILITY.md on ``conn`` and check that they took."""
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA cache_size = -32768")  # 32 MiB: decisions are large rows
    actual = read_pragmas(conn)
    expected = dict(EXPECTED_PRAGMAS)
    if not wal:
        expected.pop("journal_mode")
    wrong = {key: actual[key] for key, value in expected.items() if actual[key] != value}
    if wrong:
        raise StoreError(
            f"the database refused required settings {wrong} (expected "
            f"{ {key: expected[key] for key in wrong} }); the file system may not support "
            "them: use a folder on this computer's own disk"
        )


def read_pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    return {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in EXPECTED_PRAGMAS}


#: Less room than this (a few database pages) on the disk counts as a full disk.
FULL_BELOW_BYTES = 64 * 1024


def disk_full(path: Path) -> bool:
    """True when the file system holding ``path`` has (almost) no room left for us."""
    folder = path if path.is_dir() else path.parent
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows: say what SQLite said
        return False
    return stats.f_bavail * stats.f_frsize < FULL_BELOW_BYTES


def translate(
    exc: sqlite3.Error, path: Path, busy_seconds: float = BUSY_TIMEOUT_SECONDS
) -> StoreError | None:
    """A plain-language StoreError for what SQLite reported about ``path``.

    None for anything else (a malformed statement, a broken constraint): that is a bug
    in TrustDesk and must surface as one, not as a user-facing message.
    """
    gone = schema_gone(exc, path)
    if gone is not None:
        return SchemaChanged(gone)
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    detail = str(exc)
    if code == sqlite3.SQLITE_FULL:
        return DiskFull(
            f"the disk holding {path} is full (or the database reached its size limit); "
            "nothing was recorded. Free some space, then do it again."
        )
    if code == sqlite3.SQLITE_READONLY:
        return ReadOnly(
            f"{path} cannot be written ({detail}); nothing was recorded. Check that the "
            "data folder is writable and not on read-only media."
        )
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return DatabaseCorrupt(f"{path} is damaged ({detail}); {RESTORE_ADVICE}.")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        if busy_seconds < 1:  # Database.waiting_briefly
            return AlreadyOpen(
                f"{path} is busy ({detail}): another TrustDesk program is writing; "
                "nothing was recorded. Try again in a moment."
            )
        return AlreadyOpen(
            f"{path} stayed busy for {BUSY_TIMEOUT_SECONDS:.0f} seconds ({detail}): another "
            "TrustDesk program kept writing; nothing was recorded. Try again in a moment."
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        if not path.parent.exists():
            return StoreIOError(f"cannot open {path}: its folder does not exist")
        return ReadOnly(
            f"cannot open {path} ({detail}); check that the data folder is writable "
            "and not on read-only media."
        )
    if code == sqlite3.SQLITE_IOERR and disk_full(path):
        # SQLite reports some writes that failed for want of space (a sync, the WAL's
        # index, a short write) as plain I/O errors; the free space says what happened.
        return DiskFull(
            f"the disk holding {path} is full; nothing was recorded. Free some space, "
            "then do it again."
        )
    if code == sqlite3.SQLITE_IOERR:
        return StoreIOError(
            f"input/output error on {path} ({detail}); nothing was recorded. Check the disk."
        )
    if code == sqlite3.SQLITE_CONSTRAINT and ("append-only" in detail or "at the head" in detail):
        return StoreError(f"refused: {detail}")
    return None

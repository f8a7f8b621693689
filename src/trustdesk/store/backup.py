"""Backups (SQLite's backup API, never a file copy) and restores that check before replacing.

Why a copy of ``trustdesk.db`` is not a backup: in WAL mode the newest committed records
may still sit in ``trustdesk.db-wal``; a copy of the main file alone silently misses them
and still looks like a perfectly valid, older database. So a backup is recognised by a
marker that only ``create_backup`` writes: after SQLite's backup API has copied a
consistent snapshot (WAL content included) into the new file, a ``backup_manifest`` row
is committed *into the copy*, recording the audit head and the decision count of that
snapshot. The live database never holds a manifest (a restore drops it), so a plain copy
of it has none and is refused; a backup whose chain head or counts disagree with its
manifest is refused too. See docs/decisions/0003-decision-store.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trustdesk import __version__
from trustdesk.durable import fsync_dir, fsync_file
from trustdesk.store import audit
from trustdesk.store.anchor import Anchor, parse_anchor
from trustdesk.store.connection import connect, inspect_file, translate
from trustdesk.store.database import Database
from trustdesk.store.encoding import utc_text
from trustdesk.store.errors import DatabaseCorrupt, NewerSchema, RestoreRefused, StoreError
from trustdesk.store.files import check_new, missing_step, new_file
from trustdesk.store.identity import StoreSummary, summarize
from trustdesk.store.migrations import check_not_newer, migrate, schema_version
from trustdesk.store.records import Actor, AuditEvent, Credential
from trustdesk.store.schema import SCHEMA_VERSION
from trustdesk.store.sql import one_dict, scalar
from trustdesk.store.users import credential_of
from trustdesk.store.verify import verify

MANIFEST = "backup_manifest"
MANIFEST_FORMAT = 1


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    sha256: str
    size: int
    head_seq: int
    head_hash: str
    decisions: int
    store_id: str
    #: What the person is to be told besides (backups found unfinished, store/backup_unfinished.py).
    notes: tuple[str, ...] = ()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_target(db: Database, target: Path) -> Path:
    """``target`` as a backup writes it (absolute), refused before anything is recorded
    when it may not be written: the live database's own name, a file that exists, a
    missing folder, a name the system cannot take."""
    target = target.expanduser().absolute()
    if target.parent.resolve() == db.data_dir.resolve() and target.name.startswith("trustdesk.db"):
        raise StoreError(f"{target} is the live database's own name; choose another file name")
    check_new(target)
    return target


def failure_reason(exc: BaseException) -> str:
    """Why a backup did not end, for its audit entry (no personal data: paths and causes)."""
    if isinstance(exc, KeyboardInterrupt):
        return f"stopped ({exc})" if str(exc) else "stopped"
    return (str(exc) or type(exc).__name__)[:300]


def create_backup(db: Database, target: Path, at: datetime) -> BackupInfo:
    """Write a consistent snapshot of ``db`` to the new file ``target`` (never overwritten)."""
    target = check_target(db, target)
    with new_file(target) as temp:
        # Created here first, so a folder that takes no new file fails with the system's
        # own reason, about the backup's folder (SQLite would only say "unable to open",
        # which reads as a fault of the data folder). Readable by its owner only, as memos
        # are: a backup holds every person's data and the password hashes, and SQLite
        # gives its journal the same mode. (Windows has no such mode; the folder's access
        # list applies there, as for every other file.)
        os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        reader = db.open_reader()
        try:
            with db.translating():
                reader.execute("BEGIN")
                head_seq, head_hash = audit.head(reader)
                decisions = int(scalar(reader, "SELECT count(*) FROM decisions"))
                store_id = str(scalar(reader, "SELECT value FROM meta WHERE key = 'store_id'"))
                dest = connect(temp, create=True)
                try:
                    reader.backup(dest)
                    _write_manifest(dest, at, store_id, head_seq, head_hash, decisions)
                except sqlite3.Error as exc:  # about the backup file, not the live one
                    raise translate(exc, target) or StoreError(
                        f"cannot write the backup {target}: {exc}"
                    ) from None
                finally:
                    dest.close()
                reader.execute("COMMIT")
        finally:
            reader.close()
    return BackupInfo(
        target, file_sha256(target), target.stat().st_size, head_seq, head_hash, decisions, store_id
    )


def _write_manifest(
    dest: sqlite3.Connection,
    at: datetime,
    store_id: str,
    head_seq: int,
    head_hash: str,
    decisions: int,
) -> None:
    # A backup is one self-contained file: no -wal beside it, ever.
    dest.execute("PRAGMA journal_mode = DELETE")
    dest.execute("PRAGMA synchronous = FULL")
    dest.execute("BEGIN IMMEDIATE")
    dest.execute(
        f"CREATE TABLE {MANIFEST} (format INTEGER NOT NULL, made_at TEXT NOT NULL, "
        "store_id TEXT NOT NULL, schema INTEGER NOT NULL, app_version TEXT NOT NULL, "
        "head_seq INTEGER NOT NULL, head_hash TEXT NOT NULL, decisions INTEGER NOT NULL)"
    )
    dest.execute(
        f"INSERT INTO {MANIFEST} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            MANIFEST_FORMAT,
            utc_text(at),
            store_id,
            schema_version(dest),
            __version__,
            head_seq,
            head_hash,
            decisions,
        ),
    )
    dest.execute("COMMIT")
    if dest.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
        raise DatabaseCorrupt(
            "the copy of the records failed SQLite's integrity check, so the database is "
            "damaged; the copy was not kept. Restore the latest backup: trustdesk restore "
            "BACKUP --as ADMIN (the damaged files are kept beside it)"
        )


@dataclass(frozen=True, slots=True)
class BackupCheck:
    path: Path
    sha256: str
    head_seq: int
    head_hash: str
    decisions: int
    store_id: str
    made_at: str
    summary: StoreSummary


def _refuse(path: Path, why: str) -> RestoreRefused:
    return RestoreRefused(f"{path} cannot be restored: {why}. The live database was not changed.")


def not_a_file(path: Path) -> str:
    """Why ``path`` is not a regular file, in words that name the real cause."""
    if path.is_dir():
        return "it is a folder, not a backup file (name the backup file inside it)"
    if path.exists():
        return "it is not a regular file (a device, pipe or socket), so it cannot be a backup"
    if path.is_symlink():
        return "it is a link to a file that does not exist"
    return missing_step(path) or "there is no such file"


def check_backup(path: Path) -> BackupCheck:
    """Read-only checks of a backup file: header, schema, integrity, manifest vs chain."""
    path = path.expanduser().absolute()
    if not path.is_file():
        raise _refuse(path, not_a_file(path))
    try:
        inspect_file(path)
    except StoreError as exc:
        raise _refuse(path, str(exc).split(";")[0]) from None
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise _refuse(path, f"it has a {wal.name} beside it: it is a live database, not a backup")
    conn = connect(path, immutable=True)
    try:
        version = schema_version(conn)
        try:
            check_not_newer(version, str(path))
        except NewerSchema:
            # Said whole: cut at its first ";" the message lost its ")" and its advice.
            raise _refuse(
                path,
                f"it was written by a newer TrustDesk (schema {version}; this one reads up "
                f"to {SCHEMA_VERSION}): install that TrustDesk or a newer one to restore it, "
                "or choose a backup made with this version",
            ) from None
        if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            raise _refuse(path, "it fails SQLite's integrity check (the file is damaged)")
        manifest = _read_manifest(conn, path)
        summary = summarize(conn)
    except sqlite3.Error as exc:
        error = translate(exc, path)
        raise _refuse(path, str(error or exc).split(";")[0]) from None
    finally:
        conn.close()
    return BackupCheck(path, file_sha256(path), *manifest, summary)


def _read_manifest(conn: sqlite3.Connection, path: Path) -> tuple[int, str, int, str, str]:
    has_manifest = scalar(
        conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MANIFEST,)
    )
    if not has_manifest:
        raise _refuse(
            path,
            "it is not a TrustDesk backup (it has no backup manifest). It looks like a plain "
            "copy of trustdesk.db, which silently misses the newest records still held in "
            "trustdesk.db-wal. Make backups with `trustdesk backup FILE`",
        )
    rows = conn.execute(
        f"SELECT format, made_at, store_id, head_seq, head_hash, decisions FROM {MANIFEST}"
    ).fetchall()
    if len(rows) != 1 or rows[0][0] != MANIFEST_FORMAT:
        raise _refuse(path, "its backup manifest is not one this TrustDesk wrote")
    _format, made_at, store_id, head_seq, head_hash, decisions = rows[0]
    counted = scalar(conn, "SELECT count(*) FROM decisions")
    if audit.head(conn) != (head_seq, head_hash) or counted != decisions:
        raise _refuse(
            path,
            "its records do not match its backup manifest (entries were added or removed "
            "after the backup was made)",
        )
    return head_seq, head_hash, decisions, store_id, made_at


def hash_at(check: BackupCheck, seq: int) -> str | None:
    """The hash of the backup's audit entry ``seq`` (None where it has none)."""
    conn = connect(check.path, immutable=True)
    try:
        row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    finally:
        conn.close()
    return None if row is None else str(row[0])


#: The name of a restore's prepared copy in the data folder (``prepare_restore``).
PREPARED = re.compile(r"\.trustdesk-restore-[0-9a-f]{32}\.db(-journal)?\Z")


def clear_prepared(data_dir: Path, keep: Path) -> list[str]:
    """Delete the prepared copies that restores killed before their swap left in
    ``data_dir`` (a copy of every person's data, hidden, that nobody recorded); the names
    deleted, ``keep`` (this restore's own, and its journal) aside. Only while this program
    holds the folder alone: no restore runs elsewhere."""
    removed = []
    for path in sorted(data_dir.glob(".trustdesk-restore-*")):
        if PREPARED.match(path.name) and not path.name.startswith(keep.name):
            try:
                path.unlink()
            except OSError:
                continue
            removed.append(path.name)
    return removed


def prepare_restore(check: BackupCheck, data_dir: Path) -> Path:
    """Copy the backup into a temporary database in ``data_dir``, upgrade and verify it."""
    temp = data_dir / f".trustdesk-restore-{uuid.uuid4().hex}.db"
    try:
        source = connect(check.path, immutable=True)
        try:
            dest = connect(temp, create=True)
            try:
                source.backup(dest)
                dest.execute(f"DROP TABLE {MANIFEST}")
                migrate(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
                report = verify(dest, index_conn=dest)
            finally:
                dest.close()
        finally:
            source.close()
        if not report.ok:
            raise _refuse(check.path, f"its audit chain does not verify: {report.first}")
        fsync_file(temp)
        fsync_dir(data_dir)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, sqlite3.Error):
            # The copy is made beside the record: a disk without room for it ended in
            # "internal error". The live record is untouched either way.
            said = translate(exc, temp)
            if said is not None:
                raise said from None
        raise
    return temp


def record_in(prepared: Path, event: AuditEvent, actor: Actor, at: datetime) -> None:
    """Append ``event`` to the chain of the prepared (not yet swapped in) database, durably."""
    conn = connect(prepared)
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            audit.append(conn, event, actor, at)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.close()
    fsync_file(prepared)


def swap_in(db: Database, prepared: Path) -> None:
    """Replace the live database file with ``prepared`` while holding the folder lock."""
    db.detach()
    try:
        for suffix in ("-wal", "-shm"):
            side = db.path.with_name(db.path.name + suffix)
            if suffix == "-wal" and side.exists() and side.stat().st_size > 0:
                raise StoreError(
                    f"{side} still holds records after a checkpoint; restore stopped, "
                    "nothing was replaced"
                )
            with contextlib.suppress(FileNotFoundError):
                side.unlink()
        os.replace(prepared, db.path)
        fsync_dir(db.data_dir)
    finally:
        db.reattach()


def credential_in(check: BackupCheck, username: str) -> Credential | None:
    """An account as stored in a checked backup (to restore into an empty data folder)."""
    conn = connect(check.path, immutable=True)
    try:
        row = one_dict(conn, "SELECT * FROM users WHERE username = ?", (username,))
    except sqlite3.Error as exc:
        error = translate(exc, check.path)
        raise error or StoreError(f"cannot read accounts in {check.path}") from None
    finally:
        conn.close()
    return None if row is None else credential_of(row)


def backup_head(path: Path) -> Anchor | None:
    """The chain head a backup file's manifest records, or None (not a TrustDesk backup)."""
    try:
        conn = connect(path, immutable=True)
    except Exception:  # any failure means: not a backup this can read
        return None
    try:
        row = conn.execute("SELECT head_seq, head_hash FROM backup_manifest").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return None if row is None else parse_anchor(row[0], row[1])

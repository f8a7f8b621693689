"""Restoring over a damaged database: keep the damaged files aside, then start afresh.

When ``trustdesk.db`` is too damaged to open, the restore that every damage message
advises cannot log on against it or keep a proper backup of it. So the damaged files
(``trustdesk.db`` and its ``-wal``, ``-shm``, ``-journal``) are renamed, under the
folder lock, to ``trustdesk-damaged-STAMP.db…`` beside it, untouched for anyone who
wants to examine or salvage them; the restore then goes into a fresh database.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trustdesk.durable import fsync_dir
from trustdesk.store.connection import connect
from trustdesk.store.errors import StoreError
from trustdesk.store.identity import StoreSummary, summarize
from trustdesk.store.lock import FolderLock
from trustdesk.store.paths import DB_NAME, holds_log
from trustdesk.store.rollback import Rollback

DAMAGED_PREFIX = "trustdesk-damaged-"
SIDE_FILES = ("", "-wal", "-shm", "-journal")


@dataclass(frozen=True, slots=True)
class SetAside:
    """The damaged files as they were renamed (main file first; those that existed)."""

    files: tuple[Path, ...]


def damaged_summary(data_dir: Path) -> StoreSummary | None:
    """What the damaged database still says about itself, or None when it cannot say."""
    path = data_dir / DB_NAME
    if not path.is_file():
        return None
    try:
        conn = connect(path, immutable=True)
    except StoreError:
        return _salvaged(path)
    try:
        return summarize(conn)
    except (sqlite3.Error, StoreError, ValueError):
        return _salvaged(path)
    finally:
        conn.close()


#: The store id as its bytes lie in the file: in ``meta`` (the key, then the value) and
#: in the canonical JSON of the chain's identity entry (``"store_id":"…"``); not the
#: ``backup_store_id`` and the like that restore entries hold.
_ID_TEXT = re.compile(
    rb'(?<![_a-z])store_id(?:":"|[^0-9a-f]{0,8})'
    rb"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})"
)
_CHUNK = 1 << 20


def _salvaged(path: Path) -> StoreSummary | None:
    """The store id read from the damaged file's bytes, when SQLite cannot read it.

    Only when every occurrence names the same id: a file that mentions two stores (or
    none) says nothing reliable, and the restore then asks for explicit confirmation.
    """
    found: set[bytes] = set()
    tail = b""
    try:
        with open(path, "rb") as handle:
            while block := handle.read(_CHUNK):
                window = tail + block
                found.update(match.group(1) for match in _ID_TEXT.finditer(window))
                tail = window[-96:]
    except OSError:
        return None
    if len(found) != 1:
        return None
    store_id = found.pop().decode("ascii")
    return StoreSummary.unreadable(store_id, "the database is damaged; only its store id was read")


def set_aside(data_dir: Path, at: datetime) -> SetAside:
    """Rename the damaged database files out of the way, holding the folder lock."""
    stamp = at.strftime("%Y%m%dT%H%M%S%fZ")
    lock = FolderLock.acquire(data_dir)
    moved: list[tuple[Path, Path]] = []
    try:
        for suffix in SIDE_FILES:
            source = data_dir / f"{DB_NAME}{suffix}"
            if source.exists():
                target = data_dir / f"{DAMAGED_PREFIX}{stamp}.db{suffix}"
                if target.exists():
                    raise StoreError(f"{target} already exists; wait a second and try again")
                os.replace(source, target)
                moved.append((source, target))
        fsync_dir(data_dir)
    except OSError as exc:
        # Put back what was moved: a half-moved database is worse than a damaged one.
        for source, target in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(target, source)
        raise StoreError(f"cannot move the damaged database aside: {exc.strerror or exc}") from None
    finally:
        lock.release()
    return SetAside(tuple(target for _source, target in moved))


@dataclass(frozen=True, slots=True)
class LeftAside:
    """What a restore over a database changed in its tables took out of its record, the
    file set aside holding it (recorded by the restore, decision 0066)."""

    kept_in: str | None  # the name of the file set aside
    rollback: Rollback | None  # the entries the backup lacks (None: none, or not counted)
    counted: bool  # False: the file's log could not be read; newer records may have left


def rollback_over(data_dir: Path, backup: Path, backup_head: int) -> tuple[bool, Rollback | None]:
    """What restoring ``backup`` over the database of ``data_dir`` would take out of its
    record, read without changing the file: (True, the entries the backup does not hold,
    or None when it holds them all); (False, None) when that cannot be read (the log's
    table renamed away, the file unreadable)."""
    from trustdesk.store.rollback import rollback_of

    path = data_dir / DB_NAME
    try:
        # With a write-ahead log beside it, read-only through it (entries saved since the
        # last checkpoint lie there); without one, as the file is, writing nothing beside
        # it (a read-only open would leave a -wal and -shm behind).
        conn = connect(path, readonly=True, immutable=not holds_log(path))
    except StoreError:
        return False, None
    try:
        return True, rollback_of(conn, backup, backup_head)
    except (sqlite3.Error, StoreError):
        return False, None
    finally:
        conn.close()

"""One writer per data folder: an exclusive lock on ``trustdesk.lock``, held while open.

The lock is taken with ``flock`` (POSIX) or ``msvcrt.locking`` (Windows) on an open file,
so the operating system releases it when the process ends, even after kill -9: a stale
lock file never blocks the next start. The file is never deleted (deleting it would let
two processes lock two different files).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from trustdesk.store.errors import AlreadyOpen, DiskFull, ReadOnly, StoreIOError
from trustdesk.store.paths import LOCK_NAME, hostname


class DataDirLock:
    """The held lock of one data folder; ``release()`` (or process exit) frees it."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, data_dir: Path) -> DataDirLock:
        path = data_dir / LOCK_NAME
        try:
            # Group-writable as far as the umask allows: in a machine-wide folder shared by
            # a group (the Debian package's /var/lib/trustdesk, umask 0007) every member
            # must open it; a per-user folder is private by its own 0700 mode.
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
        except PermissionError:
            raise ReadOnly(
                f"cannot write in data folder {data_dir} (permission denied); "
                "TrustDesk needs a folder it can write to (--data-dir)"
            ) from None
        except OSError as exc:
            if exc.errno == 30:  # EROFS
                raise ReadOnly(
                    f"data folder {data_dir} is on a read-only file system; "
                    "choose a writable folder (--data-dir)"
                ) from None
            if exc.errno == 28:  # ENOSPC
                raise DiskFull(f"cannot create lock file {path}: the disk is full") from None
            raise StoreIOError(f"cannot create lock file {path}: {exc.strerror}") from None
        try:
            _lock(fd)
        except OSError:
            holder = _read_holder(fd)
            os.close(fd)
            raise AlreadyOpen(
                f"data folder {data_dir} is already in use by another TrustDesk{holder}; "
                "close it first (only one program may write the records at a time)"
            ) from None
        _write_holder(fd)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


def _write_holder(fd: int) -> None:
    # Byte 0 is the Windows lock byte; the holder's description follows it.
    text = f" pid {os.getpid()} on {hostname()}\n".encode()
    try:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text)
    except OSError:
        pass  # the description is a courtesy; the lock is what matters


def _read_holder(fd: int) -> str:
    if sys.platform == "win32":
        return ""  # the locked byte cannot be read on Windows
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text.startswith("pid ") else ""

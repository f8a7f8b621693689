"""Who may use a data folder at the same time: the three lock files beside ``trustdesk.db``.

Several TrustDesk programs may use one data folder at once (the desk's window open all
day, a jail-management script, an administrator's ``users list``): SQLite itself makes
writers wait their turn (``BEGIN IMMEDIATE`` and a busy timeout, see database.py). The
lock files only guard what SQLite cannot:

- ``trustdesk.lock`` (:class:`FolderLock`): every program that has the database open
  holds a *shared* lock on it. Replacing the database file (a restore, setting a damaged
  one aside) needs it *exclusively*, because a program still holding the old file open
  would go on writing records into a file that is no longer there.
- ``trustdesk.setup.lock`` (:func:`setup_lock`): opening (creating the database,
  migrating an old one, clearing a crashed first start's leftovers) is done by one
  program at a time; the others wait a moment and then find the work done.
- ``trustdesk.window.lock`` (:class:`WindowLock`): only the desktop app takes it, so a
  second window on the same folder is told where the first one is open.
- ``trustdesk.backup.lock`` (:func:`backup_running`, :func:`no_backup_running`): every
  backup holds it *shared* from the entry that records its start to the one that records
  its end; a backup's start with no end is then known to be one that was killed (not
  one still running) by whoever holds it *exclusively*.

Locks are taken with ``flock`` (POSIX) or ``msvcrt.locking`` (Windows) on an open file,
so the operating system releases them when the process ends, even after kill -9: a stale
lock file never blocks the next start. The files are never deleted (deleting one would
let two processes lock two different files).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from trustdesk.store.errors import AlreadyOpen, DiskFull, ReadOnly, StoreIOError
from trustdesk.store.paths import LOCK_NAME, hostname

SETUP_LOCK_NAME = "trustdesk.setup.lock"
WINDOW_LOCK_NAME = "trustdesk.window.lock"
BACKUP_LOCK_NAME = "trustdesk.backup.lock"

#: How long opening waits for another program's open (a migration may take a while).
SETUP_WAIT_SECONDS = 120.0
#: How long opening waits for a restore in another program to finish swapping files.
SHARED_WAIT_SECONDS = 30.0

# Windows has no shared msvcrt lock: each holder locks one byte of a range of slots, and
# the exclusive holder locks the whole range (a byte-range lock conflicts with any overlap).
_SLOT_BASE = 1
_SLOTS = 4096
_POLL = 0.05


def open_lock_file(data_dir: Path, name: str) -> int:
    """Open (creating) a lock file of ``data_dir``; plain-language errors."""
    path = data_dir / name
    try:
        # Group-writable as far as the umask allows: in a machine-wide folder shared by
        # a group (the Debian package's /var/lib/trustdesk, umask 0007) every member
        # must open it; a per-user folder is private by its own 0700 mode.
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
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


class FolderLock:
    """This program's hold on a data folder: shared while open, exclusive to swap files."""

    def __init__(self, data_dir: Path, fd: int) -> None:
        self.data_dir = data_dir
        self.path = data_dir / LOCK_NAME
        self._fd: int | None = fd
        self._slot: int | None = None  # Windows: the byte this holder locked
        self.exclusive = False

    @classmethod
    def share(cls, data_dir: Path, wait: float = SHARED_WAIT_SECONDS) -> FolderLock:
        """Take the shared hold, waiting up to ``wait`` s for a file swap elsewhere."""
        lock = cls(data_dir, open_lock_file(data_dir, LOCK_NAME))
        deadline = time.monotonic() + wait
        while not lock._try_shared():
            if time.monotonic() >= deadline:
                lock._close()
                raise AlreadyOpen(
                    f"data folder {data_dir} is being restored by another TrustDesk; "
                    "wait for the restore to finish, then try again"
                )
            time.sleep(_POLL)
        return lock

    @classmethod
    def acquire(cls, data_dir: Path) -> FolderLock:
        """Take the folder for this program alone (no database open elsewhere), or refuse."""
        lock = cls(data_dir, open_lock_file(data_dir, LOCK_NAME))
        if not lock._try_exclusive():
            lock._close()
            raise AlreadyOpen(
                f"data folder {data_dir} is in use by another TrustDesk program; close "
                "every TrustDesk window and script using it first, then try again"
            )
        return lock

    @contextlib.contextmanager
    def alone(self, what: str) -> Iterator[None]:
        """Hold the folder exclusively for ``what`` (a restore), back to shared after.

        Refused with a plain message while any other program has the folder open. The
        shared hold is given up for an instant to take the exclusive one (``flock`` cannot
        convert atomically); nothing of the database is touched in that instant.
        """
        if self.exclusive:
            yield
            return
        self._release_shared()
        if not self._try_exclusive():
            self._retake_shared()
            raise AlreadyOpen(
                f"cannot {what} while another TrustDesk program has data folder "
                f"{self.data_dir} open; close the other windows and scripts using it, then "
                "try again (nothing was changed)"
            )
        try:
            yield
        finally:
            self._unlock_exclusive()
            self._retake_shared()

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            if self.exclusive:
                self._unlock_exclusive()
            else:
                self._release_shared()
        finally:
            self._close()

    @property
    def held(self) -> bool:
        return self._fd is not None

    # -- the platform's locks ----------------------------------------------------------

    def _fileno(self) -> int:
        if self._fd is None:
            raise RuntimeError("the folder lock was released")
        return self._fd

    def _try_shared(self) -> bool:
        fd = self._fileno()
        if sys.platform == "win32":
            start = os.getpid() % _SLOTS
            for step in range(_SLOTS):
                slot = _SLOT_BASE + (start + step) % _SLOTS
                if _try_byte_lock(fd, slot, 1):
                    self._slot = slot
                    return True
            return False
        import fcntl

        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _retake_shared(self) -> None:
        # Other programs hold only shared locks or none: this wait is a restore's at most.
        deadline = time.monotonic() + SHARED_WAIT_SECONDS
        while not self._try_shared():
            if time.monotonic() >= deadline:
                raise AlreadyOpen(
                    f"data folder {self.data_dir} is being restored by another TrustDesk"
                )
            time.sleep(_POLL)

    def _release_shared(self) -> None:
        fd = self._fileno()
        if sys.platform == "win32":
            if self._slot is not None:
                _byte_unlock(fd, self._slot, 1)
                self._slot = None
            return
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)

    def _try_exclusive(self) -> bool:
        fd = self._fileno()
        if sys.platform == "win32":
            ok = _try_byte_lock(fd, _SLOT_BASE, _SLOTS)
        else:
            import fcntl

            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                ok = True
            except OSError:
                ok = False
        self.exclusive = ok
        return ok

    def _unlock_exclusive(self) -> None:
        fd = self._fileno()
        self.exclusive = False
        if sys.platform == "win32":
            _byte_unlock(fd, _SLOT_BASE, _SLOTS)
            return
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)

    def _close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def backup_running(data_dir: Path) -> Iterator[None]:
    """Held by a backup from the record of its start to the record of its end (shared:
    backups run side by side); waits a moment for a look at unfinished ones elsewhere."""
    lock = FolderLock(data_dir, open_lock_file(data_dir, BACKUP_LOCK_NAME))
    deadline = time.monotonic() + SHARED_WAIT_SECONDS
    while not lock._try_shared():
        if time.monotonic() >= deadline:
            lock._close()
            raise AlreadyOpen(
                f"another TrustDesk program is checking the backups of data folder {data_dir} "
                "and has not finished; try again in a moment (nothing was written)"
            )
        time.sleep(_POLL)
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def no_backup_running(data_dir: Path) -> Iterator[bool]:
    """Whether no backup of ``data_dir`` runs now, in any program; while True is held, none
    can start (a backup's start with no end is then one that was killed)."""
    lock = FolderLock(data_dir, open_lock_file(data_dir, BACKUP_LOCK_NAME))
    if not lock._try_exclusive():
        lock._close()
        yield False
        return
    try:
        yield True
    finally:
        lock.release()


@contextlib.contextmanager
def setup_lock(data_dir: Path, wait: float = SETUP_WAIT_SECONDS) -> Iterator[None]:
    """Open (build, migrate, clean up) one program at a time; the others wait."""
    fd = open_lock_file(data_dir, SETUP_LOCK_NAME)
    try:
        deadline = time.monotonic() + wait
        while not _try_whole_lock(fd):
            if time.monotonic() >= deadline:
                raise AlreadyOpen(
                    f"data folder {data_dir} is still being opened (or upgraded) by another "
                    f"TrustDesk after {wait:.0f} seconds; wait for it, then try again"
                )
            time.sleep(_POLL)
        try:
            yield
        finally:
            _whole_unlock(fd)
    finally:
        os.close(fd)


class WindowLock:
    """The desktop app's claim on a data folder: one window per folder."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, data_dir: Path) -> WindowLock:
        fd = open_lock_file(data_dir, WINDOW_LOCK_NAME)
        if not _try_whole_lock(fd):
            holder = _read_holder(fd)
            os.close(fd)
            raise AlreadyOpen(
                f"data folder {data_dir} is already open in another TrustDesk window{holder}; "
                "switch to that window, or close it first (command-line tools and scripts "
                "may still use the folder meanwhile)"
            )
        _write_holder(fd)
        return cls(fd)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _whole_unlock(fd)
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None


def _try_whole_lock(fd: int) -> bool:
    if sys.platform == "win32":
        return _try_byte_lock(fd, 0, 1)
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _whole_unlock(fd: int) -> None:
    if sys.platform == "win32":
        _byte_unlock(fd, 0, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


def _try_byte_lock(fd: int, offset: int, length: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, offset, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, length)
        except OSError:
            return False
        return True
    raise RuntimeError("byte-range locks are used on Windows only")


def _byte_unlock(fd: int, offset: int, length: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, offset, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, length)
        return
    raise RuntimeError("byte-range locks are used on Windows only")


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Wait for and hold an exclusive lock on ``path`` (created) for a short update.

    Best effort: when the lock file cannot be made (a read-only folder), the update runs
    unlocked, as it would have before, rather than not at all.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o660)
    except OSError:
        yield
        return
    locked = False
    deadline = time.monotonic() + 10.0
    while not locked:
        locked = _try_whole_lock(fd)
        if not locked:
            if time.monotonic() >= deadline:
                break  # a hung holder must not stop a save; the update checks again anyway
            time.sleep(0.005)
    try:
        yield
    finally:
        try:
            if locked:
                _whole_unlock(fd)
        finally:
            os.close(fd)


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

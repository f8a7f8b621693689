"""Writing files the user asked for (exports, backups) without ever overwriting one.

The writing itself is ``trustdesk.newfile`` (shared with the memo's PDFs); this module
only says what went wrong in the store's words (``store.errors``).
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Iterator
from pathlib import Path

from trustdesk import newfile
from trustdesk.newfile import missing_step
from trustdesk.store.errors import DiskFull, FileExists, ReadOnly, StoreError, StoreIOError

__all__ = ["check_new", "missing_step", "new_file", "write_error"]


def _exists(target: Path) -> FileExists:
    return FileExists(
        f"{target} already exists; TrustDesk never overwrites a file. Choose a new name."
    )


#: The most a file name given for an export or backup may have: the system's 255 bytes,
#: less the temporary name's additions (``newfile.temp_beside``).
LONGEST_NAME = 230


def write_error(what: str, exc: OSError, *, partly: bool = False) -> StoreError:
    """The store's words for the system's refusal to write ``what`` (a file, or "the
    standard output"): the cause named, never a traceback. ``partly``: some of it was
    already written (a stream)."""
    if isinstance(exc, PermissionError):
        return ReadOnly(f"cannot write {what} (permission denied)")
    if exc.errno == errno.ENOSPC:
        return DiskFull(f"the disk is full: {what} was not written{' whole' if partly else ''}")
    if exc.errno == errno.EROFS:
        return ReadOnly(f"cannot write {what}: read-only file system")
    if exc.errno == errno.ENAMETOOLONG:
        return StoreIOError(
            f"cannot write {what}: the file name is too long; choose a name of at most "
            f"{LONGEST_NAME} characters"
        )
    return StoreIOError(f"cannot write {what}: {exc.strerror or exc}")


def _shown(target: Path) -> str:
    """``target`` as a message names it: a name too long to read is cut."""
    name = target.name
    if len(name) <= 80:
        return str(target)
    return f"{target.parent / name[:40]}… (a name of {len(name)} characters)"


def check_new(target: Path) -> None:
    """Refuse, before any work, a ``target`` that exists, whose folder is missing, or
    whose name the system cannot take (too long…); StoreError says which."""
    try:
        taken = target.exists() or target.is_symlink()
        folder = target.parent.is_dir()
    except OSError as exc:  # a name too long to look up, a folder that may not be read…
        raise write_error(_shown(target), exc) from None
    if taken:
        raise _exists(target)
    if not folder:
        why = missing_step(target) or f"folder {target.parent} does not exist"
        raise StoreIOError(f"cannot write {target}: {why}")


@contextlib.contextmanager
def new_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path to fill; on success it becomes ``target``, else it vanishes."""
    check_new(target)
    try:
        with newfile.new_file(target) as temp:
            yield temp
    except FileExistsError:
        raise _exists(target) from None
    except OSError as exc:
        if exc.errno == errno.ENOENT and target.parent.is_dir():
            raise StoreIOError(
                f"cannot write {target}: folder {target.parent} does not take new files "
                "(a system folder?); choose a folder on a disk"
            ) from None
        raise write_error(_shown(target), exc) from None

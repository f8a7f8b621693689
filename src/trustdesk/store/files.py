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
from trustdesk.store.errors import DiskFull, FileExists, ReadOnly, StoreIOError

__all__ = ["missing_step", "new_file"]


def _exists(target: Path) -> FileExists:
    return FileExists(
        f"{target} already exists; TrustDesk never overwrites a file. Choose a new name."
    )


@contextlib.contextmanager
def new_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path to fill; on success it becomes ``target``, else it vanishes."""
    if target.exists() or target.is_symlink():
        raise _exists(target)
    if not target.parent.is_dir():
        why = missing_step(target) or f"folder {target.parent} does not exist"
        raise StoreIOError(f"cannot write {target}: {why}")
    try:
        with newfile.new_file(target) as temp:
            yield temp
    except FileExistsError:
        raise _exists(target) from None
    except PermissionError:
        raise ReadOnly(f"cannot write {target} (permission denied)") from None
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFull(f"the disk is full: {target} was not written") from None
        if exc.errno == errno.EROFS:
            raise ReadOnly(f"cannot write {target}: read-only file system") from None
        if exc.errno == errno.ENOENT and target.parent.is_dir():
            raise StoreIOError(
                f"cannot write {target}: folder {target.parent} does not take new files "
                "(a system folder?); choose a folder on a disk"
            ) from None
        raise StoreIOError(f"cannot write {target}: {exc.strerror or exc}") from None

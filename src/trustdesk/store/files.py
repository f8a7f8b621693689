"""Writing files the user asked for (exports, backups) without ever overwriting one.

The content goes to a temporary name in the target folder, is fsynced, and is then
published under the final name with a hard link, which fails if the name exists
(POSIX); on Windows ``os.rename`` refuses an existing target in the same way. Where the
file system has no hard links (FAT USB sticks) an exclusive create reserves the name.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from trustdesk.durable import fsync_dir, fsync_file
from trustdesk.store.errors import DiskFull, FileExists, ReadOnly, StoreIOError


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")


def refuse_existing(target: Path) -> None:
    if target.exists() or target.is_symlink():
        raise FileExists(
            f"{target} already exists; TrustDesk never overwrites a file. Choose a new name."
        )
    if not target.parent.is_dir():
        why = missing_step(target) or f"folder {target.parent} does not exist"
        raise StoreIOError(f"cannot write {target}: {why}")


def missing_step(path: Path) -> str | None:
    """The first folder on the way to ``path`` that is missing or is not a folder.

    With ``..`` in a path (``archive/../x.tdb``) the system follows ``archive`` before
    going back up, so "folder archive/.. does not exist" or "no such file" would send the
    reader looking in the wrong place; this names the step that fails.
    """
    parts = path.parts
    for end in range(1, len(parts)):
        step = Path(*parts[:end])
        if not step.exists():
            return f"folder {step} does not exist (the path goes through it)"
        if not step.is_dir():
            return f"{step} is a file, not a folder (the path goes through it)"
    return None


def publish(temp: Path, target: Path) -> None:
    """Give the finished, fsynced ``temp`` its final name, failing if the name is taken."""
    try:
        if os.name == "nt":
            os.rename(temp, target)
        else:
            try:
                os.link(temp, target)
            except OSError as exc:
                if isinstance(exc, FileExistsError):
                    raise
                _publish_without_links(temp, target)
            else:
                temp.unlink()
    except FileExistsError:
        raise FileExists(
            f"{target} already exists; TrustDesk never overwrites a file. Choose a new name."
        ) from None
    fsync_dir(target.parent)


def _publish_without_links(temp: Path, target: Path) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    os.replace(temp, target)


@contextlib.contextmanager
def new_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path to fill; on success it becomes ``target``, else it vanishes."""
    refuse_existing(target)
    temp = temp_name(target)
    try:
        yield temp
        fsync_file(temp)
        publish(temp, target)
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
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def write_new_file(target: Path, write: Callable[[Path], None]) -> None:
    with new_file(target) as temp:
        write(temp)

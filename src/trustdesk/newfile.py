"""Writing a new file whole, and never over one that exists: shared by store/ and memo/.

The content goes to a temporary name in the target folder and is fsynced; it is then
published under its final name with a hard link, which fails if the name is taken
(POSIX), and the folder is fsynced so the new name survives a power cut. On Windows
``os.rename`` refuses an existing target in the same way. Where the file system has no
hard links (FAT memory sticks) an exclusive create reserves the name and the finished
file is renamed onto it.

Errors are the operating system's (``FileExistsError`` when a name is taken, other
``OSError`` as raised); each layer words them for its readers (``store.files``,
``memo.files``). Standard library only, like ``durable``, so any layer may use it.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from trustdesk.durable import fsync_dir, fsync_file

#: ``os.link`` failures that mean "this file system has no hard links", not "no".
_NO_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOSYS})


def temp_beside(target: Path) -> Path:
    """A fresh hidden name in ``target``'s folder (same file system, so a link works)."""
    return target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")


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
    """Give the finished, fsynced ``temp`` the name ``target``; ``FileExistsError`` if
    the name is taken (``temp`` is then left for the caller to remove)."""
    if os.name == "nt":
        os.rename(temp, target)
    else:
        try:
            os.link(temp, target)
        except FileExistsError:
            raise
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            _publish_without_links(temp, target)
        else:
            temp.unlink()
    fsync_dir(target.parent)


def _publish_without_links(temp: Path, target: Path) -> None:
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.replace(temp, target)


@contextlib.contextmanager
def new_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path to fill; on success it becomes ``target``, else it vanishes.

    ``FileExistsError`` before anything is written when ``target`` exists already.
    """
    if target.exists() or target.is_symlink():
        raise FileExistsError(errno.EEXIST, "file exists", str(target))
    temp = temp_beside(target)
    try:
        yield temp
        fsync_file(temp)
        publish(temp, target)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def write_first_free(data: bytes, targets: Iterable[Path]) -> Path:
    """Write ``data`` once and publish it under the first name of ``targets`` not taken.

    ``FileExistsError`` when every name is taken; the targets share one folder.
    """
    names = iter(targets)
    first = next(names)
    temp = temp_beside(first)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        for target in (first, *names):
            try:
                publish(temp, target)
            except FileExistsError:
                continue
            return target
        raise FileExistsError(errno.EEXIST, "every name is taken", str(first))
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()

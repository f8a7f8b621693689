"""Writing a rendered PDF to disk safely: never half a file, never over an existing one.

The bytes go to a temporary file in the target folder and are fsynced; the file is then
published under the first free name (``stem.pdf``, ``stem-2.pdf``, …) with a hard link,
which fails rather than replace a file that exists, and the folder is fsynced so the
new name survives a crash. Where the file system has no hard links (FAT memory sticks),
an exclusive create reserves the name and the temporary file is renamed onto it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from trustdesk.durable import fsync_dir
from trustdesk.memo.errors import MemoFileError

MAX_ATTEMPTS = 1000
_FORBIDDEN = frozenset('/\\\x00:*?"<>|')


def write_pdf_atomically(data: bytes, directory: Path, stem: str) -> Path:
    """Write ``data`` as ``directory/stem.pdf`` (or ``stem-N.pdf`` if taken); return the path."""
    _check_stem(stem)
    if not directory.is_dir():
        raise MemoFileError(f"cannot write the PDF: folder {directory} does not exist")
    temp = _write_temp(data, directory, stem)
    try:
        final = _publish(temp, directory, stem)
        fsync_dir(directory)
    except OSError as exc:
        raise MemoFileError(_explain(exc, directory)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return final


def _check_stem(stem: str) -> None:
    if not stem or stem.startswith(".") or any(ch in _FORBIDDEN for ch in stem):
        raise MemoFileError(
            f"cannot use {stem!r} as a file name: give a name without a folder, without a "
            'leading dot and without / \\ : * ? " < > |'
        )


def _write_temp(data: bytes, directory: Path, stem: str) -> Path:
    try:
        handle, name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise MemoFileError(_explain(exc, directory)) from None
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise MemoFileError(_explain(exc, directory)) from None
    return temp


def _candidates(directory: Path, stem: str) -> list[Path]:
    return [directory / f"{stem}.pdf"] + [
        directory / f"{stem}-{n}.pdf" for n in range(2, MAX_ATTEMPTS + 1)
    ]


def _publish(temp: Path, directory: Path, stem: str) -> Path:
    for target in _candidates(directory, stem):
        try:
            os.link(temp, target)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if _publish_without_links(temp, target):
                return target
            continue
        return target
    raise MemoFileError(
        f"cannot write the PDF: {stem}.pdf and {MAX_ATTEMPTS - 1} numbered variants already "
        f"exist in {directory}; choose another name"
    )


def _publish_without_links(temp: Path, target: Path) -> bool:
    """Reserve ``target`` by exclusive create, then rename the finished file onto it."""
    try:
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
    except FileExistsError:
        return False
    os.replace(temp, target)
    return True


def _explain(exc: OSError, directory: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"cannot write the PDF: the disk holding {directory} is full"
    if exc.errno == errno.EROFS:
        return f"cannot write the PDF: {directory} is on a read-only disk"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write the PDF: no permission to write in {directory}"
    return f"cannot write the PDF in {directory}: {exc.strerror or exc}"

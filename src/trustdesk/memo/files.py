"""Writing a rendered PDF to disk: never half a file, never over an existing one.

The PDF is published under the first free name (``stem.pdf``, ``stem-2.pdf``, …) by
``trustdesk.newfile`` (the same code the store's exports and backups use); this module
checks the name and says what went wrong in the memo's words.
"""

from __future__ import annotations

import errno
from pathlib import Path

from trustdesk.memo.errors import MemoFileError
from trustdesk.newfile import missing_step, write_first_free

MAX_ATTEMPTS = 1000
_FORBIDDEN = frozenset('/\\\x00:*?"<>|')


def write_pdf_atomically(data: bytes, directory: Path, stem: str) -> Path:
    """Write ``data`` as ``directory/stem.pdf`` (or ``stem-N.pdf`` if taken); return the path."""
    _check_stem(stem)
    if not directory.is_dir():
        # Name the step that fails: "folder afile does not exist" sent the reader looking
        # for a folder when afile was a file in the way (a hostile pass).
        why = missing_step(directory / stem) or f"folder {directory} does not exist"
        raise MemoFileError(f"cannot write the PDF: {why}")
    try:
        return write_first_free(data, _candidates(directory, stem))
    except FileExistsError:
        raise MemoFileError(
            f"cannot write the PDF: {stem}.pdf and {MAX_ATTEMPTS - 1} numbered variants "
            f"already exist in {directory}; choose another name"
        ) from None
    except OSError as exc:
        raise MemoFileError(_explain(exc, directory)) from None


def _check_stem(stem: str) -> None:
    if not stem or stem.startswith(".") or any(ch in _FORBIDDEN for ch in stem):
        raise MemoFileError(
            f"cannot use {stem!r} as a file name: give a name without a folder, without a "
            'leading dot and without / \\ : * ? " < > |'
        )


def _candidates(directory: Path, stem: str) -> list[Path]:
    return [directory / f"{stem}.pdf"] + [
        directory / f"{stem}-{n}.pdf" for n in range(2, MAX_ATTEMPTS + 1)
    ]


def _explain(exc: OSError, directory: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"cannot write the PDF: the disk holding {directory} is full"
    if exc.errno == errno.EROFS:
        return f"cannot write the PDF: {directory} is on a read-only disk"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot write the PDF: no permission to write in {directory}"
    return f"cannot write the PDF in {directory}: {exc.strerror or exc}"

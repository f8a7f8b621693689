"""Reading a file a person named, bounded: never a pipe, a device or a folder, never whole.

``Path.read_bytes()`` of ``/dev/zero`` fills the memory until the process is killed, and
a named pipe nobody writes to waits for ever (already at ``open``). Here the file is
opened without blocking, refused unread unless it is a regular file, and read up to one
byte more than the caller's cap, so the caller can say it is too large without having
read an endless stream. Standard library only, like ``durable``, so any layer may use
it; each layer words the refusal for its readers (``rules.strict_json.read_file``,
``services.logo.read_logo_file``, ``services.memo_file.read_memo_file``).
"""

from __future__ import annotations

import os
import stat
from io import BufferedReader
from pathlib import Path


class NotAFile(Exception):
    """The path names a folder, a pipe, a device or a socket; nothing was read from it."""

    def __init__(self, path: Path | str) -> None:
        self.path = path
        super().__init__(f"{path} is not a file (a folder, a pipe or a device)")


def open_regular(path: Path | str) -> BufferedReader:
    """The regular file at ``path``, open for reading in binary. ``NotAFile`` for anything
    else (not read, not waited on); other ``OSError`` (missing, not allowed) as raised."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except IsADirectoryError:  # where a folder cannot be opened at all
        raise NotAFile(path) from None
    except PermissionError:
        # Windows refuses to open a folder as "permission denied": name it as a folder.
        if os.path.isdir(path):
            raise NotAFile(path) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotAFile(path)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_capped(path: Path | str, limit: int) -> bytes:
    """The bytes of the regular file at ``path`` (as ``open_regular``): at most
    ``limit + 1`` of them, so that more than ``limit`` means "too large"."""
    with open_regular(path) as handle:
        return handle.read(limit + 1)

"""The app's rotating log file, in the data folder's ``logs/``. It never holds personal data.

Only ids, event names, exception types and tracebacks of TrustDesk's own code go in;
case data is never formatted into a log message, and exception messages (which may
quote input) are left out of tracebacks.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import stat
import traceback
from pathlib import Path
from types import TracebackType

from trustdesk.config.logs import is_link, log_dir

MAX_BYTES = 1_000_000
BACKUPS = 5


def share_like(path: Path | int, data_dir: Path) -> None:
    """Let the group write ``path`` (a folder, or an open file's descriptor) when the data
    folder is group-writable (as the Linux package makes it): every officer signing in on
    the desk appends to the same log. A link is never followed: any desk account may
    plant one in the shared folder, aimed at a file of the officer starting the app."""
    try:
        if os.name != "posix" or not data_dir.stat().st_mode & stat.S_IWGRP:
            return
        if isinstance(path, int):
            os.fchmod(path, os.fstat(path).st_mode | stat.S_IRGRP | stat.S_IWGRP)
        elif not path.is_symlink():
            os.chmod(path, os.stat(path).st_mode | stat.S_IRGRP | stat.S_IWGRP)
    except OSError:
        pass  # another user's file: its owner already shared it


def _open_folder(folder: Path) -> int | None:
    """The log folder, refused if it is a link: any desk account may replace ``logs`` in
    the shared data folder with one, aimed at a folder of the officer starting the app.
    Where the system allows (not Windows), the folder is held open and the log's files
    are named from it, so a link planted later is not followed either."""
    if is_link(folder):
        raise OSError(errno.ELOOP, "the log folder is a link", str(folder))
    if os.open not in os.supports_dir_fd or not hasattr(os, "O_DIRECTORY"):
        return None
    return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)


def _is_link_at(name: str, folder_fd: int | None) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _open_unlinked(name: str, folder_fd: int | None = None) -> int:
    """``name`` (in ``folder_fd`` when given) opened to append, never through a link: one
    found there (planted, since TrustDesk makes none) is removed, as it is no log, and
    the file made afresh."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)  # Windows: the text layer above writes the newlines
    try:
        return os.open(name, flags, 0o666, dir_fd=folder_fd)
    except OSError:
        if not _is_link_at(name, folder_fd):
            raise
    os.unlink(name, dir_fd=folder_fd)
    return os.open(name, flags | os.O_EXCL, 0o666, dir_fd=folder_fd)


class RotatingLog(logging.FileHandler):
    """Keeps the file under MAX_BYTES by rolling it to .1 … .BACKUPS.

    A small stand-in for logging.handlers.RotatingFileHandler, whose module drags in
    pickle, queue and socket code the app does not otherwise need at start. Its folder
    must not be a link (``_open_folder``; an OSError says so).
    """

    def __init__(
        self, filename: str | Path, encoding: str | None = None, delay: bool = False
    ) -> None:
        self._rolling = False
        self._folder_fd = _open_folder(Path(os.path.abspath(filename)).parent)
        super().__init__(filename, encoding=encoding, delay=delay)

    def _in_folder(self, name: str) -> str:
        """``name`` of a file in the log folder, as the os calls take it."""
        if self._folder_fd is not None:
            return name
        folder = Path(self.baseFilename).parent
        if is_link(folder):  # (Windows) a link made since the start
            raise OSError(errno.ELOOP, "the log folder is a link", str(folder))
        return str(folder / name)

    def _open(self) -> io.TextIOWrapper:
        # FileHandler's own open follows a link in the shared folder (see share_like).
        name = self._in_folder(os.path.basename(self.baseFilename))
        descriptor = _open_unlinked(name, self._folder_fd)
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def close(self) -> None:
        super().close()
        if self._folder_fd is not None and not self._rolling:
            os.close(self._folder_fd)
            self._folder_fd = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() >= MAX_BYTES:
                self._roll()
        except OSError:
            self.handleError(record)
        super().emit(record)

    def _roll(self) -> None:
        self._rolling = True
        try:
            self.close()  # (Windows renames no open file)
        finally:
            self._rolling = False
        base = os.path.basename(self.baseFilename)
        fd = self._folder_fd
        for number in range(BACKUPS - 1, 0, -1):
            older = self._in_folder(f"{base}.{number}")
            if os.path.lexists(older) if fd is None else _exists_at(older, fd):
                newer = self._in_folder(f"{base}.{number + 1}")
                os.replace(older, newer, src_dir_fd=fd, dst_dir_fd=fd)
        first = self._in_folder(f"{base}.1")
        os.replace(self._in_folder(base), first, src_dir_fd=fd, dst_dir_fd=fd)
        self.stream = self._open()
        share_like(self.stream.fileno(), Path(self.baseFilename).parent)


def _exists_at(name: str, folder_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


class _NoMessages(logging.Formatter):
    def formatException(
        self,
        ei: tuple[type[BaseException], BaseException, TracebackType | None]
        | tuple[None, None, None],
    ) -> str:
        kind, _value, tb = ei
        frames = "".join(traceback.format_tb(tb))
        name = kind.__name__ if kind is not None else "Exception"
        return f"Traceback (most recent call last):\n{frames}{name} (message withheld)"


def set_up_logging(data_dir: Path | None = None, level: str | None = None) -> Path | None:
    """Attach the rotating file handler once, at ``level`` (the machine's ``log_level``);
    the file's path, or None if it cannot be written. ``data_dir`` defaults to the
    machine's data folder (trustdesk.config)."""
    logger = logging.getLogger("trustdesk")
    if data_dir is None or level is None:
        from trustdesk.config import current

        settings = current()
        data_dir = settings.data_dir if data_dir is None else data_dir
        level = settings.log_level if level is None else level
    logger.setLevel(getattr(logging, level, logging.INFO))
    for handler in logger.handlers:
        if isinstance(handler, RotatingLog):
            return Path(handler.baseFilename)
    folder = log_dir(data_dir)
    try:
        if not is_link(folder):  # refused by RotatingLog, and said by log_dir_problem
            folder.mkdir(parents=True, exist_ok=True)
        share_like(folder, folder.parent)
        handler = RotatingLog(folder / "trustdesk.log", encoding="utf-8", delay=False)
    except OSError:
        return None
    if handler.stream is not None:  # (delay=False: opened already)
        share_like(handler.stream.fileno(), folder)
    handler.setFormatter(_NoMessages("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return Path(handler.baseFilename)

"""The app's rotating log file, in the data folder's ``logs/``. It never holds personal data.

Only ids, event names, exception types and tracebacks of TrustDesk's own code go in;
case data is never formatted into a log message, and exception messages (which may
quote input) are left out of tracebacks.
"""

from __future__ import annotations

import io
import logging
import os
import stat
import traceback
from pathlib import Path
from types import TracebackType

from trustdesk.config.logs import log_dir

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


def _open_unlinked(path: str) -> int:
    """``path`` opened to append, never through a link: one found there (planted, since
    TrustDesk makes none) is removed, as it is no log, and the file made afresh."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)  # Windows: the text layer above writes the newlines
    try:
        return os.open(path, flags, 0o666)
    except OSError:
        if not os.path.islink(path):
            raise
    os.unlink(path)
    return os.open(path, flags | os.O_EXCL, 0o666)


class RotatingLog(logging.FileHandler):
    """Keeps the file under MAX_BYTES by rolling it to .1 … .BACKUPS.

    A small stand-in for logging.handlers.RotatingFileHandler, whose module drags in
    pickle, queue and socket code the app does not otherwise need at start.
    """

    def _open(self) -> io.TextIOWrapper:
        # FileHandler's own open follows a link in the shared folder (see share_like).
        return open(
            _open_unlinked(self.baseFilename), "a", encoding=self.encoding, errors=self.errors
        )

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() >= MAX_BYTES:
                self._roll()
        except OSError:
            self.handleError(record)
        super().emit(record)

    def _roll(self) -> None:
        self.close()
        base = Path(self.baseFilename)
        for number in range(BACKUPS - 1, 0, -1):
            older = base.with_name(f"{base.name}.{number}")
            if older.exists():
                older.replace(base.with_name(f"{base.name}.{number + 1}"))
        base.replace(base.with_name(f"{base.name}.1"))
        self.stream = self._open()
        share_like(self.stream.fileno(), base.parent)


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

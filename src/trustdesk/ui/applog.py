"""The app's rotating log file, in the data folder's ``logs/``. It never holds personal data.

Only ids, event names, exception types and tracebacks of TrustDesk's own code go in;
case data is never formatted into a log message, and exception messages (which may
quote input) are left out of tracebacks.
"""

from __future__ import annotations

import logging
import os
import stat
import traceback
from pathlib import Path
from types import TracebackType

from trustdesk.config.logs import log_dir

MAX_BYTES = 1_000_000
BACKUPS = 5


def share_like(path: Path, data_dir: Path) -> None:
    """Let the group write ``path`` when the data folder is group-writable (as the Linux
    package makes it): every officer signing in on the desk appends to the same log."""
    try:
        if os.name == "posix" and data_dir.stat().st_mode & stat.S_IWGRP:
            os.chmod(path, os.stat(path).st_mode | stat.S_IRGRP | stat.S_IWGRP)
    except OSError:
        pass  # another user's file: its owner already shared it


class RotatingLog(logging.FileHandler):
    """Keeps the file under MAX_BYTES by rolling it to .1 … .BACKUPS.

    A small stand-in for logging.handlers.RotatingFileHandler, whose module drags in
    pickle, queue and socket code the app does not otherwise need at start.
    """

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
        share_like(base, base.parent)


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
    share_like(Path(handler.baseFilename), folder)
    handler.setFormatter(_NoMessages("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return Path(handler.baseFilename)

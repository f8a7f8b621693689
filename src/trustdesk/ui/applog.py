"""The app's rotating log file in the user log folder. It never holds personal data.

Only ids, event names and exception types and tracebacks of TrustDesk's own code go in;
case data is never formatted into a log message.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_DIR_ENV = "TRUSTDESK_LOG_DIR"
MAX_BYTES = 1_000_000
BACKUPS = 5


def log_dir() -> Path:
    configured = os.environ.get(LOG_DIR_ENV)
    if configured:
        return Path(configured)
    from platformdirs import user_log_dir

    return Path(user_log_dir("TrustDesk", appauthor=False))


def set_up_logging() -> Path | None:
    """Attach the rotating file handler once; the file's path, or None if it cannot be written."""
    logger = logging.getLogger("trustdesk")
    for handler in logger.handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            folder / "trustdesk.log", maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return Path(handler.baseFilename)

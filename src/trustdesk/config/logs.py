"""Where the desktop app keeps its log: ``$TRUSTDESK_LOG_DIR``, else the data folder's
``logs/`` (the log itself is ``ui.applog``'s; this module has no Qt, so ``config check``
can say what is wrong with the folder)."""

from __future__ import annotations

import os
from pathlib import Path

LOG_DIR_ENV = "TRUSTDESK_LOG_DIR"


def log_dir(data_dir: Path) -> Path:
    """``$TRUSTDESK_LOG_DIR``, else ``logs/`` in the data folder (the machine's record: IT
    finds the log of every user of the desk in one place, and backs it up with the rest)."""
    configured = os.environ.get(LOG_DIR_ENV, "").strip()
    if configured:
        # As TRUSTDESK_DATA_DIR: ~ expanded, relative to the working folder (a folder
        # named "~" was made wherever the app was started).
        return Path(configured).expanduser().absolute()
    return data_dir / "logs"


def log_dir_problem() -> str | None:
    """What is wrong with ``$TRUSTDESK_LOG_DIR`` for this user, in words; None when it is
    not set or can be used (made if missing). Without a usable one the app keeps no log."""
    configured = os.environ.get(LOG_DIR_ENV, "").strip()
    if not configured:
        return None
    folder = log_dir(Path())
    where = f"environment variable {LOG_DIR_ENV}={configured[:60]!r}"
    if folder.exists() and not folder.is_dir():
        return f"{where} names {folder}, which is a file; name a folder for the app's log"
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"{where}: this user cannot write in {existing or folder}, so the app would keep "
            "no log; give the desk's users write access, or name another folder"
        )
    return None

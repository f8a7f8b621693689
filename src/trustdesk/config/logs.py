"""Where the desktop app keeps its log: ``$TRUSTDESK_LOG_DIR``, else the data folder's
``logs/`` (the log itself is ``ui.applog``'s; this module has no Qt, so ``config check``
can say what is wrong with the folder)."""

from __future__ import annotations

import os
import stat
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


def is_link(path: Path) -> bool:
    """``path`` is a symbolic link, or on Windows a junction (any user may make one in a
    folder they can write, such as the shared data folder)."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    reparse_point = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0)
    return stat.S_ISLNK(info.st_mode) or bool(
        getattr(info, "st_file_attributes", 0) & reparse_point
    )


def _link_problem(folder: Path, where: str) -> str:
    try:
        target = f" (to {os.readlink(folder)})"
    except (OSError, ValueError):
        target = ""
    return (
        f"{where}: the log folder {folder} is a link{target}, which another account of this "
        "computer may have put there, so the app keeps no log; remove the link and TrustDesk "
        "makes the folder again"
    )


def log_dir_problem(data_dir: Path | None = None) -> str | None:
    """What is wrong with the log folder for this user, in words; None when it can be used
    (made if missing). Without a usable one the app keeps no log. ``$TRUSTDESK_LOG_DIR``
    is checked when set, else ``logs/`` of ``data_dir`` (when given): a link there is
    refused, as the app never writes its log through one."""
    configured = os.environ.get(LOG_DIR_ENV, "").strip()
    if not configured:
        if data_dir is not None and is_link(log_dir(data_dir)):
            return _link_problem(log_dir(data_dir), f"data folder {data_dir}")
        return None
    folder = log_dir(Path())
    where = f"environment variable {LOG_DIR_ENV}={configured[:60]!r}"
    if is_link(folder):
        return _link_problem(folder, where)
    if folder.exists() and not folder.is_dir():
        return f"{where} names {folder}, which is a file; name a folder for the app's log"
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        return (
            f"{where}: this user cannot write in {existing or folder}, so the app would keep "
            "no log; give the desk's users write access, or name another folder"
        )
    return None

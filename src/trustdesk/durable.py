"""Making writes survive a power cut: fsync a file, or the folder that holds a new name.

Shared by every layer that writes files (store, memo, rules); standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in folder ``path`` durable (no-op where unsupported).

    Windows cannot open a folder for fsync; NTFS journals the rename itself.
    """
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())

"""Where the database lives: the data folder, its files, and the refusal of network paths.

SQLite's locking is not reliable over network file systems (NFS, SMB/CIFS, sshfs…), so
a data folder on one is refused. Detection: on Linux the file-system type of the mount
holding the folder (``/proc/self/mountinfo``); on Windows a UNC path or a drive that
Windows reports as remote. Elsewhere (macOS) nothing is detectable with the standard
library and the folder is accepted; see docs/decisions/0003-decision-store.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

# ``trustdesk evaluate`` imports this module at every start to find the data folder (its
# imported rule packs), so the errors module is imported only when a path is refused.

DB_NAME = "trustdesk.db"
LOCK_NAME = "trustdesk.lock"

#: File-system types (as in /proc/self/mountinfo) that live on another machine.
NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "ceph",
        "glusterfs",
        "lustre",
        "gpfs",
        "davfs",
        "fuse.sshfs",
        "fuse.davfs2",
        "fuse.rclone",
        "fuse.glusterfs",
        "fuse.s3fs",
        "fuse.gcsfuse",
    }
)


#: A machine-wide setting: the data folder used when --data-dir is not given.
DATA_DIR_ENV = "TRUSTDESK_DATA_DIR"


def default_data_dir() -> Path:
    """The data folder when --data-dir is not given: ``$TRUSTDESK_DATA_DIR``, else the
    machine config file's ``data_dir``, else the per-user data folder (trustdesk.config)."""
    from trustdesk.config import load

    return load().data_dir


def resolve_data_dir(data_dir: Path | str | None) -> Path:
    """``data_dir`` (the --data-dir flag, which wins) or the machine's default."""
    return default_data_dir() if data_dir is None else Path(data_dir).expanduser().absolute()


def hostname() -> str:
    """This computer's name, as socket.gethostname() gives it (without importing socket
    where the system can say it directly)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket

    return socket.gethostname()


def _unescape_mount(field: str) -> str:
    # mountinfo escapes space, tab, newline and backslash as octal (\040 …).
    out, i = [], 0
    while i < len(field):
        code = field[i + 1 : i + 4]
        if field[i] == "\\" and len(code) == 3 and code.isdigit():
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def filesystem_type(path: Path, mountinfo: str) -> str | None:
    """The type of the file system holding ``path``, from mountinfo text (Linux)."""
    best, best_type = "", None
    target = str(path)
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields = left.split()
        if not sep or len(fields) < 5:
            continue
        mount_point = _unescape_mount(fields[4])
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            kinds = right.split()
            best, best_type = mount_point, (kinds[0] if kinds else None)
    return best_type


def _real_path(path: Path) -> Path:
    """``path`` with symlinks resolved as far as it exists (a link may lead to a share)."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve() / path.relative_to(candidate)
    return path


def refuse_network_path(path: Path, *, mountinfo: str | None = None) -> None:
    """Raise NetworkPathRefused when ``path`` is (detectably) on a network file system."""
    if sys.platform == "win32":
        _refuse_windows(path)
        return
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
                mountinfo = handle.read()
        except OSError:
            return  # not Linux: nothing to detect with the standard library
    fs_type = filesystem_type(_real_path(path), mountinfo)
    if fs_type is not None and (fs_type in NETWORK_FILESYSTEMS or fs_type.startswith("nfs")):
        _refuse(path, f"a network file system ({fs_type})")


def _refuse_windows(path: Path) -> None:
    text = str(path)
    if text.startswith(("\\\\", "//")) and not text.startswith(("\\\\?\\", "\\\\.\\")):
        _refuse(path, "a network share")
    if sys.platform == "win32":
        import ctypes

        drive = os.path.splitdrive(str(_real_path(path)))[0]
        if drive:
            drive_remote = 4
            if ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote:
                _refuse(path, f"a network drive ({drive})")


def _refuse(path: Path, where: str) -> NoReturn:
    from trustdesk.store.errors import NetworkPathRefused

    raise NetworkPathRefused(
        f"data folder {path} is on {where}; SQLite cannot lock a database reliably there, "
        "so records could be lost. Choose a folder on this computer's own disk (--data-dir)."
    )


def holds_log(db: Path) -> bool:
    """Whether a write-ahead log with something in it lies beside the SQLite file ``db``:
    a file without one may be read as it is (``immutable``), writing nothing beside it."""
    log = db.with_name(db.name + "-wal")
    return log.is_file() and log.stat().st_size > 0

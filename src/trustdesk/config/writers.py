"""Who besides root (or the user running TrustDesk) could change the machine config file.

The file decides where every desk account keeps its records, which database server it
signs officers in to and whose signed rule packs import without an override: anyone who
can write it, or replace it by writing a folder above it, can make every other account's
TrustDesk follow them. Checked as OpenSSH checks ``authorized_keys`` (``StrictModes``,
with Debian's allowance for a group that is its owner's own): the file and each folder
above it must be owned by root or by this user, and writable by nobody else. POSIX only;
on Windows the folder's access list is the installer's (packaging/windows).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def writer_problem(path: Path, file_stat: os.stat_result) -> str | None:
    """What lets someone else change ``path`` (whose open handle's ``file_stat`` is
    given), in words with the fix; None when only root or this user can."""
    if os.name != "posix":
        return None
    me = os.geteuid()
    real = Path(os.path.realpath(path))
    problem = _problem(path, path, file_stat, me)
    if problem:
        return problem
    folders = dict.fromkeys([*path.parents, *real.parents])
    for folder in folders:
        try:
            folder_stat = os.stat(folder)
        except OSError:
            continue  # (read already succeeded through it; nothing more to learn here)
        problem = _problem(path, folder, folder_stat, me)
        if problem:
            return problem
    return None


def _problem(config: Path, path: Path, st: os.stat_result, me: int) -> str | None:
    """``path`` is the config file or a folder above it."""
    what = "it" if path == config else f"its folder {path}"
    fix = path
    consequence = (
        "anyone who can change it decides every desk account's data folder, database server "
        "and trusted publishers"
    )
    if st.st_uid not in (0, me):
        return (
            f"{config}: {what} belongs to {_user(st.st_uid)}, not to root or to you; "
            f"{consequence}; give it to root: chown root {fix}"
        )
    sticky_folder = path != config and st.st_mode & stat.S_ISVTX
    if st.st_mode & stat.S_IWOTH and not sticky_folder:
        return (
            f"{config}: every user of this computer can write {what}; {consequence}; "
            f"take that away: chmod o-w {fix}"
        )
    if st.st_mode & stat.S_IWGRP and st.st_gid != 0 and not _private_group(st):
        return (
            f"{config}: the members of group {_group(st.st_gid)} can write {what}; "
            f"{consequence}; take that away: chmod g-w {fix}"
        )
    return None


def _private_group(st: os.stat_result) -> bool:
    """The group is its owner's own (Debian's user private groups): nobody else in it."""
    try:
        import grp
        import pwd

        owner = pwd.getpwuid(st.st_uid)
        group = grp.getgrgid(st.st_gid)
    except (ImportError, KeyError):
        return False
    if owner.pw_gid != st.st_gid or group.gr_name != owner.pw_name:
        return False
    return all(member == owner.pw_name for member in group.gr_mem)


def _user(uid: int) -> str:
    try:
        import pwd

        return f"user {pwd.getpwuid(uid).pw_name}"
    except (ImportError, KeyError):
        return f"user id {uid}"


def _group(gid: int) -> str:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)

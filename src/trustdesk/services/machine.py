"""Who controls this machine's copy of the records: the operating-system side of recovery.

Recovering a locked-out administrator needs no TrustDesk password (there is none left
to use); it needs control of the machine instead: running as the operating-system
account that owns the data folder, or as root (on Windows: from an elevated prompt).
See docs/decisions/0008-admin-recovery.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NamedTuple


class MachineAccount(NamedTuple):
    """The operating-system account running TrustDesk, and whether it controls the folder."""

    uid: int | None  # None on Windows
    name: str
    controls: bool
    owner: str  # who may recover, in words for the refusal


def _account_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"uid {uid}"


def machine_account(data_dir: Path, database: Path | None = None) -> MachineAccount:
    """The running account and whether it may recover accounts of ``data_dir``.

    ``database``: the file TrustDesk opened there. Owning the folder named is not enough:
    a folder of one's own may hold a link to another folder's database (an IT-owned
    shared record, decision 0008). The account must also own the file the link leads to
    and the folder that holds it."""
    if sys.platform == "win32":
        import ctypes

        elevated = bool(ctypes.windll.shell32.IsUserAnAdmin())
        name = os.environ.get("USERNAME", "unknown")
        return MachineAccount(None, name, elevated, "an elevated (Run as administrator) prompt")
    uid = os.geteuid()
    owner = os.stat(data_dir).st_uid
    owners, where = {owner}, "data folder"
    if database is not None:
        real = database.resolve()
        owner = os.stat(real).st_uid  # the one named: the record's, wherever it lies
        owners |= {owner, os.stat(real.parent).st_uid}
        where = "data folder and the database file it holds"
    return MachineAccount(
        uid,
        _account_name(uid),
        uid == 0 or owners == {uid},
        f"root, which owns the {where}"
        if owner == 0
        else f"the operating-system account that owns the {where} ({_account_name(owner)}) or root",
    )

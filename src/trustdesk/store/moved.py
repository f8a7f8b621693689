"""A data folder's record moved onto a database server, and kept closed for work.

``store migrate`` copies the record onto a PostgreSQL store; the server's chain then
records where it came from (``store.migrated_in``) and the folder's own chain that it
left (``store.migrated_out``, naming the server, never a password, and the server's
entry). Both name the desk's head that was copied: the two chains are one up to it.

From then on the folder's record is the old copy, and the entry is its mark: opening
the folder for work is refused (``Store.open``), so a desk started without the server
setting cannot begin a second history of the same store beside the server's. The mark
is read from the chain itself, through the event index (one row), not from a flag in
``meta`` that sqlite3 could delete: taking the entry out instead shortens the chain,
which this workstation's anchor and ``audit verify`` report. Reading uses that record
only their own check (``audit verify``, ``audit export``, ``verify`` of a memo) may
still open it (docs/decisions/0082).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

#: The folder's entry: the record left for a server.
MIGRATED_OUT = "store.migrated_out"
#: The server's entry: the record arrived from a data folder.
MIGRATED_IN = "store.migrated_in"


@dataclass(frozen=True, slots=True)
class MovedOut:
    """The folder's ``store.migrated_out`` entry, as the refusal needs it."""

    seq: int
    at: str
    to: str  # the server, as connection.describe() says it

    def words(self, folder: Path) -> str:
        """What happened, when, where the record lives now."""
        return (
            f"the record in {folder} was moved on {self.at} UTC to {self.to} "
            f"(`store migrate`, audit entry {self.seq} of this folder)"
        )


def moved_out(conn: sqlite3.Connection) -> MovedOut | None:
    """The folder's latest ``store.migrated_out`` entry, or None (one indexed read)."""
    row = conn.execute(
        "SELECT seq, at, objects FROM audit_log WHERE event = ? ORDER BY seq DESC LIMIT 1",
        (MIGRATED_OUT,),
    ).fetchone()
    if row is None:
        return None
    try:
        to = json.loads(row[2]).get("to")
    except (TypeError, ValueError, AttributeError):
        to = None
    at = str(row[1]).replace("T", " ")[:16]
    return MovedOut(int(row[0]), at, str(to) if to else "a database server")


def refusal(folder: Path, moved: MovedOut) -> str:
    """Why the folder is not opened for work, and the ways on."""
    return (
        f"{moved.words(folder)}, so TrustDesk does no more work there: one record, on the "
        "server. Point this desk at the server: set `database` in the machine config (or "
        "give --database postgresql://…). Reading commands still open the old copy "
        "(`audit verify`, `audit export`, `verify`). To work locally again, restore a backup "
        "made before the move into a new data folder (docs/several-desks.md, section 5)"
    )


def already_moved(folder: Path, moved: MovedOut) -> str:
    """``store migrate`` run again on a folder it moved."""
    return (
        f"{moved.words(folder)}; nothing was done. It is moved once: its records are on "
        "that server, and this copy is kept as it is"
    )

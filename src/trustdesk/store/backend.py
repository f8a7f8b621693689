"""What the repositories need of an open database, whichever backend holds it.

``database.Database`` (SQLite, one data folder) and ``postgresql.database.PgDatabase``
(a database server) both offer this; the repositories and ``Store`` are typed against
it, so neither backend's module is imported by the code written once for both. The
connections they hand out have ``sqlite3.Connection``'s surface (the PostgreSQL one
imitates the part the repositories use; see postgresql/connection.py).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import sqlite3

    from trustdesk.store.anchor import AnchorFile


#: How long a writer waits for its turn inside ``Database.waiting_briefly`` (ms).
BRIEF_WAIT_MS = 250


class Database(Protocol):
    """An open store database; see the module docstring."""

    #: The local data folder (logs, imported packs); for SQLite also the database's.
    data_dir: Path
    #: The SQLite file, or for a server a stand-in path naming it (for messages only).
    path: Path
    #: The chain head this workstation last saw.
    anchor: AnchorFile
    #: "sqlite" or "postgresql".
    backend: str

    def transaction(
        self, *, late_turn: bool = False
    ) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A write transaction: all of it is committed, or none of it.

        Writers take turns, so the audit chain stays one line. With ``late_turn`` the
        caller first does the work no other writer can disturb (rows nobody else links
        to, hashing) and then calls ``take_turn``; only what follows needs the turn. A
        backend may still take the turn at the start (SQLite does: it costs nothing
        there); PostgreSQL takes it late and sends what follows in one go (decision
        0024). Without it, the turn is taken at the start.
        """
        ...

    def take_turn(self, conn: sqlite3.Connection) -> None:
        """Take the writers' turn now, in a transaction begun with ``late_turn``."""
        ...

    def reading(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """A read transaction: one consistent snapshot for several queries."""
        ...

    def waiting_briefly(self) -> contextlib.AbstractContextManager[None]:
        """Meanwhile a writer waits at most ``BRIEF_WAIT_MS`` for its turn, not the
        usual seconds, and is told the record is busy. For work nobody is waiting for
        (the desk's flush of kept work, tried again and again on the window's thread):
        with the usual wait, each try behind a desk stuck mid-save froze the window."""
        ...

    def translating(self) -> contextlib.AbstractContextManager[None]:
        """The backend's errors as the store's (StoreError), where they are expected."""
        ...

    def open_reader(self) -> sqlite3.Connection:
        """A separate connection for a long read that must not hold up writers."""
        ...

    def where(self) -> str:
        """The database as a person names it (a file path, or a server and database)."""
        ...

    def close(self) -> None: ...

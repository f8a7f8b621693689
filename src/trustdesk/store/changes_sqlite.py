"""The change feed of an SQLite record: a cheap local look at the file about once a second.

``PRAGMA data_version`` on a read-only connection of its own changes whenever any other
connection (this process's writer, another desk's process on the same folder, a command
line) has committed; only then are the new audit entries read. No write, no lock held
between looks, so the feed never stands in a writer's way.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from trustdesk.store.changes import RESYNC, Change, ChangeFeed
from trustdesk.store.connection import connect

#: How often the file is looked at, in seconds (a board shows a change within 2 s).
INTERVAL = 0.5


class SqliteChangeFeed(ChangeFeed):
    thread_name = "trustdesk-changes-sqlite"

    def __init__(self, path: Path, interval: float = INTERVAL) -> None:
        super().__init__()
        self.path = path
        self.interval = interval
        self._conn: sqlite3.Connection | None = None
        self._version: int | None = None
        self._seq: int | None = None

    def _prime(self) -> None:
        try:
            self._look()
        except sqlite3.Error:
            self._drop()  # the thread's first look tries again

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    changes = self._look()
                except sqlite3.Error:
                    # The file is being swapped (a restore) or is gone for a moment: look
                    # again from scratch next time, and tell the listener it may have missed
                    # something once it is back.
                    self._drop()
                    self._set_reachable(False)
                else:
                    self._set_reachable(True)
                    self._emit(changes)
                self._stop.wait(self.interval)
        finally:
            self._drop()

    def _look(self) -> list[Change]:
        if self._conn is None:
            self._conn = connect(self.path, readonly=True)
            self._version = None
        conn = self._conn
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if version == self._version:
            return []
        self._version = version
        head = int(conn.execute("SELECT ifnull(max(seq), 0) FROM audit_log").fetchone()[0])
        if self._seq is None or head < self._seq:
            # First look, or a restore put a shorter chain in place: start from here.
            first, self._seq = self._seq is None, head
            return [] if first else [RESYNC]
        rows = conn.execute(
            "SELECT seq, event FROM audit_log WHERE seq > ? ORDER BY seq", (self._seq,)
        ).fetchall()
        if rows:
            self._seq = int(rows[-1][0])
        return [Change(int(seq), str(event)) for seq, event in rows]

    def _drop(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

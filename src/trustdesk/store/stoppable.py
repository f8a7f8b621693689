"""The live store as a long job sees it: snapshot reads that report progress and stop on request.

Long jobs (verify, export, backup) read through ``Database.open_reader``: a separate,
read-only snapshot connection per job, usable from a worker thread (connections are
opened with ``check_same_thread=False``; the writer stays behind the database's lock).
This view hands out such readers with SQLite's progress handler set, so the job's cancel
flag is looked at every few hundred virtual-machine steps and a running statement is
interrupted when it is set; a backup copies in batches of pages and looks between them.
Everything else (writes, audit entries) goes to the live database unchanged, so a job
run through this view does exactly what the CLI does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from typing import Any, Protocol, cast

from trustdesk.store.backend import Database
from trustdesk.store.errors import StoreError
from trustdesk.store.store import Store

#: SQLite virtual-machine steps between two looks at the cancel flag (well under 1 ms).
STEPS = 500
#: Database pages a backup copies between two looks (4 MiB at the default page size).
PAGES = 1024
#: Rows read between two progress reports.
ROWS_PER_REPORT = 500


class Control(Protocol):
    """The job's side of its progress display (thread-safe in the implementation)."""

    def cancelled(self) -> bool: ...

    def progress(self, done: int, total: int) -> None:
        """``done`` of ``total`` (``total`` 0: unknown, and ``done`` counts rows read)."""


class Stopped(StoreError):
    """The job was stopped on request; what it was writing has not been kept."""


def stoppable(store: Store, control: Control, total: int = 0) -> Store:
    """``store`` whose snapshot reads stop on ``control``; ``total``: rows expected, if known."""
    view = _StoppableDatabase(store.db, control, total)
    return Store(cast(Database, view))


def interrupted(error: BaseException) -> bool:
    """Whether ``error`` is SQLite's report of a statement stopped by the progress handler."""
    return isinstance(error, sqlite3.OperationalError) and "interrupt" in str(error)


class _StoppableDatabase:
    def __init__(self, db: Database, control: Control, total: int) -> None:
        self._db = db
        self._control = control
        self._total = total

    def open_reader(self) -> sqlite3.Connection:
        if self._control.cancelled():
            raise Stopped("stopped; nothing was written and nothing recorded")
        reader = self._db.open_reader()
        reader.set_progress_handler(self._control.cancelled, STEPS)
        return cast(sqlite3.Connection, _StoppableReader(reader, self._control, self._total))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


class _StoppableReader:
    """A snapshot connection that counts the rows it hands out and copies in batches."""

    def __init__(self, conn: sqlite3.Connection, control: Control, total: int) -> None:
        self._conn = conn
        self._control = control
        self._total = total
        self._rows = 0

    @property
    def wrapped(self) -> Any:
        """The connection underneath (SQLite's or the server's), for code that writes
        each backend's SQL (store/checks.py)."""
        return self._conn

    def execute(self, sql: str, parameters: Any = ()) -> Any:
        return _CountedCursor(self._conn.execute(sql, parameters), self._counted)

    def backup(self, target: sqlite3.Connection, **_: Any) -> None:
        def step(_status: int, remaining: int, pages: int) -> None:
            if self._control.cancelled():
                raise Stopped("the backup was stopped; no backup file was kept")
            self._control.progress(pages - remaining, pages)

        self._conn.backup(target, pages=PAGES, progress=step)

    def _counted(self, rows: int = 1) -> None:
        before, self._rows = self._rows, self._rows + rows
        if before // ROWS_PER_REPORT != self._rows // ROWS_PER_REPORT:
            done = min(self._rows, self._total) if self._total else self._rows
            self._control.progress(done, self._total)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class _CountedCursor:
    def __init__(self, cursor: sqlite3.Cursor, counted: Callable[[int], None]) -> None:
        self._cursor = cursor
        self._counted = counted

    def __iter__(self) -> Iterator[Any]:
        for row in self._cursor:
            self._counted(1)
            yield row

    def fetchmany(self, size: int = 1) -> list[Any]:
        batch = self._cursor.fetchmany(size)
        self._counted(len(batch))
        return batch

    def batches(self, size: int) -> Iterator[list[Any]]:
        """The cursor's rows in batches (a server's fetched ahead), counted."""
        ahead = getattr(self._cursor, "batches", None)
        if ahead is None:
            while batch := self.fetchmany(size):
                yield batch
            return
        for batch in ahead(size):
            self._counted(len(batch))
            yield batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

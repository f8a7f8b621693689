"""A faster reader of a SQLite record for ``audit verify``'s spans (decision 0075).

Most of a large verification is SQLite writing the candidate texts (``candidates_sqlite``)
and handing over millions of rows. The standard library's ``sqlite3`` runs the system's
SQLite (3.40 on Debian 12) in its serialized mode: every value handed over takes and
gives back the connection's mutex, and every allocation updates the memory statistics
under a global one. apsw brings its own, current SQLite; this reader opens the file
read-only through it, with no mutex on the connection (it is used by one thread only)
and without the memory statistics, and offers the few calls the checks of a span make
(``execute`` and a cursor with ``fetchone``, ``fetchmany``, ``fetchall``).

It is only ever trusted to accept: ``verify_worker.fast_span`` takes a span's result
from it only when it found nothing wrong in a file whose schema is the one TrustDesk
makes, and checks any other span again through the standard library, which writes every
report of damage as it always has. It is opened only in a verification helper process,
never beside the standard library's connections to the same file: two SQLite libraries
in one process drop each other's locks (``verify.reads_apart``). A SQLite of
3.45 or later reads a blob that is well-formed JSONB as the JSON it holds, so the
candidate statements run guarded from the start here (``guard_first``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from trustdesk.store import candidates_sqlite

apsw: Any
try:
    import apsw
except ImportError:  # a dependency; without it the standard reader serves
    apsw = None

#: A reader waits this long (ms) for a writer's checkpoint to let go of the file.
BUSY_TIMEOUT_MS = 10_000
_configured = threading.Lock()
_done: list[bool] = []


def available() -> bool:
    """Whether the reader can be opened at all (apsw is installed)."""
    return apsw is not None


def version() -> str:
    """What reads: apsw and its SQLite, for a helper's answer (``SpanResult.reader``)."""
    if apsw is None:
        return ""
    return f"apsw {apsw.apsw_version()} (SQLite {apsw.sqlite_lib_version()})"


def _configure() -> None:
    """Once per process, before its first connection through apsw: no memory
    statistics (a global mutex taken on every allocation). Only this module opens apsw
    connections, so none is open the first time; a refusal leaves SQLite's default."""
    with _configured:
        if _done:
            return
        _done.append(True)
        try:
            apsw.shutdown()
            apsw.config(apsw.SQLITE_CONFIG_MEMSTATUS, 0)
        except apsw.Error:
            pass


class FastReader:
    """A read-only connection to a SQLite record through apsw (see the module's text)."""

    def __init__(self, path: Path) -> None:
        _configure()
        flags = apsw.SQLITE_OPEN_READONLY | apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_NOMUTEX
        self._conn = apsw.Connection(f"{path.absolute().as_uri()}?mode=ro", flags=flags)
        try:
            self._conn.set_busy_timeout(BUSY_TIMEOUT_MS)
            # As the standard reader (connection.configure): no function a tampered
            # schema names runs, and room for the wide decision rows' pages.
            self._conn.execute("PRAGMA trusted_schema = OFF")
            self._conn.execute("PRAGMA cache_size = -32768")
        except BaseException:
            self._conn.close()
            raise
        #: The candidates run guarded from the start (``candidates_sqlite.GUARD_FIRST``).
        self.guard_first = tuple(
            int(part) for part in apsw.sqlite_lib_version().split(".")[:2]
        ) >= (3, 45)
        #: Whether a subquery's JSON value stays JSON (``candidates_sqlite.subquery_keeps_json``).
        probe = self.execute(candidates_sqlite.SUBQUERY_PROBE).fetchone()
        self.keeps_json = probe is not None and bool(probe[0])

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> _Cursor:
        return _Cursor(self._conn.execute(sql, tuple(parameters)))

    def close(self) -> None:
        self._conn.close()


class _Cursor:
    """An apsw cursor with the standard library's fetching calls."""

    def __init__(self, cursor: Any) -> None:
        self._rows: Iterator[tuple[Any, ...]] = iter(cursor)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return self._rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return next(self._rows, None)

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        return list(itertools.islice(self._rows, size))

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

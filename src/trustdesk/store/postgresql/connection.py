"""A PostgreSQL connection with the surface the repositories use (sqlite3's subset).

The repositories are written once against the small part of ``sqlite3.Connection``
they need: ``execute``/``executemany`` with ``?`` marks, cursors that fetch tuples and
tell their ``description``, ``lastrowid`` and ``rowcount``, ``in_transaction``, and the
transaction verbs as statements. ``PgConnection`` offers exactly that over psycopg 3:

* statements are rewritten by ``dialect.translate`` (cached);
* ``BEGIN IMMEDIATE`` (SQLite: "I will write") begins a transaction and takes the
  store's transaction-scoped advisory lock, so writers from every desk take turns and
  the audit chain stays one line; plain ``BEGIN`` (a read) is a REPEATABLE READ
  snapshot, like SQLite's;
* a save that does part of its work before its turn (``begin_late``/``take_turn``,
  docs/decisions/0024) begins without the lock, takes it later, and from then on sends
  its statements in pipeline mode: nothing waits for the server until a result is read,
  and the COMMIT goes out with the last insert, so no round trip of the client happens
  while the lock is held except reading the chain's head;
* an ``INSERT`` returns the new row's key (``lastrowid``, see schema.ROW_KEYS), fetched
  only when asked for (so an insert nobody asks about costs no round trip);
* errors are translated: a broken constraint or an append-only trigger raises
  ``IntegrityViolation`` (a ``sqlite3.IntegrityError``, so the repositories' one
  ``except`` serves both backends); a lost or refused connection raises
  ``ServerUnavailable`` after the transaction was rolled back by the server.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import socket
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, cast

import psycopg
from psycopg import errors as pg_errors

from trustdesk.store.backend import BRIEF_WAIT_MS
from trustdesk.store.errors import (
    AlreadyOpen,
    DiskFull,
    ReadOnly,
    ServerRefused,
    ServerUnavailable,
    StoreError,
)
from trustdesk.store.postgresql.dialect import translate
from trustdesk.store.postgresql.schema import CHAIN_LOCK_KEY, ROW_KEYS, SCHEMA
from trustdesk.store.schema_gone import SchemaChanged, schema_gone

#: Seconds to wait for the server before saying it cannot be reached (libpq's least is 2):
#: on a cut network a desk's call that connects again waits this long, no more.
CONNECT_TIMEOUT = 3
#: TCP options of every connection: an idle connection whose peer is gone is noticed
#: within ~11 s, and data the network does not acknowledge for 10 s ends the connection
#: (rather than the kernel's ~15 minutes of retransmissions). A slow but living server
#: still acknowledges (or answers the window probes), so a long statement is not cut.
#: Behind a proxy or relay that acknowledges for a vanished server these see nothing:
#: the change feed's heartbeat covers that and ends the desk's connections (``cut``).
TCP_OPTIONS = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
#: Seconds a writer waits for the store's write lock before it is told the store is busy.
LOCK_WAIT_SECONDS = 30
#: Seconds the server lets a session sit idle inside a transaction before ending it.
IDLE_IN_TRANSACTION = 300
#: Rows a reader's server-side cursor fetches per round trip.
STREAM_BATCH = 5000

_TAKE_TURN = "SELECT pg_advisory_xact_lock(%s)"
_INSERT_INTO = re.compile(r"^\s*INSERT INTO (\w+)", re.IGNORECASE)


class IntegrityViolation(sqlite3.IntegrityError):
    """A constraint or an append-only trigger refused a statement on the server."""

    sqlite_errorcode = sqlite3.SQLITE_CONSTRAINT


def describe(url: str) -> str:
    """Where the server is, for messages: host, port and database, never a password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except (psycopg.ProgrammingError, UnicodeDecodeError):
        return "the database server"
    if "service" in info:
        return f"database service {info['service']}"
    host = info.get("host") or "localhost"
    port = f":{info['port']}" if info.get("port") else ""
    return f"database {info.get('dbname', '')} on {host}{port}"


def open_connection(url: str) -> psycopg.Connection[Any]:
    """A raw psycopg connection in autocommit mode (transactions are explicit)."""
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT,
            application_name="trustdesk",
            **TCP_OPTIONS,  # type: ignore[arg-type]
        )
    except psycopg.OperationalError as exc:
        note_log_on(url, exc)
        raise (refused(url, exc) if _refused_log_on(exc) else unavailable(url, exc)) from None
    except (psycopg.ProgrammingError, UnicodeDecodeError) as exc:
        # config.dburl checks a URL as libpq reads it; an older libpq than the one it
        # follows may still refuse an option (or its value) here.
        raise unreadable_url(url, exc) from None
    note_log_on(url, None)
    try:
        conn.execute(f"SET search_path TO {SCHEMA}, public")
        # A writer waits its turn, but not for ever behind a desk that hangs; and the
        # server ends a session left idle inside a transaction (a frozen or cut-off
        # desk), freeing the store's write lock for the others.
        conn.execute(f"SET lock_timeout = '{LOCK_WAIT_SECONDS}s'")
        conn.execute(f"SET idle_in_transaction_session_timeout = '{IDLE_IN_TRANSACTION}s'")
        # A save is acknowledged only once the server has written it (with a synchronous
        # standby: on both), whatever the server's default: with it off, a crash of the
        # server loses saves the desk was told are recorded (tests/load/test_pg_faults.py).
        conn.execute("SET synchronous_commit = on")
    except psycopg.Error as exc:
        conn.close()
        raise unavailable(url, exc) from None
    return conn


#: Every relation of TrustDesk's schema on a server, with its columns (none for a view).
_SERVER_COLUMNS = (
    "SELECT c.relname, a.attname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "LEFT JOIN pg_catalog.pg_attribute a "
    "ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
    "WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
)


def schema_columns(url: str) -> dict[str, frozenset[str]] | None:
    """The tables of TrustDesk's schema on the server, with their columns, read on a
    connection of its own: a failed statement's transaction can read nothing more
    (store/schema_gone.py). None if the catalog cannot be read."""
    held: dict[str, set[str]] = {}
    try:
        with open_connection(url) as conn:
            rows: list[Any] = conn.execute(_SERVER_COLUMNS, (SCHEMA,)).fetchall()
    except (psycopg.Error, StoreError):
        return None
    for table, column in rows:
        names = held.setdefault(str(table).lower(), set())
        if column is not None:
            names.add(str(column).lower())
    return {table: frozenset(names) for table, names in held.items()}


def unreadable_url(url: str, exc: BaseException) -> StoreError:
    """libpq refused the URL itself: its words, unless the URL holds a password (which
    they may quote), and the URL masked."""
    from trustdesk.config.dburl import has_password, masked

    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    why = f" ({first})" if first and not has_password(url) else ""
    return StoreError(
        f"the database URL {masked(url)!r} is not one this computer's libpq reads{why}; "
        "correct the database setting (nothing was recorded)"
    )


#: A log-on the server answered and refused for good: the account, the password, the
#: database's name or the server's access rules. (libpq gives no error code for them.)
_REFUSALS = (
    "password authentication failed",
    "no password supplied",
    "authentication failed for user",
    "no pg_hba.conf entry",
    "pg_hba.conf rejects connection",
    "does not exist",
    "is not permitted to log in",
    "permission denied for database",
    "does not support SSL",
    "SSL is required",
    "SSL off",
    "certificate",
)
#: A setting libpq cannot use, found before any server is asked (a service name not in
#: the service file, a line of that file it cannot read, an option's value it does not
#: know): no outage to wait out, and no server to blame (a hostile pass found these all
#: called "cannot be reached … check the network").
_SETTING_WRONG = (
    "definition of service",
    "syntax error in service file",
    "service file",
    "invalid sslmode value",
    "invalid gssencmode value",
    "invalid target_session_attrs value",
    "invalid integer value",
    "invalid connection option",
)
#: What the server says while it starts, stops, recovers or is full: it will take the
#: log-on again, so the desk treats it as out of reach for now.
_PASSING = ("starting up", "shutting down", "recovery", "too many", "connection slots")


def _refused_log_on(exc: BaseException) -> bool:
    text = str(exc)
    if _setting_wrong(exc):
        return True
    return any(r in text for r in _REFUSALS) and not any(p in text for p in _PASSING)


def _setting_wrong(exc: BaseException) -> bool:
    text = str(exc)
    return any(w in text for w in _SETTING_WRONG)


def _what_was_said(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    said = next((line for line in lines if "FATAL:" in line), lines[0] if lines else "")
    return said.split("FATAL:", 1)[-1].strip()


#: Per server URL, the last log-on it refused since one to it last succeeded (any
#: connection of this process: the change feed's or a call's): what the desk's banner
#: says instead of "cannot be reached" (decision 0080).
_REFUSED: dict[str, str] = {}
_REFUSED_LOCK = threading.Lock()


def note_log_on(url: str, exc: BaseException | None) -> None:
    """Note how a log-on to ``url`` went: ``exc`` None for one that succeeded."""
    with _REFUSED_LOCK:
        if exc is not None and _refused_log_on(exc):
            said = _what_was_said(exc).removeprefix("connection is bad:").strip()
            _REFUSED[url] = f"{describe(url)}: {said}"
        else:
            # Succeeded, or failed as an outage: the refusal is no longer what is known.
            _REFUSED.pop(url, None)


def log_on_refused(url: str) -> str | None:
    """Where and what the server said when it last refused a log-on to ``url``, while no
    log-on to it has succeeded or failed otherwise since; None if it has not."""
    with _REFUSED_LOCK:
        return _REFUSED.get(url)


def refused(url: str, exc: BaseException) -> ServerRefused:
    """The server answered and refused the log-on: not a network fault."""
    said = _what_was_said(exc).removeprefix("connection is bad:").strip()
    if _setting_wrong(exc):
        return ServerRefused(
            f"the database setting cannot be used ({describe(url)}: {said}); nothing was "
            "recorded. Correct the database setting (the URL, or the service file it names: "
            "PGSERVICEFILE, ~/.pg_service.conf); no server was asked."
        )
    return ServerRefused(
        f"the database server refused TrustDesk's log-on ({describe(url)}: {said}); "
        "nothing was recorded. Check the database setting's user, database name and "
        "password (the URL, ~/.pgpass, PGPASSWORD or the service file) and the server's "
        "access rules (pg_hba.conf)."
    )


def unavailable(url: str, exc: BaseException) -> ServerUnavailable:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ServerUnavailable(
        f"the database server cannot be reached ({describe(url)}: {first}); nothing was "
        "recorded. Check the network and the server, then do it again."
    )


def _lost(exc: psycopg.Error, conn: psycopg.Connection[Any]) -> bool:
    state = exc.sqlstate or ""
    return conn.closed or (
        isinstance(exc, psycopg.OperationalError)
        and (state == "" or state.startswith("08") or state in ("57P01", "57P02", "57P03"))
    )


#: The open connections of this process, so that ``cut`` can end those to a lost server.
_OPEN: weakref.WeakSet[PgConnection] = weakref.WeakSet()
_OPEN_LOCK = threading.Lock()


def cut(url: str) -> int:
    """End this process's connections to ``url``'s server at the socket, from any thread.

    The change feed calls it when it lost the server (stopped, or silent: a network
    cut): a statement waiting on one of them fails at once as a lost connection (the
    server rolls its transaction back) instead of waiting for TCP to give up, and the
    next call connects afresh rather than failing once more on a dead connection after
    the server is back. Returns how many were cut."""
    with _OPEN_LOCK:
        chosen = [conn for conn in _OPEN if conn.url == url]
    for conn in chosen:
        conn.cut = True  # the next call connects afresh instead of failing once more
    return sum(1 for conn in chosen if shut_socket(conn.raw))


def shut_socket(raw: psycopg.Connection[Any]) -> bool:
    """Shut the connection's socket down (a waiting read then ends); True if it was open."""
    if raw.closed:
        return False
    try:
        fd = os.dup(raw.fileno())
    except (OSError, psycopg.Error):
        return False
    with socket.socket(fileno=fd) as sock:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            return False
    return True


class PgCursor:
    """The result of one statement: tuples, column names, the new id, the row count."""

    def __init__(self, owner: PgConnection, cursor: psycopg.Cursor[Any], returning: bool = False):
        self._owner = owner
        self._cursor = cursor
        self._returning = returning
        self._lastrowid: int | None = None

    @property
    def lastrowid(self) -> int | None:
        """The new row's key; read from the server on first use (in a pipeline, that
        waits for every statement sent before it)."""
        if self._returning:
            self._returning = False
            with self._owner.translating():
                row = self._cursor.fetchone()
            self._lastrowid = None if row is None else int(row[0])
        return self._lastrowid

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    def fetchone(self) -> Any:
        with self._owner.translating():
            return self._cursor.fetchone()

    def fetchall(self) -> list[Any]:
        with self._owner.translating():
            return self._cursor.fetchall()

    def fetchmany(self, size: int = 1) -> list[Any]:
        handler, _every = self._owner.progress
        # As SQLite's progress handler: a true answer interrupts the read.
        if handler is not None and handler():
            raise sqlite3.OperationalError("interrupted")
        with self._owner.translating():
            return self._cursor.fetchmany(size)

    def batches(self, size: int) -> Iterator[list[Any]]:
        """The rows in batches of ``size``, the next batch fetched by a thread while the
        caller works on this one. A server-side cursor otherwise leaves the server idle
        while the client works and the client waiting while the server works, for each
        round trip (decision 0032: a third of the wall time of verifying a large
        record). The thread only fetches; an error it meets is raised here."""
        ready: queue.Queue[list[Any] | BaseException] = queue.Queue(maxsize=2)
        stop = threading.Event()

        def fetch() -> None:
            try:
                while not stop.is_set():
                    batch = self.fetchmany(size)
                    ready.put(batch)
                    if not batch:
                        return
            except BaseException as exc:  # handed to the caller, raised there
                ready.put(exc)

        thread = threading.Thread(target=fetch, name="trustdesk-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                item = ready.get()
                if isinstance(item, BaseException):
                    raise item
                if not item:
                    return
                yield item
        finally:
            stop.set()
            while thread.is_alive():  # a fetch blocked on a full queue: make room
                with contextlib.suppress(queue.Empty):
                    ready.get(timeout=0.05)
            thread.join()

    def __iter__(self) -> Iterator[Any]:
        handler, every = self._owner.progress
        with self._owner.translating():
            for count, row in enumerate(self._cursor, 1):
                # As SQLite's progress handler: a true answer interrupts the statement.
                if handler is not None and count % every == 0 and handler():
                    raise sqlite3.OperationalError("interrupted")
                yield row


class PgConnection:
    """See the module docstring."""

    def schema_columns(self) -> dict[str, frozenset[str]] | None:
        """The tables of TrustDesk's schema on the server, with their columns (see
        ``schema_columns``), read on a connection of its own."""
        return schema_columns(self.url)

    def __init__(self, raw: psycopg.Connection[Any], url: str, *, streaming: bool = False) -> None:
        self.raw = raw
        self.url = url
        self._broken = False
        #: Set from another thread by ``cut``; the owner's thread closes it (``broken``).
        self.cut = False
        # A reader's SELECTs run in a snapshot through server-side cursors, fetched in
        # batches: verifying or exporting millions of entries never holds them all.
        self.streaming = streaming
        self._cursors = 0
        self._open: list[psycopg.ServerCursor[Any]] = []
        self.progress: tuple[Callable[[], object] | None, int] = (None, 1)
        self._pipeline: contextlib.ExitStack | None = None
        #: A writer waits only ``BRIEF_WAIT_MS`` for its turn (``waiting_briefly``).
        self.brief = False
        with _OPEN_LOCK:
            _OPEN.add(self)

    @property
    def broken(self) -> bool:
        """Lost, or cut by ``cut``: not to be used again (closed here, in the thread that
        owns the connection, never in the thread that cut it)."""
        if self.cut and not self.raw.closed:
            with contextlib.suppress(psycopg.Error):
                self.raw.close()
        return self._broken or self.cut

    @broken.setter
    def broken(self, value: bool) -> None:
        self._broken = value

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        verb = sql.strip().upper()
        if verb in ("COMMIT", "ROLLBACK") and self._open:
            self._close_cursors()  # the transaction's end closes them on the server
        with self.translating():
            if verb == "BEGIN IMMEDIATE":
                self.raw.execute("BEGIN")
                self._wait_briefly()
                self.raw.execute(_TAKE_TURN, (CHAIN_LOCK_KEY,))
                return PgCursor(self, self.raw.cursor())
            if verb == "BEGIN":
                self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                return PgCursor(self, self.raw.cursor())
            text = translate(sql)
            table = _INSERT_INTO.match(sql)
            key = None if table is None or "RETURNING" in text else ROW_KEYS.get(table.group(1))
            # An upsert's key is no new row's; DO NOTHING returns one only if it added it.
            returning = key is not None and "DO UPDATE" not in text
            if returning:
                text += f" RETURNING {key}"
            if self.streaming and verb.startswith("SELECT"):
                return PgCursor(self, self._server_cursor(text, _values(params)))
            cursor = self.raw.execute(text, _values(params))
            return PgCursor(self, cursor, returning)

    def begin_late(self) -> None:
        """Begin a write transaction without the writers' lock (READ COMMITTED, so each
        statement after ``take_turn`` sees what the writer before committed)."""
        with self.translating():
            self.raw.execute("BEGIN")

    def take_turn(self) -> None:
        """Queue the writers' lock and go into pipeline mode for the rest of the
        transaction: the lock is waited for by the first statement whose result is read
        (the chain's head), and ``commit`` sends the COMMIT behind the last insert."""
        if self._pipeline is not None:
            return
        with self.translating():
            stack = contextlib.ExitStack()
            stack.enter_context(self.raw.pipeline())
            self._pipeline = stack
            self._wait_briefly()
            self.raw.execute(_TAKE_TURN, (CHAIN_LOCK_KEY,))

    def _wait_briefly(self) -> None:
        # SET LOCAL: the transaction's own; the session's lock_timeout stays as it was.
        if self.brief:
            self.raw.execute(f"SET LOCAL lock_timeout = '{BRIEF_WAIT_MS}ms'")

    def commit(self) -> None:
        """COMMIT; in pipeline mode sent behind the queued statements, and every queued
        statement's error raised here (the server then ran none of what followed it)."""
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is None:
            self.execute("COMMIT")
            return
        with self.translating():
            try:
                self.raw.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(psycopg.Error):
                    pipeline.close()
                raise
            pipeline.close()  # sends it all and waits: the save's one round trip

    def end_pipeline(self) -> None:
        """Leave pipeline mode after a failure, whatever the queued statements did (the
        caller rolls back)."""
        pipeline, self._pipeline = self._pipeline, None
        if pipeline is not None:
            with contextlib.suppress(psycopg.Error):
                pipeline.close()

    def _server_cursor(self, text: str, params: tuple[Any, ...]) -> psycopg.Cursor[Any]:
        if not self.in_transaction:
            self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        self._cursors += 1
        cursor = self.raw.cursor(name=f"trustdesk_read_{self._cursors}")
        self._open.append(cursor)
        cursor.itersize = STREAM_BATCH
        cursor.execute(text, params)
        return cast("psycopg.Cursor[Any]", cursor)

    def _close_cursors(self) -> None:
        cursors, self._open = self._open, []
        for cursor in cursors:
            with contextlib.suppress(psycopg.Error):
                cursor.close()

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.translating(), self.raw.cursor() as cursor:
            cursor.executemany(translate(sql), [_values(row) for row in rows])

    def set_progress_handler(self, handler: Callable[[], object] | None, n: int) -> None:
        """Like sqlite3's: ``handler`` asked every ``n`` rows read; true stops the read."""
        self.progress = (handler, max(1, n // 100))

    def close(self) -> None:
        self._close_cursors()
        self.raw.close()

    def translating(self) -> Any:
        return _Translating(self)


class _Translating:
    """Context manager turning psycopg's errors into the store's (see module docstring)."""

    def __init__(self, conn: PgConnection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: BaseException | None, tb: Any) -> None:
        if exc is None or not isinstance(exc, psycopg.Error):
            return
        conn = self.conn
        if _lost(exc, conn.raw):
            conn.broken = True
            # The server rolls back whatever the lost session had begun.
            with contextlib.suppress(psycopg.Error):
                conn.raw.close()
            raise unavailable(conn.url, exc) from None
        gone = schema_gone(exc, conn.schema_columns)
        if gone is not None:
            raise SchemaChanged(gone) from None
        if isinstance(exc, pg_errors.LockNotAvailable):
            if conn.brief:  # waiting_briefly
                raise AlreadyOpen(
                    "the records are busy: another desk is saving; nothing was recorded. "
                    "Try again in a moment."
                ) from None
            raise AlreadyOpen(
                f"the records are busy: another desk has been saving for {LOCK_WAIT_SECONDS} "
                "seconds; nothing was recorded. Try again in a moment."
            ) from None
        if isinstance(exc, pg_errors.IntegrityError):
            message = exc.diag.message_primary or str(exc)
            raise IntegrityViolation(message) from None
        if isinstance(exc, pg_errors.DiskFull):
            raise DiskFull(
                "the database server's disk is full; nothing was recorded. Ask IT to free "
                "space on the server, then do it again."
            ) from None
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            raise StoreError(
                f"refused by the database server: {exc.diag.message_primary or exc}"
            ) from None
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            raise ReadOnly(
                "the database server is read-only (a standby, or failing over); nothing "
                "was recorded. Try again in a minute."
            ) from None


def _values(params: Sequence[Any]) -> tuple[Any, ...]:
    # SQLite stores True as 1; PostgreSQL's integer columns refuse a boolean.
    return tuple(int(value) if isinstance(value, bool) else value for value in params)

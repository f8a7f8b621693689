"""The change feed of a PostgreSQL record: LISTEN on a connection of its own.

The server's trigger on the audit log sends ``pg_notify('trustdesk_changes', '{"seq":
…, "event": …}')`` with every entry, delivered when the writing transaction commits.
The feed's thread blocks on that connection's socket (``notifies``): no query is sent
while nothing happens, so a hundred desks cost the server a hundred idle connections and
nothing more but a heartbeat: after ``HEARTBEAT`` seconds without a word from the
server the feed asks it ``SELECT 1`` and expects the answer within ``PING_DEADLINE``.
TCP keepalives alone cannot prove the server is there: a proxy or relay between desk and
server (pgbouncer, the HAProxy of a failover set-up, a firewall's proxy) answers them for
a server that has gone silent. So a silent network cut shows within about 4 s, and the
feed then ends the desk's other connections to that server (``connection.cut``), so that
a save waiting on one fails at once and is kept on the desk instead of hanging the
window. A server that goes away closes the socket at once. While the server cannot be
reached, the feed tries to connect again every ``RETRY`` seconds.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator

import psycopg

from trustdesk.store.changes import Change, ChangeFeed
from trustdesk.store.postgresql.connection import cut, note_log_on, shut_socket
from trustdesk.store.postgresql.schema import NOTIFY_CHANNEL as CHANNEL

#: Seconds between attempts to reach a server that is down.
RETRY = 1.0
#: How long the thread blocks on the socket before it checks whether it is to stop.
WAKE = 1.0
#: Seconds without a word from the server before the feed asks it whether it is there.
HEARTBEAT = 1.5
#: Seconds the server has to answer that question before it counts as lost.
PING_DEADLINE = 2.0
#: libpq options for the listening connection: notice a dead peer within ~4 s.
KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 2,
    "keepalives_interval": 1,
    "keepalives_count": 2,
    "tcp_user_timeout": 4000,
    "connect_timeout": 3,
}

log = logging.getLogger("trustdesk.store")


def parse_payload(payload: str) -> Change | None:
    """A notification's payload as a change; None for anything else (never raises)."""
    try:
        value = json.loads(payload)
        return Change(int(value["seq"]), str(value["event"]))
    except (ValueError, TypeError, KeyError):
        return None


class PostgresChangeFeed(ChangeFeed):
    thread_name = "trustdesk-changes-pg"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self._conn: psycopg.Connection[tuple[object, ...]] | None = None

    def _prime(self) -> None:
        try:
            self._connect()
        except psycopg.Error:
            self._close()
            self.reachable = False  # the thread keeps trying; the first success says so

    def _run(self) -> None:
        if not self.reachable:
            self._on_reachable(False)
        try:
            while not self._stop.is_set():
                try:
                    for change in self._listen():
                        self._emit([change])
                except psycopg.Error as error:
                    log.info("change feed: server not reachable (%s)", type(error).__name__)
                    self._close()
                    if self.reachable:  # the desk's other connections are dead too
                        cut(self.url)
                    self._set_reachable(False)
                    self._stop.wait(RETRY)
        finally:
            self._close()

    def _connect(self) -> psycopg.Connection[tuple[object, ...]]:
        if self._conn is None:
            try:
                conn = psycopg.connect(self.url, autocommit=True, **KEEPALIVE)  # type: ignore[arg-type]
            except psycopg.OperationalError as exc:
                note_log_on(self.url, exc)  # a refused log-on is told apart from an outage
                raise
            note_log_on(self.url, None)
            self._conn = conn
            # Listening from here on: anything committed before was there for the
            # listener's own first look; anything after arrives as a notification.
            conn.execute(f"LISTEN {CHANNEL}")
        return self._conn

    def _listen(self) -> Iterator[Change]:
        conn = self._connect()
        self._set_reachable(True)
        heard = time.monotonic()
        while not self._stop.is_set():
            quiet = time.monotonic() - heard
            if quiet >= HEARTBEAT:
                self._ping(conn)
                heard = time.monotonic()
                continue
            for note in conn.notifies(timeout=min(WAKE, HEARTBEAT - quiet)):
                heard = time.monotonic()
                change = parse_payload(note.payload)
                if change is not None:
                    yield change
            if conn.closed or conn.broken:
                raise psycopg.OperationalError("the listening connection was closed")

    def _ping(self, conn: psycopg.Connection[tuple[object, ...]]) -> None:
        """Ask the server whether it is there; no answer in time: it is lost (see the
        module docstring), and so is every other connection of this desk to it."""
        silent = threading.Event()

        def give_up() -> None:
            silent.set()
            shut_socket(conn)

        watchdog = threading.Timer(PING_DEADLINE, give_up)
        watchdog.daemon = True
        watchdog.start()
        try:
            conn.execute("SELECT 1")
        except psycopg.Error:
            if silent.is_set():
                cut(self.url)
            raise
        finally:
            watchdog.cancel()
        if silent.is_set():  # answered just as the watchdog fired: the socket is gone
            cut(self.url)
            raise psycopg.OperationalError("the server did not answer in time")

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.close()

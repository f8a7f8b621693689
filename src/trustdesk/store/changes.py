"""The change feed: how a desk learns that the shared record changed elsewhere.

Every write carries an audit entry, so "the record changed" is "the audit chain grew".
A feed reports the new entries (sequence number and event name, nothing personal) to a
callback on a thread of its own; what each backend watches differs (a cheap local check
of the SQLite file, LISTEN on a PostgreSQL connection) and lives in its own module.
Nothing here knows Qt: the desktop app turns the callbacks into signals in ``ui/``.
``store.feeds.open_feed`` picks the backend's feed for a store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import NamedTuple


class Change(NamedTuple):
    """One new audit entry, as much as a board needs to decide whether to look again."""

    seq: int
    event: str


#: Sent when a feed could not know what it missed (it was cut off from the record for a
#: while): whoever listens should look at everything again.
RESYNC = Change(0, "feed.resync")

OnChanges = Callable[[Sequence[Change]], None]
OnReachable = Callable[[bool], None]


class ChangeFeed:
    """A thread watching one record; ``start`` it with callbacks, ``stop`` it once.

    ``on_changes`` gets the new entries in order; ``on_reachable`` gets False when the
    record cannot be reached any more and True when it can again (only on a change).
    Both are called on the feed's thread.
    """

    #: Name of the thread, for logs and debuggers.
    thread_name = "trustdesk-changes"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_changes: OnChanges = lambda _changes: None
        self._on_reachable: OnReachable = lambda _up: None
        self.reachable = True

    def start(self, on_changes: OnChanges, on_reachable: OnReachable | None = None) -> None:
        if self._thread is not None:
            raise RuntimeError("a change feed is started once")
        self._on_changes = on_changes
        if on_reachable is not None:
            self._on_reachable = on_reachable
        # Where the feed starts is fixed before start() returns: a change committed right
        # after it is reported, however late the thread first runs.
        self._prime()
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to end and wait for it (it wakes at least once a second)."""
        self._stop.set()
        self._interrupt()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _set_reachable(self, up: bool) -> None:
        if up != self.reachable:
            self.reachable = up
            self._on_reachable(up)
            if up:  # whatever happened meanwhile was not seen
                self._emit([RESYNC])

    def _emit(self, changes: Sequence[Change]) -> None:
        if changes and not self._stop.is_set():
            self._on_changes(changes)

    # -- for each backend ----------------------------------------------------------------

    def _run(self) -> None:  # pragma: no cover - every backend overrides it
        raise NotImplementedError

    def _prime(self) -> None:
        """Take the starting point (the chain head seen, a LISTEN in place) now."""

    def _interrupt(self) -> None:
        """Wake a thread blocked on something else than the stop event (a socket)."""

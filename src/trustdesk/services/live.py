"""Live boards: which changes of the shared record a desk's board must show at once, and
whether the record can be reached at all.

The store's change feed (``store.changes``) reports every new audit entry; most of them
(a list shown, a sign-in) change nothing on a board, and a board refreshing on those
would make every other desk refresh in turn. This service keeps the ones that do, and
tells its listener in two plain calls: ``on_board_changed()`` and ``on_reachable(bool)``.
Both are called on the feed's own thread; the desktop app turns them into Qt signals.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from trustdesk.store.changes import RESYNC, Change, ChangeFeed
from trustdesk.store.feeds import log_on_refused, open_feed
from trustdesk.store.store import Store
from trustdesk.store.users import ACCOUNT_EVENTS, LOCK_EVENTS

#: Audit events after which a board (or a decision's or person's page beside it) looks
#: different: holds opened, amended, reviewed or closed, overdue alarms acknowledged
#: (decision 0034), ICE contacts recorded, amended or reviewed (a person's history, the
#: flagged contacts), and the whole record replaced.
BOARD_EVENTS = frozenset(
    {
        "decision.created",
        "decision.amended",
        "decision.reviewed",
        "hold.closed",
        "hold.alarm_acknowledged",
        "contact.recorded",
        "contact.amended",
        "contact.reviewed",
        "restore.completed",
        RESYNC.event,
    }
)


#: Audit events after which an account may no longer be what a signed-in desk took it for
#: (a password reset, an account disabled or locked): a desk re-reads its officer's
#: account at once, so that its unlock while the server is lost (``AccountService.
#: proves_offline``) does not outlive such a change by more than the feed's delay.
ACCOUNT_NEWS = frozenset({*ACCOUNT_EVENTS, *LOCK_EVENTS, RESYNC.event})


def touches_board(changes: Sequence[Change]) -> bool:
    return any(change.event in BOARD_EVENTS for change in changes)


def touches_accounts(changes: Sequence[Change]) -> bool:
    return any(change.event in ACCOUNT_NEWS for change in changes)


class Watcher:
    """One listener of a ``LiveRecord`` (a window): its callbacks."""

    def __init__(
        self,
        on_board_changed: Callable[[], None],
        on_reachable: Callable[[bool], None],
        on_accounts_changed: Callable[[], None] | None = None,
    ) -> None:
        self.on_board_changed = on_board_changed
        self.on_reachable = on_reachable
        self.on_accounts_changed = on_accounts_changed


class LiveRecord:
    """One desk's view of the shared record's liveliness.

    The feed runs while at least one watcher (a signed-in window) is registered.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._feed: ChangeFeed | None = None
        self._lock = threading.Lock()
        self._reachable = True
        self._watchers: list[Watcher] = []

    @property
    def reachable(self) -> bool:
        with self._lock:
            return self._reachable

    @property
    def feed_reachable(self) -> bool:
        """Whether the feed itself is connected: when it is not, it says when it is back,
        and asking the server meanwhile would only wait for a connection timeout."""
        feed = self._feed
        return feed is None or feed.reachable

    def watch(
        self,
        on_board_changed: Callable[[], None],
        on_reachable: Callable[[bool], None],
        on_accounts_changed: Callable[[], None] | None = None,
    ) -> Watcher:
        """Call ``on_board_changed`` after a change a board shows, ``on_reachable`` when the
        record is lost (False) or back (True), ``on_accounts_changed`` after a change of
        an account (``ACCOUNT_NEWS``); until ``unwatch``."""
        watcher = Watcher(on_board_changed, on_reachable, on_accounts_changed)
        with self._lock:
            self._watchers.append(watcher)
            start = self._feed is None
            if start:
                self._feed = open_feed(self.store)
        if start:
            assert self._feed is not None
            self._feed.start(self._changed, self.set_reachable)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        with self._lock:
            if watcher in self._watchers:
                self._watchers.remove(watcher)
            feed = self._feed if not self._watchers else None
            if feed is not None:
                self._feed = None
        if feed is not None:
            feed.stop()

    def _changed(self, changes: Sequence[Change]) -> None:
        board, accounts = touches_board(changes), touches_accounts(changes)
        for watcher in self._current() if board or accounts else ():
            if board:
                watcher.on_board_changed()
            if accounts and watcher.on_accounts_changed is not None:
                watcher.on_accounts_changed()

    def _current(self) -> list[Watcher]:
        with self._lock:
            return list(self._watchers)

    def set_reachable(self, up: bool) -> None:
        """Note what the feed saw, or what a failed call just showed (the feed may not have
        noticed a cut yet); watchers hear only of a change."""
        with self._lock:
            if up == self._reachable:
                return
            self._reachable = up
        for watcher in self._current():
            watcher.on_reachable(up)

    def refusal(self) -> str | None:
        """While the record is out of reach: what the server said when it refused this
        desk's log-on, and where (a setting for IT to correct, not an outage); None for
        an outage, or while the record answers."""
        return None if self.reachable else log_on_refused(self.store)

    def stop(self) -> None:
        """Stop watching altogether (the services are being closed)."""
        with self._lock:
            feed, self._feed = self._feed, None
            self._watchers = []
        if feed is not None:
            feed.stop()

"""The shared record's news as Qt signals: a board to refresh, the server lost or back.

``services.live`` calls back on the change feed's own thread; those calls are carried
to the GUI thread by queued signals, so every slot runs where widgets may be touched.
The feed reconnects on its own thread and reports the server's return; when only a
failed call (not the feed) said the server was lost, the link asks the sync service
every few seconds whether it answers again. Once it does, the decisions kept on this
desk are recorded at once.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from trustdesk.services.bundle import Services
from trustdesk.services.errors import ServiceError
from trustdesk.services.live import Watcher
from trustdesk.services.sync import Flushed
from trustdesk.store.errors import StoreError

log = logging.getLogger("trustdesk.ui")

#: While the server is lost: how often to ask whether it is back (ms).
RETRY_MS = 2000
#: Several changes in a burst (a decision, then its review) make one refresh (ms).
COALESCE_MS = 150


class LiveLink(QObject):
    board_changed = Signal()
    #: The server lost (False) or back (True); also False again when why it is out of
    #: reach changed (a refused log-on, an outage: ``services.live.refusal``).
    reachability_changed = Signal(bool)
    #: An account changed in the record (a password reset, an account disabled or locked).
    accounts_changed = Signal()
    #: Decisions kept on this desk were recorded (or refused) after the server came back.
    flushed = Signal(object)  # Flushed

    # Emitted on the feed's thread; queued to this object's (the GUI) thread.
    _feed_changed = Signal()
    _feed_reachable = Signal(bool)
    _feed_accounts = Signal()

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.reachable = True
        #: The last flush stopped at a record that cannot be used: it is tried again
        #: until it can, and the banner saying so goes then.
        self.unusable = False
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(COALESCE_MS)
        self._coalesce.timeout.connect(self.board_changed.emit)
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._try_again)
        queued = Qt.ConnectionType.QueuedConnection
        self._feed_changed.connect(self._coalesce.start, queued)
        self._feed_reachable.connect(self._set_reachable, queued)
        self._feed_accounts.connect(self.accounts_changed.emit, queued)
        self._watcher: Watcher | None = None
        #: The refused log-on the banner was last told of (None: an outage, or none).
        self._refusal: str | None = None

    def start(self) -> None:
        if self._watcher is not None:
            return
        live = self.services.live
        self._watcher = live.watch(
            self._feed_changed.emit, self._feed_reachable.emit, self._feed_accounts.emit
        )
        if not live.reachable:
            self._set_reachable(False)
        elif self.services.sync.waiting():
            # Decisions or closures kept while the server was lost: record them now.
            QTimer.singleShot(0, self.flush)

    def stop(self) -> None:
        self._retry.stop()
        self._coalesce.stop()
        if self._watcher is not None:
            self.services.live.unwatch(self._watcher)
            self._watcher = None

    def _set_reachable(self, up: bool) -> None:
        if up == self.reachable:
            return
        self.reachable = up
        self._refusal = None if up else self.services.live.refusal()
        # Said first: the banner clears for a server back, then shows what the flush did
        # (recorded late, refused); said after, it hid that at once.
        self.reachability_changed.emit(up)
        if up:
            self._retry.stop()
            self.flush()
        else:
            self._retry.start()

    def _try_again(self) -> None:
        live = self.services.live
        if not self.reachable and live.refusal() != self._refusal:
            # Still out of reach, for another reason now (the server back from an outage
            # but refusing the log-on, or the other way round): the banner says which.
            self._refusal = live.refusal()
            self.reachability_changed.emit(False)
        if not live.feed_reachable:
            return  # the feed reconnects on its own thread and reports the return
        sync = self.services.sync
        if sync.waiting() or self.unusable:
            self.flush()
        else:
            sync.probe()

    def flush(self) -> None:
        """Record the decisions kept on this desk (the service stops at a lost connection)."""
        try:
            result: Flushed = self.services.sync.flush()
        except (ServiceError, StoreError) as error:
            log.warning("kept decisions not recorded yet: %s", type(error).__name__)
            return
        done = result.recorded or result.refused or result.closures or result.closures_refused
        was_unusable, self.unusable = self.unusable, bool(result.unusable)
        if self.unusable:
            self._retry.start()  # until the record is mended: then what is kept goes in
        elif was_unusable:
            if self.reachable:
                self._retry.stop()
            if not done:  # nothing to tell but that the record is usable again
                self.reachability_changed.emit(self.reachable)
        if done or result.unusable:
            self.flushed.emit(result)
            self._coalesce.start()

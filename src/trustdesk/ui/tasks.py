"""Slow work off the GUI thread: a progress bar, a Cancel button, the result on the GUI thread.

Why a worker thread rather than chunks of work on the GUI thread: the slow work here is
the services' verify, export, backup and rule-pack import, and the store may be used
from another thread (``store/stoppable.py`` says why: connections without thread
affinity, one lock around the writer, a separate read-only snapshot for each long read).
Chunking on the GUI thread would need resumable steps the store does not have, and one
SQLite statement cannot be paused midway anyway. The work never touches a widget: it
gets a ``TaskControl`` (cancel flag in, progress out), and its result or error comes
back through queued signals, so widgets are only ever changed on the GUI thread.

Cancel really stops the work: the work looks at the flag between its steps
(``store.stoppable`` interrupts SQLite between statements and backup pages) and raises;
files are temporary until complete, so nothing half-done is kept.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trustdesk.ui.dialogs import Ask
from trustdesk.ui.session import sentence

log = logging.getLogger("trustdesk.ui")

#: Progress reports reach the screen at most this often (a report per row would flood it).
REPORT_INTERVAL = 0.05

Work = Callable[["TaskControl"], Any]


class TaskControl:
    """The work's side: ``cancelled()`` to look at the flag, ``progress()`` to report."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self._stop = threading.Event()
        self._report = report
        self._last = 0.0

    def cancel(self) -> None:
        self._stop.set()

    def cancelled(self) -> bool:
        return self._stop.is_set()

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= REPORT_INTERVAL or (total and done >= total):
            self._last = now
            self._report(done, total)


class _Worker(QThread):
    def __init__(self, work: Work, control: TaskControl) -> None:
        super().__init__()
        self.work = work
        self.control = control
        self.result: Any = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.result = self.work(self.control)
        except Exception as error:  # handed to the GUI thread, which says what happened
            self.error = error


#: Tasks still running, kept alive until their thread has finished (a QThread destroyed
#: while running takes the whole program down).
_LIVE: set[BackgroundTask] = set()


class BackgroundTask(QObject):
    """One run of ``work(control)`` in its own thread; outcome signals on the GUI thread."""

    # Emitted from the worker thread; Qt queues them to receivers on the GUI thread.
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, work: Work) -> None:
        super().__init__()
        self.control = TaskControl(self.progressed.emit)
        self._thread = _Worker(work, self.control)
        self._running = False
        self._thread.finished.connect(self._done)

    def start(self) -> None:
        _stop_all_on_quit()
        _LIVE.add(self)
        self._running = True
        self._thread.start()

    def cancel(self) -> None:
        self.control.cancel()

    def is_running(self) -> bool:
        return self._running

    def wait(self, msecs: int) -> bool:
        return self._thread.wait(msecs)

    @Slot()
    def _done(self) -> None:
        self._thread.wait()  # ``finished`` comes just before the thread really ends
        self._running = False
        error = self._thread.error
        if error is None:
            self.succeeded.emit(self._thread.result)
        elif self.control.cancelled():
            self.cancelled.emit()
        else:
            self.failed.emit(error)
        self.finished.emit()
        # Let go of it on the next turn of the event loop, never inside its own slot.
        QTimer.singleShot(0, functools.partial(_LIVE.discard, self))


_hooked: list[QCoreApplication] = []


def _stop_all_on_quit() -> None:
    app = QCoreApplication.instance()
    if app is not None and app not in _hooked:
        app.aboutToQuit.connect(stop_all)
        _hooked.append(app)


def stop_all(timeout_ms: int = 30_000) -> None:
    """Cancel every running task and wait for it (the app is quitting; the store closes)."""
    for task in list(_LIVE):
        task.cancel()
    for task in list(_LIVE):
        if task.is_running() and not task.wait(timeout_ms):
            log.warning("a background task did not stop in time")


class TaskPanel(QWidget):
    """What a page shows of its background work: status, progress bar, Cancel.

    One task at a time; ``finished`` carries "succeeded", "failed" or "cancelled".
    """

    finished = Signal(str)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.task: BackgroundTask | None = None
        self._what = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status of the background work")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Progress")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setAccessibleName("Cancel the background work")
        self.cancel_button.setToolTip("Stop the work; nothing half-done is kept (Esc)")
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        self.bar.hide()
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel)

    @property
    def busy(self) -> bool:
        return self.task is not None

    def run(self, what: str, work: Work, done: Callable[[Any], str]) -> BackgroundTask | None:
        """Start ``work``; ``done(result)`` gives the line shown when it succeeds."""
        if self.task is not None:
            return None
        self._what = what
        task = BackgroundTask(work)
        self.task = task
        task.progressed.connect(self._progressed)
        task.succeeded.connect(lambda result: self._end("succeeded", done(result)))
        task.failed.connect(self._failed)
        task.cancelled.connect(
            lambda: self._end("cancelled", f"{what}: cancelled. Nothing half-done was kept.")
        )
        self.status.setText(f"{what}…")
        self.status.setAccessibleDescription(self.status.text())
        self.bar.setRange(0, 0)  # busy until the first report
        self.bar.setAccessibleName(f"Progress of {what.lower()}")
        self.bar.show()
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.cancel_button.setFocus()
        task.start()
        return task

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Esc cancels, like the Cancel button (which has the focus while work runs).
        if event.key() == Qt.Key.Key_Escape and self.task is not None:
            self.cancel()
            return
        super().keyPressEvent(event)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(f"{self._what}: stopping…")

    def _progressed(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        elif done:
            self.status.setText(f"{self._what}… {done:,} records read")

    def _failed(self, error: Exception) -> None:
        text = describe_error(error)
        self._end("failed", f"{self._what}: not done. {text}")
        Ask.error(self, self._what, text)

    def _end(self, outcome: str, text: str) -> None:
        self.task = None
        self.bar.hide()
        self.cancel_button.hide()
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
        self.finished.emit(outcome)


def describe_error(error: Exception) -> str:
    """Expected trouble in its own words; anything else as a plain apology (details logged)."""
    from trustdesk.rules.errors import RulesError
    from trustdesk.services.errors import ServiceError
    from trustdesk.store.errors import StoreError

    if isinstance(error, ServiceError | StoreError | RulesError):
        return sentence(error)
    log.error("background work failed", exc_info=(type(error), error, error.__traceback__))
    return (
        "An unexpected problem stopped it; nothing half-done was kept. Try again; if it "
        "happens again, tell your IT administrator (details are in the TrustDesk log)."
    )

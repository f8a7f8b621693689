"""The inactivity lock: minutes without keyboard or mouse input, on the monotonic clock.

The limit is the machine's ``idle_lock_minutes`` (trustdesk.config), never above the CJIS 30.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from trustdesk.ui.clock import Clock

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

#: The longest the CJIS Security Policy allows, and the default.
IDLE_LIMIT_SECONDS = 30 * 60


def _input_events() -> frozenset[QEvent.Type]:
    # Built when the watch starts: PySide6 builds the QEvent class (over a millisecond)
    # and its large Type enum on first use, which would delay the first window.
    from PySide6.QtCore import QEvent

    return frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
            QEvent.Type.TouchBegin,
        }
    )


class IdleWatcher(QObject):
    """Emits ``idle_expired`` once the user has not touched the app for the limit."""

    idle_expired = Signal()

    def __init__(self, clock: Clock, limit: float = IDLE_LIMIT_SECONDS) -> None:
        super().__init__()
        self.clock = clock
        self.limit = limit
        self.last_input = clock.monotonic()
        self.armed = False
        self._input: frozenset[QEvent.Type] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        if self._input is None:
            self._input = _input_events()
        self.last_input = self.clock.monotonic()
        self.armed = True
        self.timer.start()

    def stop(self) -> None:
        self.armed = False
        self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._input is not None and event.type() in self._input:
            self.last_input = self.clock.monotonic()
        return False

    def check(self) -> None:
        if self.armed and self.clock.monotonic() - self.last_input >= self.limit:
            self.stop()
            self.idle_expired.emit()

"""The active holds as a table model: soonest expiry first, with a live countdown column.

The rows come from one service call and are replaced wholesale (a model reset); the
per-second tick only moves the monotonic reading and tells the view the countdown column
changed (plus, rarely, the whole row of a hold whose status has just changed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from trustdesk.core.characters import shown
from trustdesk.store.case_records import HoldStatus
from trustdesk.ui.countdown import (
    AMENDED_TO_DECLINE,
    AMENDED_TO_NO_HOLD,
    STATUS_TEXT,
    Anchor,
    Urgency,
    countdown_text,
    urgency,
)
from trustdesk.ui.history_model import RowsModel

COLUMNS = ("Status", "Booking no.", "Name", "Release due", "Decision")
STATUS, BOOKING, NAME, COUNTDOWN, DECISION = range(len(COLUMNS))

#: Strong fills with an explicit text colour, legible in light and dark palettes alike.
FILLS = {
    Urgency.OVERDUE: (QColor("#c62828"), QColor("#ffffff")),
    Urgency.SOON: (QColor("#ffb300"), QColor("#000000")),
}
SPOKEN = {
    Urgency.OVERDUE: "Overdue",
    Urgency.SOON: "Less than 4 hours left",
    Urgency.OK: "More than 4 hours left",
    Urgency.UNKNOWN: "Release time not yet known",
}

Index = QModelIndex | QPersistentModelIndex


#: Where holds without a known release time sort: after every real one.
NEVER = datetime.max.replace(tzinfo=UTC)


def amended(hold: HoldStatus) -> str:
    """Why release is due on a hold whose decision no longer lets anyone be held ("" for
    a hold that runs to its expiry)."""
    if hold.outcome != "honor":
        return AMENDED_TO_DECLINE
    return AMENDED_TO_NO_HOLD if hold.asks_no_hold else ""


def by_expiry(hold: HoldStatus) -> tuple[datetime, int]:
    return (hold.release_due_at or NEVER, hold.hold_id)


class HoldTableModel(RowsModel):
    columns = COLUMNS

    def row_count(self) -> int:
        return len(self._holds)

    def __init__(self, zone: tzinfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._holds: list[HoldStatus] = []
        self._urgency: list[Urgency] = []
        self._anchor: Anchor | None = None
        self._monotonic = 0.0
        self._bold = QFont()
        self._bold.setBold(True)

    # -- data in ------------------------------------------------------------------------

    def set_holds(self, holds: list[HoldStatus], anchor: Anchor, monotonic_now: float) -> None:
        self.beginResetModel()
        self._holds = sorted(holds, key=by_expiry)
        self._anchor = anchor
        self._monotonic = monotonic_now
        self._urgency = [urgency(self.remaining(row)) for row in range(len(self._holds))]
        self.endResetModel()

    def tick(self, monotonic_now: float) -> None:
        """Move the countdowns on; only the countdown column (and changed rows) repaint."""
        self._monotonic = monotonic_now
        count = len(self._holds)
        if not count:
            return
        changed = []
        for row in range(count):
            now = urgency(self.remaining(row))
            if now != self._urgency[row]:
                self._urgency[row] = now
                changed.append(row)
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole]
        self.dataChanged.emit(self.index(0, COUNTDOWN), self.index(count - 1, COUNTDOWN), roles)
        for row in changed:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- data out -----------------------------------------------------------------------

    def all(self) -> list[HoldStatus]:
        return list(self._holds)

    def hold_at(self, row: int) -> HoldStatus | None:
        return self._holds[row] if 0 <= row < len(self._holds) else None

    def row_of(self, hold_id: int) -> int | None:
        return next((i for i, h in enumerate(self._holds) if h.hold_id == hold_id), None)

    def remaining(self, row: int) -> timedelta | None:
        if self._anchor is None:
            return None
        return self._anchor.remaining(self._holds[row].release_due_at, self._monotonic)

    def urgency_at(self, row: int) -> Urgency:
        return self._urgency[row]

    def countdown_at(self, row: int) -> str:
        hold = self._holds[row]
        return countdown_text(hold.release_due_at, self.remaining(row), self.zone, amended(hold))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._holds):
            return None
        row, column = index.row(), index.column()
        state = self._urgency[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return SPOKEN[state] if column == STATUS else self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in (STATUS, COUNTDOWN):
            return f"{SPOKEN[state]}: {self.countdown_at(row)}"
        if role == Qt.ItemDataRole.BackgroundRole and state in FILLS:
            return QBrush(FILLS[state][0])
        if role == Qt.ItemDataRole.ForegroundRole and state in FILLS:
            return QBrush(FILLS[state][1])
        if role == Qt.ItemDataRole.FontRole and state == Urgency.OVERDUE:
            return self._bold
        return None

    def _text(self, row: int, column: int) -> str:
        hold = self._holds[row]
        if column == STATUS:
            return STATUS_TEXT[self._urgency[row]]
        if column == BOOKING:
            return hold.booking_number
        if column == NAME:
            return shown(hold.name)
        if column == COUNTDOWN:
            return self.countdown_at(row)
        return str(hold.decision_id)

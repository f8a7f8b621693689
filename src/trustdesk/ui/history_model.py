"""Decision summaries (search results, the review queue, today's decisions) as a table model.

``SORT_ROLE`` gives each cell's plain value (numbers, UTC times, folded text), so a
``QSortFilterProxyModel`` sorts by what the column means rather than by its wording.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from trustdesk.core.characters import shown
from trustdesk.store.case_records import DecisionSummary
from trustdesk.store.folding import fold
from trustdesk.ui.countdown import stamp_text

COLUMNS = ("No.", "Decided", "Booking no.", "Name", "Outcome", "Officer", "Version", "Review")
NUMBER, DECIDED, BOOKING, NAME, OUTCOME, OFFICER, VERSION, REVIEW = range(len(COLUMNS))
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
OUTCOME_TEXT = {"honor": "HONOR", "decline": "DECLINE"}

Index = QModelIndex | QPersistentModelIndex


def review_text(row: DecisionSummary) -> str:
    if not row.review_required:
        return "not needed"
    return "reviewed" if row.reviewed else "⚠ awaiting review"


class RowsModel(QAbstractTableModel):
    """A read-only table of ``rows`` under the headers ``columns`` (set by subclasses)."""

    columns: tuple[str, ...] = ()

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None


class SummaryTableModel(RowsModel):
    columns = COLUMNS

    def row_count(self) -> int:
        return len(self._rows)

    def __init__(self, zone: tzinfo, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._rows: list[DecisionSummary] = []

    def set_rows(self, rows: list[DecisionSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[DecisionSummary]:
        return list(self._rows)

    def summary_at(self, row: int) -> DecisionSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(row, index.column())
        if role == SORT_ROLE:
            return self._key(row, index.column())
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (NUMBER, VERSION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: DecisionSummary, column: int) -> str:
        values = (
            str(row.decision_id),
            stamp_text(row.decision_time, self.zone),
            row.booking_number,
            shown(row.name),
            OUTCOME_TEXT.get(row.outcome, row.outcome),
            row.officer,
            str(row.version),
            review_text(row),
        )
        return values[column]

    def _key(self, row: DecisionSummary, column: int) -> Any:
        if column == NUMBER:
            return row.decision_id
        if column == DECIDED:
            return row.decision_time.timestamp()
        if column == VERSION:
            return row.version
        if column == NAME:
            return fold(row.name)
        return self._text(row, column).casefold()


def table_view(object_name: str, accessible_name: str, description: str = "") -> QTableView:
    """A read-only, row-selecting table; columns sized by hand, never by scanning rows."""
    view = QTableView()
    view.setObjectName(object_name)
    view.setAccessibleName(accessible_name)
    view.setAccessibleDescription(description or "Enter opens the selected decision")
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the table, as in every other control
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    # Sizing columns to their contents reads at most this many rows, not every one.
    header.setResizeContentsPrecision(50)
    return view

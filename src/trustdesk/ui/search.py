"""Find any record (Ctrl+Shift+F from every page): one line of text, the records it names in a
table driven from the keyboard, Enter opens the person's page.

The line is read by ``services.search`` (booking number, name, dates, outcome, in any
order); the service checks the role and records the search. This window only shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from trustdesk.core.characters import shown
from trustdesk.services.errors import ServiceError
from trustdesk.services.search import find
from trustdesk.store.errors import StoreError
from trustdesk.store.search import FoundRecord
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import stamp_text
from trustdesk.ui.history_model import Index, RowsModel, table_view
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.search_words import KIND_TEXT, OUTCOME_TEXT
from trustdesk.ui.session import sentence

if TYPE_CHECKING:
    from trustdesk.ui.workspace import Workspace

COLUMNS = ("When", "Record", "Booking no.", "Name", "Outcome")
HINT = (
    "Type a booking number, part of a name (accents and case do not matter), a date "
    "(2026-03-05, or two for a period) or an outcome (honored, declined, open, custody, "
    "not-allowed), in any order; Enter searches, ↓ goes to the results, Enter there opens "
    "the person's page, Esc closes."
)


class FoundModel(RowsModel):
    columns = COLUMNS

    def __init__(self, zone: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self.zone = zone
        self._rows: list[FoundRecord] = []

    def row_count(self) -> int:
        return len(self._rows)

    def set_rows(self, rows: list[FoundRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record_at(self, row: int) -> FoundRecord | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return None
        hit = self._rows[index.row()]
        label = KIND_TEXT.get(hit.kind, hit.kind)
        number = f"{label} {hit.record_id}"
        if hit.kind != "decision" and hit.decision_id is not None:
            number += f" (decision {hit.decision_id})"
        values = (
            stamp_text(hit.at, self.zone),
            number,
            hit.booking_number,
            shown(hit.name),
            OUTCOME_TEXT.get(hit.outcome, hit.outcome),
        )
        return values[index.column()]


class FindDialog(QDialog):
    """The finder; ``person_requested`` carries the booking number and the record chosen."""

    person_requested = Signal(str, object)  # booking number, FoundRecord

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find_dialog")
        self.setWindowTitle("Find any record")
        self.context = context
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        label = QLabel("&Find:")
        self.text = QLineEdit()
        self.text.setObjectName("find_text")
        self.text.setAccessibleName("Find any record")
        self.text.setAccessibleDescription(HINT)
        self.text.setPlaceholderText("booking number, name, date or outcome")
        keep_within(self.text, 200)
        label.setBuddy(self.text)
        hint = QLabel(HINT)
        hint.setWordWrap(True)
        self.results = FoundModel(context.zone, self)
        self.table = table_view(
            "find_results", "Records found", "Enter opens the person's whole history"
        )
        self.table.setModel(self.results)
        self.status = QLabel()
        self.status.setObjectName("find_status")
        self.status.setAccessibleName("Search status")
        self.status.setWordWrap(True)
        for widget in (label, self.text, hint, self.table, self.status):
            layout.addWidget(widget, 1 if widget is self.table else 0)
        self.text.returnPressed.connect(self.search)
        self.text.installEventFilter(self)
        self.table.activated.connect(lambda _index: self.open_current())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # ↓ from the line goes to the results, as in the platforms' own search boxes.
        if (
            watched is self.text
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.results.row_count()
        ):
            self._focus_results()
            return True
        return super().eventFilter(watched, event)

    def search(self) -> None:
        try:
            read, found = find(self.context.services.ctx, self.context.session, self.text.text())
        except (ServiceError, StoreError) as error:
            self.results.set_rows([])
            self.status.setText(f"Not searched: {sentence(error)}")
            return
        self.results.set_rows(list(found.records))
        self.table.resizeColumnsToContents()
        count = len(found.records)
        what = ", ".join(read.words)
        text = f"{count} record{'s' if count != 1 else ''} found ({what})."
        if found.people_truncated:
            text += " Many people match: add to the name or a booking number to see them all."
        elif count >= read.query.limit:
            text += " The newest are shown; narrow the search for others."
        self.status.setText(text)
        self.status.setAccessibleDescription(text)
        if count:
            self._focus_results()

    def _focus_results(self) -> None:
        self.table.selectRow(max(0, self.table.currentIndex().row()))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_record(self) -> FoundRecord | None:
        index = self.table.currentIndex()
        return self.results.record_at(index.row()) if index.isValid() else None

    def open_current(self) -> None:
        hit = self.current_record()
        if hit is None:
            return
        self.person_requested.emit(hit.booking_number, hit)
        self.accept()


def open_finder(workspace: Workspace, parent: QWidget) -> FindDialog:
    """Open the finder over ``parent``; the person chosen opens on the workspace."""
    from trustdesk.ui.person_page import open_person

    dialog = FindDialog(workspace.context, parent)
    dialog.person_requested.connect(
        lambda booking, hit: open_person(workspace, booking, hit.decision_id)
    )
    dialog.open()
    dialog.activateWindow()
    dialog.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
    return dialog

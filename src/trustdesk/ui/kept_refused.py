"""Kept decisions the record refused when the server came back: listed with the reason,
so that nothing kept on this desk is dropped silently. Anyone at the desk sees them and
can save the memo (marked NOT YET RECORDED) for the paper file; a supervisor or an
administrator discards one with a reason, which the audit keeps (``SyncService.discard``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.core.characters import shown
from trustdesk.services.errors import ServiceError
from trustdesk.services.permissions import Operation, allowed
from trustdesk.services.sync import KeptDecision
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import stamp_text
from trustdesk.ui.dialogs import Ask, TextQuestion
from trustdesk.ui.kept_memo import KeptMemo
from trustdesk.ui.session import sentence

COLUMNS = ("Kept", "Officer", "Kept at", "Booking no.", "Name", "Why it was refused")


class DiscardReason(TextQuestion):
    title = "Discard a kept decision"
    name = "discard_reason"
    accessible_name = "Why the kept decision is discarded"
    ok_text = "Discard"

    @classmethod
    def prompt(cls, subject: str) -> str:
        return (
            f"Kept decision {subject} will no longer wait on this desk. Print or save its "
            "memo for the paper file first. Why is it discarded? (kept in the audit)"
        )


class RefusedKeptPage(QWidget):
    #: How many refused kept decisions are left (the workspace names its tab with it).
    changed = Signal(int)
    #: A review draft holding the kept case, to be opened and decided anew.
    rewalk_requested = Signal(object)

    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("refused_kept")
        self.context = context
        self.items: list[KeptDecision] = []
        layout = QVBoxLayout(self)
        note = QLabel(
            "These decisions were made while the record server could not be reached and "
            "were refused when it came back. They are not in the record. Save the memo for "
            "the paper file, decide the case again in a new review if needed, and have a "
            "supervisor or an administrator discard the kept copy with a reason."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("refused_table")
        self.table.setAccessibleName("Kept decisions the record refused")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.rewalk_button = QPushButton("Decide &again in a new review")
        self.rewalk_button.setObjectName("rewalk_kept")
        self.rewalk_button.setAccessibleName("Decide the kept case again in a new review")
        self.rewalk_button.setVisible(
            allowed(context.role, Operation.DECISION_CREATE)
            and allowed(context.role, Operation.DRAFT_USE)
        )
        self.rewalk_button.clicked.connect(self.rewalk_selected)
        row.addWidget(self.rewalk_button)
        self.discard_button = QPushButton("&Discard…")
        self.discard_button.setObjectName("discard_kept")
        self.discard_button.setAccessibleName("Discard the kept decision, with a reason")
        self.discard_button.setVisible(allowed(context.role, Operation.KEPT_DISCARD))
        self.discard_button.clicked.connect(self.discard_selected)
        row.addWidget(self.discard_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.memo = KeptMemo(context)
        layout.addWidget(self.memo, 1)
        self.table.currentCellChanged.connect(lambda *_: self._selected())
        self.reload()

    def reload(self) -> None:
        self.items = self.context.services.sync.refused_kept()
        self.table.setRowCount(len(self.items))
        zone = self.context.zone
        for row, kept in enumerate(self.items):
            item = kept.pending
            values = (
                item.short_id,
                item.officer,
                stamp_text(item.kept_at, zone),
                kept.draft.person.booking_number,
                shown(kept.draft.person.name),
                item.refused,
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if self.items:
            self.table.selectRow(0)
        self._selected()
        self.changed.emit(len(self.items))

    def selected(self) -> KeptDecision | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _selected(self) -> None:
        kept = self.selected()
        self.discard_button.setEnabled(kept is not None)
        self.rewalk_button.setEnabled(kept is not None)
        self.memo.setEnabled(kept is not None)
        if kept is not None:
            self.memo.set_kept(kept)

    def rewalk_selected(self) -> None:
        """Open a new review filled with the kept case (from its first step): the officer
        checks every answer again under the law as it is now. The kept copy stays listed
        until it is discarded, with a reason such as "decided again as decision N"."""
        kept = self.selected()
        if kept is None:
            return
        payload = {"case": kept.pending.raw_case, "step": 0}
        label = f"Decided again: kept decision {kept.pending.short_id}"
        try:
            draft_id = self.context.services.drafts.save(self.context.session, None, label, payload)
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The review could not be opened", sentence(error))
            return
        self.rewalk_requested.emit(draft_id)

    def discard_selected(self) -> None:
        kept = self.selected()
        if kept is None:
            return
        reason = DiscardReason.ask(self, kept.pending.short_id)
        if reason is None:
            return
        try:
            self.context.services.sync.discard(self.context.session, kept.pending.id, reason)
        except (ServiceError, StoreError) as error:
            Ask.error(self, "Not discarded", sentence(error))
            return
        self.reload()

"""Kept decisions and hold closures the record refused when the server came back: listed
with the reason, so that nothing kept on this desk is dropped silently. Anyone at the
desk sees them and can save a decision's memo (marked NOT YET RECORDED) for the paper
file or decide it again; a refused closure can be recorded again by anyone who closes
holds; a supervisor or an administrator discards either with a reason, which the audit
keeps (``SyncService.discard``, ``services.refused_closures``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
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
from trustdesk.services.holds import OUTCOME_WORDS, AlreadyClosed
from trustdesk.services.kept_closures import KeptClosure
from trustdesk.services.permissions import Operation, allowed
from trustdesk.services.sync import KeptDecision
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import stamp_text
from trustdesk.ui.dialogs import Ask, TextQuestion
from trustdesk.ui.kept_memo import KeptMemo
from trustdesk.ui.session import sentence

COLUMNS = ("Kept", "Officer", "Kept at", "Booking no.", "Name", "Why it was refused")
CLOSURE_COLUMNS = ("Kept", "Officer", "Hold ended", "Hold", "Booking no.", "Outcome", "Why")


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


class DiscardClosureReason(TextQuestion):
    title = "Discard a kept hold closure"
    name = "discard_closure_reason"
    accessible_name = "Why the kept hold closure is discarded"
    ok_text = "Discard"

    @classmethod
    def prompt(cls, subject: str) -> str:
        return (
            f"Kept hold closure {subject} will no longer wait on this desk and will not be "
            "recorded from it. Why is it discarded? (kept in the audit)"
        )


class RefusedKeptPage(QWidget):
    #: How many refused kept items are left (the workspace names its tab with it).
    changed = Signal(int)
    #: A review draft holding the kept case, to be opened and decided anew.
    rewalk_requested = Signal(object)
    #: A refused hold closure was recorded: the board shows the hold gone.
    closure_recorded = Signal()

    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("refused_kept")
        self.context = context
        #: Whether a review is open in the workspace (it holds one at a time).
        self.review_open: Callable[[], bool] = lambda: False
        self.items: list[KeptDecision] = []
        outer = QVBoxLayout(self)
        #: The refused decisions' part, hidden while only closures are refused.
        self.decisions_box = QWidget()
        outer.addWidget(self.decisions_box, 1)
        layout = QVBoxLayout(self.decisions_box)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self._build_closures(outer)
        self.reload()

    def _build_closures(self, layout: QVBoxLayout) -> None:
        """The hold closures kept here that the record refused (their holds are back on
        the board): record again with the time the hold ended, or discard."""
        self.closures: list[KeptClosure] = []
        self.closures_label = QLabel(
            "Hold closures made here while the server could not be reached, refused when "
            "it came back. Record one again (with the time the hold really ended) or have "
            "a supervisor or an administrator discard it with a reason."
        )
        self.closures_label.setWordWrap(True)
        layout.addWidget(self.closures_label)
        self.closure_table = QTableWidget(0, len(CLOSURE_COLUMNS))
        self.closure_table.setObjectName("refused_closures_table")
        self.closure_table.setAccessibleName("Kept hold closures the record refused")
        self.closure_table.setHorizontalHeaderLabels(CLOSURE_COLUMNS)
        self.closure_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.closure_table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.closure_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.closure_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.closure_table)
        row = QHBoxLayout()
        self.record_again_button = QPushButton("&Record the closure again")
        self.record_again_button.setObjectName("record_closure_again")
        self.record_again_button.setAccessibleName(
            "Record the kept hold closure again, with the time the hold ended"
        )
        self.record_again_button.setVisible(allowed(self.context.role, Operation.HOLD_CLOSE))
        self.record_again_button.clicked.connect(self.record_closure_again)
        row.addWidget(self.record_again_button)
        self.slip_button = QPushButton("Save for the paper &file…")
        self.slip_button.setObjectName("save_closure_slip")
        self.slip_button.setAccessibleName(
            "Save a slip of the kept hold closure for the paper file, as PDF"
        )
        self.slip_button.setAutoDefault(False)
        self.slip_button.clicked.connect(self.save_slip)
        row.addWidget(self.slip_button)
        self.discard_closure_button = QPushButton("Discard the c&losure…")
        self.discard_closure_button.setObjectName("discard_kept_closure")
        self.discard_closure_button.setAccessibleName(
            "Discard the kept hold closure, with a reason"
        )
        self.discard_closure_button.setVisible(allowed(self.context.role, Operation.KEPT_DISCARD))
        self.discard_closure_button.clicked.connect(self.discard_closure)
        row.addWidget(self.discard_closure_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.closure_table.currentCellChanged.connect(lambda *_: self._closure_selected())

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
        self.decisions_box.setVisible(bool(self.items))
        self._selected()
        self._reload_closures()
        self.changed.emit(len(self.items) + len(self.closures))

    def _reload_closures(self) -> None:
        self.closures = self.context.services.sync.refused_closures.list()
        self.closure_table.setRowCount(len(self.closures))
        zone = self.context.zone
        for row, item in enumerate(self.closures):
            values = (
                item.short_id,
                item.officer,
                stamp_text(item.kept_at, zone),
                str(item.hold_id),
                item.booking_number,
                OUTCOME_WORDS.get(item.outcome, item.outcome),
                item.refused or "",
            )
            for column, value in enumerate(values):
                self.closure_table.setItem(row, column, QTableWidgetItem(value))
        for widget in (self.closures_label, self.closure_table):
            widget.setVisible(bool(self.closures))
        if self.closures:
            self.closure_table.selectRow(0)
        self._closure_selected()

    def selected_closure(self) -> KeptClosure | None:
        row = self.closure_table.currentRow()
        return self.closures[row] if 0 <= row < len(self.closures) else None

    def _closure_selected(self) -> None:
        chosen = self.selected_closure() is not None
        self.record_again_button.setEnabled(chosen)
        self.slip_button.setEnabled(chosen)
        self.discard_closure_button.setEnabled(chosen)

    def record_closure_again(self) -> None:
        item = self.selected_closure()
        if item is None:
            return
        refused = self.context.services.sync.refused_closures
        try:
            refused.record_again(self.context.session, item.id)
        except AlreadyClosed as error:
            # Nothing to record twice; the kept copy is gone: say who closed it.
            Ask.info(self, "Already closed", sentence(error))
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The closure was not recorded", sentence(error))
        self.reload()  # after a refusal too: the kept copy may have gone
        self.closure_recorded.emit()

    def save_slip(self) -> None:
        """A one-page PDF marked NOT YET RECORDED, for the paper file."""
        item = self.selected_closure()
        if item is None:
            return
        name = f"closure-not-yet-recorded-{item.short_id}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save the slip as PDF", name, "PDF (*.pdf)")
        if not path:
            return
        try:
            written = self.context.services.sync.refused_closures.save_slip(
                self.context.session, item.id, self.context.zone, Path(path)
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The slip was not saved", sentence(error))
            return
        Ask.info(self, "Saved", f"Saved as {written.name} (NOT YET RECORDED).")

    def discard_closure(self) -> None:
        item = self.selected_closure()
        if item is None:
            return
        reason = DiscardClosureReason.ask(self, item.short_id)
        if reason is None:
            return
        try:
            self.context.services.sync.refused_closures.discard(
                self.context.session, item.id, reason
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "Not discarded", sentence(error))
        self.reload()  # after a refusal too: the kept copy may have gone

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
        until the new review is saved (its audit entry then names the kept decision it
        replaces, and the copy goes: decision 0062) or it is discarded with a reason."""
        kept = self.selected()
        if kept is None:
            return
        if self.review_open():
            Ask.info(
                self,
                "A review is open",
                "Finish or close the review that is open first; then Decide again opens "
                f"kept decision {kept.pending.short_id} in a new review.",
            )
            return
        payload = {"case": kept.pending.raw_case, "step": 0, "replaces_kept": kept.pending.id}
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
        self.reload()  # after a refusal too: the kept copy may have gone

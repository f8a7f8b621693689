"""The board's list of reviews in progress: detainers received but not yet decided."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from trustdesk.core.characters import shown
from trustdesk.services.errors import ServiceError
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import expiry_text
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.session import sentence

ID_ROLE = Qt.ItemDataRole.UserRole


def draft_text(draft: Any, zone: tzinfo) -> str:
    # Written out as the board writes names (U+202E…): a label rewritten behind the app
    # must not display as another person's, nor break the list's line.
    label = shown(str(draft.label).strip()) or "Untitled review"
    return f"{label} — last saved {expiry_text(draft.updated_at, zone)}"


class DraftsPanel(QGroupBox):
    """Resume (the workspace opens the review) or discard (asked, then for good)."""

    resume_requested = Signal(int)

    def __init__(self, context: UiContext) -> None:
        super().__init__("Reviews in progress (drafts)")
        self.setObjectName("drafts_panel")
        self.context = context
        #: The draft of the review open on this desk (the workspace says), if any.
        self.open_draft: Callable[[], int | None] = lambda: None
        layout = QVBoxLayout(self)
        heading = QLabel("Detainers received, not yet &decided:")
        self.list = QListWidget()
        self.list.setObjectName("drafts_list")
        self.list.setAccessibleName("Reviews in progress (drafts)")
        self.list.setAccessibleDescription("Enter resumes the selected review")
        heading.setBuddy(self.list)
        self.empty = QLabel("No reviews in progress.")
        self.resume_button = QPushButton("Res&ume")
        self.resume_button.setObjectName("resume_draft")
        self.resume_button.setAccessibleName("Resume the selected review")
        self.discard_button = QPushButton("D&iscard…")
        self.discard_button.setObjectName("discard_draft")
        self.discard_button.setAccessibleName("Discard the selected review")
        buttons = QHBoxLayout()
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.discard_button)
        buttons.addStretch(1)
        layout.addWidget(heading)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.resume_button.clicked.connect(self.resume)
        self.discard_button.clicked.connect(self.discard)
        self.list.itemActivated.connect(lambda _item: self.resume())
        self.list.currentRowChanged.connect(lambda _row: self._update())
        self._update()

    def show_drafts(self, drafts: Sequence[Any]) -> None:
        current = self.selected_id()
        self.list.clear()
        for draft in drafts:
            item = QListWidgetItem(draft_text(draft, self.context.zone))
            item.setData(ID_ROLE, int(draft.id))
            self.list.addItem(item)
            if draft.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self._update()

    def ids(self) -> list[int]:
        return [int(self.list.item(i).data(ID_ROLE)) for i in range(self.list.count())]

    def selected_id(self) -> int | None:
        row = self.list.currentRow()
        return None if row < 0 else int(self.list.item(row).data(ID_ROLE))

    def resume(self) -> None:
        draft_id = self.selected_id()
        if draft_id is not None:
            self.resume_requested.emit(draft_id)

    def discard(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        item = self.list.item(row)
        if int(item.data(ID_ROLE)) == self.open_draft():
            Ask.info(
                self,
                "Discard review",
                f"The review “{item.text()}” is open in the Review tab; nothing was "
                "discarded. Discard it there with Discard draft, or close it first.",
            )
            return
        if not Ask.confirm(
            self,
            "Discard review",
            f"Discard the review in progress “{item.text()}”? It cannot be restored.",
        ):
            return
        try:
            self.context.services.drafts.discard(self.context.session, int(item.data(ID_ROLE)))
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The review was not discarded", sentence(error))
            return
        self.list.takeItem(row)
        self._update()

    def _update(self) -> None:
        has_any = self.list.count() > 0
        self.list.setVisible(has_any)
        self.empty.setVisible(not has_any)
        chosen = self.list.currentRow() >= 0
        self.resume_button.setEnabled(chosen)
        self.discard_button.setEnabled(chosen)

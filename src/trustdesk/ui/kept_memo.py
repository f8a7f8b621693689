"""The memo of a decision kept on this workstation (server unreachable): preview and save.

What it shows comes whole from ``SyncService.memo``: every page says NOT YET RECORDED.
Printing and the notices wait for the recorded decision, whose memo carries its hash.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services.errors import ServiceError
from trustdesk.services.sync import KeptDecision
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.pdfpages import pages_widget
from trustdesk.ui.session import sentence

PREVIEW_DPI = 80


class KeptMemo(QWidget):
    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("kept_memo")
        self.context = context
        self.kept: KeptDecision | None = None
        #: The PDF last shown or saved (what the officer saw).
        self.pdf: bytes | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.preview_button = QPushButton("Pre&view memo (not yet recorded)")
        self.save_button = QPushButton("Save memo as P&DF…")
        for button in (self.preview_button, self.save_button):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("kept_memo_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.preview = QScrollArea()
        self.preview.setObjectName("kept_memo_preview")
        self.preview.setAccessibleName("Memo preview")
        self.preview.setWidgetResizable(True)
        self.preview.hide()
        layout.addWidget(self.preview)
        self.preview_button.clicked.connect(self.show_preview)
        self.save_button.clicked.connect(self.save_pdf)

    def set_kept(self, kept: KeptDecision) -> None:
        self.kept = kept
        self.pdf = None

    def _render(self) -> bytes | None:
        assert self.kept is not None
        try:
            self.pdf = self.context.services.sync.memo(self.kept)
        except ServiceError as error:
            Ask.error(self, "The memo could not be made", sentence(error))
            return None
        return self.pdf

    def show_preview(self) -> None:
        data = self._render()
        if data is None:
            return
        self.preview.setWidget(
            pages_widget(data, PREVIEW_DPI, "Memo page {number} (not yet recorded)")
        )
        self.preview.show()
        self.status.setText("Preview of the memo. NOT YET RECORDED: print it again once saved.")

    def save_pdf(self) -> None:
        assert self.kept is not None
        name = f"not-yet-recorded-{self.kept.pending.short_id}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Save memo as PDF", name, "PDF (*.pdf)")
        if not path:
            return
        try:
            written = self.context.services.sync.save_memo(self.kept, Path(path))
        except ServiceError as error:
            Ask.error(self, "The memo was not saved", sentence(error))
            return
        self.pdf = written.read_bytes()
        self.status.setText(f"Saved as {written.name} (NOT YET RECORDED).")

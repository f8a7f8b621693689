"""After saving: preview the memo, print it, save it as PDF, print the notice to the person.

Every output is the PDF the memo service renders; its SHA-256 goes into the audit trail
whenever it leaves the app (printer or file), so a paper copy can be verified later.
Printing goes to the system's printers (``ui.printers``), the one IT set preselected;
nothing is recorded unless the print system took the job.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from trustdesk.memo.wording import available_languages
from trustdesk.services.errors import ServiceError
from trustdesk.services.memos import RenderedMemo
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.pdfpages import PrintDialogs, pages_widget, print_pdf
from trustdesk.ui.printers import choose_printer, job_refusal
from trustdesk.ui.session import sentence

PREVIEW_DPI = 80


#: How each notice language is named on its button (with its keyboard mnemonic).
LANGUAGE_NAMES = {"en": "&English", "es": "E&spañol"}


class MemoActions(QWidget):
    printed = Signal(str)  # the SHA-256 of what was printed or saved
    preview_shown = Signal()

    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("memo_actions")
        self.context = context
        self.decision_id: int | None = None
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.preview_button = QPushButton("Pre&view memo")
        self.print_button = QPushButton("&Print memo…")
        self.save_button = QPushButton("Save memo as P&DF…")
        # One button per notice language file (resources/notices/<lang>.json): the
        # notices and forms the decision's pack requires, in that language.
        self.notice_buttons = {
            language: QPushButton(f"Print notices ({LANGUAGE_NAMES.get(language, language)})…")
            for language in available_languages()
        }
        self.notice_en = self.notice_buttons["en"]
        self.notice_es = self.notice_buttons["es"]
        for button in (
            self.preview_button,
            self.print_button,
            self.save_button,
            *self.notice_buttons.values(),
        ):
            button.setAccessibleName(button.text().replace("&", "").rstrip("…"))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("memo_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.preview = QScrollArea()
        self.preview.setObjectName("memo_preview")
        self.preview.setAccessibleName("Memo preview")
        self.preview.setWidgetResizable(True)
        self.preview.hide()
        layout.addWidget(self.preview)
        self.preview_button.clicked.connect(self.show_preview)
        self.print_button.clicked.connect(self.print_memo)
        self.save_button.clicked.connect(self.save_pdf)
        for language, button in self.notice_buttons.items():
            button.clicked.connect(lambda _c=False, lang=language: self.print_notice(lang))

    def set_decision(self, decision_id: int) -> None:
        self.decision_id = decision_id

    def _render(self, notice: str | None = None) -> RenderedMemo | None:
        assert self.decision_id is not None
        try:
            return self.context.services.memos.render(
                self.context.session, self.decision_id, notice=notice
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The memo could not be made", sentence(error))
            return None

    def show_preview(self) -> None:
        rendered = self._render()
        if rendered is None:
            return
        self.preview.setWidget(pages_widget(rendered.data, PREVIEW_DPI, "Memo page {number}"))
        self.preview.show()
        self.preview_shown.emit()
        self.status.setText("Preview of the memo as it will print (not yet printed).")

    def _send_to_printer(self, notice: str | None, what: str) -> None:
        rendered = self._render(notice)
        if rendered is None:
            return
        choice = choose_printer(self.context.default_printer, what)
        if isinstance(choice, str):
            self.status.setText(f"{what}: not printed; nothing was recorded.")
            Ask.error(self, "Cannot print", choice)
            return
        if choice.notice is not None:
            self.status.setText(choice.notice)
            Ask.info(self, "Default printer not found", choice.notice)
        printer = choice.printer
        if not PrintDialogs.choose(printer, self):
            self.status.setText(f"{what}: printing cancelled; nothing was recorded.")
            return
        try:
            print_pdf(rendered.data, printer)
        except OSError as error:
            self._print_failed(what, f"{sentence(error)} Check the printer and try again.")
            return
        refusal = job_refusal(printer)
        if refusal is not None:
            self._print_failed(what, f"{refusal} Check the printer and try again.")
            return
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
            # "Print to file" in the dialog: a file left the app, not a paper copy.
            self._record(rendered, "file", what, Path(printer.outputFileName()))
        else:
            self._record(rendered, "printer", what)

    def _print_failed(self, what: str, message: str) -> None:
        self.status.setText(f"{what}: not printed; nothing was recorded.")
        Ask.error(self, "Printing failed", f"{message} Nothing was recorded as printed.")

    def _record(
        self, rendered: RenderedMemo, destination: str, what: str, path: Path | None = None
    ) -> None:
        try:
            done = self.context.services.memos.record_output(
                self.context.session, rendered, destination, path=path
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "Not recorded", sentence(error))
            return
        self.status.setText(
            f"{what} sent to the {destination}; SHA-256 {done.pdf_sha256} recorded "
            f"(audit entry {done.audit_seq})."
        )
        self.printed.emit(done.pdf_sha256)

    def print_memo(self) -> None:
        self._send_to_printer(None, "Decision memo")

    def print_notice(self, language: str) -> None:
        self._send_to_printer(language, "Notice to the person")

    def save_pdf(self) -> None:
        assert self.decision_id is not None
        path, _ = QFileDialog.getSaveFileName(
            self, "Save memo as PDF", f"decision-{self.decision_id}.pdf", "PDF (*.pdf)"
        )
        if not path:
            return
        try:
            done = self.context.services.memos.print_memo(
                self.context.session, self.decision_id, Path(path)
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The memo was not saved", sentence(error))
            return
        self.status.setText(
            f"Saved as {done.path.name if done.path else path}; SHA-256 {done.pdf_sha256} recorded "
            f"(audit entry {done.audit_seq})."
        )
        self.printed.emit(done.pdf_sha256)

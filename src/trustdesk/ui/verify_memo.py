"""Checking a memo against the records: a PDF file, or the short code typed from paper.

Anyone signed in may check; every check is recorded in the audit trail by the memo
service. A MATCH only proves the code or file belongs to a record, so the dialog shows
what that record says (to those whose role reads case files) and asks the reader to
compare it with the paper: a forged memo can carry a genuine code.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services.errors import ServiceError
from trustdesk.services.memo_file import read_memo_file
from trustdesk.services.memos import MemoCheck
from trustdesk.services.verified_record import record_lines
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.session import sentence


def answer_text(check: MemoCheck) -> str:
    mark = f"✔ {check.word}" if check.match else f"✖ {check.word}"
    where = ""
    if check.decision_id is not None:
        where = f" — decision {check.decision_id}, version {check.version}"
    return f"{mark}{where}. {check.reason}"


class VerifyMemoDialog(QDialog):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify a memo")
        self.setObjectName("verify_memo_dialog")
        self.context = context
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Check a printed or saved memo against the records: choose its PDF file, or type "
            "the verification code printed in large type on the memo."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.file_button = QPushButton("Choose PDF &file…")
        self.file_button.setAccessibleName("Verify a memo PDF file")
        self.code = QLineEdit()
        keep_within(self.code, 40)
        self.code.setPlaceholderText("e.g. 7WZK-YFSZ-7W")
        self.code.setAccessibleName("Verification code")
        self.code_button = QPushButton("Check &code")
        self.code_button.setAccessibleName("Check the verification code")
        # Enter in the code field checks the code (not the first button of the dialog).
        self.file_button.setAutoDefault(False)
        self.code_button.setDefault(True)
        form.addRow("PDF file:", self.file_button)
        form.addRow("Verification &code:", self.code)
        form.addRow("", self.code_button)
        layout.addLayout(form)
        self.answer = QLabel()
        self.answer.setObjectName("verify_answer")
        self.answer.setWordWrap(True)
        self.answer.setAccessibleName("Verification result")
        font = self.answer.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.answer.setFont(font)
        layout.addWidget(self.answer)
        self.record = QLabel()
        self.record.setObjectName("verify_record")
        self.record.setWordWrap(True)
        self.record.setAccessibleName("What the record says")
        self.record.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.record.setFont(fixed)
        layout.addWidget(self.record)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.file_button.clicked.connect(self.choose_file)
        self.code_button.clicked.connect(self.check_code)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Memo to verify", "", "PDF (*.pdf)")
        if path:
            self.check_file(Path(path))

    def check_file(self, path: Path) -> None:
        # Read inside the check: a pipe, a device or a huge file is refused in words.
        self._show(
            lambda: self.context.services.memos.verify_pdf(
                self.context.session, read_memo_file(path)
            )
        )

    def check_code(self) -> None:
        typed = self.code.text().strip()
        if not typed:
            self.answer.setText("Type the code printed on the memo first.")
            return
        self._show(lambda: self.context.services.memos.verify_code(self.context.session, typed))

    def _show(self, check: Callable[[], MemoCheck]) -> None:
        self.record.clear()
        try:
            result = check()
        except (ServiceError, StoreError) as error:
            self.answer.setText(f"✖ {sentence(error)}")
            return
        self.answer.setText(answer_text(result))
        profile = self.context.services.agency.profile() if result.match else None
        zone = None if profile is None else profile.timezone
        self.record.setText("\n".join(record_lines(result, zone)))

"""The pages before the work: the use notice with sign-in, and the lock (setup: firstrun.py).

None of them shows personal data; the lock page covers the work area entirely.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trustdesk.ui.admin_common import error_label, show_message, warning_label
from trustdesk.ui.length_limit import keep_within

USE_NOTICE = (
    "You are accessing a criminal justice information system of a law enforcement agency. "
    "Use is restricted to authorised users for official duties. Every use is recorded and "
    "may be audited; unauthorised use may lead to discipline and prosecution. "
    "By signing in you acknowledge this notice."
)


def page_title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleName(text)
    return label


def centred_column(page: QWidget, width: int = 640) -> QVBoxLayout:
    """A column of at most ``width`` pixels in the middle of ``page``; its layout."""
    outer = QHBoxLayout(page)
    column = QWidget()
    column.setMaximumWidth(width)
    outer.addStretch(1)
    outer.addWidget(column, 4)
    outer.addStretch(1)
    return QVBoxLayout(column)


def right_aligned(widget: QWidget) -> QHBoxLayout:
    # A stretch rather than Qt.AlignmentFlag: the first use of the Qt namespace builds all
    # of its enums, which would delay the first window.
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    return row


def sentence_case(text: str) -> str:
    """``text`` with a capital first letter and a full stop ('' stays '')."""
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


#: A success message: green, and marked with a tick, so it never reads as a warning.
SUCCESS_STYLE = "color: white; background: #1b5e20; padding: 4px;"


def success_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName("Message")
    label.setStyleSheet(SUCCESS_STYLE)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText("⚠ " + text)
    label.setVisible(bool(text))


class SignInPage(QWidget):
    """The use notice, acknowledged before the credentials can be sent."""

    sign_in_requested = Signal(str, str)

    def __init__(self, agency_name: str = "") -> None:
        super().__init__()
        self.setObjectName("sign_in_page")
        layout = centred_column(self)
        layout.addStretch(1)
        layout.addWidget(page_title("TrustDesk — sign in"))
        self.agency = QLabel(agency_name)
        self.agency.setAccessibleName("Agency")
        layout.addWidget(self.agency)
        # While only one administrator can sign in, everyone at the desk is told, so that
        # someone asks for a second one before a lockout (issue 17).
        self.admin_warning = warning_label("only_administrator_warning")
        layout.addWidget(self.admin_warning)
        notice = QLabel(USE_NOTICE)
        notice.setWordWrap(True)
        notice.setFrameShape(QLabel.Shape.Box)
        notice.setMargin(8)
        notice.setAccessibleName("System use notice")
        layout.addWidget(notice)
        self.acknowledge = QCheckBox("I have read and accept this &notice")
        self.acknowledge.setAccessibleName("Acknowledge the system use notice")
        layout.addWidget(self.acknowledge)
        form = QFormLayout()
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        keep_within(self.username, 64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        keep_within(self.password, 1024)
        form.addRow("&User name:", self.username)
        form.addRow("&Password:", self.password)
        layout.addLayout(form)
        self.error = error_label("sign_in_error")
        layout.addWidget(self.error)
        self.notice = success_label("sign_in_notice")
        layout.addWidget(self.notice)
        self.button = QPushButton("&Sign in")
        self.button.setDefault(True)
        self.button.setEnabled(False)
        self.button.setAccessibleName("Sign in")
        layout.addLayout(right_aligned(self.button))
        layout.addStretch(2)
        self.acknowledge.toggled.connect(self.button.setEnabled)
        self.button.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)

    def set_admin_warning(self, text: str) -> None:
        show_message(self.admin_warning, sentence_case(text))

    def _submit(self) -> None:
        if not self.acknowledge.isChecked():
            show_error(self.error, "Read the notice and tick the box to acknowledge it first.")
            return
        if not self.username.text().strip():
            show_error(self.error, "Enter your user name.")
            self.username.setFocus()
            return
        self.sign_in_requested.emit(self.username.text(), self.password.text())

    def reset(self, message: str = "", *, success: bool = False) -> None:
        """Ready for the next person: nothing of the last one left on screen. ``message``
        is shown as a warning, or with ``success`` as good news (e.g. set-up complete)."""
        self.password.clear()
        self.acknowledge.setChecked(False)
        show_error(self.error, "" if success else message)
        self.notice.setText("✓ " + message if success and message else "")
        self.notice.setVisible(success and bool(message))
        self.username.setFocus()

    def failed(self, message: str) -> None:
        self.password.clear()
        self.notice.hide()
        show_error(self.error, message)
        self.password.setFocus()


class LockPage(QWidget):
    """Shown after inactivity or Ctrl+L: who is signed in and a password field, nothing else."""

    unlock_requested = Signal(str)
    sign_out_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("lock_page")
        layout = centred_column(self)
        layout.addStretch(1)
        layout.addWidget(page_title("TrustDesk is locked"))
        self.who = QLabel()
        self.who.setAccessibleName("Signed-in user")
        layout.addWidget(self.who)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password to unlock")
        form.addRow("&Password:", self.password)
        layout.addLayout(form)
        self.error = error_label("lock_error")
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.sign_out = QPushButton("Sign &out")
        self.unlock = QPushButton("&Unlock")
        self.unlock.setDefault(True)
        row.addStretch(1)
        row.addWidget(self.sign_out)
        row.addWidget(self.unlock)
        layout.addLayout(row)
        layout.addStretch(2)
        self.unlock.clicked.connect(lambda: self.unlock_requested.emit(self.password.text()))
        self.password.returnPressed.connect(self.unlock.click)
        self.sign_out.clicked.connect(self.sign_out_requested.emit)

    def lock_for(self, username: str, reason: str) -> None:
        self.who.setText(f"Signed in as {username}. {reason}")
        self.password.clear()
        show_error(self.error, "")
        self.password.setFocus()

    def failed(self, message: str) -> None:
        self.password.clear()
        show_error(self.error, message)
        self.password.setFocus()

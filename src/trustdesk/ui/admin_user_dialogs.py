"""The small forms of user administration: a new account, and a password reset.

Each dialog opens without blocking (``open()``), hands what was typed to a ``submit``
callback that calls the services, and stays open with the service's message shown
inline until the input is accepted.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services.permissions import OFFICER, ROLES
from trustdesk.ui.admin_common import combo, error_label, show_message
from trustdesk.ui.length_limit import keep_within

#: A submit callback returns "" when the services accepted the input, else their message.
Submit = Callable[[dict[str, str]], str]


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    keep_within(field, 1024)
    return field


def _repeated(password: QLineEdit, repeat: QLineEdit) -> str:
    """The problem, if the password was not typed the same twice (both are then cleared
    for typing again)."""
    if password.text() == repeat.text():
        return ""
    password.clear()
    repeat.clear()
    password.setFocus()
    return "The two passwords differ; type them again."


class _FormDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, intro: str, submit: Submit) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self._submit = submit
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        note = QLabel(intro)
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(self.form)
        self.error = error_label("dialog_error")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setAccessibleName(f"{title}: confirm")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName(f"{title}: cancel")
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._try)
        self.buttons.rejected.connect(self.reject)

    def add_row(self, label: str, widget: QWidget) -> None:
        widget.setAccessibleName(label.replace("&", "").rstrip(":"))
        self.form.addRow(label, widget)

    def values(self) -> dict[str, str]:
        raise NotImplementedError

    def _check(self) -> str:
        return ""

    def _try(self) -> None:
        problem = self._check() or self._submit(self.values())
        if problem:
            show_message(self.error, problem)
            return
        self.accept()


class AddUserDialog(_FormDialog):
    def __init__(self, parent: QWidget | None, submit: Submit) -> None:
        super().__init__(
            parent,
            "Add user",
            "Every person gets their own account. Passwords: at least 8 characters; a "
            "phrase of several words is easiest to remember.",
            submit,
        )
        self.setObjectName("add_user_dialog")
        self.username = QLineEdit()
        keep_within(self.username, 32)
        self.username.setPlaceholderText("e.g. jdoe")
        self.full_name = QLineEdit()
        keep_within(self.full_name, 100)
        self.badge = QLineEdit()
        keep_within(self.badge, 20)
        self.role = combo("Role", ROLES)
        self.role.setCurrentText(OFFICER)
        self.password = _password_field()
        self.repeat = _password_field()
        self.add_row("&User name:", self.username)
        self.add_row("&Full name:", self.full_name)
        self.add_row("&Badge number:", self.badge)
        self.add_row("&Role:", self.role)
        self.add_row("&Password:", self.password)
        self.add_row("R&epeat password:", self.repeat)

    def values(self) -> dict[str, str]:
        return {
            "username": self.username.text(),
            "full_name": self.full_name.text(),
            "badge": self.badge.text(),
            "role": self.role.currentText(),
            "password": self.password.text(),
        }

    def _check(self) -> str:
        return _repeated(self.password, self.repeat)


class ResetPasswordDialog(_FormDialog):
    """A new password for an account; for one's own, the current password first."""

    def __init__(
        self, parent: QWidget | None, username: str, submit: Submit, *, own: bool = False
    ) -> None:
        super().__init__(
            parent,
            "Reset password",
            "A new password for your own account: type your current password first."
            if own
            else f"A new password for {username}. Tell it to them in person; they can "
            "change it after signing in.",
            submit,
        )
        self.setObjectName("reset_password_dialog")
        self.current: QLineEdit | None = None
        if own:
            self.current = _password_field()
            self.add_row("Curren&t password:", self.current)
        self.password = _password_field()
        self.repeat = _password_field()
        self.add_row("New &password:", self.password)
        self.add_row("R&epeat password:", self.repeat)

    def values(self) -> dict[str, str]:
        values = {"password": self.password.text()}
        if self.current is not None:
            values["current"] = self.current.text()
        return values

    def _check(self) -> str:
        return _repeated(self.password, self.repeat)

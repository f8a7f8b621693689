"""Plain message dialogs and a one-line text question. Tests patch ``Ask`` methods and
the ``ask`` class methods that use ``TextDialog``, never ``exec()``."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from trustdesk.ui.length_limit import keep_within

log = logging.getLogger("trustdesk.ui")


class Ask:
    """Every modal question the app asks, in one place so tests can answer them."""

    @classmethod
    def error(cls, parent: QWidget | None, title: str, text: str) -> None:
        log.info("error dialog shown: %s", title)
        box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Ok)
        box.setParent(parent, box.windowFlags())
        box.exec()

    @classmethod
    def info(cls, parent: QWidget | None, title: str, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.Ok)
        box.setParent(parent, box.windowFlags())
        box.exec()

    @classmethod
    def confirm(cls, parent: QWidget | None, title: str, text: str) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        box.setParent(parent, box.windowFlags())
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes


class TextDialog(QDialog):
    """A question answered with one line of text, and OK (or ``ok_text``) or Cancel."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        *,
        name: str,
        accessible_name: str,
        max_length: int,
        ok_text: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        self.text = QLineEdit()
        self.text.setObjectName(name)
        self.text.setAccessibleName(accessible_name)
        keep_within(self.text, max_length)
        label.setBuddy(self.text)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        if ok_text:
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(label)
        layout.addWidget(self.text)
        layout.addWidget(self.buttons)

    def answer(self) -> str | None:
        """The text typed if accepted, None if cancelled."""
        return self.text.text() if self.result() == QDialog.DialogCode.Accepted else None

    def ask(self) -> str | None:
        """Shows the dialog until it is answered: the text typed, or None if cancelled."""
        self.exec()
        return self.answer()


class TextQuestion:
    """A one-line question asked about one thing (a person, a decision): subclasses set
    the wording; tests patch ``ask``."""

    title = ""
    name = ""
    accessible_name = ""
    max_length = 2000
    ok_text = ""

    @classmethod
    def prompt(cls, subject: str) -> str:
        raise NotImplementedError

    @classmethod
    def dialog(cls, parent: QWidget | None, subject: str) -> TextDialog:
        return TextDialog(
            parent,
            cls.title,
            cls.prompt(subject),
            name=cls.name,
            accessible_name=cls.accessible_name,
            max_length=cls.max_length,
            ok_text=cls.ok_text,
        )

    @classmethod
    def ask(cls, parent: QWidget | None, subject: str) -> str | None:
        """The text typed, or None when cancelled."""
        return cls.dialog(parent, subject).ask()

"""The dialog in which an administrator trusts a rule-pack publisher's key, with an expiry.

Two lines: the public key line the publisher gave, and (optionally) the last day the key
is trusted. The date is checked before the dialog closes: a date that is not a date, or
one that has passed, is refused with a one-line message saying what to type, and the
dialog stays open with what was typed (the service checks the date again; decision 0031).
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from trustdesk.ui.length_limit import keep_within

TITLE = "Trust a rule-pack publisher"
PROMPT = (
    "Paste the public key line the publisher gave you (it begins with “trustdesk-ed25519”). "
    "Before trusting it, read its fingerprint to the publisher by telephone: packs signed "
    "with this key will import without an override."
)


class TrustAnswer(NamedTuple):
    """What the administrator gave: the key line and the last day it is trusted (or none)."""

    key_text: str
    expires_on: date | None


def read_expiry(text: str, today: date) -> date | None:
    """The expiry typed (``YYYY-MM-DD``; empty: none), or ValueError with what to type."""
    typed = text.strip()
    if not typed:
        return None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        raise ValueError(
            f"The expiry date “{typed}” is not a date: type it as YYYY-MM-DD (for example "
            f"{today.replace(year=today.year + 1, day=min(today.day, 28)).isoformat()}), "
            "or leave it empty for no expiry."
        ) from None
    if day < today:
        raise ValueError(
            f"The expiry date {day.isoformat()} has passed (today is {today.isoformat()}): "
            "give a later date, or leave it empty for no expiry."
        )
    return day


class TrustKeyDialog(QDialog):
    """The key line, its optional expiry, and Trust or Cancel."""

    def __init__(self, parent: QWidget | None, today: date) -> None:
        super().__init__(parent)
        self.setObjectName("trust_key_dialog")
        self.setWindowTitle(TITLE)
        self.today = today
        self.answer: TrustAnswer | None = None
        layout = QVBoxLayout(self)
        prompt = QLabel(PROMPT)
        prompt.setWordWrap(True)
        layout.addWidget(prompt)
        form = QFormLayout()
        self.key = QLineEdit()
        self.key.setObjectName("publisher_key")
        self.key.setAccessibleName("The publisher's public key line")
        keep_within(self.key, 400)
        self.expiry = QLineEdit()
        self.expiry.setObjectName("publisher_key_expiry")
        self.expiry.setAccessibleName("Trusted until (YYYY-MM-DD; empty for no expiry)")
        self.expiry.setPlaceholderText("YYYY-MM-DD, or empty for no expiry")
        keep_within(self.expiry, 20)
        form.addRow("Public &key line:", self.key)
        form.addRow("Trusted &until:", self.expiry)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("trust_key_error")
        self.error.setAccessibleName("What to correct")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Trust")
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def try_accept(self) -> None:
        """Close with the answer when both lines are acceptable; else say what to correct."""
        key_text = self.key.text().strip()
        if not key_text:
            self.error.setText("Paste the publisher's public key line first.")
            self.key.setFocus()
            return
        try:
            expires_on = read_expiry(self.expiry.text(), self.today)
        except ValueError as problem:
            self.error.setText(str(problem))
            self.expiry.setFocus()
            self.expiry.selectAll()
            return
        self.answer = TrustAnswer(key_text, expires_on)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, today: date) -> TrustAnswer | None:
        """Shows the dialog until answered: the key line and expiry, or None if cancelled."""
        dialog = cls(parent, today)
        dialog.exec()
        return dialog.answer if dialog.result() == QDialog.DialogCode.Accepted else None

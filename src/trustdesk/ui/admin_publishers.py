"""The trusted publishers of the Rule packs tab: whose signed packs import without an override.

Keys set by IT in the machine config are listed and cannot be removed here; the agency's
own keys are added (the public key line the publisher gave, with an optional last day it
is trusted) and revoked by administrators, each change audited by the services. Each row
shows the key's expiry and its state (trusted, expired, revoked).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services.errors import ServiceError
from trustdesk.services.publishers import MACHINE_ORIGIN, PublisherService
from trustdesk.ui.admin_common import button, read_only_table
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.trust_key_dialog import TrustKeyDialog

COLUMNS = ("Publisher", "Key fingerprint", "Trusted by", "Expires", "State")


class PublishersBox(QWidget):
    def __init__(self, context: UiContext, *, editable: bool) -> None:
        super().__init__()
        self.setObjectName("publishers_box")
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Publishers whose signed rule packs import without an override:"))
        self.table = read_only_table("publishers_table", "Trusted rule-pack publishers", COLUMNS)
        self.table.setMaximumHeight(140)
        layout.addWidget(self.table)
        self.trust_button: QPushButton | None = None
        self.untrust_button: QPushButton | None = None
        if editable:
            row = QHBoxLayout()
            self.trust_button = button(
                "&Trust a publisher's key…", "Trust a rule-pack publisher's public key"
            )
            self.untrust_button = button(
                "Stop trusting the selected key", "Stop trusting the selected publisher's key"
            )
            self.trust_button.clicked.connect(self.trust_key)
            self.untrust_button.clicked.connect(self.untrust_selected)
            row.addWidget(self.trust_button)
            row.addWidget(self.untrust_button)
            row.addStretch(1)
            layout.addLayout(row)
        self.refresh()

    @property
    def service(self) -> PublisherService:
        return self.context.services.rulepacks.publishers

    def refresh(self) -> None:
        keys = self.service.trusted()
        today = self.service.today()
        self.table.setRowCount(len(keys))
        for row, trusted in enumerate(keys):
            # A revoked or expired key stays listed, saying so (decision 0031).
            expires = "no expiry" if trusted.expires_on is None else str(trusted.expires_on)
            cells = (
                trusted.key.publisher,
                trusted.key.fingerprint,
                trusted.origin,
                expires,
                trusted.describe(today),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, trusted.key.fingerprint)
                self.table.setItem(row, column, item)

    def trust_key(self) -> None:
        answer = TrustKeyDialog.ask(self, self.service.today())
        if answer is None:
            return
        try:
            key = self.service.trust(self.context.session, answer.key_text, answer.expires_on)
        except ServiceError as error:
            Ask.error(self, "Trust a rule-pack publisher", str(error))
            return
        self.refresh()
        until = "" if answer.expires_on is None else f" until {answer.expires_on} (the last day)"
        Ask.info(
            self,
            "Trust a rule-pack publisher",
            f"Packs signed by “{key.publisher}” (key {key.fingerprint}) now import without "
            f"an override{until}.",
        )

    def untrust_selected(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 1) if row >= 0 else None
        if item is None:
            Ask.error(self, "Stop trusting a publisher", "Select a key in the list first.")
            return
        origin, name = self.table.item(row, 2), self.table.item(row, 0)
        if origin is not None and origin.text() == MACHINE_ORIGIN:
            Ask.error(
                self,
                "Stop trusting a publisher",
                "This key is set by IT in the machine config; ask IT to remove it.",
            )
            return
        publisher = name.text() if name is not None else ""
        if not Ask.confirm(
            self,
            "Stop trusting a publisher",
            f"Revoke “{publisher}” (key {item.text()})? Packs it signs from now on are "
            "refused, and it is never trusted again. Packs already imported stay in force.",
        ):
            return
        try:
            self.service.untrust(self.context.session, item.text())
        except ServiceError as error:
            Ask.error(self, "Stop trusting a publisher", str(error))
            return
        self.refresh()

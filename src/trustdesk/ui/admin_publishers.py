"""The trusted publishers of the Rule packs tab: whose signed packs import without an override.

Keys set by IT in the machine config are listed and cannot be removed here; the agency's
own keys are added (the public key line the publisher gave) and withdrawn by
administrators, each change audited by the services.
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
from trustdesk.ui.dialogs import Ask, TextQuestion

COLUMNS = ("Publisher", "Key fingerprint", "Trusted by")


class TrustKeyQuestion(TextQuestion):
    title = "Trust a rule-pack publisher"
    name = "publisher_key"
    accessible_name = "The publisher's public key line"
    max_length = 400
    ok_text = "Trust"

    @classmethod
    def prompt(cls, subject: str) -> str:
        return (
            "Paste the public key line the publisher gave you (it begins with "
            "“trustdesk-ed25519”). Before trusting it, read its fingerprint to the publisher "
            "by telephone: packs signed with this key will import without an override."
        )


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
        today = self.context.clock.now().date()
        self.table.setRowCount(len(keys))
        for row, trusted in enumerate(keys):
            # A revoked or expired key stays listed, saying so (decision 0031).
            state = trusted.describe(today)
            origin = trusted.origin if state == "trusted" else f"{trusted.origin}; {state}"
            for column, text in enumerate((trusted.key.publisher, trusted.key.fingerprint, origin)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, trusted.key.fingerprint)
                self.table.setItem(row, column, item)

    def trust_key(self) -> None:
        text = TrustKeyQuestion.ask(self, "")
        if not text:
            return
        try:
            key = self.service.trust(self.context.session, text)
        except ServiceError as error:
            Ask.error(self, "Trust a rule-pack publisher", str(error))
            return
        self.refresh()
        Ask.info(
            self,
            "Trust a rule-pack publisher",
            f"Packs signed by “{key.publisher}” (key {key.fingerprint}) now import without "
            "an override.",
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

"""A supervisor's review of the contacts with ICE that gave something not allowed.

The list is the service's review queue; the selected contact is shown in full (what was
given, what the law said before, the officer's reason). Accept keeps the officer's
account with an optional note; Refer passes it on for follow-up and needs a note saying
to whom and why. The service refuses other roles and one's own contacts.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trustdesk.core.characters import shown_lines
from trustdesk.services.contact_input import LIMITS
from trustdesk.services.contact_wording import (
    KIND_TEXT,
    VERDICT_MARK,
    contact_line,
    recorded_judged_by,
)
from trustdesk.services.contacts import ContactService
from trustdesk.services.errors import ServiceError
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import stamp_text
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.session import sentence


class ContactReviewDialog(QDialog):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contact_review")
        self.setWindowTitle("Flagged contacts with ICE")
        self.context = context
        self.service = ContactService(context.services.ctx, context.rules_holder)
        self.rows: list[ContactRecord] = []
        layout = QVBoxLayout(self)
        heading = QLabel("&Contacts that gave ICE something not allowed, waiting for review:")
        self.list = QListWidget()
        self.list.setObjectName("flagged_contacts")
        self.list.setAccessibleName("Flagged contacts awaiting review")
        heading.setBuddy(self.list)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        self.detail = QLabel()
        self.detail.setObjectName("flagged_detail")
        self.detail.setWordWrap(True)
        # Plain text: what the officer typed (the ICE officer's name, the note) is shown
        # as typed. Left to guess, a label reads a line holding a tag as HTML, and a
        # comment opened in a name hid what was given and the reason from the supervisor.
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.detail)
        row = QHBoxLayout()
        label = QLabel("&Note:")
        self.note = QLineEdit()
        self.note.setObjectName("review_note")
        self.note.setAccessibleName("Supervisor's note")
        keep_within(self.note, LIMITS["note"])
        label.setBuddy(self.note)
        row.addWidget(label)
        row.addWidget(self.note, 1)
        layout.addLayout(row)
        self.status = QLabel()
        self.status.setObjectName("review_status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.accept_button = QPushButton("&Accept")
        self.accept_button.setObjectName("accept_contact")
        self.refer_button = QPushButton("&Refer (with a note)")
        self.refer_button.setObjectName("refer_contact")
        for button in (self.accept_button, self.refer_button):
            button.setAutoDefault(False)
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.accept_button.clicked.connect(lambda: self.review("accepted"))
        self.refer_button.clicked.connect(lambda: self.review("referred"))
        self.list.currentRowChanged.connect(self._show_current)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.rows = self.service.pending(self.context.session)
        except (ServiceError, StoreError) as error:
            self.status.setText(sentence(error))
            self.rows = []
        self.list.clear()
        for record in self.rows:
            who = record.person_name or f"booking {record.booking_number}"
            text = (
                f"#{record.contact_id} {stamp_text(record.occurred_at, self.context.zone)} — "
                f"{KIND_TEXT.get(record.kind, record.kind)} — {who} — by {record.user}"
            )
            QListWidgetItem(text, self.list)
        if self.rows:
            self.list.setCurrentRow(0)
        else:
            self.detail.setText("No flagged contact is waiting for review.")
        self._update_actions()

    def current(self) -> ContactRecord | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_current(self, _row: int) -> None:
        record = self.current()
        if record is None:
            return
        advice = json.loads(record.advice_json)
        said = [
            f"{VERDICT_MARK.get(item['verdict'], '?')} {item['reason']}"
            for item in advice.get("items", [])
            if item["disclosure"] in record.given
        ]
        lines = [
            contact_line(record, lambda moment: stamp_text(moment, self.context.zone)),
            f"Asked: {shown_lines(record.asked) or '—'}",
        ]
        judged = recorded_judged_by(record, lambda moment: stamp_text(moment, self.context.zone))
        if judged is not None:
            lines.append(f"Judged by {judged}")
        lines += [
            "What the law said before the answer:",
            *said,
        ]
        if record.note:
            lines.append(f"Note: {shown_lines(record.note)}")
        self.detail.setText("\n".join(lines))
        self._update_actions()

    def _update_actions(self) -> None:
        chosen = self.current() is not None
        self.accept_button.setEnabled(chosen)
        self.refer_button.setEnabled(chosen)

    def review(self, verdict: str) -> None:
        record = self.current()
        if record is None:
            return
        try:
            done = self.service.review(
                self.context.session,
                record.contact_id,
                verdict=verdict,
                note=self.note.text(),
                expected_record_id=record.id,
            )
        except (ServiceError, StoreError) as error:
            self.status.setText(f"Not reviewed: {sentence(error)}")
            return
        self.status.setText(f"Contact {done.contact_id} reviewed: {done.verdict}.")
        self.note.clear()
        self.refresh()
        self.list.setFocus()

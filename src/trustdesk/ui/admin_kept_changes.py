"""The Rule packs tab's box for shipped changes an agency's pack does not have: name the
pack and why the agency keeps its own version, and the administrators' alert about it
stops (``RulePackService.keep_agency_version``; the reason is on the record)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QLineEdit

from trustdesk.services.errors import ServiceError
from trustdesk.services.rulepacks import REASON_MAX
from trustdesk.ui.admin_common import button, error_label, show_message
from trustdesk.ui.context import UiContext
from trustdesk.ui.length_limit import keep_within


class KeptChangesBox(QGroupBox):
    """Shown only while a shipped change waits for an administrator's decision."""

    kept = Signal(str)  # the pack id whose keeping was recorded

    def __init__(self, context: UiContext) -> None:
        super().__init__("Shipped changes your agency's packs do not have")
        self.setObjectName("kept_changes_box")
        self.context = context
        form = QFormLayout(self)
        intro = QLabel(
            "Compare the two versions first. To apply TrustDesk's change, import or sign off "
            "the shipped version. To keep your agency's version without it, say why: the "
            "reason is recorded and the alert stops (a later shipped version is named again)."
        )
        intro.setWordWrap(True)
        form.addRow(intro)
        self.pack = QComboBox()
        self.pack.setAccessibleName("Rule pack whose shipped change your agency does not take")
        form.addRow("&Pack:", self.pack)
        self.reason = QLineEdit()
        keep_within(self.reason, REASON_MAX)
        self.reason.setAccessibleName("Why your agency keeps its own version")
        form.addRow("&Why keep yours:", self.reason)
        self.button = button(
            "&Keep our version",
            "Record that your agency keeps its own version without the shipped change",
        )
        self.button.clicked.connect(self.keep)
        form.addRow("", self.button)
        form.setAlignment(self.button, Qt.AlignmentFlag.AlignLeft)
        self.error = error_label("kept_changes_error")
        form.addRow(self.error)
        self.load()

    def load(self) -> None:
        """The pending changes; hidden when there are none."""
        changes = self.context.services.rulepacks.pending_changes(self.context.rules)
        self.pack.clear()
        for change in changes:
            yours = (
                "yours in force where none was"
                if change.made_from is None
                else f"yours from {change.made_from[:12]}…"
            )
            self.pack.addItem(
                f"{change.pack_id}: {yours}, shipped now {change.shipped[:12]}…", change.pack_id
            )
        self.setVisible(bool(changes))

    def keep(self) -> None:
        pack_id = self.pack.currentData()
        if pack_id is None:
            return
        try:
            self.context.services.rulepacks.keep_agency_version(
                self.context.session, self.context.rules, str(pack_id), self.reason.text()
            )
        except ServiceError as error:
            show_message(self.error, str(error))
            return
        show_message(self.error, "")
        self.reason.clear()
        self.load()
        self.kept.emit(str(pack_id))

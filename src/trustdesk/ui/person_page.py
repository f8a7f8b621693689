"""A person's page: everything recorded under one booking number — decisions with every
version, amendment and review, holds, ICE contacts, memos printed — and the memo of the
chosen decision printed again (the same memo actions as after saving).

Opened from the finder (Ctrl+Shift+F); one person's page at a time, as a tab of the workspace.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.core.characters import shown
from trustdesk.services.contact_wording import recorded_judged_by
from trustdesk.services.errors import ServiceError
from trustdesk.services.permissions import Operation, allowed
from trustdesk.services.person import PersonView, view_person
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.errors import StoreError
from trustdesk.store.person_history import DecisionHistory
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import stamp_text
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.memo_actions import MemoActions
from trustdesk.ui.search_words import OUTCOME_TEXT
from trustdesk.ui.session import sentence
from trustdesk.ui.tooltips import plain_tip

if TYPE_CHECKING:
    from trustdesk.ui.contact_dialog import ContactDialog
    from trustdesk.ui.workspace import Workspace

DECISION_ROLE = Qt.ItemDataRole.UserRole + 2
TAB_TEXT = "Perso&n"


#: The contact kinds of issue 14's contract, in the officer's words.
CONTACT_KIND_TEXT = {
    "detainer_received": "Detainer or warrant received",
    "release_info_request": "Request for release date or custody status",
    "interview_request": "Request to interview or access the person",
    "inquiry": "Phone or e-mail inquiry",
    "transfer_arrival": "ICE arrival for transfer",
    "other": "Other contact",
}


def contact_lines(contact: ContactRecord, zone: tzinfo) -> tuple[str, list[str]]:
    """An ICE contact as a heading (what, when; flagged ones say so first) and the lines
    under it: who, what was asked, what was given, the reason, review, amendment."""
    heading = (
        f"Contact {contact.contact_id}: {CONTACT_KIND_TEXT.get(contact.kind, contact.kind)}, "
        f"{stamp_text(contact.occurred_at, zone)}"
    )
    if not contact.allowed:
        heading = f"⚠ NOT ALLOWED — {heading}"
    direction = "From ICE" if contact.direction == "from_ice" else "To ICE"
    given = ", ".join(item.replace("_", " ") for item in contact.given) or "nothing"
    lines = [
        f"{direction} by {contact.channel.replace('_', ' ')}: {shown(contact.ice_office)}, "
        f"{shown(contact.ice_officer)}",
        f"Asked: {shown(contact.asked)}",
        f"Given: {given} (recorded by {contact.user} under rule pack {contact.pack_id})",
    ]
    if not contact.allowed:
        lines.append(f"Reason given: {shown(contact.unlawful_reason or '')}")
    if contact.review_needed:
        lines.append("Flagged for a supervisor's review")
    judged = recorded_judged_by(contact, lambda moment: stamp_text(moment, zone))
    if judged is not None:
        lines.append(f"Judged by {judged}")
    if contact.note:
        lines.append(f"Note: {shown(contact.note)}")
    if contact.version > 1:
        lines.append(f"Version {contact.version}, amended: {shown(contact.reason or '')}")
    return heading, lines


class PersonPage(QWidget):
    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("person_page")
        self.context = context
        self.booking_number = ""
        self.view: PersonView | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("person_heading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-weight: bold; font-size: 14pt;")
        layout.addWidget(self.heading)
        tree_label = QLabel("&Whole history (↑ ↓ to move, → to open a line):")
        self.tree = QTreeWidget()
        self.tree.setObjectName("person_history")
        self.tree.setAccessibleName("The person's whole history")
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        tree_label.setBuddy(self.tree)
        layout.addWidget(tree_label)
        layout.addWidget(self.tree, 3)
        # A contact with ICE about this person, recorded from their page (also Ctrl+I).
        self.contact_button = QPushButton("&Record ICE contact…")
        self.contact_button.setObjectName("person_record_contact")
        self.contact_button.setAccessibleName("Record ICE contact about this person")
        self.contact_button.setVisible(allowed(context.role, Operation.CONTACT_RECORD))
        self.contact_button.clicked.connect(self.record_contact)
        layout.addWidget(self.contact_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.contact_dialog: ContactDialog | None = None
        self.memo_label = QLabel()
        self.memo_label.setObjectName("person_memo_label")
        layout.addWidget(self.memo_label)
        self.memo = MemoActions(context)
        layout.addWidget(self.memo, 1)
        self.can_print = allowed(context.role, Operation.MEMO_PRINT)
        self._memo_buttons: tuple[QPushButton, ...] = (
            self.memo.preview_button,
            self.memo.print_button,
            self.memo.save_button,
            self.memo.notice_en,
            self.memo.notice_es,
        )
        self.tree.currentItemChanged.connect(self._current_changed)
        self.memo.printed.connect(lambda _sha: self.reload())
        self._choose(None)

    # -- loading ------------------------------------------------------------------------

    def show_person(
        self,
        booking_number: str,
        decision_id: int | None = None,
        *,
        focus: bool = True,
        record_view: bool = True,
    ) -> bool:
        """Show everything under ``booking_number`` (the service records the viewing)."""
        try:
            view = view_person(
                self.context.services.ctx,
                self.context.session,
                booking_number,
                record_view=record_view,
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The person's history cannot be shown", sentence(error))
            return False
        self.booking_number = booking_number
        self.view = view
        self._fill(view)
        self._select_decision(decision_id)
        if focus:
            self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def record_contact(self) -> None:
        """The contact dialog for this person (and the decision chosen, if one is); the
        page shows the new contact once it is recorded."""
        if self.view is None or not allowed(self.context.role, Operation.CONTACT_RECORD):
            return
        from trustdesk.ui.contact_dialog import ContactTarget, open_contact_dialog

        history = self.view.history
        target = ContactTarget(
            decision_id=self.decision_id(),
            person_id=history.person_ids[-1] if history.person_ids else None,
            booking_number=history.booking_number,
            name=history.names[-1].name,
        )
        self.contact_dialog = open_contact_dialog(self, self.context, target)
        self.contact_dialog.recorded.connect(lambda _record: self.reload())
        self.contact_dialog.finished.connect(lambda _result: self.tree.setFocus())

    def reload(self, *, focus: bool = True) -> None:
        """Read the person again; ``focus=False`` when another desk's change brought it
        (the officer may be typing elsewhere)."""
        current = self.decision_id()
        if self.booking_number:
            # The page stays open: reading it again is not a new viewing in the audit.
            self.show_person(self.booking_number, current, focus=focus, record_view=False)

    def _fill(self, view: PersonView) -> None:
        history = view.history
        latest = history.names[-1]
        born = f", born {latest.date_of_birth.isoformat()}" if latest.date_of_birth else ""
        heading = f"{shown(latest.name)} — booking number {history.booking_number}{born}"
        others = sorted({shown(facts.name) for facts in history.names[:-1]} - {shown(latest.name)})
        if others:
            heading += f" (also recorded as {', '.join(others)})"
        self.heading.setText(heading)
        self.heading.setAccessibleName(heading)
        self.tree.clear()
        zone = self.context.zone
        decisions = self._section(f"Decisions ({len(history.decisions)})")
        for item in history.decisions:
            self._decision(decisions, item)
        holds = [item for item in history.decisions if item.hold is not None]
        section = self._section(f"Holds ({len(holds)})")
        for item in holds:
            hold = item.hold
            assert hold is not None
            if hold.closure is None:
                ended = "still open"
            else:
                ended = (
                    f"{OUTCOME_TEXT.get(hold.closure.outcome, hold.closure.outcome)} "
                    f"{stamp_text(hold.closure.ended_at, zone)} "
                    f"(recorded by {hold.closure.officer})"
                )
            self._line(
                section,
                f"Hold {hold.id} for decision {item.latest.decision_id}: began "
                f"{stamp_text(hold.opened_at, zone)}; {ended}",
                item.latest.decision_id,
            )
        contacts = self._section(f"ICE contacts ({len(view.contacts)})")
        for contact in view.contacts:
            heading, details = contact_lines(contact, zone)
            node = self._line(contacts, heading, contact.decision_id)
            for detail in details:
                self._line(node, detail, contact.decision_id)
        printed = self._section(f"Memos and notices printed or saved ({len(view.printed)})")
        for copy in view.printed:
            self._line(
                printed,
                f"{copy.document.capitalize()} of decision {copy.decision_id} version "
                f"{copy.version}: to {copy.destination} {stamp_text(copy.at, zone)} by "
                f"{copy.by}; SHA-256 {copy.pdf_sha256[:16]}… (audit entry {copy.audit_seq})",
                copy.decision_id,
            )
        self.tree.expandAll()

    def _section(self, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self.tree, [text])
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        return item

    def _line(self, parent: QTreeWidgetItem, text: str, decision_id: int | None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, text)
        item.setToolTip(0, plain_tip(text))
        if decision_id is not None:
            item.setData(0, DECISION_ROLE, decision_id)
        return item

    def _decision(self, parent: QTreeWidgetItem, item: DecisionHistory) -> None:
        zone = self.context.zone
        latest = item.latest
        outcome = OUTCOME_TEXT.get(latest.outcome, latest.outcome)
        versions = len(item.versions)
        node = self._line(
            parent,
            f"Decision {latest.decision_id}: {outcome}, decided "
            f"{stamp_text(latest.decision_time, zone)} by {latest.officer} "
            f"({versions} version{'s' if versions != 1 else ''}; rule pack {latest.rule_pack})",
            latest.decision_id,
        )
        for version in item.versions:
            if version.version == 1:
                text = (
                    f"Version 1: {OUTCOME_TEXT.get(version.outcome, version.outcome)}, "
                    f"recorded {stamp_text(version.recorded_at, zone)} by {version.officer}"
                )
            else:
                text = (
                    f"Version {version.version} (amendment): "
                    f"{OUTCOME_TEXT.get(version.outcome, version.outcome)}, recorded "
                    f"{stamp_text(version.recorded_at, zone)} by {version.officer}; reason: "
                    f"{shown(version.reason or '')}"
                )
            self._line(node, text, latest.decision_id)
        for review in item.reviews:
            note = f"; {shown(review.reason)}" if review.reason else ""
            self._line(
                node,
                f"Review: {review.verdict} by {review.reviewer} "
                f"{stamp_text(review.reviewed_at, zone)}{note}",
                latest.decision_id,
            )

    # -- the chosen decision's memo -----------------------------------------------------

    def _select_decision(self, decision_id: int | None) -> None:
        first = self.tree.topLevelItem(0)
        target = first.child(0) if first is not None and first.childCount() else first
        if decision_id is not None and first is not None:
            for index in range(first.childCount()):
                child = first.child(index)
                if child is not None and child.data(0, DECISION_ROLE) == decision_id:
                    target = child
        if target is not None:
            self.tree.setCurrentItem(target)

    def decision_id(self) -> int | None:
        item = self.tree.currentItem()
        value = None if item is None else item.data(0, DECISION_ROLE)
        return value if isinstance(value, int) else None

    def _current_changed(self, _current: QTreeWidgetItem | None, _old: object) -> None:
        self._choose(self.decision_id())

    def _choose(self, decision_id: int | None) -> None:
        if decision_id is not None:
            self.memo.set_decision(decision_id)
        enabled = decision_id is not None and self.can_print
        for button in self._memo_buttons:
            button.setEnabled(enabled)
        if decision_id is None:
            text = "Choose a decision above to print its memo again."
        elif not self.can_print:
            text = f"Decision {decision_id}: your role does not print memos."
        else:
            text = f"Memo of decision {decision_id} (latest version): print again or save:"
        self.memo_label.setText(text)
        self.memo_label.setAccessibleName(text)


def person_tab(workspace: Workspace) -> PersonPage | None:
    tabs = workspace.tabs
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if isinstance(page, PersonPage):
            return page
    return None


def open_person(workspace: Workspace, booking_number: str, decision_id: int | None = None) -> None:
    """Show the person on the workspace's person tab (made on first use)."""
    tabs = workspace.tabs
    page = person_tab(workspace)
    if page is None:
        page = PersonPage(workspace.context)
        tabs.addTab(page, TAB_TEXT)
    if page.show_person(booking_number, decision_id):
        tabs.setCurrentWidget(page)
        page.tree.setFocus(Qt.FocusReason.OtherFocusReason)

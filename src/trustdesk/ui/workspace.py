"""The signed-in work area: banners, then tabs for the board, reviews, history and admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from trustdesk.services.errors import ServiceError
from trustdesk.services.permissions import ADMINISTRATOR, AUDITOR, OFFICER, SUPERVISOR
from trustdesk.services.review import pack_warnings
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.session import sentence

if TYPE_CHECKING:
    from trustdesk.ui.review import ReviewPage

DESK_ROLES = (OFFICER, SUPERVISOR)


def banner(name: str, text: str, colour: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setAccessibleName(text)
    label.setStyleSheet(f"background: {colour}; color: black; padding: 6px; font-weight: bold;")
    return label


class Workspace(QWidget):
    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("workspace")
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        warnings = pack_warnings(context.rules, context.clock.now())
        self.pack_banner = banner(
            "pack_banner", "⚠ " + " ".join(warnings) if warnings else "", "#ffd54f"
        )
        self.pack_banner.setVisible(bool(warnings))
        layout.addWidget(self.pack_banner)
        # Stale or missing law, with what to do: for the administrators who can act on it.
        self.admin_banner = banner("admin_banner", "", "#ffcc80")
        layout.addWidget(self.admin_banner)
        self.refresh_admin_banner()
        self.clock_banner = banner("clock_banner", "", "#ffab91")
        self.clock_banner.hide()
        layout.addWidget(self.clock_banner)
        self.record_banner = banner("record_banner", "", "#ef9a9a")
        self.record_banner.hide()
        layout.addWidget(self.record_banner)
        self.server_clock_banner = banner("server_clock_banner", "", "#ffab91")
        self.server_clock_banner.hide()
        layout.addWidget(self.server_clock_banner)
        from trustdesk.ui.overdue_banner import OverdueBanner

        self.overdue_banner = OverdueBanner(context.zone)
        layout.addWidget(self.overdue_banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Work areas")
        self.tabs.setTabsClosable(False)
        layout.addWidget(self.tabs)

        from trustdesk.ui.board import BoardPage
        from trustdesk.ui.history import HistoryPage

        self.board = BoardPage(context)
        self.tabs.addTab(self.board, "Board")
        self.history = HistoryPage(context)
        self.tabs.addTab(self.history, "History")
        self.admin: QWidget | None = None
        if context.role in (ADMINISTRATOR, AUDITOR):
            from trustdesk.ui.admin import AdminPage

            self.admin = AdminPage(context)
            self.tabs.addTab(self.admin, "Administration")
            self.admin.rules_changed.connect(self.refresh_admin_banner)
        self.review: ReviewPage | None = None
        self.refused_kept: QWidget | None = None
        self.show_refused_kept()
        self.board.open_review.connect(self.open_review)
        drafts = getattr(self.board, "drafts", None)  # none on an administrator's board
        if drafts is not None:
            drafts.open_draft = lambda: None if self.review is None else self.review.draft_id
        self.board.overdue_alarm.connect(self.overdue_banner.ring)
        self.overdue_banner.acknowledged.connect(self.board.acknowledge_overdue)
        self.board.announce_overdue()
        self.board.record_behind.connect(self.show_record_behind)
        self.show_record_behind(self.board.behind)
        self.board.clock_off.connect(self.show_clock_gap)
        self.show_clock_gap(self.board.clock_gap)
        self.board.open_decision.connect(self.open_decision)
        self.board.open_flagged_contacts.connect(self.review_contacts)
        self.history.amend_requested.connect(lambda decision: self.open_review(None, decision))
        self.history.decision_approved.connect(lambda _decision: self.board.refresh())
        self._offer_drafts()

    def show_record_behind(self, text: str) -> None:
        """The record no longer holds the chain head this workstation saw ("": it does)."""
        self.record_banner.setText(text)
        self.record_banner.setAccessibleName(text or "The record is as this desk last saw it")
        self.record_banner.setVisible(bool(text))

    def show_clock_gap(self, text: str) -> None:
        """This desk's clock is off the record server's ("": it is not)."""
        self.server_clock_banner.setText(text)
        self.server_clock_banner.setAccessibleName(text or "The clock agrees with the server")
        self.server_clock_banner.setVisible(bool(text))

    def show_refused_kept(self) -> None:
        """Add the list of kept decisions and hold closures the record refused, while
        there are any."""
        if self.refused_kept is not None:
            from trustdesk.ui.kept_refused import RefusedKeptPage

            assert isinstance(self.refused_kept, RefusedKeptPage)
            self.refused_kept.reload()
            return
        sync = self.context.services.sync
        if not sync.refused_kept() and not sync.refused_closures.list():
            return
        from trustdesk.ui.kept_refused import RefusedKeptPage

        page = RefusedKeptPage(self.context)
        self.refused_kept = page
        self.tabs.addTab(page, self._refused_title(len(page.items) + len(page.closures)))
        page.changed.connect(self._refused_changed)
        page.review_open = lambda: self.review is not None
        page.rewalk_requested.connect(self.open_review)
        page.closure_recorded.connect(self.board.refresh)

    @staticmethod
    def _refused_title(count: int) -> str:
        return f"⚠ Not recorded ({count})"

    def _refused_changed(self, count: int) -> None:
        page = self.refused_kept
        if page is None:
            return
        if count:
            self.tabs.setTabText(self.tabs.indexOf(page), self._refused_title(count))
            return
        self.tabs.removeTab(self.tabs.indexOf(page))
        page.deleteLater()
        self.refused_kept = None

    def refresh_admin_banner(self) -> None:
        from trustdesk.services.pack_alerts import administrator_alerts

        alerts = (
            administrator_alerts(
                self.context.rules,
                self.context.clock.now(),
                self.context.services.rulepacks.replacements(),
                self.context.services.rulepacks.changes_kept(),
            )
            if self.context.role == ADMINISTRATOR
            else []
        )
        text = "⚠ " + " ".join(alerts) if alerts else ""
        self.admin_banner.setText(text)
        self.admin_banner.setAccessibleName(text or "No rule-pack alerts")
        self.admin_banner.setVisible(bool(alerts))

    # -- reviews ------------------------------------------------------------------------

    def _offer_drafts(self) -> None:
        if self.context.role not in DESK_ROLES:
            return
        drafts = self.context.services.drafts.list(self.context.session)
        if drafts:
            self.board.show_drafts(drafts)

    def new_review(self) -> None:
        self.open_review(None)

    def open_review(self, draft_id: int | None, amend_of: int | None = None) -> None:
        if self.context.role not in DESK_ROLES:
            Ask.info(self, "New review", "Only officers and supervisors record decisions.")
            return
        if self.review is not None:
            open_draft = self.review.draft_id
            if draft_id is not None and draft_id != open_draft:
                label = self.review.review.label()
                Ask.info(
                    self,
                    "A review is open",
                    f"The review “{label}” is open; the draft you chose was not opened. "
                    "Finish that review or close it (Close keeps its draft), then Resume "
                    "the draft you chose.",
                )
            self.tabs.setCurrentWidget(self.review)
            return
        from trustdesk.ui.review import ReviewPage

        stale = self._jurisdiction_changed()
        if stale is not None:
            Ask.error(self, "The agency's jurisdiction changed", stale[0].upper() + stale[1:] + ".")
            return
        try:
            page = ReviewPage(self.context, draft_id, amend_of)
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The review could not be opened", sentence(error))
            return
        page.closed.connect(self._review_closed)
        page.decision_saved.connect(self._decision_saved)
        self.review = page
        index = self.tabs.addTab(page, "Review")
        self.tabs.setCurrentIndex(index)

    def _jurisdiction_changed(self) -> str | None:
        """What changed, when another desk's administrator changed the agency's
        jurisdiction since this desk read it (a review would follow the old law). Not
        asked while the record server is lost (it would wait for the timeout): the save
        checks it anyway, in its own transaction."""
        from trustdesk.rules.errors import RulesError

        services = self.context.services
        if not services.sync.live.feed_reachable:
            return None
        try:
            return services.jurisdiction.changed_since(self.context.rules.jurisdiction)
        except (ServiceError, StoreError, RulesError):
            return None  # the review page says what is wrong with the rules or record

    def _decision_saved(self, _decision_id: int) -> None:
        self.board.refresh()
        if self.refused_kept is not None:  # a kept decision decided again leaves the list
            self.show_refused_kept()

    def _review_closed(self) -> None:
        if self.review is not None:
            self.tabs.removeTab(self.tabs.indexOf(self.review))
            self.review.deleteLater()
            self.review = None
        self.board.refresh()
        self.tabs.setCurrentWidget(self.board)

    def open_decision(self, decision_id: int) -> None:
        self.history.show_decision(decision_id)
        self.tabs.setCurrentWidget(self.history)

    # -- menu commands --------------------------------------------------------------------

    def save(self) -> None:
        current = self.tabs.currentWidget()
        if hasattr(current, "save"):
            current.save()

    def print_current(self) -> None:
        current = self.tabs.currentWidget()
        if hasattr(current, "print_current"):
            current.print_current()

    def show_board(self) -> None:
        self.tabs.setCurrentWidget(self.board)
        self.board.refresh()

    def show_search(self) -> None:
        self.tabs.setCurrentWidget(self.history)
        self.history.focus_search()

    def record_contact(self) -> None:
        """A contact with ICE about the hold, decision or person in view, else about a booking
        number typed in the dialog."""
        from trustdesk.ui.contact_dialog import ContactTarget, open_contact_dialog

        current = self.tabs.currentWidget()
        if current is self.board and self.board.selected_hold() is not None:
            self.board.record_contact()
        elif current is self.history and self.history.view is not None:
            self.history.record_contact()
        elif current is not None and current.objectName() == "person_page":
            # The person's page (not imported here: it imports the workspace's type).
            current.record_contact()  # type: ignore[attr-defined]
        else:
            self.contact_dialog = open_contact_dialog(self, self.context, ContactTarget())

    def changed_elsewhere(self) -> None:
        """Another desk changed the shared record: the board, and the decision or person
        in view (a contact recorded there belongs in their history), show it."""
        self.board.changed_elsewhere()
        current = self.tabs.currentWidget()
        if current is self.history and self.history.view is not None:
            self.history.show_decision(self.history.view.latest.decision_id)
        elif current is not None and current.objectName() == "person_page":
            current.reload(focus=False)  # type: ignore[attr-defined]

    def review_contacts(self) -> None:
        from trustdesk.ui.contact_review import ContactReviewDialog

        self.contact_review = ContactReviewDialog(self.context, self)
        self.contact_review.open()

    def keep_review(self) -> str | None:
        """Keep the review in progress as a draft: why it could not be kept, or None."""
        if self.review is None:
            return None
        problem = self.review.autosave()
        return None if problem is None else self.review.not_kept_because(problem)

    def before_lock(self) -> str | None:
        """Keep the work in progress (drafts) before the screen is covered or closed: why
        the review in progress could not be kept, or None."""
        problem = self.keep_review()
        from trustdesk.ui.contact_dialog import ContactDialog
        from trustdesk.ui.contact_review import ContactReviewDialog

        # Contact dialogs show a person's facts: never left open behind the lock screen.
        for dialog in (*self.findChildren(ContactDialog), *self.findChildren(ContactReviewDialog)):
            dialog.reject()
        return problem

    def show_clock_jump(self, seconds: int) -> None:
        direction = "forward" if seconds > 0 else "back"
        minutes = abs(seconds) // 60
        self.clock_banner.setText(
            f"⚠ The computer's clock jumped {direction} by about {minutes} minutes. "
            "Countdowns are unaffected; check the clock before recording times. "
            "The jump has been recorded in the audit trail."
        )
        self.clock_banner.show()

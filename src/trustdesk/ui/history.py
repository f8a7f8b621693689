"""Decision history: search, a sortable result table, and one decision in detail with its
supervisor review (approve) and amendment (the review wizard, which the workspace opens).

The services decide who may do what (and record every search and view); this page only
hides or disables what the signed-in role cannot do and shows refusals in their words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelection, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from trustdesk.core.characters import shown
from trustdesk.services.contacts import contacts_for_person
from trustdesk.services.decisions import MAX_REASON, DecisionView
from trustdesk.services.errors import ServiceError
from trustdesk.services.permissions import Operation, allowed
from trustdesk.services.sync import RecordUnreachable
from trustdesk.store.errors import ServerUnavailable, StoreError
from trustdesk.ui.context import UiContext
from trustdesk.ui.decision_detail import build_detail, decision_trail
from trustdesk.ui.dialogs import Ask, TextQuestion
from trustdesk.ui.history_detail import DetailPanel
from trustdesk.ui.history_form import SearchFormWidget
from trustdesk.ui.history_model import DECIDED, SORT_ROLE, SummaryTableModel, table_view
from trustdesk.ui.history_query import RESULT_LIMIT
from trustdesk.ui.session import sentence

#: Browsing the results with the arrow keys opens a decision once the keys rest.
SELECT_DELAY_MS = 200
#: What to do with an approval the lost server refused.
KEEP_APPROVAL = "The decision still waits for review; nothing about it changed."


class ApprovalDialog(TextQuestion):
    """The supervisor's approval: the question, and a note for the record if they wish
    (``ask`` gives "" for no note, None when the approval is cancelled)."""

    title = "Approve decision"
    name = "approval_note"
    accessible_name = "Supervisor's note on the approval"
    max_length = MAX_REASON
    ok_text = "Approve"

    @classmethod
    def prompt(cls, subject: str) -> str:
        return f"{subject}\n\nA note for the record (optional, one line):"


class HistoryPage(QWidget):
    amend_requested = Signal(int)  # a decision id: the workspace opens the review pre-filled
    decision_approved = Signal(int)

    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("history")
        self.context = context
        self.can_list = allowed(context.role, Operation.DECISION_LIST)
        self.can_review = allowed(context.role, Operation.DECISION_REVIEW)
        self.can_amend = allowed(context.role, Operation.DECISION_AMEND)
        self.view: DecisionView | None = None
        self._searched = False
        self._programmatic = False
        self.results = SummaryTableModel(context.zone, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.results)
        self.proxy.setSortRole(SORT_ROLE)
        self.form = SearchFormWidget(context.clock.now().astimezone(context.zone).date())
        self.table = table_view("results_table", "Search results")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(DECIDED, Qt.SortOrder.DescendingOrder)
        self.count = QLabel()
        self.count.setObjectName("results_count")
        self.count.setAccessibleName("Number of results")
        self.detail = DetailPanel()
        self._select_timer = QTimer(self)
        self._select_timer.setSingleShot(True)
        self._select_timer.setInterval(SELECT_DELAY_MS)
        self._select_timer.timeout.connect(self._open_current)
        self._lay_out()
        self.form.search_requested.connect(self.search)
        self.table.activated.connect(lambda _index: self._open_current())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.detail.approve_button.clicked.connect(self.approve)
        self.detail.amend_button.clicked.connect(self.request_amend)
        self.detail.contact_button.clicked.connect(self.record_contact)
        self._update_actions()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        if not self.can_list:
            note = QLabel("Administrators do not see case files; history is not available.")
            note.setObjectName("history_not_allowed")
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
            for widget in (self.form, self.table, self.count, self.detail):
                widget.setParent(self)
                widget.hide()
            return
        layout.addWidget(self.form)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("R&esults:")
        heading.setBuddy(self.table)
        top_layout.addWidget(heading)
        top_layout.addWidget(self.table, 1)
        top_layout.addWidget(self.count)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        QWidget.setTabOrder(self.form.search_button, self.table)
        QWidget.setTabOrder(self.table, self.detail.approve_button)
        QWidget.setTabOrder(self.detail.approve_button, self.detail.amend_button)
        QWidget.setTabOrder(self.detail.amend_button, self.detail.contact_button)
        QWidget.setTabOrder(self.detail.contact_button, self.detail.text)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._searched and self.can_list:
            self.search()  # the newest decisions, the first time the page is opened

    # -- searching ----------------------------------------------------------------------

    def focus_search(self) -> None:
        self.form.name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.form.name.selectAll()

    def search(self) -> None:
        self._searched = True
        query = self.form.form().query(self.context.zone)
        try:
            rows = self.context.services.decisions.search(self.context.session, query)
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The search did not run", sentence(error))
            return
        self._quietly(self.results.set_rows, rows)
        self.table.resizeColumnsToContents()  # at most RESULT_LIMIT rows, once per search
        more = (
            " (the newest shown; narrow the search for others)" if len(rows) >= RESULT_LIMIT else ""
        )
        self.count.setText(f"{len(rows)} decision{'s' if len(rows) != 1 else ''} found{more}")
        if self.view is not None:
            self._select_row_of(self.view.latest.decision_id)
        elif rows:
            self._quietly(self.table.selectRow, 0)  # a place to start; nothing is opened

    def decision_ids(self) -> list[int]:
        """The result rows' decision numbers, in the order the table shows them."""
        ids = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            summary = self.results.summary_at(source.row())
            if summary is not None:
                ids.append(summary.decision_id)
        return ids

    def _quietly(self, change: Callable[[Any], None], value: Any) -> None:
        """Change the results or the selection without opening (and auditing) a decision."""
        self._programmatic = True
        try:
            change(value)
        finally:
            self._programmatic = False

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if not self._programmatic:
            self._select_timer.start()

    def _current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        summary = self.results.summary_at(self.proxy.mapToSource(index).row())
        return None if summary is None else summary.decision_id

    def _open_current(self) -> None:
        self._select_timer.stop()
        decision_id = self._current_id()
        if decision_id is not None and (
            self.view is None or self.view.latest.decision_id != decision_id
        ):
            self.show_decision(decision_id)

    # -- one decision -------------------------------------------------------------------

    def show_decision(self, decision_id: int) -> None:
        """Open one decision in the detail pane (the service records the viewing)."""
        try:
            view = self.context.services.decisions.view(self.context.session, decision_id)
            trail = decision_trail(self.context.services.decisions, self.context.session, view)
            contacts = contacts_for_person(
                self.context.services.ctx, self.context.session, person_id=view.latest.person_id
            )
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The decision cannot be shown", sentence(error))
            return
        self.view = view
        self.detail.show_sections(build_detail(view, trail, self.context.zone, contacts))
        self._select_row_of(decision_id)
        self._update_actions()

    def _select_row_of(self, decision_id: int) -> None:
        if self._current_id() == decision_id:
            return
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            summary = self.results.summary_at(source.row())
            if summary is not None and summary.decision_id == decision_id:
                self._quietly(self.table.selectRow, row)
                return
        self._quietly(lambda _none: self.table.clearSelection(), None)

    def _update_actions(self) -> None:
        view = self.view
        shown = view is not None
        self.detail.approve_button.setEnabled(
            self.can_review and view is not None and view.awaiting_review
        )
        self.detail.amend_button.setEnabled(self.can_amend and shown)
        self.detail.contact_button.setEnabled(
            shown and allowed(self.context.role, Operation.CONTACT_RECORD)
        )
        if not (self.can_review or self.can_amend):
            self.detail.role_note.setText("Read-only: your role changes no records.")
        elif view is not None and view.awaiting_review:
            self.detail.role_note.setText("⚠ Awaiting a supervisor's review.")
        else:
            self.detail.role_note.setText("")

    def approve(self) -> None:
        """Approve the version shown; the service refuses roles and own decisions."""
        view = self.view
        if view is None:
            return
        latest = view.latest
        question = (
            f"Approve decision {latest.decision_id}, version {latest.version} "
            f"({shown(latest.person.name)}, {latest.outcome.upper()}) as reviewed by you?"
        )
        sync = self.context.services.sync
        try:  # refused at once while the record server is lost (0026)
            sync.require_record("review", KEEP_APPROVAL)
        except RecordUnreachable as error:
            Ask.error(self, "Not recorded: the record server cannot be reached", str(error))
            return
        note = ApprovalDialog.ask(self, question)
        if note is None:
            return
        try:
            self.context.services.decisions.approve(
                self.context.session, latest.decision_id, record_id=latest.id, note=note
            )
        except ServerUnavailable:
            typed = f" Your note, to type again: “{note}”." if note else ""
            refusal = sync.unreachable("review", KEEP_APPROVAL)
            Ask.error(
                self, "Not recorded: the record server cannot be reached", f"{refusal}{typed}"
            )
            return
        except (ServiceError, StoreError) as error:
            Ask.error(self, "The decision was not approved", sentence(error))
            return
        self.decision_approved.emit(latest.decision_id)
        self.show_decision(latest.decision_id)

    def record_contact(self) -> None:
        """The contact dialog for the person of the decision shown; the detail follows."""
        if self.view is None:
            return
        from trustdesk.ui.contact_dialog import ContactTarget, open_contact_dialog

        latest = self.view.latest
        target = ContactTarget(
            latest.decision_id, latest.person_id, latest.person.booking_number, latest.person.name
        )
        self.contact_dialog = open_contact_dialog(self, self.context, target)
        self.contact_dialog.recorded.connect(lambda _r: self.show_decision(latest.decision_id))

    def request_amend(self) -> None:
        if self.view is not None:
            self.amend_requested.emit(self.view.latest.decision_id)

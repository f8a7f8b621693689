"""The board (home screen): active holds with live countdowns, the review queue, today's
decisions and the reviews in progress.

Data comes in one service call per list every 30 s, and at once when the shared record
changed elsewhere (another desk, a command line: ``changed_elsewhere``, from ``ui.live``);
the countdown moves every second on the monotonic clock (see ``countdown``), so it
survives changes of the wall clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from trustdesk.rules.errors import RulesError
from trustdesk.services.alarm_acks import acknowledged as alarms_acknowledged
from trustdesk.services.alarm_acks import record_acknowledgement
from trustdesk.services.contacts import pending_contact_reviews
from trustdesk.services.errors import ServiceError
from trustdesk.services.overdue_alarm import OverdueAlarm, OverdueAlarms
from trustdesk.services.permissions import Operation, allowed
from trustdesk.store.case_records import HoldStatus
from trustdesk.store.errors import StoreError
from trustdesk.ui.board_close import CLOSE_ACTIONS, CloseAction, close_hold
from trustdesk.ui.board_drafts import DraftsPanel
from trustdesk.ui.board_model import COUNTDOWN, NAME, STATUS, HoldTableModel
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import STATUS_TEXT, Anchor, Urgency
from trustdesk.ui.history_model import NUMBER, VERSION, SummaryTableModel, table_view
from trustdesk.ui.history_query import today_query
from trustdesk.ui.session import sentence

TICK_MS = 1000
REFRESH_MS = 30_000
KEYS = {action.key: action for action in CLOSE_ACTIONS}


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def law_zones(context: UiContext) -> set[str]:
    """The time zones the jurisdiction's packs count the hold clock in (the law's)."""
    try:
        packs = context.rules.packs
    except (RulesError, ServiceError, StoreError, OSError):
        return set()  # rules that cannot be read are reported where they are used
    return {loaded.pack.timezone for loaded in packs}


def zone_note(context: UiContext) -> str:
    """What the board says of its times when the agency's zone (the profile's, which
    the board shows) is not the one the law counts the hold clock in ("" when it is):
    a deadline read as the other zone's would be hours off."""
    others = sorted(law_zones(context) - {context.zone_name})
    if not others:
        return ""
    return (
        f"Times on the board are in {context.zone_name}, the agency's time zone; the hold "
        f"clock counts days in {', '.join(others)}, the law's."
    )


class BoardPage(QWidget):
    open_review = Signal(object)  # a draft id, or None for a new review
    open_decision = Signal(int)
    #: The supervisor asked for the flagged ICE contacts waiting for review.
    open_flagged_contacts = Signal()
    #: The overdue alarm: (holds that just became overdue, every one still ringing).
    overdue_alarm = Signal(object, object)
    #: What the desk says while the record is behind this workstation's anchor ("": not).
    record_behind = Signal(str)
    #: What the desk says while its clock is off the record server's ("": it is not).
    clock_off = Signal(str)

    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("board")
        self.context = context
        self.can_list = allowed(context.role, Operation.DECISION_LIST)
        self.can_close = allowed(context.role, Operation.HOLD_CLOSE)
        self.can_draft = allowed(context.role, Operation.DRAFT_USE)
        self.anchor: Anchor | None = None
        self._stale = False
        self.alarms = OverdueAlarms()
        self._ringing: list[OverdueAlarm] = []
        #: Acknowledgements read with the holds, not yet given to the alarm.
        self._acknowledged: dict[int, frozenset[datetime]] | None = None
        #: Why the record is not what this workstation last saw ("" while it is).
        self.behind = ""
        #: How far this desk's clock is off the record server's ("" while it is not).
        self.clock_gap = ""
        self.holds = HoldTableModel(context.zone, self)
        self.awaiting = SummaryTableModel(context.zone, self)
        self.today = SummaryTableModel(context.zone, self)
        self._build()
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self.tick)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self._auto_refresh)
        if self.can_list:
            self.refresh()
            self.tick_timer.start()
            self.refresh_timer.start()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        if not self.can_list:
            note = QLabel(
                "Administrators do not see case files. The board is for officers, "
                "supervisors and auditors."
            )
            note.setObjectName("board_not_allowed")
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)
            return
        top = QHBoxLayout()
        self.table = self._holds_table()
        self.summary = QLabel()
        self.summary.setObjectName("holds_summary")
        self.summary.setAccessibleName("Active holds summary")
        top.addWidget(_buddy("Ac&tive holds:", self.table))
        top.addWidget(self.summary, 1)
        self.refresh_button = self._button("Refre&sh", "refresh_board", "Refresh the board")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        self.new_button = self._button("&New review", "new_review", "Start a new review")
        self.new_button.clicked.connect(lambda: self.open_review.emit(None))
        self.new_button.setVisible(allowed(self.context.role, Operation.DECISION_CREATE))
        top.addWidget(self.new_button)
        layout.addLayout(top)
        self.zone_note = QLabel(zone_note(self.context))
        self.zone_note.setObjectName("board_zone")
        self.zone_note.setAccessibleName("Time zone of the board")
        self.zone_note.setWordWrap(True)
        self.zone_note.setVisible(bool(self.zone_note.text()))
        layout.addWidget(self.zone_note)
        # Supervisors see at once how many flagged ICE contacts wait for their review
        # (the same queue as Go → Flagged ICE contacts…); hidden when none wait.
        self.can_review_contacts = allowed(self.context.role, Operation.CONTACT_REVIEW)
        self.flagged_button = self._button("", "flagged_contacts", "Flagged ICE contacts")
        self.flagged_button.clicked.connect(self.open_flagged_contacts.emit)
        self.flagged_button.setVisible(False)
        layout.addWidget(self.flagged_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.table, 3)
        actions = QHBoxLayout()
        self.close_buttons: dict[str, QPushButton] = {}
        for action in CLOSE_ACTIONS:
            button = self._button(action.label, action.outcome, action.label.replace("&", ""))
            button.clicked.connect(lambda _=False, a=action: self.close_selected(a))
            self.close_buttons[action.outcome] = button
            actions.addWidget(button)
        self.contact_button = self._button(
            "&ICE contact… (I)", "record_contact", "Record a contact with ICE about this hold"
        )
        self.contact_button.clicked.connect(self.record_contact)
        self.contact_button.setVisible(allowed(self.context.role, Operation.CONTACT_RECORD))
        actions.addWidget(self.contact_button)
        if not self.can_close:
            actions.addWidget(QLabel("Read-only: your role does not close holds."))
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel()
        self.status.setObjectName("board_status")
        self.status.setAccessibleName("Board status")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        layout.addWidget(self._lower(), 2)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self._update_actions()
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        """The holds first, their actions next, then the other lists (not creation order)."""
        order: list[QWidget] = [self.table, *self.close_buttons.values(), self.contact_button]
        order += [self.refresh_button, self.new_button, self.awaiting_table, self.today_table]
        order += [self.drafts.list, self.drafts.resume_button, self.drafts.discard_button]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible)
        return button

    def _holds_table(self) -> QTableView:
        table = table_view(
            "holds_table",
            "Active holds",
            "Ordered by expiry, overdue first. C: ICE took custody; E: released at expiry; "
            "O: released otherwise; Enter: open the decision.",
        )
        table.setModel(self.holds)
        header = table.horizontalHeader()
        width = table.fontMetrics().horizontalAdvance
        table.setColumnWidth(STATUS, max(width(text) for text in STATUS_TEXT.values()) + 24)
        table.setColumnWidth(NAME, width("M" * 16))
        header.setSectionResizeMode(COUNTDOWN, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        table.activated.connect(self._open_hold)
        table.installEventFilter(self)
        return table

    def _lower(self) -> QSplitter:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.awaiting_table = table_view("awaiting_table", "Decisions awaiting supervisor review")
        self.awaiting_table.setModel(self.awaiting)
        self.awaiting_table.activated.connect(lambda i: self._open_summary(self.awaiting, i))
        self.today_table = table_view("today_table", "Today's decisions")
        self.today_table.setModel(self.today)
        self.today_table.activated.connect(lambda i: self._open_summary(self.today, i))
        for title, table in (
            ("A&waiting supervisor review", self.awaiting_table),
            ("Toda&y's decisions", self.today_table),
        ):
            box = QGroupBox(title)  # its mnemonic moves the focus into the table
            QVBoxLayout(box).addWidget(table)
            for column in (NUMBER, VERSION):
                table.hideColumn(column)
            splitter.addWidget(box)
        self.drafts = DraftsPanel(self.context)
        self.drafts.resume_requested.connect(self.open_review.emit)
        self.drafts.setVisible(self.can_draft)
        splitter.addWidget(self.drafts)
        return splitter

    # -- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload every list (one service call each) and restart the countdowns."""
        if not self.can_list:
            return
        services, session = self.context.services, self.context.session
        clock = self.context.clock
        if self.anchor is None:
            self.anchor = Anchor(clock.now(), clock.monotonic())
        try:
            holds = services.holds.active(session)
            acknowledged = alarms_acknowledged(
                services.ctx, session, holds, self.anchor.now(clock.monotonic())
            )
            awaiting = services.decisions.awaiting_review(session)
            today = services.decisions.search(
                session, today_query(self.anchor.now(clock.monotonic()), self.context.zone)
            )
            drafts = services.drafts.list(session) if self.can_draft else None
            flagged = (
                pending_contact_reviews(services.ctx, session) if self.can_review_contacts else []
            )
            # Holds the record lost under this desk (put back to an older backup) leave
            # the board below without a word: said above every page.
            behind = services.records.rolled_back(session) or ""
            clock_gap = services.records.clock_gap() or ""
        except (ServiceError, StoreError) as error:
            self._show_status(f"⚠ The board could not be refreshed: {sentence(error)}")
            return
        if behind != self.behind:
            self.behind = behind
            self.record_behind.emit(behind)
        if clock_gap != self.clock_gap:
            self.clock_gap = clock_gap
            self.clock_off.emit(clock_gap)
        self._show_flagged(len(flagged))
        self._show_status("")
        self._acknowledged = acknowledged
        self._set_holds(holds)
        for model, table, rows in (
            (self.awaiting, self.awaiting_table, awaiting),
            (self.today, self.today_table, today),
        ):
            model.set_rows(rows)
            table.resizeColumnsToContents()  # samples at most 50 rows (see table_view)
        if drafts is not None:
            self.show_drafts(drafts)

    def _show_flagged(self, count: int) -> None:
        text = f"⚠ {count} flagged ICE contact{'s' if count != 1 else ''} waiting for review…"
        self.flagged_button.setText(text)
        self.flagged_button.setAccessibleName(text.rstrip("…"))
        self.flagged_button.setVisible(count > 0)

    def _set_holds(self, holds: list[HoldStatus]) -> None:
        assert self.anchor is not None
        # A hold closed here while the server was lost is gone from the desk already.
        kept = self.context.services.sync.hidden_holds()
        holds = [hold for hold in holds if hold.hold_id not in kept]
        chosen = self.selected_hold()
        row = max(self.table.currentIndex().row(), 0)
        self.holds.set_holds(holds, self.anchor, self.context.clock.monotonic())
        again = None if chosen is None else self.holds.row_of(chosen.hold_id)
        if self.holds.rowCount():
            self.table.selectRow(
                again if again is not None else min(row, self.holds.rowCount() - 1)
            )
        self._update_summary()
        self._update_actions()
        self._check_overdue()

    def show_drafts(self, drafts: Sequence[Any]) -> None:
        if self.can_list:
            self.drafts.show_drafts(drafts)

    def tick(self) -> None:
        """Move the countdowns on (the timer calls this every second)."""
        if self.anchor is not None:
            self.holds.tick(self.context.clock.monotonic())
            self._update_summary()
            self._check_overdue()

    def _check_overdue(self) -> None:
        """Ring for holds that just became overdue (once each; the policy is Qt-free)."""
        assert self.anchor is not None
        now = self.anchor.now(self.context.clock.monotonic())
        # The record's acknowledgements are passed once per reading of the record.
        acknowledged, self._acknowledged = self._acknowledged, None
        new = self.alarms.update(self.holds.all(), now, acknowledged)
        ringing = self.alarms.ringing
        if new or ringing != self._ringing:
            self._ringing = ringing
            self.overdue_alarm.emit(new, ringing)

    def announce_overdue(self) -> None:
        """Tell again what rings (the window connects after the board's first load)."""
        if self._ringing:
            self.overdue_alarm.emit(self._ringing, self._ringing)

    def acknowledge_overdue(self) -> None:
        """Someone at this desk has seen the overdue alarm: quiet until the next hold,
        here at once and, once it is on the record, at every desk (decision 0034)."""
        seen = self.alarms.acknowledge()
        self._ringing = []
        self.overdue_alarm.emit([], [])
        try:
            record_acknowledgement(self.context.services.ctx, self.context.session, seen)
        except (ServiceError, StoreError) as error:
            # Quiet here all the same (the officer has seen it); the other desks ring on.
            self._show_status(
                f"⚠ The acknowledgement was not recorded, so other desks still ring: "
                f"{sentence(error)}"
            )

    def _auto_refresh(self) -> None:
        if self.isVisible():  # not behind the lock screen
            self.refresh()

    def changed_elsewhere(self) -> None:
        """The shared record changed: show it now, or as soon as the board is seen again."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    def _show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _update_summary(self) -> None:
        states = [self.holds.urgency_at(row) for row in range(self.holds.rowCount())]
        overdue, soon = states.count(Urgency.OVERDUE), states.count(Urgency.SOON)
        text = f"{len(states)} active — ‼ {overdue} overdue, ⚠ {soon} due within 4 h"
        if text != self.summary.text():
            self.summary.setText(text)

    # -- actions ------------------------------------------------------------------------

    def selected_hold(self) -> HoldStatus | None:
        return self.holds.hold_at(self.table.currentIndex().row())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """C, E and O on the holds table (a filter: the table would take letters as search)."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.ShiftModifier,
            )
            action = KEYS.get(event.text().upper()) if plain else None
            if plain and event.text().upper() == "I":
                self.record_contact()
                return True
            if action is not None:
                self.close_selected(action)
                return True
        return super().eventFilter(watched, event)

    def _update_actions(self) -> None:
        chosen = self.selected_hold() is not None
        for button in self.close_buttons.values():
            button.setEnabled(self.can_close and chosen)
        self.contact_button.setEnabled(
            chosen and allowed(self.context.role, Operation.CONTACT_RECORD)
        )

    def close_selected(self, action: CloseAction) -> None:
        hold = self.selected_hold()
        if hold is None or not self.can_close:
            return
        # Refreshed either way: a refusal may mean another desk closed it first; and a
        # closure kept offline leaves the board even though the record cannot be read.
        if close_hold(self, self.context, hold, action, self.context.zone):
            self._set_holds(self.holds.all())
        self.refresh()
        self.table.setFocus()

    def record_contact(self) -> None:
        """The contact dialog for the selected hold's person (I on the holds table)."""
        hold = self.selected_hold()
        if hold is None or not allowed(self.context.role, Operation.CONTACT_RECORD):
            return
        from trustdesk.ui.contact_dialog import ContactTarget, open_contact_dialog

        target = ContactTarget(hold.decision_id, None, hold.booking_number, hold.name)
        self.contact_dialog = open_contact_dialog(self, self.context, target)
        self.contact_dialog.finished.connect(lambda _result: self.table.setFocus())

    def _open_hold(self, index: QModelIndex) -> None:
        hold = self.holds.hold_at(index.row())
        if hold is not None:
            self.open_decision.emit(hold.decision_id)

    def _open_summary(self, model: SummaryTableModel, index: QModelIndex) -> None:
        row = model.summary_at(index.row())
        if row is not None:
            self.open_decision.emit(row.decision_id)

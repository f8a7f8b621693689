"""The one top-level window: gate pages before sign-in, the workspace after. Wiring only."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from trustdesk.services.bundle import Services
from trustdesk.ui.clock import Clock, JumpDetector
from trustdesk.ui.context import RulesHolder, UiContext
from trustdesk.ui.gate import LockPage, SignInPage
from trustdesk.ui.idle import IdleWatcher
from trustdesk.ui.server_banner import ServerBanner
from trustdesk.ui.session import Gatekeeper

TYPE_CHECKING = False
if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QDialog, QMenu

    from trustdesk.ui.firstrun import FirstRunPage
    from trustdesk.ui.live import LiveLink
    from trustdesk.ui.workspace import Workspace

log = logging.getLogger("trustdesk.ui")


class MainWindow(QMainWindow):
    ready = Signal()
    signed_in = Signal()
    locked = Signal()

    def __init__(
        self,
        services: Services,
        rules: RulesHolder,
        clock: Clock | None = None,
        *,
        idle_limit: float | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("main_window")
        self.setWindowTitle("TrustDesk")
        self.services = services
        self.rules = rules
        self.clock = clock or Clock()
        self.gate = Gatekeeper(services)
        self.stack = QStackedWidget()
        # The server banner above every page: it matters on the lock screen too.
        self.server_banner = ServerBanner()
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.server_banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.live: LiveLink | None = None
        self._first_run: FirstRunPage | None = None
        self.sign_in = SignInPage(self.gate.agency_name())
        self.lock_page = LockPage()
        for page in (self.sign_in, self.lock_page):
            self.stack.addWidget(page)
        self.workspace: Workspace | None = None
        self._dialog: QDialog | None = None
        self.context: UiContext | None = None
        if idle_limit is None:  # the machine's idle_lock_minutes (IT may lower the CJIS 30)
            from trustdesk.config import current

            idle_limit = current().idle_lock_minutes * 60
        self.idle = IdleWatcher(self.clock, idle_limit)
        self.jumps = JumpDetector(self.clock)
        self.jump_timer = QTimer(self)
        self.jump_timer.setInterval(5000)
        self.jump_timer.timeout.connect(self._check_clock)
        #: Every minute while the record answers, and at once when the change feed reports
        #: an account's change: an account disabled, locked or given a new password since
        #: sign-in can no longer be unlocked on the desk offline.
        self.proof_timer = QTimer(self)
        self.proof_timer.setInterval(60_000)
        self.proof_timer.timeout.connect(self._check_proof)
        self._build_actions()
        self.sign_in.sign_in_requested.connect(self._sign_in)
        self.lock_page.unlock_requested.connect(self._unlock)
        self.lock_page.sign_out_requested.connect(self.ask_sign_out)
        minutes = max(1, round(idle_limit / 60))
        idle_reason = f"Locked after {minutes} minute{'s' if minutes != 1 else ''} without use."
        self.idle.idle_expired.connect(lambda: self.lock(idle_reason))
        self.resize(1100, 760)

    @property
    def first_run(self) -> FirstRunPage:
        """The setup page, built only on a data folder that needs it."""
        if self._first_run is None:
            from trustdesk.ui.firstrun import FirstRunPage

            self._first_run = FirstRunPage()
            self._first_run.setup_requested.connect(self._set_up)
            self.stack.addWidget(self._first_run)
        return self._first_run

    # -- actions ------------------------------------------------------------------------

    def _action(
        self,
        menu: QMenu,
        text: str,
        shortcut: str | None,
        slot: Callable[[], object],
    ) -> QAction:
        # Made by the menu: the first QAction(text, parent) costs 2 ms more, because
        # PySide6 tries the constructor's QIcon overload, building QIcon's class first.
        action = menu.addAction(text)
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _install_shortcuts(self) -> None:
        """Keyboard shortcuts, set at the first sign-in: before it they have nothing to do,
        and building Qt's key tables would delay the sign-in window by tens of ms."""
        from PySide6.QtGui import QKeySequence

        for action, shortcut in self._shortcuts:
            if shortcut.startswith("std:"):  # the platform's own key for a standard command
                action.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, shortcut[4:])))
            else:
                action.setShortcut(QKeySequence(shortcut))
        self._shortcuts.clear()

    def _build_actions(self) -> None:
        self._shortcuts: list[tuple[QAction, str]] = []
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.new_action = self._action(
            file_menu, "&New review", "std:New", lambda: self._ws("new_review")
        )
        self.save_action = self._action(file_menu, "&Save", "std:Save", lambda: self._ws("save"))
        self.print_action = self._action(
            file_menu, "&Print…", "std:Print", lambda: self._ws("print_current")
        )
        self.contact_action = self._action(
            file_menu, "Record ICE &contact…", "Ctrl+I", lambda: self._ws("record_contact")
        )
        file_menu.addSeparator()
        self.lock_action = self._action(
            file_menu, "&Lock", "Ctrl+L", lambda: self.lock("Locked by you.")
        )
        self.sign_out_action = self._action(file_menu, "Sign &out", None, self.ask_sign_out)
        self._action(file_menu, "&Quit", "std:Quit", self.close)
        go_menu = bar.addMenu("&Go")
        self.board_action = self._action(
            go_menu, "&Board", "Ctrl+1", lambda: self._ws("show_board")
        )
        self.search_action = self._action(
            go_menu, "&Search history", "std:Find", lambda: self._ws("show_search")
        )
        self.find_action = self._action(go_menu, "&Find any record…", "Ctrl+Shift+F", self._find)
        self.reports_action = self._action(go_menu, "&Reports", "Ctrl+Shift+R", self._reports)
        self.verify_action = self._action(go_menu, "&Verify a memo…", None, self._verify_memo)
        self.contact_review_action = self._action(
            go_menu, "&Flagged ICE contacts…", None, lambda: self._ws("review_contacts")
        )
        help_menu = bar.addMenu("&Help")
        self.about_action = self._action(help_menu, "&About TrustDesk", None, self._about)
        self._signed_in_actions = (
            self.new_action,
            self.save_action,
            self.print_action,
            self.lock_action,
            self.sign_out_action,
            self.board_action,
            self.search_action,
            self.find_action,
            self.reports_action,
            self.verify_action,
            self.contact_action,
            self.contact_review_action,
        )
        self._enable_work(False)

    def _enable_work(self, enabled: bool) -> None:
        for action in self._signed_in_actions:
            action.setEnabled(enabled)

    def _ws(self, method: str) -> None:
        if self.workspace is not None and self.stack.currentWidget() is self.workspace:
            getattr(self.workspace, method)()

    def _find(self) -> None:
        """The finder, over whatever page of the workspace is showing."""
        if self.workspace is not None and self.stack.currentWidget() is self.workspace:
            from trustdesk.ui.search import open_finder

            self._close_dialogs()
            self._dialog = open_finder(self.workspace, self)

    def _reports(self) -> None:
        if self.workspace is not None and self.stack.currentWidget() is self.workspace:
            from trustdesk.ui.reports_page import show_reports

            show_reports(self.workspace)

    def _verify_memo(self) -> None:
        if self.context is None:
            return
        from trustdesk.ui.verify_memo import VerifyMemoDialog

        self._close_dialogs()
        self._dialog = VerifyMemoDialog(self.context, self)
        self._dialog.open()

    def _close_dialogs(self) -> None:
        """Close a window of the signed-in work (before the lock covers the rest)."""
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None

    def _about(self) -> None:
        from trustdesk.ui.about import AboutDialog

        AboutDialog.ask(self, self.rules, self.clock)

    # -- the gate -----------------------------------------------------------------------

    def start(self) -> None:
        """Show the first page: setup on an empty data folder, else sign-in."""
        if self.gate.needs_setup():
            self.stack.setCurrentWidget(self.first_run)
            self.setWindowTitle("TrustDesk — set up")
        else:
            self.stack.setCurrentWidget(self.sign_in)
            self.sign_in.reset()
            self.sign_in.set_admin_warning(self.gate.admin_warning())
        self.show()
        QTimer.singleShot(0, self.ready.emit)

    def _set_up(self, values: dict[str, object]) -> None:
        message = self.gate.set_up(values)
        if message:
            self.first_run.failed(message)
            return
        self.sign_in.agency.setText(self.gate.agency_name())
        self.stack.setCurrentWidget(self.sign_in)
        self.setWindowTitle("TrustDesk")
        self.sign_in.reset("Setup complete. Sign in with the administrator account.", success=True)
        self.sign_in.set_admin_warning(self.gate.admin_warning())

    def _sign_in(self, username: str, password: str) -> None:
        result = self.gate.sign_in(username, password)
        if isinstance(result, str):
            self.sign_in.failed(result)
            return
        session, role = result
        from trustdesk.config import current

        self.context = UiContext(
            self.services,
            self.rules,
            self.clock,
            session,
            role,
            self.gate.zone_name(),
            default_printer=current().default_printer or None,  # IT's printer, or the system's
        )
        from trustdesk.ui.workspace import Workspace

        self._install_shortcuts()
        self.workspace = Workspace(self.context)
        from trustdesk.ui.reports_page import add_reports_tab

        add_reports_tab(self.workspace)
        self.stack.addWidget(self.workspace)
        self.stack.setCurrentWidget(self.workspace)
        self.sign_in.reset()
        self.setWindowTitle(f"TrustDesk — {session.username} ({role})")
        self._enable_work(True)
        QApplication.instance().installEventFilter(self.idle)  # type: ignore[union-attr]
        self.idle.start()
        self.jumps = JumpDetector(self.clock)
        self.jump_timer.start()
        self.proof_timer.start()
        self._watch_record()
        self.signed_in.emit()

    def _watch_record(self) -> None:
        """Boards follow the shared record; the banner says when its server is lost."""
        from trustdesk.ui.live import LiveLink

        assert self.context is not None
        self.services.sync.remember(self.context.session)
        if self._kept_changed not in self.services.sync.kept_listeners:
            self.services.sync.kept_listeners.append(self._kept_changed)
        self.live = LiveLink(self.services, self)
        self.live.board_changed.connect(self._board_changed)
        self.live.reachability_changed.connect(self._reachability_changed)
        self.live.accounts_changed.connect(self._check_proof)
        self.live.flushed.connect(self.server_banner.show_flushed)
        self.live.flushed.connect(self._kept_flushed)
        self.live.start()

    def _stop_watching(self) -> None:
        if self._kept_changed in self.services.sync.kept_listeners:
            self.services.sync.kept_listeners.remove(self._kept_changed)
        if self.live is not None:
            self.live.stop()
            self.live.deleteLater()
            self.live = None
        self.server_banner.hide()

    def _board_changed(self) -> None:
        if self.workspace is not None:
            self.workspace.changed_elsewhere()

    def _kept_flushed(self, _result: object) -> None:
        if self.workspace is not None:  # a kept decision refused: listed, never dropped
            self.workspace.show_refused_kept()
            # A refused closure's hold is back on the board: no audit entry says so.
            self.workspace.changed_elsewhere()

    def _reachability_changed(self, up: bool) -> None:
        kept = 0 if up else self.services.sync.waiting()
        refusal = None if up else self.services.live.refusal()
        self.server_banner.show_reachable(up, kept, refusal=refusal)
        if up:
            self._check_proof()

    def _check_proof(self) -> None:
        if self.context is not None:
            self.gate.check_proof(self.context.session)

    def _kept_changed(self) -> None:
        """Something was kept on this desk: the lost-server banner counts it. Kept while
        the server answers (its record could not take the save): a flush, once the save
        is done, says why in the banner and keeps trying until the record takes it."""
        if not self.services.live.reachable:
            self._reachability_changed(False)
        elif self.live is not None:
            QTimer.singleShot(0, self.live.flush)

    def keep_work(self) -> None:
        """Save the work in progress as a draft, leaving the screen as it is (after an error)."""
        if self.workspace is not None and self.context is not None:
            self.workspace.before_lock()

    def lock(self, reason: str) -> None:
        if self.context is None or self.stack.currentWidget() is self.lock_page:
            return
        if self.workspace is not None:
            self.workspace.before_lock()
        self._close_dialogs()
        self.gate.record("lock", self.context.session)
        self.gate.check_proof(self.context.session)
        self.idle.stop()
        self._enable_work(False)
        self.lock_page.lock_for(self.context.session.username, reason)
        self.stack.setCurrentWidget(self.lock_page)
        self.setWindowTitle("TrustDesk — locked")
        self.locked.emit()

    def _unlock(self, password: str) -> None:
        if self.context is None:
            return
        message = self.gate.unlock(self.context.session, password)
        if message:
            self.lock_page.failed(message)
            if self.gate.is_locked_out(self.context.session):
                self.sign_out(message)
            return
        if self.workspace is not None:
            self.stack.setCurrentWidget(self.workspace)
        self.setWindowTitle(f"TrustDesk — {self.context.session.username} ({self.context.role})")
        self._enable_work(True)
        self.idle.start()

    def _lose_review(self, title: str, leaving: str) -> bool:
        """Keep the review in progress as a draft; where it cannot be kept, ask whether to
        go on ``leaving`` and lose it (True: go on)."""
        problem = None if self.workspace is None else self.workspace.keep_review()
        if problem is None:
            return True
        from trustdesk.ui.dialogs import Ask

        return Ask.confirm(
            self,
            title,
            f"The review in progress could not be kept as a draft. {problem} {leaving} now "
            "loses everything typed in it. Go on anyway? No keeps it open: save the decision, "
            "or try again once the record can be reached.",
        )

    def ask_sign_out(self) -> None:
        """Sign out as asked (File > Sign out, the lock screen's button): not before the
        review in progress is kept, or its loss agreed to."""
        if self.context is not None and self._lose_review("Sign out", "Signing out"):
            self.sign_out()

    def sign_out(self, message: str = "") -> None:
        if self.context is None:
            return
        if self.workspace is not None:
            problem = self.workspace.before_lock()
            if problem is not None:
                log.warning("signed out with a review in progress not kept as a draft")
                message = (
                    f"{message} What was typed in the review in progress is lost: it could "
                    f"not be kept as a draft. {problem}"
                ).strip()
            self.stack.removeWidget(self.workspace)
            self.workspace.deleteLater()
            self.workspace = None
        self._close_dialogs()
        self._stop_watching()
        self.services.sync.forget_signer()
        self.gate.sign_out(self.context.session)
        self.context = None
        self.idle.stop()
        self.jump_timer.stop()
        self.proof_timer.stop()
        QApplication.instance().removeEventFilter(self.idle)  # type: ignore[union-attr]
        self._enable_work(False)
        self.stack.setCurrentWidget(self.sign_in)
        self.setWindowTitle("TrustDesk")
        self.sign_in.reset(message)
        self.sign_in.set_admin_warning(self.gate.admin_warning())

    def _check_clock(self) -> None:
        jump = self.jumps.check()
        if jump is None or self.context is None:
            return
        seconds = int(jump.total_seconds())
        self.gate.record_clock_jump(self.context.session, seconds)
        if self.workspace is not None:
            self.workspace.show_clock_jump(seconds)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.context is not None:
            if not self._lose_review("Quit TrustDesk", "Quitting"):
                event.ignore()
                return
            if self.workspace is not None:
                self.workspace.before_lock()
            self._stop_watching()
            self.gate.sign_out(self.context.session)
            self.context = None
        event.accept()

"""Walks through the app under a real X server and saves a PNG of each screen.

Run by tests/ui/test_screenshots.py as ``python screenshot_tour.py OUT_DIR DATA_DIR`` with
DISPLAY set and QT_QPA_PLATFORM=xcb. Each picture is taken from the X server's screen
(QScreen.grabWindow), i.e. what a person at the desk would see.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from uikit import FakeTime, open_gui_desk, password

from casekit import make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import load_rules
from trustdesk.ui.context import RulesHolder
from trustdesk.ui.mainwindow import MainWindow

SHOTS: list[str] = []


def settle(app: QApplication, ms: int = 150) -> None:
    QTest.qWait(ms)
    app.processEvents()


def shot(app: QApplication, window: MainWindow, out: Path, name: str) -> None:
    settle(app)
    screen = window.screen()
    image = screen.grabWindow(window.winId())
    path = out / f"{len(SHOTS) + 1:02d}-{name}.png"
    image.save(str(path))
    SHOTS.append(path.name)


def shot_over(app: QApplication, window: MainWindow, out: Path, name: str) -> None:
    """The screen over the main window, with the dialog open on top of it."""
    settle(app)
    frame = window.frameGeometry()
    image = window.screen().grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    path = out / f"{len(SHOTS) + 1:02d}-{name}.png"
    image.save(str(path))
    SHOTS.append(path.name)


def wait_for_task(app: QApplication, panel: object) -> None:
    for _ in range(600):  # up to a minute
        if not panel.busy:
            break
        settle(app, 100)
    assert not panel.busy, "the report never finished"
    settle(app, 300)


def contact_dialog(app: QApplication, window: MainWindow, out: Path) -> None:
    """The contact dialog over the board, a hold selected (I), part filled in, with the
    advice of the law for that person and a disclosure ticked that needs a reason."""
    from PySide6.QtCore import Qt

    workspace = window.workspace
    assert workspace is not None
    workspace.show_board()
    board = workspace.board
    board.table.setFocus()
    board.table.selectRow(0)
    QTest.keyClick(board.table, Qt.Key.Key_I)
    dialog = board.contact_dialog
    QTest.keyClick(dialog.kind, Qt.Key.Key_Down)
    QTest.keyClicks(dialog.ice_office, "ERO Hartford")
    QTest.keyClicks(dialog.ice_officer, "Deportation Officer R. Lee")
    QTest.keyClicks(dialog.asked, "Asked by phone when she will be released")
    dialog.given["custody_status"].setChecked(True)
    dialog.given["confidential"].setChecked(True)
    settle(app, 300)
    # The dialog is a window of its own, on top of the main window.
    shot_over(app, window, out, "contact-dialog")
    dialog.reject()


def main(out: Path, data: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if os.environ.get("TRUSTDESK_TOUR_DARK"):
        from trustdesk.ui.theme import dark_palette

        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    rules = load_rules()
    time = FakeTime(wall=datetime.now(UTC).replace(microsecond=0))
    desk = open_gui_desk(data, rules, time)
    officer = desk.session("officer2")
    now = time.wall
    for number, (name, hours) in enumerate(
        [("María Peña", -50), ("José Nuñez", -30), ("Ana Gonçalves", -8)], start=1
    ):
        raw = make_case(
            decision_time=now.isoformat(),
            releasable_at=(now + timedelta(hours=hours)).isoformat(),
            detainer={"form": "I-247A", "judicial_warrant": True},
            person={"name": name, "booking_number": f"NH-2026-10{number}"},
        )
        desk.services.decisions.create(officer, parse_case(raw, "tour", rules.sections), raw)

    # ICE phoned for José Nuñez's release date and was told: on his page, flagged.
    from storekit import actor, contact_draft

    desk.store.contacts.add(
        contact_draft(booking_number="NH-2026-102", occurred_at=now - timedelta(minutes=20)),
        actor(desk.store.users.get("officer2")),
        now,
    )

    window = MainWindow(desk.services, RulesHolder(rules), time.clock())
    window.resize(1200, 820)
    window.start()
    window.activateWindow()
    shot(app, window, out, "sign-in")
    page = window.sign_in
    page.acknowledge.setChecked(True)
    QTest.keyClicks(page.username, "officer")
    QTest.keyClicks(page.password, password("officer"))
    page.button.click()
    settle(app, 300)
    shot(app, window, out, "board")
    workspace = window.workspace
    assert workspace is not None
    workspace.new_review()
    review = workspace.review
    assert review is not None
    QTest.keyClicks(review.person.name, "Luis Ortega")
    QTest.keyClicks(review.person.booking, "NH-2026-1201")
    shot(app, window, out, "wizard-person")
    review.next_button.click()
    review.detainer.questions["judicial_warrant"].buttons["no"].click()
    review.detainer.release.set_local(None)
    shot(app, window, out, "wizard-detainer")
    review.next_button.click()
    offenses = review.pages[review.current_id()].offenses
    QTest.keyClicks(offenses.search, "robbery 1")
    offenses.completer.activated.emit(offenses.suggestions.stringList()[0])
    offenses.add_button.click()
    review.pages[review.current_id()].why_button.click()
    shot(app, window, out, "wizard-convictions")
    review.next_button.click()
    shot(app, window, out, "wizard-tsdb")
    review.next_button.click()
    shot(app, window, out, "result")
    review.result.attest.setChecked(True)
    review.save()
    review.memo.show_preview()
    shot(app, window, out, "saved-with-memo-preview")
    review.close_button.click()
    workspace.show_search()
    workspace.history.search()
    settle(app, 300)
    shot(app, window, out, "history")
    contact_dialog(app, window, out)
    window.find_action.trigger()  # Ctrl+Shift+F
    finder = window._dialog
    assert finder is not None
    QTest.keyClicks(finder.text, "jose")  # type: ignore[attr-defined]
    finder.search()  # type: ignore[attr-defined]
    shot_over(app, window, out, "find")
    finder.open_current()  # type: ignore[attr-defined]
    settle(app, 300)
    shot(app, window, out, "person")
    window.sign_out()
    page.username.clear()
    page.password.clear()
    QTest.keyClicks(page.username, "supervisor")
    QTest.keyClicks(page.password, password("supervisor"))
    page.acknowledge.setChecked(True)
    page.button.click()
    settle(app, 300)
    assert window.workspace is not None, page.error.text()
    window.reports_action.trigger()  # Ctrl+Shift+R
    from trustdesk.ui.reports_page import ReportsPage

    reports = window.workspace.tabs.currentWidget()  # type: ignore[union-attr]
    assert isinstance(reports, ReportsPage)
    reports.make()
    wait_for_task(app, reports.panel)
    shot(app, window, out, "reports")
    window.lock("Locked by you.")
    shot(app, window, out, "locked")
    QTimer.singleShot(0, app.quit)
    app.exec()
    desk.services.close()
    print("\n".join(SHOTS))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

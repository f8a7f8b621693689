"""The result page of a California agency (ca-2018) under a real X server, saved as a PNG.

Run by tests/ui/test_screenshot_california.py as ``python california_tour.py OUT DATA`` with
DISPLAY set and QT_QPA_PLATFORM=xcb, like screenshot_tour.py (whose helpers it uses).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from screenshot_tour import SHOTS, settle, shot
from uikit import FakeTime, open_gui_desk, password

from trustdesk.rules.registry import load_rules
from trustdesk.ui.context import RulesHolder
from trustdesk.ui.mainwindow import MainWindow


def main(out: Path, data: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    rules = load_rules(jurisdiction="CA")
    time = FakeTime(wall=datetime.now(UTC).replace(microsecond=0))
    desk = open_gui_desk(data, rules, time)
    desk.services.jurisdiction.change(desk.session("admin"), "CA")
    window = MainWindow(desk.services, RulesHolder(rules), time.clock())
    window.resize(1200, 820)
    window.start()
    window.activateWindow()
    page = window.sign_in
    page.acknowledge.setChecked(True)
    QTest.keyClicks(page.username, "officer")
    QTest.keyClicks(page.password, password("officer"))
    page.button.click()
    settle(app, 300)
    workspace = window.workspace
    assert workspace is not None, page.error.text()
    workspace.new_review()
    review = workspace.review
    assert review is not None
    QTest.keyClicks(review.person.name, "Ana Ruiz")
    QTest.keyClicks(review.person.booking, "FR-2026-77")
    review.next_button.click()
    for question in review.detainer.questions.values():
        question.buttons["no"].click()
    review.detainer.release.set_local(None)
    review.next_button.click()
    for _ in range(20):
        if review.current_id() == "result":
            break
        step = review.pages[review.current_id()]
        offenses = getattr(step, "offenses", None)
        if offenses is not None and not offenses.pending:
            QTest.keyClicks(offenses.search, "PC 211")
            offenses._resolve_typed()
            offenses.date.setDate(time.wall.date().replace(year=time.wall.year - 3))
            for choice in offenses.tri_boxes.values():
                choice.setCurrentText("No")
            offenses.add_button.click()
        elif getattr(step, "choice", None) is not None:
            step.choice.buttons["no"].click()
        review.next_button.click()
    assert review.result.decision is not None, review.result.problems.text()
    shot(app, window, out, "california-result")
    QTimer.singleShot(0, app.quit)
    app.exec()
    desk.services.close()
    print("\n".join(SHOTS))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

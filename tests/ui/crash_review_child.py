"""Starts a review in the real app, lets the draft autosave, then dies by SIGKILL.

Run by tests/ui/test_draft_crash.py as ``python crash_review_child.py DATA_DIR``
(offscreen). It types the way the test suite does and never signs out or closes.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from uikit import FakeTime, open_gui_desk, password, type_text

from trustdesk.rules.registry import load_rules
from trustdesk.ui.context import RulesHolder
from trustdesk.ui.mainwindow import MainWindow
from trustdesk.ui.review import AUTOSAVE_DELAY_MS


def main(data: Path) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    rules = load_rules()
    time = FakeTime()
    desk = open_gui_desk(data, rules, time)
    window = MainWindow(desk.services, RulesHolder(rules), time.clock())
    window.start()
    page = window.sign_in
    page.acknowledge.setChecked(True)
    QTest.keyClicks(page.username, "officer")
    QTest.keyClicks(page.password, password("officer"))
    page.button.click()
    assert window.workspace is not None
    window.workspace.new_review()
    review = window.workspace.review
    assert review is not None
    type_text(_Bot(), review.person.name, "Inés Peña")
    QTest.keyClicks(review.person.booking, "NH-CRASH-1")
    QTest.qWait(AUTOSAVE_DELAY_MS + 500)  # the autosave timer fires while the app waits
    app.processEvents()
    print("typed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)


class _Bot:
    """The one qtbot method type_text uses."""

    @staticmethod
    def keyClicks(widget: object, text: str) -> None:
        QTest.keyClicks(widget, text)  # type: ignore[arg-type]


if __name__ == "__main__":
    main(Path(sys.argv[1]))

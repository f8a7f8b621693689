"""A review in progress survives the app being killed: the draft is there at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from uikit import FakeTime, open_gui_desk

CHILD = Path(__file__).with_name("crash_review_child.py")


def test_draft_survives_sigkill_and_is_offered_on_the_board(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    data = tmp_path / "data"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.run(
        [sys.executable, str(CHILD), str(data)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert "typed" in child.stdout

    from trustdesk.ui.context import RulesHolder
    from trustdesk.ui.mainwindow import MainWindow

    desk = open_gui_desk(data, rules, fake_time)  # the kill left the lock behind: reclaimed
    window = MainWindow(desk.services, RulesHolder(rules), fake_time.clock())
    qtbot.addWidget(window)
    try:
        window.start()
        page = window.sign_in
        page.acknowledge.setChecked(True)
        qtbot.keyClicks(page.username, "officer")
        qtbot.keyClicks(page.password, "blue river lantern 42")
        with qtbot.waitSignal(window.signed_in, timeout=5000):
            qtbot.keyClick(page.password, Qt.Key.Key_Return)
        drafts = desk.services.drafts.list(desk.session("officer"))
        assert [d.label for d in drafts] == ["NH-CRASH-1 — Inés Peña"]
        window.workspace.open_review(drafts[0].id)
        review = window.workspace.review
        assert review.person.name.text() == "Inés Peña"
        assert review.person.booking.text() == "NH-CRASH-1"
    finally:
        window.close()  # keeps the open review's draft while the record is open
        desk.services.close()

"""An officer's desk, signed in under Connecticut's law, while an administrator at
another desk of the same record changes the agency's jurisdiction to California: the
desk's save is refused with a message saying what changed and to sign in again, shown
in a dialog (never a traceback), the decision stays on screen, and nothing is recorded."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from test_review import walk_to_hold
from uikit import Answers

LEFT = Qt.MouseButton.LeftButton


def test_a_save_after_the_jurisdiction_changed_at_another_desk_is_refused_plainly(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, tmp_path: Path, answers: Answers
) -> None:
    from storekit import open_desk

    window = make_window(sign_in="officer")
    decided = datetime(2026, 11, 20, 11, 5, tzinfo=window.context.zone)
    page = walk_to_hold(qtbot, window, "Luis Peña", "NH-JUR-1", decided)

    # Another desk of the same data folder: its administrator moves the agency to California.
    other = open_desk(tmp_path / "data", rules, gui_desk.clock)
    try:
        other.services.jurisdiction.change(other.session("admin"), "CA")
    finally:
        other.services.close()
    before = len(gui_desk.store.audit.of_events("decision.created"))

    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    qtbot.mouseClick(page.save_button, LEFT)
    [message] = answers.errors
    assert "Traceback" not in message
    assert "jurisdiction in the record was changed to California by admin" in message
    assert "but this desk read Connecticut when it signed in" in message
    assert "Sign in again" in message or "sign in again" in message
    assert "nothing was saved" in message and "fix it and save again" not in message
    assert len(gui_desk.store.audit.of_events("decision.created")) == before
    assert page.saved_id is None and "HOLD PERMITTED" in page.result.outcome.text()

    # The officer closes the review and starts another one: not opened, told why.
    answers.confirm = True
    page.close_review()
    assert window.workspace.review is None
    window.new_action.trigger()
    assert window.workspace.review is None
    [_, started] = answers.errors
    assert "jurisdiction in the record was changed to California by admin" in started
    assert "would follow the old law: sign in again" in started


def test_a_review_opens_as_before_while_the_jurisdiction_is_unchanged(
    make_window: Any, qtbot: Any, answers: Answers
) -> None:
    window = make_window(sign_in="officer")
    window.new_action.trigger()
    assert window.workspace.review is not None and answers.errors == []

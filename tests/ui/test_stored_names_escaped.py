"""Issue 17 §1: a name stored before text-direction controls were refused cannot display
as another name on the board or in history: such characters are written out."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_board_kit import context, hold
from uikit import FakeTime

from trustdesk.rules import caseio
from trustdesk.ui.board import BoardPage
from trustdesk.ui.board_model import NAME as BOARD_NAME
from trustdesk.ui.history import HistoryPage
from trustdesk.ui.history_model import NAME as HISTORY_NAME

#: Stored as "Ana " + RIGHT-TO-LEFT OVERRIDE + "ziuL": a bidi-aware view shows "Ana Luiz".
DISGUISED = "Ana \u202eziuL\u202c"
ESCAPED = "Ana <U+202E>ziuL<U+202C>"


@pytest.fixture
def stored(gui_desk: Any, rules: Any, monkeypatch: pytest.MonkeyPatch) -> int:
    with monkeypatch.context() as old_code:  # the case reader as it was before issue 17
        old_code.setattr(caseio, "unsafe_character", lambda _text: None)
        saved = hold(gui_desk, rules, DISGUISED, "NH-9", "2026-11-20T15:00:00-05:00")
    return saved.record.decision_id


def test_the_board_writes_the_override_out(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime, stored: int
) -> None:
    page = BoardPage(context(gui_desk, rules, fake_time))
    qtbot.addWidget(page)
    page.show()
    shown = str(page.holds.index(0, BOARD_NAME).data())
    assert shown == ESCAPED and "\u202e" not in shown


def test_history_lists_and_details_write_the_override_out(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime, stored: int
) -> None:
    page = HistoryPage(context(gui_desk, rules, fake_time))
    qtbot.addWidget(page)
    page.show()
    model = page.table.model()
    assert str(model.index(0, HISTORY_NAME).data()) == ESCAPED
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.view is not None and page.view.latest.decision_id == stored
    text = page.detail.text.toPlainText()
    assert ESCAPED in text and "\u202e" not in text

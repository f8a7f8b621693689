"""The board's other lists (review queue, today's decisions, drafts) and its speed."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from test_board_kit import context, decide, hold
from uikit import FakeTime

from trustdesk.store.case_records import HoldStatus
from trustdesk.ui.board import BoardPage
from trustdesk.ui.board_model import COUNTDOWN, HoldTableModel
from trustdesk.ui.countdown import Anchor
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.history_model import NAME

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_board(qtbot: Any, desk: Any, rules: Any, time_: FakeTime, user: str) -> BoardPage:
    page = BoardPage(context(desk, rules, time_, user))
    qtbot.addWidget(page)
    page.show()
    return page


def test_awaiting_review_opens_the_decision_with_enter(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    flagged = decide(gui_desk, rules, tsdb_match=None)  # unknown: a supervisor must review
    decide(gui_desk, rules)
    page = make_board(qtbot, gui_desk, rules, fake_time, "supervisor")
    assert [page.awaiting.summary_at(r).decision_id for r in range(page.awaiting.rowCount())] == [
        flagged.record.decision_id
    ]
    page.awaiting_table.setFocus()
    page.awaiting_table.setCurrentIndex(page.awaiting.index(0, 0))
    with qtbot.waitSignal(page.open_decision) as opened:
        qtbot.keyClick(page.awaiting_table, Qt.Key.Key_Return)
    assert opened.args == [flagged.record.decision_id]


def test_enter_on_a_hold_opens_its_decision(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    saved = hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = make_board(qtbot, gui_desk, rules, fake_time, "officer")
    page.table.setFocus()
    with qtbot.waitSignal(page.open_decision) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Enter)
    assert opened.args == [saved.record.decision_id]


def test_todays_decisions_are_those_of_the_agency_day(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    decide(gui_desk, rules, decision_time="2026-11-19T23:30:00-05:00")  # yesterday, local
    today = decide(gui_desk, rules, decision_time="2026-11-20T00:10:00-05:00")
    page = make_board(qtbot, gui_desk, rules, fake_time, "officer")
    assert [page.today.summary_at(r).decision_id for r in range(page.today.rowCount())] == [
        today.record.decision_id
    ]
    assert page.today.index(0, NAME).data() == "María Peña"


def test_drafts_resume_and_discard(
    qtbot: Any,
    gui_desk: Any,
    rules: Any,
    fake_time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drafts = gui_desk.services.drafts
    officer = gui_desk.session("officer")
    first = drafts.save(officer, None, "NH-7 Peña — detainer received", {"step": "person"})
    page = make_board(qtbot, gui_desk, rules, fake_time, "officer")
    page.show_drafts(drafts.list(officer))
    assert page.drafts.ids() == [first]
    assert page.drafts.list.item(0).text().startswith("NH-7 Peña — detainer received")
    with qtbot.waitSignal(page.open_review) as resumed:
        qtbot.mouseClick(page.drafts.resume_button, Qt.MouseButton.LeftButton)
    assert resumed.args == [first]
    with qtbot.waitSignal(page.open_review) as started:
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert started.args == [None]
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a: False))
    qtbot.mouseClick(page.drafts.discard_button, Qt.MouseButton.LeftButton)
    assert [d.id for d in drafts.list(officer)] == [first]
    monkeypatch.setattr(Ask, "confirm", classmethod(lambda cls, *a: True))
    qtbot.mouseClick(page.drafts.discard_button, Qt.MouseButton.LeftButton)
    assert drafts.list(officer) == [] and page.drafts.ids() == []
    assert page.drafts.empty.isVisibleTo(page)


def test_the_signed_in_window_shows_the_board(make_window: Any, gui_desk: Any, rules: Any) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    window = make_window(sign_in="officer")
    board = window.workspace.board
    assert window.workspace.tabs.currentWidget() is board
    assert board.holds.rowCount() == 1
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in board.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(board)
        and not w.accessibleName()
        and not (isinstance(w, QAbstractButton) and w.text())
    ]
    assert unnamed == []


def synthetic_holds(count: int, start: datetime) -> list[HoldStatus]:
    return [
        HoldStatus(
            hold_id=i,
            decision_id=i,
            record_id=i,
            booking_number=f"NH-{i:05d}",
            name=f"Person {i}",
            outcome="honor",
            releasable_at=None,
            release_due_at=start + timedelta(minutes=7 * ((i * 37) % count)),
        )
        for i in range(1, count + 1)
    ]


def test_five_hundred_holds_tick_cheaply_and_repaint_only_the_countdown(qtbot: Any) -> None:
    zone = ZoneInfo("America/New_York")
    start = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    model = HoldTableModel(zone)
    began = time.perf_counter()
    model.set_holds(synthetic_holds(500, start), Anchor(start, 0.0), 0.0)
    changes: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda a, b, _roles=(): changes.append((a.row(), a.column(), b.row(), b.column()))
    )
    model.tick(1.0)
    elapsed = time.perf_counter() - began
    assert changes == [(0, COUNTDOWN, 499, COUNTDOWN)]
    assert elapsed < 0.1
    dues = [model.hold_at(r).release_due_at for r in range(500)]
    assert dues == sorted(dues)
    changes.clear()
    model.tick(60.0 * 8)  # due at +7 min turns overdue, due at +4 h 5 min turns amber
    whole = COUNTDOWN + 1
    assert changes == [(0, COUNTDOWN, 499, COUNTDOWN), (1, 0, 1, whole), (35, 0, 35, whole)]

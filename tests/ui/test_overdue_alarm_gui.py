"""The overdue alarm at the desk: when a hold on the board passes its release time the
desk beeps once and a red banner names the booking and since when it is overdue; later
ticks and refreshes stay quiet; Acknowledge silences it until the next hold and is
recorded (who, when, which desk), shown in the decision's hold timeline. Here the
other desk is another writer on the same SQLite record (two windows on one PostgreSQL
server: test_live_board_pg.py). The fake clock is turned by hand; nothing is timed.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_board_kit import hold

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CEILING_MS = 10_000
LEFT = Qt.MouseButton.LeftButton
#: The tests turn the clock by days; the inactivity lock would cover the board.
IDLE = 30 * 86400.0


class Bell:
    """Counts the beeps, and which windows asked for attention."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.beeps = 0
        self.alerted: list[Any] = []
        monkeypatch.setattr(QApplication, "beep", staticmethod(self._beep))
        monkeypatch.setattr(QApplication, "alert", staticmethod(self._alert))

    def _beep(self) -> None:
        self.beeps += 1

    def _alert(self, window: Any, _msec: int = 0) -> None:
        self.alerted.append(window)


@pytest.fixture
def bell(monkeypatch: pytest.MonkeyPatch) -> Bell:
    return Bell(monkeypatch)


def bookings(board: Any) -> list[str]:
    return [board.holds.hold_at(row).booking_number for row in range(board.holds.rowCount())]


def test_a_hold_becoming_overdue_rings_once_until_acknowledged(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, fake_time: Any, bell: Bell
) -> None:
    window = make_window(sign_in="officer", idle_limit=IDLE)  # days pass: no idle lock
    board, banner = window.workspace.board, window.workspace.overdue_banner
    board.refresh_timer.stop()  # only the change feed and the clock move the board
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")  # another desk
    qtbot.waitUntil(lambda: bookings(board) == ["NH-1"], timeout=CEILING_MS)
    due = board.holds.hold_at(0).release_due_at
    assert not banner.isVisible() and bell.beeps == 0
    # Not yet: a minute before the expiry.
    fake_time.advance(seconds=(due - fake_time.wall).total_seconds() - 60)
    qtbot.wait(1500)  # a tick or two
    assert not banner.isVisible() and bell.beeps == 0
    fake_time.advance(minutes=2)
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    assert bell.beeps == 1 and bell.alerted == [window]
    assert (
        "Hold overdue: booking NH-1 — hold overdue since Tue 24 Nov 2026 15:00 EST"
        in banner.label.text()
    )
    # The countdown moves every second and the board reloads: no second beep.
    for _ in range(3):
        board.refresh()
    fake_time.advance(minutes=30)
    qtbot.wait(2200)
    assert bell.beeps == 1 and banner.isVisible()

    qtbot.mouseClick(banner.button, LEFT)  # Acknowledge
    assert not banner.isVisible()
    board.refresh()
    fake_time.advance(minutes=30)
    qtbot.wait(1200)
    assert not banner.isVisible() and bell.beeps == 1

    # Another desk records a hold that is overdue on arrival: it rings, by itself.
    hold(gui_desk, rules, "Luis Peña", "NH-2", "2026-11-13T15:00:00-05:00")
    qtbot.waitUntil(lambda: bell.beeps == 2, timeout=CEILING_MS)
    assert banner.isVisible()
    assert "booking NH-2 — hold overdue since Tue 17 Nov 2026 15:00 EST" in banner.label.text()
    assert "NH-1" not in banner.label.text()  # acknowledged before


def test_overdue_holds_at_sign_in_ring_and_a_closed_one_stops_ringing(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, bell: Bell, answers: Any
) -> None:
    saved = hold(gui_desk, rules, "Ana Ruiz", "NH-9", "2026-11-13T15:00:00-05:00")
    window = make_window(sign_in="officer")
    banner = window.workspace.overdue_banner
    assert banner.isVisible() and bell.beeps == 1
    assert "booking NH-9" in banner.label.text()
    # Closed at the board (ICE took custody): nothing overdue is left, the banner goes.
    board = window.workspace.board
    answers.confirm = True
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_C)
    assert gui_desk.store.holds.get(saved.hold_id).closure is not None
    assert not banner.isVisible() and bell.beeps == 1


def test_an_administrator_has_no_board_and_no_alarm(
    make_window: Any, gui_desk: Any, rules: Any, bell: Bell
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-9", "2026-11-13T15:00:00-05:00")
    window = make_window(sign_in="administrator")
    assert not window.workspace.overdue_banner.isVisible() and bell.beeps == 0


def test_an_acknowledgement_is_recorded_and_shown_in_the_hold_timeline(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, bell: Bell
) -> None:
    saved = hold(gui_desk, rules, "Ana Ruiz", "NH-9", "2026-11-13T15:00:00-05:00")
    window = make_window(sign_in="officer")
    banner = window.workspace.overdue_banner
    assert banner.isVisible()
    # From the keyboard: the button has the focus, Space presses it.
    banner.button.setFocus()
    qtbot.keyClick(banner.button, Qt.Key.Key_Space)
    assert not banner.isVisible()
    [entry] = gui_desk.store.audit.of_events("hold.alarm_acknowledged")
    assert entry.actor == "officer"
    assert entry.objects_dict()["decision"] == saved.record.decision_id
    window.workspace.open_decision(saved.record.decision_id)
    timeline = window.workspace.history.detail.section("Hold timeline")
    assert any(
        line.startswith(f"Overdue alarm acknowledged by officer at desk {entry.workstation}, ")
        and line.endswith("(overdue since Tue 17 Nov 2026 15:00 EST)")
        for line in timeline
    ), timeline
    # Signed in again (a new window on the same record): the alarm stays quiet.
    again = make_window(sign_in="supervisor")
    assert not again.workspace.overdue_banner.isVisible()
    assert bell.beeps == 1

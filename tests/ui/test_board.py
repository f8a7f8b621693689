"""The board: active holds by expiry with live countdowns, one-key closing, the queues."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_board_kit import SERIOUS, context, decide, events, hold, make_case
from uikit import FakeTime

from trustdesk.rules.caseio import parse_case
from trustdesk.ui.board import BoardPage
from trustdesk.ui.board_close import NoteDialog
from trustdesk.ui.board_model import BOOKING, COUNTDOWN, STATUS
from trustdesk.ui.countdown import Urgency
from trustdesk.ui.dialogs import Ask

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def board(qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime) -> Any:
    """Builds the board for a user once the test has put its records in place."""

    def make(username: str = "officer") -> BoardPage:
        page = BoardPage(context(gui_desk, rules, fake_time, username))
        qtbot.addWidget(page)
        page.show()
        return page

    return make


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The officer's answers to the board's questions; every question asked is kept."""
    given: dict[str, Any] = {"confirm": True, "note": "Released on a court order", "asked": []}

    def confirm(cls: Any, parent: Any, title: str, text: str) -> bool:
        given["asked"].append(("confirm", title, text))
        return bool(given["confirm"])

    def error(cls: Any, parent: Any, title: str, text: str) -> None:
        given["asked"].append(("error", title, text))

    def note(cls: Any, parent: Any, who: str) -> str | None:
        given["asked"].append(("note", who))
        return given["note"]  # type: ignore[no-any-return]

    monkeypatch.setattr(Ask, "confirm", classmethod(confirm))
    monkeypatch.setattr(Ask, "error", classmethod(error))
    monkeypatch.setattr(NoteDialog, "ask", classmethod(note))
    return given


def cell(page: BoardPage, row: int, column: int) -> str:
    return str(page.holds.index(row, column).data())


def three_holds(desk: Any, rules: Any) -> dict[str, Any]:
    return {
        "later": hold(desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00"),
        "unknown": hold(desk, rules, "Bo Chen", "NH-2", None),
        "sooner": hold(desk, rules, "María Peña", "NH-3", "2026-11-20T12:00:00-05:00"),
        "declined": decide(desk, rules),
    }


def test_holds_are_listed_soonest_expiry_first_unknown_last(
    board: Any, gui_desk: Any, rules: Any
) -> None:
    made = three_holds(gui_desk, rules)
    assert made["declined"].hold_id is None
    page = board()
    assert [cell(page, row, BOOKING) for row in range(page.holds.rowCount())] == [
        "NH-3",
        "NH-1",
        "NH-2",
    ]
    assert cell(page, 1, COUNTDOWN) == "expires Tue 24 Nov 2026 15:00 EST — in 4 d 4 h 0 m"
    assert cell(page, 2, COUNTDOWN) == "release time not yet known"
    assert [cell(page, row, STATUS) for row in range(3)] == ["✓ OK", "✓ OK", "? NOT KNOWN"]
    assert page.summary.text() == "3 active — ‼ 0 overdue, ⚠ 0 due within 4 h"


def test_the_countdown_turns_amber_then_overdue_and_red(
    board: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    fake_time.advance(days=4, hours=4 - 5, minutes=-12)  # 5 h 12 m before the expiry
    page.tick()
    assert cell(page, 0, COUNTDOWN) == "expires Tue 24 Nov 2026 15:00 EST — in 5 h 12 m"
    assert page.holds.index(0, STATUS).data(Qt.ItemDataRole.BackgroundRole) is None
    fake_time.advance(hours=1, minutes=13)
    page.tick()
    assert cell(page, 0, STATUS) == "⚠ < 4 h" and page.holds.urgency_at(0) == Urgency.SOON
    assert page.holds.index(0, COUNTDOWN).data(Qt.ItemDataRole.BackgroundRole) is not None
    fake_time.advance(hours=5, minutes=2)
    page.tick()
    assert cell(page, 0, COUNTDOWN) == "expired Tue 24 Nov 2026 15:00 EST — overdue by 1 h 3 m"
    assert cell(page, 0, STATUS) == "‼ OVERDUE"
    spoken = page.holds.index(0, STATUS).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "Overdue"
    assert page.summary.text() == "1 active — ‼ 1 overdue, ⚠ 0 due within 4 h"


def test_the_timer_moves_the_countdown_by_itself(
    qtbot: Any, board: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    page.tick_timer.setInterval(10)
    fake_time.advance(days=4, hours=4, minutes=1)
    qtbot.waitUntil(lambda: cell(page, 0, STATUS) == "‼ OVERDUE", timeout=2000)


def test_a_wall_clock_jump_does_not_move_the_countdown(
    board: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    fake_time.advance(days=4, hours=1)  # 3 h left
    page.tick()
    before = cell(page, 0, COUNTDOWN)
    assert before.endswith("in 3 h 0 m")
    fake_time.jump_wall(hours=3)
    page.tick()
    assert cell(page, 0, COUNTDOWN) == before
    page.refresh()  # fresh data, same measure of time
    assert cell(page, 0, COUNTDOWN) == before and page.holds.urgency_at(0) == Urgency.SOON


@pytest.mark.parametrize(
    ("key", "outcome"),
    [("C", "ice_took_custody"), ("E", "released_at_expiry"), ("O", "released_other")],
)
def test_one_key_closes_the_selected_hold_after_confirming(
    qtbot: Any,
    board: Any,
    gui_desk: Any,
    rules: Any,
    answers: dict[str, Any],
    fake_time: FakeTime,
    key: str,
    outcome: str,
) -> None:
    made = three_holds(gui_desk, rules)
    page = board()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # from the first row to the second: NH-1
    assert page.selected_hold().booking_number == "NH-1"
    if outcome == "released_at_expiry":  # only once the hold has expired (Tue 24 Nov)
        fake_time.wall = datetime(2026, 11, 24, 20, 1, tzinfo=UTC)
    qtbot.keyClick(page.table, key)
    kinds = [asked[0] for asked in answers["asked"]]
    assert kinds == (["note", "confirm"] if outcome == "released_other" else ["confirm"])
    assert "Ana Ruiz (booking NH-1)" in answers["asked"][-1][2]
    officer = gui_desk.session("officer")
    active = gui_desk.services.holds.active(officer)
    assert made["later"].hold_id not in [h.hold_id for h in active]
    closed = events(gui_desk, "hold.closed")[-1].objects_dict()
    assert (closed["hold"], closed["outcome"]) == (made["later"].hold_id, outcome)
    assert [cell(page, row, BOOKING) for row in range(page.holds.rowCount())] == ["NH-3", "NH-2"]


def test_the_buttons_do_the_same_and_a_no_records_nothing(
    qtbot: Any,
    board: Any,
    gui_desk: Any,
    rules: Any,
    answers: dict[str, Any],
    fake_time: FakeTime,
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    answers["confirm"] = False
    qtbot.mouseClick(page.close_buttons["ice_took_custody"], Qt.MouseButton.LeftButton)
    assert page.holds.rowCount() == 1 and events(gui_desk, "hold.closed") == []
    answers["confirm"] = True
    # "Released at expiry" before the hold expires (Tue 24 Nov 15:00): refused, in words.
    qtbot.mouseClick(page.close_buttons["released_at_expiry"], Qt.MouseButton.LeftButton)
    kind, title, text = answers["asked"][-1]
    assert (kind, title) == ("error", "The hold was not closed")
    assert "expires Tue 24 Nov 2026 15:00 EST" in text and "released otherwise" in text
    assert page.holds.rowCount() == 1 and events(gui_desk, "hold.closed") == []
    fake_time.wall = datetime(2026, 11, 24, 20, 1, tzinfo=UTC)  # 15:01 EST
    qtbot.mouseClick(page.close_buttons["released_at_expiry"], Qt.MouseButton.LeftButton)
    assert page.holds.rowCount() == 0
    assert events(gui_desk, "hold.closed")[0].objects_dict()["outcome"] == "released_at_expiry"
    assert not page.close_buttons["ice_took_custody"].isEnabled()


def test_the_service_refusal_is_shown_in_its_words(
    qtbot: Any, board: Any, gui_desk: Any, rules: Any, answers: dict[str, Any]
) -> None:
    made = hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    other = gui_desk.session("officer2")
    gui_desk.services.holds.close(other, made.hold_id, "ice_took_custody")  # meanwhile
    page.table.setFocus()
    qtbot.keyClick(page.table, "E")
    kind, title, text = answers["asked"][-1]
    assert (kind, title) == ("error", "The hold was not closed")
    assert "already closed" in text
    page.refresh()
    assert page.holds.rowCount() == 0


def test_released_otherwise_needs_a_reason(
    qtbot: Any, board: Any, gui_desk: Any, rules: Any, answers: dict[str, Any]
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    page.table.setFocus()
    answers["note"] = "  "
    qtbot.keyClick(page.table, "O")
    assert answers["asked"][-1][:2] == ("error", "Reason needed")
    answers["note"] = None  # cancelled
    qtbot.keyClick(page.table, "O")
    assert answers["asked"][-1][0] == "note"
    assert page.holds.rowCount() == 1 and events(gui_desk, "hold.closed") == []


def test_auditors_see_the_board_read_only(
    qtbot: Any, board: Any, gui_desk: Any, rules: Any, answers: dict[str, Any]
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board("auditor")
    assert page.holds.rowCount() == 1
    assert not any(button.isEnabled() for button in page.close_buttons.values())
    assert not page.new_button.isVisibleTo(page) and not page.drafts.isVisibleTo(page)
    page.table.setFocus()
    qtbot.keyClick(page.table, "C")
    assert answers["asked"] == [] and events(gui_desk, "hold.closed") == []


def test_administrators_see_no_case_files(board: Any, gui_desk: Any, rules: Any) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board("admin")
    assert page.holds.rowCount() == 0
    assert page.findChild(object, "board_not_allowed") is not None
    page.refresh()
    page.tick()


def test_a_failed_refresh_says_so_on_the_board_without_a_dialog(
    board: Any, gui_desk: Any, rules: Any, answers: dict[str, Any]
) -> None:
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    page = board()
    page.context.session = page.context.session._replace(user_id=9999)  # account gone
    page.refresh()
    assert page.status.text() == (
        "⚠ The board could not be refreshed: Your account no longer exists; log on again."
    )
    assert answers["asked"] == [] and page.holds.rowCount() == 1  # the last data stays


def test_a_hold_amended_so_nobody_may_be_held_says_why_release_is_due_not_expired(
    board: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    """Amended to decline, or to a Form I-247N that asks for no hold, a hold is due for
    release from the amendment: the board said "expired Fri 20 Nov 11:00", a hold four
    days from its expiry, and so pointed the desk to "released at expiry" (refused)."""
    declined = hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    no_hold = hold(gui_desk, rules, "Bo Chen", "NH-2", "2026-11-20T15:00:00-05:00")
    running = hold(gui_desk, rules, "Cy Diaz", "NH-3", "2026-11-20T15:00:00-05:00")
    officer = gui_desk.session("officer")
    person = {"name": "Ana Ruiz", "date_of_birth": "1990-04-17", "booking_number": "NH-1"}
    raw = make_case(person=person, releasable_at="2026-11-20T15:00:00-05:00")
    amend = gui_desk.services.decisions.amend
    amend(officer, declined.record.decision_id, parse_case(raw, "t", rules.sections), raw, "no")
    person = {"name": "Bo Chen", "date_of_birth": "1990-04-17", "booking_number": "NH-2"}
    raw = make_case(person=person, releasable_at="2026-11-20T15:00:00-05:00", convictions=[SERIOUS])
    raw["detainer"]["form"] = "I-247N"
    amend(officer, no_hold.record.decision_id, parse_case(raw, "t", rules.sections), raw, "247N")
    fake_time.advance(minutes=3)
    page = board()
    rows = {cell(page, row, BOOKING): row for row in range(page.holds.rowCount())}
    assert cell(page, rows["NH-1"], COUNTDOWN) == (
        "release now — decision amended to decline Fri 20 Nov 2026 11:00 EST — overdue by 3 m 0 s"
    )
    assert cell(page, rows["NH-2"], COUNTDOWN) == (
        "release now — decision amended: the form asks for no hold Fri 20 Nov 2026 11:00 EST — "
        "overdue by 3 m 0 s"
    )
    assert cell(page, rows["NH-1"], STATUS) == cell(page, rows["NH-2"], STATUS) == "‼ OVERDUE"
    assert running.hold_id is not None
    assert cell(page, rows["NH-3"], COUNTDOWN).startswith("expires Tue 24 Nov 2026 15:00 EST — in ")


def test_a_deadline_in_the_repeated_hour_says_which_of_the_two_it_is(
    board: Any, gui_desk: Any, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the night the clocks go back (Sun 1 Nov 2026 in Connecticut) 01:30 happens
    twice, an hour apart. The board said "Sun 1 Nov 01:30" for both, with no year and no
    zone: an officer could not tell the earlier deadline from the later one."""
    first = hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    second = hold(gui_desk, rules, "Bo Chen", "NH-2", "2026-11-20T15:00:00-05:00")
    service = gui_desk.services.holds
    real = {row.hold_id: row for row in service.active(gui_desk.session("officer"))}
    due = {
        first.hold_id: datetime(2026, 11, 1, 5, 30, tzinfo=UTC),  # 01:30 EDT
        second.hold_id: datetime(2026, 11, 1, 6, 30, tzinfo=UTC),  # 01:30 EST, an hour on
    }
    shown = [replace(real[key], release_due_at=when) for key, when in due.items()]
    monkeypatch.setattr(service, "active", lambda session: list(shown))
    page = board()
    page.refresh_button.click()
    rows = {cell(page, row, BOOKING): row for row in range(page.holds.rowCount())}
    assert cell(page, rows["NH-1"], COUNTDOWN).startswith("expired Sun 01 Nov 2026 01:30 EDT — ")
    assert cell(page, rows["NH-2"], COUNTDOWN).startswith("expired Sun 01 Nov 2026 01:30 EST — ")
    assert not page.zone_note.isVisible()  # the agency's zone is the law's


def test_the_board_names_its_zone_when_the_agency_is_not_in_the_law_s(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    """An agency whose profile names another zone than the pack's sees the deadlines in
    its own zone: the board says so, and which zone the hold clock counts days in."""
    hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    made = context(gui_desk, rules, fake_time)
    made.zone_name = "America/Chicago"
    page = BoardPage(made)
    qtbot.addWidget(page)
    page.show()
    assert page.zone_note.isVisible()
    assert page.zone_note.text() == (
        "Times on the board are in America/Chicago, the agency's time zone; the hold clock "
        "counts days in America/New_York, the law's."
    )
    assert cell(page, 0, COUNTDOWN).startswith("expires Tue 24 Nov 2026 14:00 CST — in ")

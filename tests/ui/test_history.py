"""History search: partial accent-free names, booking numbers, dates, outcome, officer; sorting."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget
from test_board_kit import context, decide
from uikit import FakeTime

from trustdesk.ui.dialogs import Ask
from trustdesk.ui.history import HistoryPage
from trustdesk.ui.history_form import qdate
from trustdesk.ui.history_model import NAME, SORT_ROLE

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def person(name: str, booking: str) -> dict[str, str]:
    return {"name": name, "date_of_birth": "1990-04-17", "booking_number": booking}


@pytest.fixture
def made(gui_desk: Any, rules: Any) -> dict[str, int]:
    """Four decisions: two people today, one yesterday, one declined by officer2."""
    serious = [{"statute": "53a-134", "level": "felony", "class": "B", "jurisdiction": "CT"}]
    ids = {
        "pena": decide(gui_desk, rules, person=person("María Peña", "NH-2026-0412")),
        "perez": decide(
            gui_desk,
            rules,
            person=person("Mario Pérez", "NH-2026-0500"),
            convictions=serious,
            releasable_at="2026-11-20T15:00:00-05:00",
        ),
        "ruiz": decide(
            gui_desk,
            rules,
            person=person("Ana Ruiz", "NH-2026-0013"),
            decision_time="2026-11-19T09:00:00-05:00",
        ),
        "chen": decide(gui_desk, rules, "officer2", person=person("Bo Chen", "NH-2026-0777")),
    }
    return {key: saved.record.decision_id for key, saved in ids.items()}


@pytest.fixture
def history(qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime) -> Any:
    def make(username: str = "officer") -> HistoryPage:
        page = HistoryPage(context(gui_desk, rules, fake_time, username))
        qtbot.addWidget(page)
        page.show()  # the first showing lists the newest decisions
        return page

    return make


def search(qtbot: Any, page: HistoryPage, field: Any, text: str) -> list[int]:
    page.form.clear()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)
    return sorted(page.decision_ids())


def test_the_page_opens_on_the_newest_decisions(history: Any, made: dict[str, int]) -> None:
    page = history()
    assert sorted(page.decision_ids()) == sorted(made.values())
    assert page.count.text() == "4 decisions found"
    assert page.decision_ids()[-1] == made["ruiz"]  # newest first: yesterday's is last


def test_a_partial_name_without_accents_finds_the_person(
    qtbot: Any, history: Any, made: dict[str, int]
) -> None:
    page = history()
    assert search(qtbot, page, page.form.name, "pena") == [made["pena"]]
    assert search(qtbot, page, page.form.name, "PÉR") == [made["perez"]]
    assert search(qtbot, page, page.form.name, "mar") == sorted([made["pena"], made["perez"]])
    assert search(qtbot, page, page.form.name, "nobody") == []
    assert page.count.text() == "0 decisions found"


def test_booking_number_officer_and_outcome(qtbot: Any, history: Any, made: dict[str, int]) -> None:
    page = history()
    assert search(qtbot, page, page.form.booking, "nh-2026-0500") == [made["perez"]]
    assert search(qtbot, page, page.form.officer, "officer2") == [made["chen"]]
    page.form.clear()
    page.form.outcome.setFocus()
    qtbot.keyClick(page.form.outcome, Qt.Key.Key_Down)  # any → honor
    assert page.form.outcome.currentData() == "honor"
    qtbot.mouseClick(page.form.search_button, Qt.MouseButton.LeftButton)
    assert page.decision_ids() == [made["perez"]]
    qtbot.keyClick(page.form.outcome, Qt.Key.Key_Down)  # honor → decline
    qtbot.mouseClick(page.form.search_button, Qt.MouseButton.LeftButton)
    assert made["perez"] not in page.decision_ids() and len(page.decision_ids()) == 3


def test_a_date_range_in_the_agency_zone(qtbot: Any, history: Any, made: dict[str, int]) -> None:
    page = history()
    form = page.form
    assert not form.first_day.isEnabled()
    qtbot.mouseClick(form.use_dates, Qt.MouseButton.LeftButton)
    assert form.first_day.isEnabled()
    form.first_day.setDate(qdate(date(2026, 11, 19)))
    form.last_day.setDate(qdate(date(2026, 11, 19)))
    qtbot.mouseClick(form.search_button, Qt.MouseButton.LeftButton)
    assert page.decision_ids() == [made["ruiz"]]
    form.last_day.setDate(qdate(date(2026, 11, 20)))
    qtbot.mouseClick(form.search_button, Qt.MouseButton.LeftButton)
    assert len(page.decision_ids()) == 4
    qtbot.mouseClick(form.clear_button, Qt.MouseButton.LeftButton)
    assert not form.use_dates.isChecked() and form.form().first_day is None


def test_clicking_a_column_header_sorts_by_it(
    qtbot: Any, history: Any, made: dict[str, int]
) -> None:
    page = history()
    header = page.table.horizontalHeader()
    where = QPoint(header.sectionViewportPosition(NAME) + 5, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    names = [page.proxy.index(r, NAME).data(SORT_ROLE) for r in range(page.proxy.rowCount())]
    first = page.proxy.index(0, NAME).data()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    again = [page.proxy.index(r, NAME).data(SORT_ROLE) for r in range(page.proxy.rowCount())]
    assert {tuple(names), tuple(again)} == {
        ("ana ruiz", "bo chen", "maria pena", "mario perez"),
        ("mario perez", "maria pena", "bo chen", "ana ruiz"),
    }
    assert first in ("Ana Ruiz", "Mario Pérez")  # shown as written, sorted without accents


def test_ctrl_f_in_the_window_goes_to_the_search_field(make_window: Any) -> None:
    window = make_window(sign_in="officer")
    window.search_action.trigger()
    history = window.workspace.history
    assert window.workspace.tabs.currentWidget() is history
    assert window.focusWidget() is history.form.name


def test_a_refused_search_is_shown_not_raised(
    history: Any, made: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    page = history()
    shown: list[str] = []
    monkeypatch.setattr(Ask, "error", classmethod(lambda cls, p, title, text: shown.append(text)))
    page.context.session = page.context.session._replace(user_id=9999)  # account gone
    page.search()
    assert shown == ["Your account no longer exists; log on again."]
    assert len(page.decision_ids()) == 4  # the last results stay


def test_a_decision_opened_from_the_board_stays_open(
    qtbot: Any, make_window: Any, made: dict[str, int]
) -> None:
    window = make_window(sign_in="officer")
    workspace = window.workspace
    workspace.board.open_decision.emit(made["ruiz"])
    history = workspace.history
    assert workspace.tabs.currentWidget() is history
    assert len(history.decision_ids()) == 4  # the first showing listed the newest
    qtbot.wait(300)  # longer than the browsing delay: nothing else gets opened
    assert history.view is not None and history.view.latest.decision_id == made["ruiz"]
    row = history.table.currentIndex().row()
    assert history.decision_ids()[row] == made["ruiz"]


def test_administrators_have_no_history(history: Any, made: dict[str, int]) -> None:
    page = history("admin")
    assert page.findChild(QLabel, "history_not_allowed") is not None
    assert page.decision_ids() == [] and not page.form.isVisibleTo(page)


def test_every_control_has_a_name_a_screen_reader_can_say(history: Any) -> None:
    page = history()
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}"
        for w in page.findChildren(QWidget)
        if w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and w.isVisibleTo(page)
        and not w.accessibleName()
        and not (isinstance(w, QAbstractButton) and w.text())
    ]
    assert unnamed == []

"""Administration -> Agency settings against IT's machine config and the jurisdiction:
it says plainly when the record's name or ORI is not the one IT locked for the machine
(and which one the memo prints), and refuses an ORI of another state, as the first-run
page does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_admin_settings import admin_tab
from test_jurisdiction_setting import choose, fill_setup, first_run_window
from uikit import Answers, FakeTime

from configkit import machine_config

LEFT = Qt.MouseButton.LeftButton


def test_agency_settings_say_the_record_and_it_config_differ_and_which_the_memo_prints(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The page showed IT's name and ORI while every memo printed the record's, with
    nothing said: the officer proof-reading the page saw what the memo never printed."""
    from trustdesk.services.memo_inputs import memo_header

    path = machine_config(
        tmp_path, monkeypatch, 'agency_name = "Hartford Police"\nagency_ori = "CT0006400"\n'
    )
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "agency")
    assert tab.name.text() == "Hartford Police" and tab.ori.text() == "CT0006400"
    assert tab.notes.isVisibleTo(tab)
    notes = tab.notes.text()
    assert (
        "The record holds the agency name 'New Haven Police Department', while IT's machine "
        f"config (set by IT in {path} (locked)) sets 'Hartford Police' for this machine"
    ) in notes
    assert (
        "memos, reports and the sign-in screen show the record's ('New Haven Police Department')"
        in notes
    )
    assert "The record holds the ORI 'CT0009300'" in notes and "sets 'CT0006400'" in notes
    assert "memos and reports print the record's ('CT0009300')" in notes
    # What the note says is what the memo prints: the record's values.
    header = memo_header(gui_desk.store, None)
    assert (header.name, header.ori) == ("New Haven Police Department", "CT0009300")

    # Saving stores IT's values for every desk; the note goes.
    qtbot.mouseClick(tab.save_button, LEFT)
    assert "Saved" in tab.saved.text(), tab.error.text()
    header = memo_header(gui_desk.store, None)
    assert (header.name, header.ori) == ("Hartford Police", "CT0006400")
    assert not tab.notes.isVisibleTo(tab) and tab.notes.text() == ""


def test_agency_settings_refuse_an_ori_of_another_state_and_warn_of_a_stored_one(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "agency")
    assert not tab.notes.isVisibleTo(tab)
    before = gui_desk.services.agency.profile()
    tab.ori.clear()
    qtbot.keyClicks(tab.ori, "ca0009300")
    qtbot.mouseClick(tab.save_button, LEFT)
    assert tab.error.isVisibleTo(tab)
    assert "'CA0009300' starts with 'CA'" in tab.error.text()
    assert "Connecticut, whose ORIs start with CT" in tab.error.text()
    assert gui_desk.services.agency.profile() == before

    # The jurisdiction changes to California: the stored CT ORI is shown, with a warning.
    tab.ori.clear()
    qtbot.keyClicks(tab.ori, "CT0009300")
    choose(qtbot, tab.jurisdiction, "California")
    answers.confirm = True
    qtbot.mouseClick(tab.change_jurisdiction, LEFT)
    assert "Jurisdiction now California" in tab.saved.text()
    assert tab.notes.isVisibleTo(tab)
    assert "The stored ORI does not fit the jurisdiction" in tab.notes.text()
    assert tab.ori.text() == "CT0009300"
    tab.ori.clear()
    qtbot.keyClicks(tab.ori, "CA0009300")
    qtbot.mouseClick(tab.save_button, LEFT)
    assert "Saved" in tab.saved.text(), tab.error.text()
    assert not tab.notes.isVisibleTo(tab)
    assert gui_desk.services.agency.profile().ori == "CA0009300"


def test_first_run_refuses_an_ori_of_the_other_state(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    choose(qtbot, page.jurisdiction, "California")
    fill_setup(qtbot, page, "CT0100000")
    qtbot.mouseClick(page.button, LEFT)
    assert window.stack.currentWidget() is page
    assert "'CT0100000' starts with 'CT'" in page.error.text()
    assert "California, whose ORIs start with CA" in page.error.text()
    assert window.services.agency.needs_set_up()

"""The agency's jurisdiction: chosen at first-run set-up, shown and changed (audited, with
a warning) in Administration, locked when IT sets it for the machine, Connecticut when
nobody chose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from uikit import Answers, FakeTime

LEFT = Qt.MouseButton.LeftButton
ADMIN_PASSWORD = "copper kettle morning 9"


def jurisdiction_changes(services: Any) -> list[dict[str, Any]]:
    entries = services.store.audit.of_events("settings.changed")
    changes = [json.loads(entry.objects) for entry in entries]
    return [c for c in changes if c.get("setting") == "jurisdiction"]


def first_run_window(qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime) -> Any:
    from storekit import FAST_HASHER

    from trustdesk.services.bundle import open_services
    from trustdesk.ui.context import RulesHolder
    from trustdesk.ui.mainwindow import MainWindow

    services = open_services(tmp_path / "fresh", rules, hasher=FAST_HASHER)
    window = MainWindow(services, RulesHolder(rules), fake_time.clock())
    qtbot.addWidget(window)
    window.start()
    qtbot.waitExposed(window)
    return window


def fill_setup(qtbot: Any, page: Any, ori: str) -> None:
    qtbot.keyClicks(page.name, "Fresno County Sheriff")
    qtbot.keyClicks(page.facility, "Main Jail")
    qtbot.keyClicks(page.ori, ori)
    qtbot.keyClicks(page.admin, "chief")
    qtbot.keyClicks(page.admin_password, ADMIN_PASSWORD)
    qtbot.keyClicks(page.admin_repeat, ADMIN_PASSWORD)


def choose(qtbot: Any, combo: Any, text: str) -> None:
    """Pick an entry of a combo box by keyboard, as a person tabbing through the form."""
    combo.setFocus()
    for _ in range(combo.count()):
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(
        f"{text!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    )


def test_first_run_records_the_california_choice(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    offered = [page.jurisdiction.itemText(i) for i in range(page.jurisdiction.count())]
    assert offered == ["Connecticut (CT)", "California (CA)"]
    assert page.ori.placeholderText() == "CT0000000"
    choose(qtbot, page.jurisdiction, "California")
    assert page.ori.placeholderText() == "CA0000000"
    fill_setup(qtbot, page, "ca0100000")
    qtbot.mouseClick(page.button, LEFT)
    assert window.stack.currentWidget() is window.sign_in
    services = window.services
    now = services.jurisdiction.current()
    assert (now.code, now.name, now.source, now.locked) == (
        "CA",
        "California",
        "chosen by the agency",
        False,
    )
    [change] = jurisdiction_changes(services)
    assert change == {"setting": "jurisdiction", "jurisdiction": "CA", "previous": None}


def test_first_run_keeping_connecticut_records_nothing_and_reads_ct(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    fill_setup(qtbot, window.first_run, "ct0100000")
    qtbot.mouseClick(window.first_run.button, LEFT)
    assert window.stack.currentWidget() is window.sign_in
    assert jurisdiction_changes(window.services) == []
    assert window.services.jurisdiction.current().code == "CT"


def test_an_existing_install_is_connecticut(gui_desk: Any) -> None:
    now = gui_desk.services.jurisdiction.current()
    assert (now.code, now.source) == ("CT", "default")


def test_administrator_changes_the_jurisdiction_after_the_warning(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    from test_admin_settings import admin_tab

    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "agency")
    assert tab.jurisdiction.currentText() == "Connecticut (CT)"
    assert "NEW decisions only" in tab.jurisdiction_source.text()
    choose(qtbot, tab.jurisdiction, "California")

    answers.confirm = False
    qtbot.mouseClick(tab.change_jurisdiction, LEFT)
    assert "NEW decisions only" in answers.questions[-1]
    assert "California" in answers.questions[-1]
    assert gui_desk.services.jurisdiction.current().code == "CT"
    assert tab.jurisdiction.currentText() == "Connecticut (CT)"  # put back
    assert jurisdiction_changes(gui_desk.services) == []

    choose(qtbot, tab.jurisdiction, "California")
    answers.confirm = True
    qtbot.mouseClick(tab.change_jurisdiction, LEFT)
    assert gui_desk.services.jurisdiction.current().code == "CA"
    assert "Jurisdiction now California" in tab.saved.text()
    assert jurisdiction_changes(gui_desk.services) == [
        {"setting": "jurisdiction", "jurisdiction": "CA", "previous": "CT"}
    ]
    entry = gui_desk.services.store.audit.of_events("settings.changed")[-1]
    assert entry.actor == window.context.session.username


def test_only_an_administrator_may_change_it(gui_desk: Any) -> None:
    from trustdesk.services.errors import ServiceError

    services = gui_desk.services
    session = gui_desk.session("officer")
    with pytest.raises(ServiceError):
        services.jurisdiction.change(session, "CA")
    assert services.jurisdiction.current().code == "CT"


def test_an_unknown_jurisdiction_is_refused_with_the_choices(gui_desk: Any) -> None:
    from trustdesk.services.errors import InvalidRequest

    services = gui_desk.services
    session = gui_desk.session("admin")
    with pytest.raises(InvalidRequest, match=r"'TX' is not one .* CT \(Connecticut\), CA"):
        services.jurisdiction.change(session, "TX")


def test_it_sets_the_jurisdiction_for_the_machine(
    qtbot: Any,
    tmp_path: Path,
    rules: Any,
    fake_time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "machine.toml"
    config.write_text('jurisdiction = "ca"\n', encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config))
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    assert page.jurisdiction.currentText() == "California (CA)"
    assert not page.jurisdiction.isEnabled()
    assert f"Jurisdiction: set by IT in {config}" in page.locked_note.text()
    fill_setup(qtbot, page, "ca0100000")
    qtbot.mouseClick(page.button, LEFT)
    services = window.services
    now = services.jurisdiction.current()
    assert (now.code, now.locked) == ("CA", True)
    session = services.accounts.log_on("chief", ADMIN_PASSWORD)
    from trustdesk.services.errors import InvalidRequest

    with pytest.raises(InvalidRequest, match="IT changes it in the machine config file"):
        services.jurisdiction.change(session, "CT")


def test_a_bad_machine_value_names_the_file_and_the_choices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk import config

    path = tmp_path / "machine.toml"
    path.write_text('jurisdiction = "Texas"\n', encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(path))
    with pytest.raises(config.ConfigError) as error:
        config.load()
    assert error.value.problems == [
        f"{path}: jurisdiction 'TEXAS' is not a jurisdiction TrustDesk has packs for; use "
        '"CT" (Connecticut), "CA" (California)'
    ]


def test_first_run_zone_follows_the_chosen_jurisdiction_until_the_user_picks_one(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    assert page.zone.currentText() == "America/New_York"
    choose(qtbot, page.jurisdiction, "California")
    # The zone California's packs count in, not Connecticut's.
    assert page.zone.currentText() == "America/Los_Angeles"
    qtbot.keyClick(page.jurisdiction, Qt.Key.Key_Up)  # back to Connecticut
    assert page.jurisdiction.currentData() == "CT"
    assert page.zone.currentText() == "America/New_York"
    # Once the person picks a zone, choosing a jurisdiction leaves it alone.
    choose(qtbot, page.zone, "America/Denver")
    choose(qtbot, page.jurisdiction, "California")
    assert page.zone.currentText() == "America/Denver"
    choose(qtbot, page.zone, "America/Los_Angeles")
    fill_setup(qtbot, page, "ca0100000")
    qtbot.mouseClick(page.button, LEFT)
    assert window.stack.currentWidget() is window.sign_in
    profile = window.services.store.agency.get()
    assert profile is not None and profile.timezone == "America/Los_Angeles"

"""Machine settings in the app, driven as a person would: first-run set-up (pre-filled and
locked by IT, Enter submits, success shown as success), the read-only Machine settings
tab, the idle lock IT set, bad settings at start-up, and an unexpected error that loses
nothing typed and leaves no personal data in the log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QPushButton
from test_admin_settings import admin_tab
from test_review import add_offense, answer, fill_person, open_review, save
from uikit import Answers, FakeTime, type_text

from configkit import machine_config
from trustdesk.ui.admin_common import error_label
from trustdesk.ui.gate import SUCCESS_STYLE

LEFT = Qt.MouseButton.LeftButton
ADMIN_PASSWORD = "copper kettle morning 9"


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


def fill_rest_of_setup(qtbot: Any, page: Any) -> None:
    qtbot.keyClicks(page.facility, "Central Booking")
    qtbot.keyClicks(page.admin, "chief")
    qtbot.keyClicks(page.admin_password, ADMIN_PASSWORD)
    qtbot.keyClicks(page.admin_repeat, ADMIN_PASSWORD)


# -- first run --------------------------------------------------------------------------------


def test_enter_submits_setup_and_success_is_not_shown_as_an_error(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    assert page.name.isEnabled() and not page.locked_note.isVisible()  # no config: all editable
    qtbot.keyClicks(page.name, "Hartford Police Department")
    qtbot.keyClicks(page.ori, "ct0006400")
    fill_rest_of_setup(qtbot, page)
    qtbot.keyClick(page.admin_repeat, Qt.Key.Key_Return)  # Enter, not a click
    try:
        assert window.stack.currentWidget() is window.sign_in
        sign_in = window.sign_in
        assert not sign_in.error.isVisible()  # the red warning label stays hidden
        assert sign_in.notice.isVisible()
        assert sign_in.notice.text() == (
            "✓ Setup complete. Sign in with the administrator account."
        )
        assert sign_in.notice.styleSheet() == SUCCESS_STYLE
        red = error_label("probe").styleSheet()
        assert sign_in.notice.styleSheet() != red and "#b00020" not in SUCCESS_STYLE
        # The first sign-in clears the good news too.
        sign_in.acknowledge.setChecked(True)
        qtbot.keyClicks(sign_in.username, "chief")
        qtbot.keyClicks(sign_in.password, "wrong password")
        qtbot.keyClick(sign_in.password, Qt.Key.Key_Return)
        assert sign_in.error.isVisible() and not sign_in.notice.isVisible()
    finally:
        window.close()  # as the app ends: the window first, then the store
        window.services.close()


def test_enter_in_an_incomplete_form_says_what_is_missing(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime
) -> None:
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    try:
        qtbot.keyClicks(page.name, "Hartford Police Department")
        qtbot.keyClick(page.name, Qt.Key.Key_Return)
        assert window.stack.currentWidget() is page
        assert page.error.isVisible() and page.error.text().startswith("⚠")
        assert window.services.agency.profile() is None
    finally:
        window.close()  # as the app ends: the window first, then the store
        window.services.close()


def test_first_run_is_prefilled_and_locked_by_it(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = machine_config(
        tmp_path, monkeypatch, 'agency_name = "Town of Union PD"\nagency_ori = "ct0009900"\n'
    )
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    try:
        why = f"set by IT in {path} (locked)"
        for field, value in ((page.name, "Town of Union PD"), (page.ori, "CT0009900")):
            assert field.text() == value
            assert not field.isEnabled()
            assert field.toolTip() == why and field.accessibleDescription() == why
        assert page.locked_note.isVisible()
        assert page.locked_note.text() == f"Agency name: {why}. ORI number: {why}."
        qtbot.keyClicks(page.name, "typed over")  # a disabled field takes no typing
        assert page.name.text() == "Town of Union PD"
        fill_rest_of_setup(qtbot, page)
        qtbot.keyClick(page.admin_repeat, Qt.Key.Key_Return)
        profile = window.services.agency.profile()
        assert profile is not None
        assert (profile.name, profile.ori) == ("Town of Union PD", "CT0009900")
    finally:
        window.close()  # as the app ends: the window first, then the store
        window.services.close()


def test_environment_seed_is_locked_too(
    qtbot: Any, tmp_path: Path, rules: Any, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUSTDESK_AGENCY_NAME", "Env PD")
    window = first_run_window(qtbot, tmp_path, rules, fake_time)
    page = window.first_run
    try:
        assert page.name.text() == "Env PD" and not page.name.isEnabled()
        assert "environment variable TRUSTDESK_AGENCY_NAME (locked)" in page.name.toolTip()
        assert page.ori.isEnabled() and page.ori.text() == ""
    finally:
        window.close()  # as the app ends: the window first, then the store
        window.services.close()


# -- administration ---------------------------------------------------------------------------


def test_machine_settings_tab_lists_every_setting_and_its_source(
    make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.config import KEY_NAMES

    path = machine_config(
        tmp_path, monkeypatch, 'idle_lock_minutes = 12\ndefault_printer = "Booking-HP"\n'
    )
    monkeypatch.setenv("TRUSTDESK_LOG_LEVEL", "warning")
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "machine")
    table = tab.table
    assert table.rowCount() == len(KEY_NAMES)
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
        for r in range(table.rowCount())
    }
    assert rows["Lock after minutes without use"] == ("12", f"set by IT in {path} (locked)")
    assert rows["Default printer"] == ("Booking-HP", f"set by IT in {path} (locked)")
    assert rows["Log level"] == (
        "WARNING",
        "set by IT in environment variable TRUSTDESK_LOG_LEVEL (locked)",
    )
    assert rows["Agency name (first set-up)"] == ("(not set)", "default")
    assert str(path) in tab.intro.text()
    # Read-only: no cell can be edited.
    assert table.editTriggers() == table.EditTrigger.NoEditTriggers


def test_agency_tab_shows_it_settings_locked(
    make_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gui_desk: Any
) -> None:
    path = machine_config(tmp_path, monkeypatch, 'agency_ori = "CT0001100"\n')
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "agency")
    assert not tab.ori.isEnabled() and tab.ori.text() == "CT0001100"
    assert tab.ori.toolTip() == f"set by IT in {path} (locked)"
    assert tab.name.isEnabled()  # not set by IT: the administrator edits it
    tab.name.selectAll()
    qtbot.keyClicks(tab.name, "Renamed PD")
    qtbot.mouseClick(tab.save_button, LEFT)
    profile = gui_desk.services.agency.profile()
    assert (profile.name, profile.ori) == ("Renamed PD", "CT0001100")  # IT's ORI is saved


def test_the_printer_it_named_reaches_the_print_path(
    make_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine_config(tmp_path, monkeypatch, 'default_printer = "Booking-HP"\n')
    window = make_window(sign_in="officer")
    assert window.context.default_printer == "Booking-HP"


def test_no_printer_named_leaves_the_systems_default(make_window: Any) -> None:
    window = make_window(sign_in="officer")
    assert window.context.default_printer is None


# -- the idle lock ----------------------------------------------------------------------------


def test_idle_lock_follows_the_machine_setting(
    make_window: Any, qtbot: Any, fake_time: FakeTime, tmp_path: Path, monkeypatch: Any
) -> None:
    machine_config(tmp_path, monkeypatch, "idle_lock_minutes = 5\n")
    window = make_window(sign_in="officer")
    fake_time.advance(minutes=4, seconds=50)
    window.idle.check()
    assert window.stack.currentWidget() is window.workspace
    fake_time.advance(seconds=11)
    with qtbot.waitSignal(window.locked, timeout=2000):
        window.idle.check()
    assert window.lock_page.who.text() == (
        "Signed in as officer. Locked after 5 minutes without use."
    )


def test_idle_lock_defaults_to_the_cjis_thirty_minutes(
    make_window: Any, qtbot: Any, fake_time: FakeTime
) -> None:
    window = make_window(sign_in="officer")
    fake_time.advance(minutes=29, seconds=59)
    window.idle.check()
    assert window.stack.currentWidget() is window.workspace
    fake_time.advance(seconds=2)
    window.idle.check()
    assert "Locked after 30 minutes without use." in window.lock_page.who.text()


# -- bad settings at start-up -----------------------------------------------------------------


def test_bad_settings_stop_the_app_with_a_plain_dialog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers: Answers
) -> None:
    from trustdesk.ui.app import run_app

    path = machine_config(tmp_path, monkeypatch, "idle_lock_minutes = 90\n")
    assert run_app(str(tmp_path / "data")) == 2
    assert answers.errors == [
        f"{path}: idle_lock_minutes is 90 minutes, above the CJIS Security Policy's cap of 30; "
        "set 30 or fewer\n\nAsk IT to correct this (trustdesk config check lists every setting)."
    ]
    assert not (tmp_path / "data").exists()  # nothing was opened or created


def test_the_database_flag_opens_the_facility_s_server_not_a_new_local_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`trustdesk --data-dir D --database URL gui` opened a new, empty SQLite record in D:
    the app read the settings again without the flag (a hostile pass on IT's set-up).
    It goes to the server named, here one that cannot be reached, and says so."""
    from trustdesk.cli import main

    machine_config(tmp_path, monkeypatch, "")
    data = tmp_path / "data"
    code = main(
        ["--data-dir", str(data), "--database", "postgresql://127.0.0.1:1/facility", "gui",
         "--exit-when-ready"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "the database server cannot be reached (database facility on 127.0.0.1:1" in err
    assert not (data / "trustdesk.db").exists()


@pytest.mark.gui
def test_installed_app_refuses_bad_settings_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "config.toml"
    bad.write_text("idle_lock_minutes = 'soon'\n")
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk", "gui", "--exit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRUSTDESK_CONFIG": str(bad)},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"trustdesk: {bad}: idle_lock_minutes must be a whole number of minutes from 1 to 30"
    )


@pytest.mark.gui
def test_log_file_is_in_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o2775)  # shared by a group, as the Linux package makes it
    env = {k: v for k, v in os.environ.items() if k != "TRUSTDESK_LOG_DIR"}
    config = tmp_path / "config.toml"
    config.write_text(f'data_dir = "{data}"\nlog_level = "warning"\n')
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk", "gui", "--exit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "QT_QPA_PLATFORM": "offscreen", "TRUSTDESK_CONFIG": str(config)},
    )
    assert result.returncode == 0, result.stderr
    log = data / "logs" / "trustdesk.log"
    assert log.exists()
    # Every member of the group can append to the shared log.
    assert (data / "logs").stat().st_mode & 0o070 == 0o070
    assert log.stat().st_mode & 0o060 == 0o060
    # At WARNING, the start-up line (INFO) is left out.
    assert "started; log file" not in log.read_text(encoding="utf-8")


# -- an unexpected error ----------------------------------------------------------------------


def log_text_since(start: int) -> str:
    from trustdesk.ui.applog import set_up_logging

    path = set_up_logging()
    assert path is not None
    for handler in logging.getLogger("trustdesk").handlers:
        handler.flush()
    return path.read_bytes()[start:].decode("utf-8")


def log_size() -> int:
    from trustdesk.ui.applog import set_up_logging

    path = set_up_logging()
    assert path is not None
    return path.stat().st_size


@pytest.mark.qt_no_exception_capture
def test_unexpected_error_keeps_the_draft_and_what_was_typed(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers, monkeypatch: Any
) -> None:
    from trustdesk.ui import crash

    start = log_size()
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # put back after the test
    window = make_window(sign_in="officer")
    crash.install(window.keep_work)
    page = open_review(window, qtbot)
    type_text(qtbot, page.person.name, "Inés Peña")
    qtbot.keyClicks(page.person.booking, "NH-OOPS-7")
    assert gui_desk.services.drafts.list(gui_desk.session("officer")) == []  # not saved yet

    def broken_slot() -> None:
        typed = page.person.name.text()
        raise RuntimeError(typed)  # an error whose message quotes case data

    trigger = QPushButton("Do something", window)
    trigger.clicked.connect(broken_slot)
    trigger.show()
    qtbot.mouseClick(trigger, LEFT)

    assert answers.errors == [crash.MESSAGE]
    assert "Traceback" not in crash.MESSAGE and "RuntimeError" not in crash.MESSAGE
    # Nothing typed was lost: still on screen, and kept as a draft.
    assert page.person.name.text() == "Inés Peña"
    assert page.person.booking.text() == "NH-OOPS-7"
    assert window.stack.currentWidget() is window.workspace
    drafts = gui_desk.services.drafts.list(gui_desk.session("officer"))
    assert [d.label for d in drafts] == ["NH-OOPS-7 — Inés Peña"]
    # The report is in the log, without the message (which quoted the name).
    text = log_text_since(start)
    assert "unexpected error (report follows)" in text
    assert "RuntimeError (message withheld)" in text
    assert "broken_slot" in text  # the frames, for the developers
    assert "Inés" not in text and "Peña" not in text and "NH-OOPS-7" not in text


@pytest.mark.qt_no_exception_capture
def test_an_error_while_keeping_the_work_still_shows_the_dialog(
    make_window: Any, qtbot: Any, answers: Answers, monkeypatch: Any
) -> None:
    from trustdesk.ui import crash

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    window = make_window(sign_in="officer")

    def keep_work() -> None:
        raise OSError("disk full")

    crash.install(keep_work)
    trigger = QPushButton("Do something", window)
    trigger.clicked.connect(lambda: 1 / 0)
    trigger.show()
    qtbot.mouseClick(trigger, LEFT)
    assert answers.errors == [crash.MESSAGE]


def test_saved_decision_leaves_no_name_birth_date_or_booking_number_in_the_log(
    make_window: Any, qtbot: Any, gui_desk: Any
) -> None:
    start = log_size()
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    page.person.birth.setDate(QDate(1987, 6, 23))
    fill_person(qtbot, page, "Zuleyka Arredondo", "NH-2026-5531")
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    add_offense(qtbot, page, "53a-61", "misdemeanor", "A")
    qtbot.mouseClick(page.next_button, LEFT)
    answer(qtbot, page, "no")
    decision_id = save(qtbot, page)
    view = gui_desk.services.decisions.view(gui_desk.session("officer"), decision_id)
    person = view.latest.case()["person"]
    assert (person["name"], person["booking_number"], person["date_of_birth"]) == (
        "Zuleyka Arredondo",
        "NH-2026-5531",
        "1987-06-23",
    )
    window.sign_out()
    text = log_text_since(start)
    assert "signed in" in text and "signed out" in text  # the log was written meanwhile
    for secret in ("Zuleyka", "Arredondo", "NH-2026-5531", "5531", "1987-06-23", "1987", "23 Jun"):
        assert secret not in text

"""Verify, export and back up in the background: progress, results, and Cancel that stops."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from uikit import Answers

from trustdesk.services import jobs
from trustdesk.store import stoppable
from trustdesk.ui.tasks import stop_all

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Holds every job at its first database read until the test sets the event."""
    release = threading.Event()
    original = stoppable._StoppableDatabase.open_reader

    def open_reader(self: Any) -> Any:
        assert release.wait(10)
        return original(self)

    monkeypatch.setattr(stoppable._StoppableDatabase, "open_reader", open_reader)
    yield release
    release.set()
    stop_all()


def records_tab(window: Any) -> Any:
    admin = window.workspace.admin
    window.workspace.tabs.setCurrentWidget(admin)
    admin.tabs.setCurrentWidget(admin.records)
    return admin.records


class Control:
    """A job control that asks to stop after ``after`` looks at the flag."""

    def __init__(self, after: int | None = None) -> None:
        self.after = after
        self.looks = 0
        self.reports: list[tuple[int, int]] = []

    def cancelled(self) -> bool:
        self.looks += 1
        return self.after is not None and self.looks > self.after

    def progress(self, done: int, total: int) -> None:
        self.reports.append((done, total))


def test_verify_runs_in_the_background_with_progress(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    held: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stoppable, "ROWS_PER_REPORT", 1)
    window = make_window(sign_in="auditor")
    tab = records_tab(window)
    qtbot.mouseClick(tab.verify_button, LEFT)
    panel = tab.panel
    assert panel.busy and panel.bar.isVisibleTo(tab) and panel.cancel_button.isVisibleTo(tab)
    assert not tab.verify_button.isEnabled() and not tab.export_button.isEnabled()
    assert panel.bar.maximum() == 0  # busy: verification cannot know its length beforehand
    reports: list[tuple[int, int]] = []
    panel.task.progressed.connect(lambda done, total: reports.append((done, total)))
    qtbot.keyClick(window.workspace.tabs, Qt.Key.Key_Left)  # the window still answers
    with qtbot.waitSignal(panel.finished, timeout=30_000) as blocker:
        held.set()
    assert blocker.args == ["succeeded"]
    assert reports and reports[0][0] >= 1
    assert "The audit trail is intact" in panel.status.text()
    assert not panel.bar.isVisibleTo(tab) and tab.verify_button.isEnabled()
    entry = gui_desk.store.audit.of_events("audit.verified")[-1]
    assert entry.actor == "auditor" and entry.outcome == "success"


def test_export_writes_a_new_file(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers, tmp_path: Path
) -> None:
    window = make_window(sign_in="auditor")
    tab = records_tab(window)
    qtbot.keyClicks(tab.format, "J")  # JSON lines
    assert tab.format.currentData() == "jsonl"
    answers.save_file = str(tmp_path / "trail")
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(tab.export_button, LEFT)
    assert blocker.args == ["succeeded"], answers.errors
    written = tmp_path / "trail.jsonl"
    assert written.exists() and str(written) in tab.panel.status.text()
    assert len(written.read_text(encoding="utf-8").splitlines()) >= 5
    assert gui_desk.store.audit.of_events("audit.exported")[-1].objects_dict()["format"] == "jsonl"


def test_cancelled_export_leaves_no_file(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    tmp_path: Path,
    held: threading.Event,
) -> None:
    window = make_window(sign_in="administrator")
    tab = records_tab(window)
    out = tmp_path / "usb"
    out.mkdir()
    answers.save_file = str(out / "trail.csv")
    qtbot.mouseClick(tab.export_button, LEFT)
    qtbot.waitUntil(lambda: any(out.iterdir()), timeout=5000)  # its temporary file
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as blocker:
        qtbot.keyClick(tab.panel.cancel_button, Qt.Key.Key_Escape)
        assert "stopping" in tab.panel.status.text()
        held.set()
    assert blocker.args == ["cancelled"]
    assert list(out.iterdir()) == []
    assert answers.errors == []
    assert "Nothing half-done was kept" in tab.panel.status.text()
    assert gui_desk.store.audit.of_events("audit.exported") == []


def test_back_up_in_the_background(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers, tmp_path: Path
) -> None:
    window = make_window(sign_in="administrator")
    tab = records_tab(window)
    answers.save_file = str(tmp_path / "nightly.db")
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(tab.backup_button, LEFT)
    assert blocker.args == ["succeeded"], answers.errors
    assert (tmp_path / "nightly.db").exists()
    assert "Backup written" in tab.panel.status.text()
    gui_desk.services.records.check_backup(tmp_path / "nightly.db")
    # Never over an existing file: refused in words, the old file untouched.
    before = (tmp_path / "nightly.db").read_bytes()
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(tab.backup_button, LEFT)
    assert blocker.args == ["failed"] and "already exists" in answers.errors[-1]
    assert (tmp_path / "nightly.db").read_bytes() == before


# --- the jobs themselves: stopped midway, nothing left -------------------------------------


def test_jobs_stop_midway_inside_sqlite(
    gui_desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stoppable, "STEPS", 1)  # look at the flag at every SQLite step
    monkeypatch.setattr(stoppable, "PAGES", 1)
    out = tmp_path / "usb"
    out.mkdir()
    services, session = gui_desk.services, gui_desk.session("admin")
    events = len(gui_desk.store.audit.latest(1000))
    for run in (
        lambda control: jobs.verify(services, session, control),
        lambda control: jobs.export(services, session, "csv", out / "a.csv", control),
        lambda control: jobs.backup(services, session, out / "b.db", control),
    ):
        control = Control(after=5)
        with pytest.raises(jobs.JobCancelled):
            run(control)
        assert control.looks > 5
    assert list(out.iterdir()) == []
    # Nothing recorded either, but the backup's start (recorded before it copies, so that
    # a killed one is in the record) and its stop.
    recorded = gui_desk.store.audit.latest(1000)[events:]
    assert [entry.event for entry in recorded] == ["backup.started", "backup.failed"]
    assert recorded[1].objects_dict()["started_seq"] == recorded[0].seq

    class StopAtFirstPage(Control):
        def progress(self, done: int, total: int) -> None:
            super().progress(done, total)
            self.after = 0  # the person clicks Cancel once the copy has begun

    control = StopAtFirstPage()
    with pytest.raises(jobs.JobCancelled, match="no backup file was kept"):
        jobs.backup(services, session, out / "b.db", control)
    assert len(control.reports) == 1 and list(out.iterdir()) == []
    control = Control()
    info = jobs.backup(services, session, out / "b.db", control)
    done, total = control.reports[-1]  # page by page, to the last one
    assert done == total > 1 and info.path.exists()

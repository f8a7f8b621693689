"""Fixtures for the desktop-app tests (offscreen Qt, a fresh data folder per test)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from cupskit import PrivateCups, private_cups_dir, socket_path
from uikit import Answers, FakeTime, open_gui_desk, open_window

# libcups (under Qt's print support) reads CUPS_SERVER once per process: every UI test sees
# only the private print server of the ``cups`` fixture, never a CUPS the machine runs.
CUPS_DIR = private_cups_dir()
os.environ["CUPS_SERVER"] = str(socket_path(CUPS_DIR))


@pytest.fixture(scope="session")
def cups() -> Iterator[PrivateCups]:
    """A private cupsd with cups-pdf queues (see tests/ui/cupskit.py); fails if it cannot run."""
    server = PrivateCups.start(CUPS_DIR)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def printers(cups: PrivateCups) -> tuple[str, str]:
    """Two cups-pdf queues on the private server: the system default, and another."""
    return cups.add_queue("Booking-Desk", default=True), cups.add_queue("Records-Office")


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def gui_desk(tmp_path: Path, rules: Any, fake_time: FakeTime) -> Iterator[Any]:
    desk = open_gui_desk(tmp_path / "data", rules, fake_time)
    yield desk
    desk.services.close()


@pytest.fixture
def make_window(qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime) -> Callable[..., Any]:
    """A started main window over ``gui_desk``; ``sign_in=ROLE`` signs that user in."""

    def make(sign_in: str | None = None, **options: Any) -> Any:
        return open_window(qtbot, gui_desk, rules, fake_time, sign_in, **options)

    return make


@pytest.fixture
def pg_desks(tmp_path: Path, rules: Any, pg_cluster: Any, fake_time: FakeTime) -> Iterator[Any]:
    """``make(name)``: a desk (its own data folder and services) on one shared server
    database, whose commits survive the server's immediate stop."""
    from test_offline_desk import durable

    url = pg_cluster.new_store_database()
    durable(pg_cluster, url)
    opened: list[Any] = []

    def make(name: str) -> Any:
        desk = open_gui_desk(tmp_path / name, rules, fake_time, database=url)
        opened.append(desk)
        return desk

    yield make
    for desk in opened:
        desk.services.close()
    pg_cluster.drop(url)


@pytest.fixture
def window_for(qtbot: Any, rules: Any, fake_time: FakeTime) -> Callable[..., Any]:
    """``window_for(desk, username)``: a window over that desk, that user signed in; no
    inactivity lock (the alarm tests turn the clock by days)."""

    def make(desk: Any, username: str) -> Any:
        return open_window(qtbot, desk, rules, fake_time, username, idle_limit=30 * 86400.0)

    return make


@pytest.fixture(autouse=True)
def no_unanswered_message_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box nobody answers would block the whole suite (offscreen, nobody to
    click): it fails its test instead, saying what it would have shown. Tests that expect
    a dialog answer it with ``answers``."""
    from PySide6.QtWidgets import QMessageBox

    def unanswered(box: Any) -> int:
        raise AssertionError(
            f"a message box nobody answers was shown: {box.windowTitle()!r}: {box.text()!r}"
        )

    monkeypatch.setattr(QMessageBox, "exec", unanswered)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    """Answers every Ask dialog and file chooser without showing one."""
    from PySide6.QtWidgets import QFileDialog

    from trustdesk.ui.dialogs import Ask

    given = Answers()

    def error(cls: Any, parent: Any, title: str, text: str) -> None:
        given.errors.append(text)

    def info(cls: Any, parent: Any, title: str, text: str) -> None:
        given.infos.append(text)

    def confirm(cls: Any, parent: Any, title: str, text: str) -> bool:
        given.questions.append(text)
        return given.confirm

    def open_file(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        return given.open_file, ""

    def save_file(*_args: Any, **_kwargs: Any) -> tuple[str, str]:
        return given.save_file, ""

    monkeypatch.setattr(Ask, "error", classmethod(error))
    monkeypatch.setattr(Ask, "info", classmethod(info))
    monkeypatch.setattr(Ask, "confirm", classmethod(confirm))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(open_file))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_file))
    return given

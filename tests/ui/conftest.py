"""Fixtures for the desktop-app tests (offscreen Qt, a fresh data folder per test)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cupskit import PrivateCups, private_cups_dir, socket_path
from uikit import Answers, FakeTime, open_gui_desk, password

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
    from trustdesk.ui.context import RulesHolder
    from trustdesk.ui.mainwindow import MainWindow

    def make(sign_in: str | None = None, **options: Any) -> Any:
        window = MainWindow(gui_desk.services, RulesHolder(rules), fake_time.clock(), **options)
        qtbot.addWidget(window)
        window.start()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=2000)
        if sign_in is not None:
            page = window.sign_in
            page.acknowledge.setChecked(True)
            qtbot.keyClicks(page.username, sign_in if sign_in != "administrator" else "admin")
            qtbot.keyClicks(page.password, password(sign_in))
            with qtbot.waitSignal(window.signed_in, timeout=5000):
                qtbot.mouseClick(page.button, qtbot_left())
        return window

    return make


def qtbot_left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


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

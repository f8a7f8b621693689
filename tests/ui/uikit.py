"""Helpers for the desktop-app tests: a desk with an agency, clocks to turn, windows."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
from storekit import ROLE_PASSWORDS, Desk, open_desk

from trustdesk.ui.clock import Clock

#: 20 Nov 2026 16:00 UTC is 11:00 in Connecticut, a Friday: the 2025 law is in force.
T0 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


@dataclass
class FakeTime:
    """Wall and monotonic time that a test turns by hand (and can make jump apart)."""

    wall: datetime = T0
    mono: float = 1000.0

    def advance(self, **delta: float) -> None:
        step = timedelta(**delta)
        self.wall += step
        self.mono += step.total_seconds()

    def jump_wall(self, **delta: float) -> None:
        self.wall += timedelta(**delta)

    def clock(self) -> Clock:
        return Clock(lambda: self.wall, lambda: self.mono)


def password(role: str) -> str:
    return ROLE_PASSWORDS[role]


def open_gui_desk(
    data_dir: Path,
    rules: Any,
    time: FakeTime,
    *,
    agency: bool = True,
    database: str | None = None,
) -> Desk:
    """Services over a fresh store (in ``data_dir``, or on the server at ``database``)
    with a user per role and, unless told, an agency."""
    from trustdesk.store.records import AgencyProfile

    desk = open_desk(data_dir, rules, database=database)
    desk.clock.now = time.wall
    desk.services.accounts.ctx.clock = lambda: time.wall
    if agency and desk.services.agency.profile() is None:
        admin = desk.session("admin")
        desk.services.agency.update(
            admin,
            AgencyProfile(
                name="New Haven Police Department",
                facility="Central Booking",
                ori="CT0009300",
                timezone="America/New_York",
                logo=None,
                logo_type=None,
            ),
        )
    return desk


@dataclass
class Answers:
    """What the patched dialogs were asked, and what they answer."""

    confirm: bool = True
    errors: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    open_file: str = ""
    save_file: str = ""


def open_window(
    qtbot: Any,
    desk: Desk,
    rules: Any,
    time: FakeTime,
    sign_in: str | None = None,
    **options: Any,
) -> Any:
    """A started main window over ``desk``; ``sign_in`` signs that user in by the sign-in
    page (a role, ``administrator`` as admin, or a username such as ``officer2``)."""
    from PySide6.QtCore import Qt

    from trustdesk.ui.context import RulesHolder
    from trustdesk.ui.mainwindow import MainWindow

    window = MainWindow(desk.services, RulesHolder(rules), time.clock(), **options)
    qtbot.addWidget(window)
    window.start()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    if sign_in is not None:
        role = sign_in.rstrip("0123456789")
        page = window.sign_in
        page.acknowledge.setChecked(True)
        qtbot.keyClicks(page.username, "admin" if sign_in == "administrator" else sign_in)
        qtbot.keyClicks(page.password, password(role))
        with qtbot.waitSignal(window.signed_in, timeout=5000):
            qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    return window


__all__ = [
    "T0",
    "Answers",
    "Desk",
    "FakeTime",
    "open_gui_desk",
    "open_window",
    "password",
    "type_text",
]


def type_text(qtbot: Any, widget: Any, text: str) -> None:
    """Type ``text`` key by key; QTest can only type ASCII, so accents go as key events."""
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char)
            QApplication.sendEvent(widget, event)

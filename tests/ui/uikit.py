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


def open_gui_desk(data_dir: Path, rules: Any, time: FakeTime, *, agency: bool = True) -> Desk:
    """Services over a fresh store with a user per role and, unless told, an agency."""
    from trustdesk.store.records import AgencyProfile

    desk = open_desk(data_dir, rules)
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


__all__ = ["T0", "Answers", "Desk", "FakeTime", "open_gui_desk", "password", "type_text"]


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

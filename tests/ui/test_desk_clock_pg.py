"""A desk whose clock is minutes off the record server's (a hostile pass on several desks:
nothing compared them). Every countdown, overdue alarm and recorded time of a desk comes
from its own clock, so a desk ten minutes behind lets an overdue hold pass unrung for ten
minutes. The board compares the clocks at each refresh; a banner above every page says
how far off and which way, until the clock is set."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from trustdesk.services import records

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def shown(window: Any) -> str:
    return " ".join(
        label.text() for label in window.findChildren(QLabel) if label.isVisibleTo(window)
    )


def test_a_desk_clock_off_the_servers_is_said_above_every_page(
    pg_desks: Any, window_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    board = window.workspace.board
    board.refresh_timer.stop()
    assert "record server's" not in shown(window)  # this machine's clock is the server's
    monkeypatch.setattr(records, "_local_now", lambda: time.time() - 600)
    board.refresh()
    text = shown(window)
    assert "This workstation's clock is about 10 minutes behind the record server's" in text
    assert "overdue alarm rings late" in text and "Ask IT to set the clock" in text
    window.workspace.tabs.setCurrentWidget(window.workspace.history)
    assert "10 minutes behind" in shown(window)  # above every page
    monkeypatch.setattr(records, "_local_now", lambda: time.time() + 180)
    board.refresh()
    assert "about 3 minutes ahead of the record server's" in shown(window)
    monkeypatch.setattr(records, "_local_now", lambda: time.time() + 20)  # within a minute
    board.refresh()
    assert "record server's" not in shown(window)


def test_a_data_folder_has_no_server_clock_to_be_off(
    gui_desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(records, "_local_now", lambda: time.time() - 3600)
    assert gui_desk.store.server_time() is None
    assert gui_desk.services.records.clock_gap() is None

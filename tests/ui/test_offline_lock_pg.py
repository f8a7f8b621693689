"""The desk locked while its PostgreSQL server is lost (the officer's own lock, or the
idle lock after 30 minutes): the officer unlocks it with their password, checked on the
desk against what they signed in with, and finds the review they were typing and the
board as they left them; wrong passwords are counted on the desk and, after five, the
desk signs out. Before, an unlock needed the record: the desk signed out at once and
the open review was lost.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from uikit import password

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CEILING_MS = 15_000
LEFT = Qt.MouseButton.LeftButton


def unlock(window: Any, qtbot: Any, typed: str) -> None:
    page = window.lock_page
    page.password.clear()
    qtbot.keyClicks(page.password, typed)
    qtbot.mouseClick(page.unlock, LEFT)


def test_unlocking_while_the_server_is_lost_keeps_the_work(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    window.workspace.board.refresh_timer.stop()
    server.stop()
    qtbot.waitUntil(window.server_banner.isVisible, timeout=CEILING_MS)
    window.workspace.new_review()
    review = window.workspace.review
    qtbot.keyClicks(review.person.name, "Typed During Outage")
    window.lock_action.trigger()
    assert window.stack.currentWidget() is window.lock_page

    unlock(window, qtbot, "not the password")
    assert window.stack.currentWidget() is window.lock_page
    error = window.lock_page.error.text()
    assert "checked on this desk" in error and "after 4 more wrong passwords" in error

    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.workspace
    assert window.workspace.review is review
    assert review.person.name.text() == "Typed During Outage"
    assert window.context is not None and window.context.session.username == "officer"


def test_five_wrong_passwords_while_the_server_is_lost_sign_the_desk_out(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    window.workspace.board.refresh_timer.stop()
    server.stop()
    qtbot.waitUntil(window.server_banner.isVisible, timeout=CEILING_MS)
    window.lock_action.trigger()
    for _ in range(4):
        unlock(window, qtbot, "guessing")
        assert window.stack.currentWidget() is window.lock_page
    unlock(window, qtbot, "guessing")
    assert window.stack.currentWidget() is window.sign_in
    assert window.context is None

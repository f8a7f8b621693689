"""A server record put back to an older state while a desk is open (a dump restored, a
point-in-time recovery, a DBA deleting the newest rows): the open desk's board silently
lost the holds recorded since, and an overdue one among them never rang. The desk's
anchor (the chain head it last saw) tells it: a red banner above every page says so
until the record holds that head again (or an administrator accepts the restore).
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from PySide6.QtWidgets import QLabel
from test_board_kit import hold

from pgkit import superuser_url

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CEILING_MS = 10_000


def bookings(board: Any) -> list[str]:
    return [board.holds.hold_at(row).booking_number for row in range(board.holds.rowCount())]


def roll_back(url: str, before_seq: int, saved: Any) -> None:
    """What restoring the record as it was at entry ``before_seq`` leaves: the decision
    recorded since, its hold and their entries gone (as a rogue or careless DBA)."""
    with psycopg.connect(superuser_url(url), autocommit=False) as conn:
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("SET LOCAL search_path = trustdesk")
        record, hold_id = saved.record.id, saved.hold_id
        conn.execute("DELETE FROM open_holds WHERE hold_id = %s", (hold_id,))
        conn.execute("DELETE FROM holds WHERE id = %s", (hold_id,))
        conn.execute("DELETE FROM decision_answers WHERE record_id = %s", (record,))
        conn.execute("DELETE FROM pending_reviews WHERE record_id = %s", (record,))
        conn.execute("DELETE FROM decisions WHERE id = %s", (record,))
        conn.execute("DELETE FROM audit_decisions WHERE seq > %s", (before_seq,))
        conn.execute("DELETE FROM audit_log WHERE seq > %s", (before_seq,))


def shown(window: Any) -> str:
    return " ".join(
        label.text() for label in window.findChildren(QLabel) if label.isVisibleTo(window)
    )


def test_a_record_rolled_back_under_an_open_desk_is_said_above_every_page(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any
) -> None:
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    board = window.workspace.board
    board.refresh_timer.stop()
    before = desk.store.audit.head()[0]
    saved = hold(desk, rules, "Ana Ruiz", "NH-1", "2026-11-13T15:00:00-05:00")
    qtbot.waitUntil(lambda: bookings(board) == ["NH-1"], timeout=CEILING_MS)
    assert "rolled back" not in shown(window)
    roll_back(desk.store.db.url, before, saved)
    board.refresh()  # the board's next look (every 30 s, or at the next change)
    assert bookings(board) == []  # the overdue hold left the board without a word
    text = shown(window)
    assert "The record is not what this workstation last saw" in text
    assert "rolled back" in text
    assert "audit verify" in text
    # Said on every page, not only the board's.
    window.workspace.tabs.setCurrentWidget(window.workspace.history)
    assert "rolled back" in shown(window)
    # On the record once, whatever the refreshes.
    board.refresh()
    seen = list(desk.store.audit.of_events("anchor.not_found"))
    assert len(seen) == 1 and seen[0].outcome == "failure"
    # A restore made on purpose, accepted by an administrator: the banner goes.
    desk.services.records.reanchor(desk.session("admin"))
    board.refresh()
    assert "rolled back" not in shown(window)


def test_a_desk_signed_in_after_the_record_was_rolled_back_says_so_at_once(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any
) -> None:
    desk = pg_desks("a")
    before = desk.store.audit.head()[0]
    saved = hold(desk, rules, "Ana Ruiz", "NH-1", "2026-11-13T15:00:00-05:00")
    roll_back(desk.store.db.url, before, saved)
    window = window_for(desk, "officer")
    assert "The record is not what this workstation last saw" in shown(window)

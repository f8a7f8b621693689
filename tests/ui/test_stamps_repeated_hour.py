"""Stored times on the history page carry the zone: the hour repeated when the clocks go
back (Sun 1 Nov 2026, 01:00-02:00 in New York) happens twice, EDT then EST, and two
decisions made an hour apart in it must not read as made at the same time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_board_kit import context, decide
from uikit import FakeTime

from trustdesk.ui.history import HistoryPage
from trustdesk.ui.history_model import DECIDED

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

#: 01:45 EDT, the first time round the repeated hour.
FIRST_ROUND = datetime(2026, 11, 1, 5, 45, tzinfo=UTC)


def test_two_decisions_an_hour_apart_in_the_repeated_hour_read_apart(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    fake_time.wall = FIRST_ROUND
    first = decide(gui_desk, rules, decision_time="2026-11-01T01:30:00-04:00")
    fake_time.advance(hours=1)  # 01:45 again, now EST
    second = decide(gui_desk, rules, decision_time="2026-11-01T01:30:00-05:00")
    page = HistoryPage(context(gui_desk, rules, fake_time))
    qtbot.addWidget(page)
    page.show()

    decided = sorted(page.proxy.index(r, DECIDED).data() for r in range(page.proxy.rowCount()))
    assert decided == ["Sun 01 Nov 2026 01:30 EDT", "Sun 01 Nov 2026 01:30 EST"]

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # the newest: the second decision
    assert page.view is not None and page.view.latest.decision_id == second.record.decision_id
    later = page.detail.section("Versions")
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: page.view.latest.decision_id == first.record.decision_id, timeout=2000)
    earlier = page.detail.section("Versions")

    assert earlier[0].endswith("recorded Sun 01 Nov 2026 01:45 EDT by officer"), earlier
    assert later[0].endswith("recorded Sun 01 Nov 2026 01:45 EST by officer"), later
    assert earlier[1].startswith("    Decision time Sun 01 Nov 2026 01:30 EDT;"), earlier
    assert later[1].startswith("    Decision time Sun 01 Nov 2026 01:30 EST;"), later
    # The audit lines (with seconds) say which round too.
    assert " 01:45:00 EDT " in page.detail.section("Audit entries")[0]


def test_the_administrator_s_pages_write_the_two_rounds_of_the_hour_apart() -> None:
    """Administration's times (sign-ins, locks, pack imports, kept changes) go through
    one helper: it names the zone too."""
    from zoneinfo import ZoneInfo

    from trustdesk.ui.admin_common import local_time

    zone = ZoneInfo("America/New_York")
    first = local_time(FIRST_ROUND, zone)
    second = local_time(FIRST_ROUND.replace(hour=6), zone)
    assert (first, second) == ("Sun 01 Nov 2026 01:45 EDT", "Sun 01 Nov 2026 01:45 EST")

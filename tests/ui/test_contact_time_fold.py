"""The contact's time field in the hour repeated when the clocks go back: "Now" keeps
which of the two hours it is, and a box beside the field says which and lets the officer
choose (every such time used to read as the first, an hour early for a call in the
second, and a contact can be judged by the decision version in force at its time)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from uikit import FakeTime

from trustdesk.ui.contact_time import ContactTime

HARTFORD = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("now", "offset"),
    [
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "UTC−04:00"),  # 01:30 EDT, the first
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "UTC−05:00"),  # 01:30 EST, the second
    ],
)
def test_now_in_the_repeated_hour_is_the_hour_it_is(qtbot: Any, now: datetime, offset: str) -> None:
    time = FakeTime(wall=now)
    field = ContactTime(HARTFORD, time.clock())
    qtbot.addWidget(field)
    assert field.edit.text() == "2026-11-01 01:30"
    # (compared in UTC: Python calls two zones' times in a repeated hour never equal)
    assert field.when().astimezone(UTC) == now
    assert offset in field.zone_label.text()
    assert not field.second.isHidden()
    assert field.second.isChecked() == (offset == "UTC−05:00")


def test_a_time_typed_in_the_repeated_hour_is_the_one_the_box_says(qtbot: Any) -> None:
    time = FakeTime(wall=datetime(2026, 11, 1, 6, 45, tzinfo=UTC))  # 01:45 EST
    field = ContactTime(HARTFORD, time.clock())
    qtbot.addWidget(field)
    field.edit.setTime(field.edit.time().addSecs(-15 * 60))  # 01:30, typed
    assert field.second.isChecked()  # still the second hour, as the box shows
    assert field.when().astimezone(UTC) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    qtbot.mouseClick(field.second, Qt.MouseButton.LeftButton)  # no: the first
    assert field.when().astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert "EDT (UTC−04:00)" in field.zone_label.text()
    field.edit.setTime(field.edit.time().addSecs(60 * 60))  # 02:30: happens once
    assert field.second.isHidden()
    assert field.when().astimezone(UTC) == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)

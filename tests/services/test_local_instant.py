"""Wall-clock times typed at the desk, read in the agency's zone: a time skipped when
the clocks go forward is refused; one that happens twice when they go back is the first
unless the officer says the second, and the warning says which was taken."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from trustdesk.core.wall_time import repeated_wall_time
from trustdesk.services.review import local_instant


@pytest.mark.parametrize(
    ("zone", "day", "first", "second"),
    [
        ("America/New_York", datetime(2026, 11, 1, 1, 30), 5, 6),
        ("America/Los_Angeles", datetime(2026, 11, 1, 1, 30), 8, 9),
    ],
)
def test_a_repeated_time_is_the_first_or_the_second_as_told(
    zone: str, day: datetime, first: int, second: int
) -> None:
    assert repeated_wall_time(day, ZoneInfo(zone))
    taken, warning = local_instant(day, zone)
    assert taken.astimezone(UTC) == datetime(2026, 11, 1, first, 30, tzinfo=UTC)
    assert warning is not None and "taken as the first" in warning
    taken, warning = local_instant(day, zone, second=True)
    assert taken.astimezone(UTC) == datetime(2026, 11, 1, second, 30, tzinfo=UTC)
    assert warning is not None and "taken as the second" in warning and "ST" in warning


def test_an_ordinary_time_ignores_the_choice_and_a_skipped_one_is_refused() -> None:
    zone = "America/New_York"
    ordinary = datetime(2026, 11, 1, 2, 30)  # after the repeated hour: once only
    assert not repeated_wall_time(ordinary, ZoneInfo(zone))
    assert local_instant(ordinary, zone, second=True) == local_instant(ordinary, zone)
    assert local_instant(ordinary, zone)[1] is None
    skipped = datetime(2026, 3, 8, 2, 30)
    assert not repeated_wall_time(skipped, ZoneInfo(zone))
    with pytest.raises(ValueError, match="does not exist on 08 Mar 2026"):
        local_instant(skipped, zone, second=True)

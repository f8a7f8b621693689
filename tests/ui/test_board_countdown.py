"""The countdown arithmetic and wording of the board (no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trustdesk.ui.countdown import (
    AMENDED_TO_DECLINE,
    UNKNOWN_TEXT,
    Anchor,
    Urgency,
    countdown_text,
    expiry_text,
    span_text,
    urgency,
)

CT = ZoneInfo("America/New_York")
EXPIRY = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)  # Tue 24 Nov 2026 15:00 EST in Connecticut


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(hours=5, minutes=12, seconds=59), "5 h 12 m"),
        (timedelta(days=4, hours=4), "4 d 4 h 0 m"),
        (timedelta(minutes=42, seconds=10), "42 m 10 s"),
        (timedelta(seconds=0), "0 m 0 s"),
        (-timedelta(hours=1, minutes=3, seconds=30), "1 h 3 m"),
    ],
)
def test_spans_are_whole_units_rounded_down(span: timedelta, text: str) -> None:
    assert span_text(span) == text


def test_the_text_says_when_and_how_long_in_the_agency_zone() -> None:
    assert expiry_text(EXPIRY, CT) == "Tue 24 Nov 2026 15:00 EST"
    left = timedelta(hours=5, minutes=12)
    assert countdown_text(EXPIRY, left, CT) == "expires Tue 24 Nov 2026 15:00 EST — in 5 h 12 m"
    late = -timedelta(hours=1, minutes=3)
    assert (
        countdown_text(EXPIRY, late, CT) == "expired Tue 24 Nov 2026 15:00 EST — overdue by 1 h 3 m"
    )
    assert countdown_text(None, None, CT) == UNKNOWN_TEXT == "release time not yet known"


def test_a_hold_amended_so_nobody_may_be_held_is_due_not_expired() -> None:
    # The amendment's time, from a desk whose clock runs a little ahead of this one.
    late, ahead = -timedelta(minutes=3), timedelta(seconds=40)
    assert countdown_text(EXPIRY, late, CT, AMENDED_TO_DECLINE) == (
        "release now — decision amended to decline Tue 24 Nov 2026 15:00 EST — overdue by 3 m 0 s"
    )
    assert countdown_text(EXPIRY, ahead, CT, AMENDED_TO_DECLINE) == (
        "release now — decision amended to decline Tue 24 Nov 2026 15:00 EST — due in 0 m 40 s"
    )
    assert countdown_text(None, None, CT, AMENDED_TO_DECLINE) == UNKNOWN_TEXT


def test_summer_time_is_shown_as_the_clock_on_the_wall() -> None:
    july = datetime(2026, 7, 7, 19, 0, tzinfo=UTC)
    assert expiry_text(july, CT) == "Tue 07 Jul 2026 15:00 EDT"


@pytest.mark.parametrize(
    ("left", "state"),
    [
        (None, Urgency.UNKNOWN),
        (timedelta(hours=4, seconds=1), Urgency.OK),
        (timedelta(hours=4), Urgency.SOON),
        (timedelta(seconds=1), Urgency.SOON),
        (timedelta(0), Urgency.OVERDUE),
        (-timedelta(days=2), Urgency.OVERDUE),
    ],
)
def test_amber_within_four_hours_red_from_the_expiry(
    left: timedelta | None, state: Urgency
) -> None:
    assert urgency(left) == state


def test_the_anchor_measures_time_on_the_monotonic_clock_only() -> None:
    wall = EXPIRY - timedelta(hours=2)
    anchor = Anchor(wall, 500.0)
    assert anchor.remaining(EXPIRY, 500.0) == timedelta(hours=2)
    assert anchor.remaining(EXPIRY, 500.0 + 3600) == timedelta(hours=1)
    assert anchor.remaining(EXPIRY, 500.0 + 3 * 3600) == -timedelta(hours=1)
    assert anchor.remaining(None, 900.0) is None
    assert anchor.now(560.0) == wall + timedelta(minutes=1)

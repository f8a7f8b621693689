"""Times shown at the desk name days and months in English whatever its locale.

Qt sets the process locale to the desk's own, and ``strftime``'s %a and %b follow it: on a
Spanish desk the review said "Hold expires mar 24 nov 2026 15:00 EST" and the refusal of
"released at expiry" "expires mar 24 nov 2026 …", where the board says "Tue 24 Nov"."""

from __future__ import annotations

import locale
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from servicekit import Desk
from test_hold_end_time import decided_ahead

from trustdesk.services.errors import InvalidRequest
from trustdesk.ui.result_view import when

NY = ZoneInfo("America/New_York")
SPANISH = ("es_ES.UTF-8", "es_ES.utf8", "es_US.UTF-8", "es_MX.UTF-8")
#: Every month, both days of the week of a clock change, and a day in the repeated hour.
MOMENTS = [datetime(2026, month, 3 + month, 14, 5, tzinfo=UTC) for month in range(1, 13)] + [
    datetime(2026, 3, 8, 7, 30, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 30, tzinfo=UTC),
    datetime(1900, 1, 1, 5, tzinfo=UTC),
    datetime(2199, 12, 31, 23, 59, tzinfo=UTC),
]


def c_locale_text(value: datetime, zone: ZoneInfo, fmt: str = "%a %d %b %Y %H:%M %Z") -> str:
    """What ``strftime`` writes in the C locale, the wording the desk always meant."""
    before = locale.setlocale(locale.LC_TIME)
    locale.setlocale(locale.LC_TIME, "C")
    try:
        return value.astimezone(zone).strftime(fmt)
    finally:
        locale.setlocale(locale.LC_TIME, before)


@pytest.fixture
def spanish_desk() -> Iterator[None]:
    before = locale.setlocale(locale.LC_TIME)
    for name in SPANISH:
        try:
            locale.setlocale(locale.LC_TIME, name)
        except locale.Error:
            continue
        break
    else:
        # Never skipped: scripts/test.sh makes es_ES.UTF-8 (scripts/bootstrap.sh).
        pytest.fail("no Spanish locale on this machine: run scripts/test.sh, which makes it")
    try:
        assert datetime(2026, 11, 24).strftime("%a %b") != "Tue Nov"  # the locale took
        yield
    finally:
        locale.setlocale(locale.LC_TIME, before)


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_the_wording_is_strftime_s_in_the_c_locale(moment: datetime, spanish_desk: None) -> None:
    from trustdesk.core.wall_time import local_text

    for zone in (NY, ZoneInfo("America/Los_Angeles"), ZoneInfo("UTC")):
        assert local_text(moment, zone) == c_locale_text(moment, zone)
        short = c_locale_text(moment, zone, "%a %d %b %Y %H:%M")
        assert local_text(moment, zone, zone_name=False) == short


def test_the_review_shows_the_hold_s_expiry_in_english(spanish_desk: None) -> None:
    assert when(datetime(2026, 11, 24, 20, tzinfo=UTC), NY) == "Tue 24 Nov 2026 15:00 EST"


def test_a_refused_release_at_expiry_names_the_expiry_in_english(
    desk: Desk, rules: object, spanish_desk: None
) -> None:
    status = decided_ahead(desk, rules, minutes=0)
    with pytest.raises(InvalidRequest) as early:
        desk.services.holds.close(desk.session("officer"), status.hold_id, "released_at_expiry")
    assert "expires Tue 24 Nov 2026 15:00 EST; at Fri 20 Nov 2026 11:00 EST" in str(early.value)
    typed = desk.clock.now - timedelta(hours=1)
    with pytest.raises(InvalidRequest) as before:
        desk.services.holds.close(
            desk.session("officer"), status.hold_id, "ice_took_custody", ended_at=typed, typed=True
        )
    assert "(Fri 20 Nov 2026 10:00 EST) is before the decision (Fri 20 Nov 2026 11:00 EST)" in str(
        before.value
    )

"""Property tests of the hold clock over thousands of instants, checked by brute force."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.core.holdclock import HoldClock, compute_hold
from trustdesk.core.pack import ClockRule, ExclusionCalendar
from trustdesk.rules.calendar import exclusion_calendar

NY = ZoneInfo("America/New_York")
CT_RULE = ClockRule(48, "America/New_York", frozenset({5, 6}), "us-federal-observed", "c", "t")
CT = exclusion_calendar(CT_RULE)

FIRST = datetime(2014, 1, 1, tzinfo=UTC)
LAST = datetime(2035, 12, 31, tzinfo=UTC)
HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)

PROPERTY = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True, scope="module")
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


# -- the oracle: brute force on a fixed UTC grid, sharing nothing with the implementation --


def counted_time(
    start: datetime, end: datetime, calendar: ExclusionCalendar, zone: ZoneInfo, step: timedelta
) -> timedelta:
    """Time in [start, end) on non-excluded local days, walking a UTC grid of ``step``.

    Exact when every local midnight falls on the grid: whole UTC hours for New York,
    quarter hours for every zone in use since 1980.
    """
    total = timedelta()
    cursor = start.astimezone(UTC)
    end = end.astimezone(UTC)
    while cursor < end:
        grid = cursor - (cursor - FIRST) % step
        following = min(grid + step, end)
        if calendar(cursor.astimezone(zone).date()) is None:
            total += following - cursor
        cursor = following
    return total


def check_clock(
    start: datetime, clock: HoldClock, calendar: ExclusionCalendar, zone: ZoneInfo, step: timedelta
) -> None:
    expiry = clock.expires_at
    assert expiry.tzinfo is zone
    # via UTC: PEP 495 makes == False across zones for an instant in a repeated hour
    assert clock.starts_at.astimezone(UTC) == start.astimezone(UTC)
    assert expiry >= start
    # (i) exactly the rule's hours are counted
    assert counted_time(start, expiry, calendar, zone, step) == timedelta(hours=clock.hours)
    # (ii) the expiry is never inside an excluded day, only at the instant opening one:
    # midnight, or where the clocks skip midnight (Santiago on 14 August 2016) the first
    # time the day has, 01:00 (the same instant as a midnight read with the offset before)
    local = expiry.astimezone(zone)
    # the instant before it, read on the UTC line (aware arithmetic in one zone is
    # wall-clock arithmetic: 01:00 less a microsecond is a 00:59 that never was)
    before = (expiry.astimezone(UTC) - timedelta(microseconds=1)).astimezone(zone)
    if calendar(local.date()) is not None:
        opening = datetime.combine(local.date(), datetime.min.time(), tzinfo=zone)
        assert expiry.astimezone(UTC) == opening.astimezone(UTC)
        assert before.date() < local.date()
    # ... and the count is still running right up to it: no earlier instant would do
    if clock.hours > 0:
        just_before = before.date()
        assert calendar(just_before) is None
    # the skipped days are exactly the excluded dates from the start's to the expiry's
    first = start.astimezone(zone).date()
    days = [first + timedelta(days=n) for n in range((local.date() - first).days)]
    assert [d.day for d in clock.excluded_days] == [d for d in days if calendar(d) is not None]
    for item in clock.excluded_days:
        assert calendar(item.day) == item.reason


# -- start instants between 2014 and 2035, biased towards the awkward ones --------------


def _transitions(zone: ZoneInfo) -> list[datetime]:
    found = []
    cursor = FIRST
    offset = cursor.astimezone(zone).utcoffset()
    while cursor < LAST:
        now = cursor.astimezone(zone).utcoffset()
        if now != offset:
            found.append(cursor)
            offset = now
        cursor += HOUR
    return found


NY_TRANSITIONS = _transitions(NY)
NUDGES = st.sampled_from(
    [timedelta(), timedelta(microseconds=1), -timedelta(microseconds=1), HOUR, -HOUR]
) | st.timedeltas(min_value=-2 * HOUR, max_value=2 * HOUR)

uniform_starts = st.datetimes(
    min_value=FIRST.replace(tzinfo=None),
    max_value=LAST.replace(tzinfo=None),
    timezones=st.just(UTC),
)
midnight_starts = st.builds(
    lambda day, nudge: datetime(day.year, day.month, day.day, tzinfo=NY).astimezone(UTC) + nudge,
    st.dates(min_value=FIRST.date(), max_value=LAST.date()),
    NUDGES,
)
dst_starts = st.builds(lambda at, nudge: at + nudge, st.sampled_from(NY_TRANSITIONS), NUDGES)
starts = st.one_of(uniform_starts, uniform_starts, midnight_starts, dst_starts)
input_zones = st.sampled_from([UTC, NY, ZoneInfo("Europe/Paris"), timezone(-5 * HOUR)])


@PROPERTY
@given(start=starts, zone=input_zones)
def test_federal_clock_counts_exactly_the_hours(start: datetime, zone: tzinfo) -> None:
    clock = compute_hold(start.astimezone(zone), CT_RULE, CT)
    check_clock(start, clock, CT, NY, HOUR)
    # real time elapsed is at least the hours counted, at most a long holiday run more
    elapsed = clock.expires_at.astimezone(UTC) - start
    assert timedelta(hours=48) <= elapsed <= timedelta(days=7)


@PROPERTY
@given(start=starts, later=st.timedeltas(min_value=timedelta(), max_value=timedelta(days=9)))
def test_federal_clock_is_monotonic(start: datetime, later: timedelta) -> None:
    first = compute_hold(start, CT_RULE, CT).expires_at
    second = compute_hold(start + later, CT_RULE, CT).expires_at
    assert first <= second


# -- synthetic calendars in zones with odd offsets and midnight transitions ------------

SYNTHETIC_ZONES = [
    "America/New_York",
    "America/Havana",  # DST at midnight
    "America/Santiago",  # DST at midnight
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Asia/Kathmandu",  # +05:45
    "Pacific/Chatham",  # +12:45 / +13:45
    "Europe/London",
    "UTC",
]


@st.composite
def synthetic_cases(draw: st.DrawFn) -> tuple[datetime, ClockRule, ExclusionCalendar]:
    zone_name = draw(st.sampled_from(SYNTHETIC_ZONES))
    zone = ZoneInfo(zone_name)
    start = draw(
        st.one_of(
            uniform_starts,
            st.builds(
                lambda day, nudge: (
                    datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC) + nudge
                ),
                st.dates(min_value=FIRST.date(), max_value=LAST.date()),
                NUDGES,
            ),
        )
    )
    weekdays = draw(st.frozensets(st.integers(0, 6), max_size=3))
    first = start.astimezone(zone).date() - timedelta(days=2)
    closed = draw(st.lists(st.booleans(), max_size=40))
    closed_days = {first + timedelta(days=n) for n, shut in enumerate(closed) if shut}

    def calendar(day: date) -> str | None:
        if day in closed_days:
            return f"closed {day.isoformat()}"
        return "weekday" if day.weekday() in weekdays else None

    rule = ClockRule(draw(st.integers(0, 96)), zone_name, weekdays, "none", "c", "t")
    return start, rule, calendar


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=synthetic_cases(), later=st.timedeltas(min_value=timedelta(), max_value=timedelta(days=3))
)
def test_synthetic_calendars(
    case: tuple[datetime, ClockRule, ExclusionCalendar], later: timedelta
) -> None:
    start, rule, calendar = case
    zone = ZoneInfo(rule.timezone)
    clock = compute_hold(start, rule, calendar)
    check_clock(start, clock, calendar, zone, QUARTER)
    assert compute_hold(start + later, rule, calendar).expires_at >= clock.expires_at


def test_an_excluded_day_whose_midnight_the_clocks_skip() -> None:
    # Found by the property test above: Chile moved its clocks from 00:00 to 01:00 on
    # Sunday 14 August 2016, an excluded day here. The hold expires at the instant that
    # day opens, 01:00 local; the check had wanted a midnight the day does not have.
    weekdays = frozenset({2, 3, 6})
    rule = ClockRule(48, "America/Santiago", weekdays, "none", "c", "t")

    def calendar(day: date) -> str | None:
        return "weekday" if day.weekday() in weekdays else None

    zone = ZoneInfo(rule.timezone)
    start = datetime(2016, 8, 10, 4, tzinfo=UTC)
    clock = compute_hold(start, rule, calendar)
    assert clock.expires_at.astimezone(zone).replace(tzinfo=None) == datetime(2016, 8, 14, 1)
    check_clock(start, clock, calendar, zone, QUARTER)

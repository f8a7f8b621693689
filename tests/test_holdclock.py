"""Hold clock examples: the worked examples of LAW.md §3, DST, boundaries and errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from trustdesk.core.errors import CoreError
from trustdesk.core.holdclock import ExcludedDay, HoldClock, compute_hold
from trustdesk.core.pack import ClockRule
from trustdesk.rules.calendar import exclusion_calendar

NY = ZoneInfo("America/New_York")
CT_RULE = ClockRule(
    hours=48,
    timezone="America/New_York",
    excluded_weekdays=frozenset({5, 6}),
    holidays="us-federal-observed",
    citation="Conn. Gen. Stat. § 54-192h",
    text="48 hours excluding Saturdays, Sundays and federal holidays",
)
CT = exclusion_calendar(CT_RULE)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        yield


def ny(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=NY)


def plain_rule(
    *, hours: int = 48, zone: str = "America/New_York", weekdays: frozenset[int] = frozenset()
) -> ClockRule:
    return ClockRule(hours, zone, weekdays, "none", "test", "test")


def real_elapsed(clock: HoldClock) -> timedelta:
    # Aware datetimes sharing a tzinfo subtract as wall times; UTC gives real time.
    return clock.expires_at.astimezone(UTC) - clock.starts_at.astimezone(UTC)


def reasons(clock: HoldClock) -> list[tuple[date, str]]:
    return [(item.day, item.reason) for item in clock.excluded_days]


# -- LAW.md §3 worked examples -------------------------------------------------------


def test_worked_example_friday_afternoon() -> None:
    clock = compute_hold(ny(2026, 11, 20, 15), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 24, 15)
    assert clock.expires_at.isoformat() == "2026-11-24T15:00:00-05:00"
    assert reasons(clock) == [(date(2026, 11, 21), "Saturday"), (date(2026, 11, 22), "Sunday")]
    assert clock.hours == 48


def test_worked_example_thanksgiving() -> None:
    clock = compute_hold(ny(2026, 11, 25, 10), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 30, 10)
    assert clock.excluded_reasons() == ["Thanksgiving Day", "Saturday", "Sunday"]
    assert [d.day for d in clock.excluded_days] == [
        date(2026, 11, 26),
        date(2026, 11, 28),
        date(2026, 11, 29),
    ]


def test_no_exclusion_needed() -> None:
    clock = compute_hold(ny(2026, 11, 16, 9, 30), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 18, 9, 30)
    assert clock.excluded_days == ()
    assert clock.excluded_reasons() == []


# -- holidays observed on another day -------------------------------------------------


def test_independence_day_on_saturday_observed_friday() -> None:
    clock = compute_hold(ny(2026, 7, 2, 15), CT_RULE, CT)
    # Thu 9 h, Fri 3rd (observed), weekend, Mon 24 h (33), Tue to 15:00.
    assert clock.expires_at == ny(2026, 7, 7, 15)
    assert reasons(clock) == [
        (date(2026, 7, 3), "Independence Day (observed)"),
        (date(2026, 7, 4), "Saturday"),
        (date(2026, 7, 5), "Sunday"),
    ]


def test_christmas_on_sunday_observed_monday() -> None:
    clock = compute_hold(ny(2022, 12, 23, 12), CT_RULE, CT)
    assert clock.expires_at == ny(2022, 12, 28, 12)
    assert clock.excluded_reasons() == ["Saturday", "Sunday", "Christmas Day (observed)"]


def test_new_year_observed_in_the_previous_year() -> None:
    clock = compute_hold(ny(2021, 12, 30, 18), CT_RULE, CT)
    # Thu 6 h, Fri 31st (New Year's Day 2022 observed), weekend, Mon 24 h, Tue to 18:00.
    assert clock.expires_at == ny(2022, 1, 4, 18)
    assert reasons(clock) == [
        (date(2021, 12, 31), "New Year's Day (observed)"),
        (date(2022, 1, 1), "Saturday"),
        (date(2022, 1, 2), "Sunday"),
    ]


def test_long_christmas_new_year_run() -> None:
    # 2022: Christmas and New Year's Day both fall on Sunday, each observed on Monday.
    clock = compute_hold(ny(2022, 12, 30, 8), CT_RULE, CT)
    assert clock.expires_at == ny(2023, 1, 4, 8)
    assert clock.excluded_reasons() == ["Saturday", "Sunday", "New Year's Day (observed)"]


# -- daylight saving time: real hours, not wall-clock hours ------------------------------


def test_spring_forward_counts_real_hours() -> None:
    clock = compute_hold(ny(2026, 3, 7, 12), plain_rule(), exclusion_calendar(plain_rule()))
    # Naively Mon 12:00; the night of 8 March has only 23 hours.
    assert clock.expires_at == ny(2026, 3, 9, 13)
    assert clock.expires_at.utcoffset() == timedelta(hours=-4)
    assert real_elapsed(clock) == timedelta(hours=48)


def test_fall_back_counts_real_hours() -> None:
    clock = compute_hold(ny(2026, 10, 31, 12), plain_rule(), exclusion_calendar(plain_rule()))
    # Naively Mon 12:00; 1 November has 25 hours.
    assert clock.expires_at == ny(2026, 11, 2, 11)
    assert clock.expires_at.utcoffset() == timedelta(hours=-5)


def test_short_day_counted_from_its_midnight() -> None:
    rule = plain_rule(weekdays=frozenset({5}))  # Saturdays only
    clock = compute_hold(ny(2026, 3, 7, 10), rule, exclusion_calendar(rule))
    # Sun 8 March counts 23 real hours, Mon 24 (47), Tue 1 hour.
    assert clock.expires_at == ny(2026, 3, 10, 1)
    assert reasons(clock) == [(date(2026, 3, 7), "Saturday")]


def test_long_day_counted_from_its_midnight() -> None:
    rule = plain_rule(weekdays=frozenset({5}))
    clock = compute_hold(ny(2026, 10, 31, 10), rule, exclusion_calendar(rule))
    # Sun 1 November counts 25 real hours, Mon 23 more.
    assert clock.expires_at == ny(2026, 11, 2, 23)


def test_connecticut_rule_skips_the_dst_sunday_entirely() -> None:
    # U.S. clocks change on Sundays, which Connecticut excludes: the wall time holds.
    spring = compute_hold(ny(2026, 3, 6, 15), CT_RULE, CT)
    assert spring.expires_at == ny(2026, 3, 10, 15)
    assert real_elapsed(spring) == timedelta(hours=95)
    fall = compute_hold(ny(2026, 10, 30, 15), CT_RULE, CT)
    assert fall.expires_at == ny(2026, 11, 3, 15)
    assert real_elapsed(fall) == timedelta(hours=97)


def test_zone_whose_midnight_is_skipped() -> None:
    # Cuba springs forward at 00:00: 8 March 2026 begins at 01:00 and lasts 23 hours.
    havana = ZoneInfo("America/Havana")
    rule = plain_rule(zone="America/Havana", weekdays=frozenset({5}))
    clock = compute_hold(datetime(2026, 3, 7, 10, tzinfo=havana), rule, exclusion_calendar(rule))
    assert clock.expires_at == datetime(2026, 3, 10, 1, tzinfo=havana)
    assert clock.expires_at.utcoffset() == timedelta(hours=-4)


def test_zone_whose_midnight_repeats() -> None:
    # Cuba falls back from 01:00 to 00:00 on 1 November 2026: that day has 25 hours.
    havana = ZoneInfo("America/Havana")
    rule = plain_rule(zone="America/Havana", weekdays=frozenset({5}))
    clock = compute_hold(datetime(2026, 10, 31, 10, tzinfo=havana), rule, exclusion_calendar(rule))
    assert clock.expires_at == datetime(2026, 11, 2, 23, tzinfo=havana)


def test_zone_that_skipped_a_whole_day() -> None:
    # Samoa jumped from 29 to 31 December 2011: the 30th lasted no time at all.
    apia = ZoneInfo("Pacific/Apia")
    rule = plain_rule(hours=10, zone="Pacific/Apia")
    clock = compute_hold(datetime(2011, 12, 29, 20, tzinfo=apia), rule, exclusion_calendar(rule))
    assert clock.expires_at == datetime(2011, 12, 31, 6, tzinfo=apia)
    assert real_elapsed(clock) == timedelta(hours=10)


# -- boundaries -------------------------------------------------------------------------


def test_start_inside_excluded_day_counts_from_next_open_midnight() -> None:
    clock = compute_hold(ny(2026, 11, 21, 9), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 25, 0)
    assert reasons(clock) == [(date(2026, 11, 21), "Saturday"), (date(2026, 11, 22), "Sunday")]


def test_start_at_midnight_opening_an_excluded_day() -> None:
    clock = compute_hold(ny(2026, 11, 21, 0), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 25, 0)
    assert clock.excluded_days[0] == ExcludedDay(date(2026, 11, 21), "Saturday")


def test_start_just_before_an_excluded_day() -> None:
    clock = compute_hold(ny(2026, 11, 20, 23, 59, 59, 999999), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 24, 23, 59, 59, 999999)


def test_start_at_midnight_ending_an_excluded_run() -> None:
    clock = compute_hold(ny(2026, 11, 23, 0), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 25, 0)
    assert clock.excluded_days == ()


def test_count_ending_at_midnight_before_weekend_expires_then() -> None:
    clock = compute_hold(ny(2026, 11, 19, 0), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 21, 0)  # not Monday 00:00
    assert clock.excluded_days == ()


def test_count_ending_at_midnight_before_holiday_expires_then() -> None:
    clock = compute_hold(ny(2026, 11, 24, 0), CT_RULE, CT)
    assert clock.expires_at == ny(2026, 11, 26, 0)  # Thanksgiving's midnight
    assert clock.excluded_days == ()


def test_zero_hours() -> None:
    rule = CT_RULE._replace(hours=0)
    assert compute_hold(ny(2026, 11, 20, 15), rule, CT).expires_at == ny(2026, 11, 20, 15)
    assert compute_hold(ny(2026, 11, 21, 15), rule, CT).expires_at == ny(2026, 11, 23, 0)


# -- zones of the input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 11, 25, 15, tzinfo=UTC),
        datetime(2026, 11, 25, 16, tzinfo=ZoneInfo("Europe/Paris")),
        datetime(2026, 11, 25, 10, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_start_in_any_zone_is_the_same_instant(start: datetime) -> None:
    clock = compute_hold(start, CT_RULE, CT)
    assert clock.starts_at == ny(2026, 11, 25, 10)
    assert clock.starts_at.tzinfo is NY
    assert clock.expires_at.tzinfo is NY
    assert clock.expires_at == ny(2026, 11, 30, 10)


def test_utc_start_on_a_different_local_date() -> None:
    # 02:00 UTC on Saturday is still Friday evening in Connecticut.
    clock = compute_hold(datetime(2026, 11, 21, 2, tzinfo=UTC), CT_RULE, CT)
    assert clock.starts_at == ny(2026, 11, 20, 21)
    assert clock.expires_at == ny(2026, 11, 24, 21)


# -- errors ------------------------------------------------------------------------------


def test_naive_start_is_refused() -> None:
    with pytest.raises(CoreError, match="no time zone"):
        compute_hold(datetime(2026, 11, 20, 15), CT_RULE, CT)


def test_calendar_excluding_everything_is_refused() -> None:
    with pytest.raises(CoreError, match="366 days in a row"):
        compute_hold(ny(2026, 1, 1, 12), CT_RULE, lambda day: "Closed")


def test_year_long_exclusion_is_still_counted_through() -> None:
    def closed_in_2026(day: date) -> str | None:
        return "Closed" if day.year == 2026 else None

    clock = compute_hold(ny(2026, 1, 1, 12), plain_rule(), closed_in_2026)
    assert clock.expires_at == ny(2027, 1, 3, 0)
    assert len(clock.excluded_days) == 365
    assert clock.excluded_reasons() == ["Closed"]


def test_unknown_time_zone_is_refused() -> None:
    rule = plain_rule(zone="America/Hartford")
    with pytest.raises(CoreError, match="America/Hartford"):
        compute_hold(ny(2026, 1, 1), rule, lambda day: None)


def test_negative_hours_are_refused() -> None:
    with pytest.raises(CoreError, match="negative"):
        compute_hold(ny(2026, 1, 1), CT_RULE._replace(hours=-1), CT)


def test_hold_clock_is_immutable() -> None:
    clock = compute_hold(ny(2026, 11, 20, 15), CT_RULE, CT)
    with pytest.raises(AttributeError):
        clock.hours = 72  # type: ignore[misc]

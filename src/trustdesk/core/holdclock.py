"""The hold clock: when a detainer hold must end, counting real hours on non-excluded days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trustdesk.core.errors import CoreError
from trustdesk.core.pack import ClockRule, ExclusionCalendar

#: A calendar that excludes this many days in a row excludes everything that matters.
MAX_CONSECUTIVE_EXCLUDED = 366

_ONE_DAY = timedelta(days=1)


class ExcludedDay(NamedTuple):
    day: date
    reason: str


class HoldClock(NamedTuple):
    """A computed hold: its start, its expiry and the local days that did not count.

    Both instants share the rule's tzinfo, so ``expires_at - starts_at`` is a wall-clock
    difference; convert them to UTC first for the real time elapsed.
    """

    starts_at: datetime
    expires_at: datetime
    hours: int
    excluded_days: tuple[ExcludedDay, ...]

    def excluded_reasons(self) -> list[str]:
        """Distinct reasons for the skipped days, in the order first met."""
        return list(dict.fromkeys(item.reason for item in self.excluded_days))


def compute_hold(start: datetime, rule: ClockRule, calendar: ExclusionCalendar) -> HoldClock:
    """When a hold that becomes possible at ``start`` must end under ``rule``.

    Counts ``rule.hours`` real elapsed hours, skipping every local day (midnight to
    midnight in ``rule.timezone``) that ``calendar`` excludes. A count that ends exactly
    at the midnight opening an excluded day expires at that midnight.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise CoreError(
            f"the hold start {start.isoformat()} has no time zone; "
            "give the moment with its UTC offset or zone"
        )
    if rule.hours < 0:
        raise CoreError(f"a hold cannot last a negative number of hours ({rule.hours})")
    zone = _zone(rule.timezone)

    # Arithmetic is done in UTC: aware datetimes sharing one tzinfo subtract as wall
    # clock times, which would make every DST day 24 hours long.
    cursor = start.astimezone(UTC)
    remaining = timedelta(hours=rule.hours)
    day = cursor.astimezone(zone).date()
    excluded: list[ExcludedDay] = []
    run = 0
    while True:
        day_end = _day_start(day + _ONE_DAY, zone)
        reason = calendar(day)
        if reason is not None:
            excluded.append(ExcludedDay(day, reason))
            run += 1
            if run >= MAX_CONSECUTIVE_EXCLUDED:
                raise CoreError(
                    f"the hold calendar excludes {run} days in a row from {excluded[-run].day}; "
                    "a hold can never expire under it (check the rule pack's clock)"
                )
        else:
            run = 0
            available = day_end - cursor
            if remaining <= available:
                expiry = cursor + remaining
                break
            remaining -= available
        cursor = day_end
        day += _ONE_DAY

    return HoldClock(
        starts_at=start.astimezone(zone),
        expires_at=expiry.astimezone(zone),
        hours=rule.hours,
        excluded_days=tuple(excluded),
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CoreError(f"unknown time zone {name!r} in the hold clock rule") from exc


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local date, in UTC.

    fold=0 reads a midnight repeated by a fall-back as its first occurrence, and a
    midnight skipped by a spring-forward gap (zones that change at 00:00) as the
    moment of the jump, which is when the local date really begins.
    """
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)

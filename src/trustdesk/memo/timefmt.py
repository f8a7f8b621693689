"""Dates and times written out for the memo, without the process locale.

``strftime`` names days and months in whatever locale the process has set (Qt sets the
user's), so the same record could print differently on two desks; names come from
fixed tables here, and from the wording file for the notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def zone_abbreviation(value: datetime) -> str:
    return value.tzname() or value.strftime("%z")


def long_day(value: date) -> str:
    """``Tuesday, November 24, 2026``."""
    return f"{WEEKDAYS[value.weekday()]}, {MONTHS[value.month - 1]} {value.day}, {value.year}"


def long_when(value: datetime) -> str:
    """``Tuesday, November 24, 2026, 15:00 EST``: the day named, a 24-hour time, the zone."""
    return f"{long_day(value)}, {value:%H:%M} {zone_abbreviation(value)}"


def short_when(value: datetime) -> str:
    """``Tue Nov 24, 2026 15:00 EST`` for tables and footers."""
    return (
        f"{WEEKDAYS[value.weekday()][:3]} {MONTHS[value.month - 1][:3]} {value.day}, "
        f"{value.year} {value:%H:%M} {zone_abbreviation(value)}"
    )


def localized_when(
    value: datetime,
    template: str,
    weekdays: Sequence[str],
    months: Sequence[str],
    ampm: Sequence[str],
    zone: str,
) -> str:
    """``value`` written with a wording file's ``template`` and names (notices)."""
    hour12 = value.hour % 12 or 12
    return template.format(
        weekday=weekdays[value.weekday()],
        day=value.day,
        month=months[value.month - 1],
        year=value.year,
        hour24=f"{value.hour:02d}",
        hour12=hour12,
        minute=f"{value.minute:02d}",
        ampm=ampm[0] if value.hour < 12 else ampm[1],
        zone=zone,
    )


def localized_day(
    value: date, template: str, weekdays: Sequence[str], months: Sequence[str]
) -> str:
    return template.format(
        weekday=weekdays[value.weekday()],
        day=value.day,
        month=months[value.month - 1],
        year=value.year,
    )

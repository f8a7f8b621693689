"""Wall-clock times in a zone with daylight saving: the hour that happens twice."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def repeated_wall_time(naive: datetime, zone: tzinfo) -> bool:
    """Whether the wall time ``naive`` happens twice in ``zone``: in the hour repeated when
    the clocks go back (its two readings have different offsets, and the first reads
    back as itself; a time skipped when the clocks go forward does not)."""
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    return first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def in_repeated_hour(value: datetime) -> bool:
    """Whether an aware time falls in the hour its zone repeats: its wall time alone
    (and the zone's general name, "Eastern Time") does not say which of the two it is."""
    if value.tzinfo is None:
        return False
    return repeated_wall_time(value.replace(tzinfo=None, fold=0), value.tzinfo)


#: Day and month names as every desk shows them: ``strftime``'s %a and %b follow the
#: process locale, which Qt sets to the desk's own ("mar 24 nov 2026" on a Spanish one).
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def local_text(
    value: datetime, zone: tzinfo, *, zone_name: bool = True, seconds: bool = False
) -> str:
    """``value`` in ``zone`` as 'Tue 24 Nov 2026 15:00 EST' (``strftime`` with
    "%a %d %b %Y %H:%M %Z" in the C locale), in English whatever the process locale;
    without the zone's name when ``zone_name`` is false; with the seconds
    ('15:00:07 EST') when ``seconds`` is true."""
    local = value.astimezone(zone)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if seconds:
        clock = f"{clock}:{local.second:02d}"
    text = (
        f"{DAY_NAMES[local.weekday()]} {local.day:02d} {MONTH_NAMES[local.month - 1]} "
        f"{local.year:04d} {clock}"
    )
    name = local.tzname() if zone_name else None
    return f"{text} {name}" if name else text

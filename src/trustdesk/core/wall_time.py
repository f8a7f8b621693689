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

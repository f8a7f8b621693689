"""A case's times whose UTC offset is not one their zone had (decision 0085).

A case file writes each time with a UTC offset, and the offset fixes the instant: the
reader has always taken it as written. But a time written by hand with the wrong one
(the example's -05:00 copied in July, when New York is on -04:00) is an hour away from
the wall time the officer meant, and the 48-hour hold clock counts from it. Such a time
cannot be read one way or the other without guessing, so it is refused where a case is
taken in, naming the field and both readings. UTC itself (``Z``, ``+00:00``) is a zone
of its own, always accepted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from trustdesk.core.model import Case
from trustdesk.core.wall_time import local_text


class OffsetMismatch(NamedTuple):
    pointer: str
    message: str


def _offset(delta: timedelta) -> str:
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _times(case: Case) -> list[tuple[str, datetime | None]]:
    return [
        ("/decision_time", case.decision_time),
        ("/releasable_at", case.releasable_at),
        ("/detainer/received_at", case.detainer.received_at),
    ]


def offset_mismatch(case: Case, zones: Sequence[str]) -> OffsetMismatch | None:
    """The first time of ``case`` whose offset none of ``zones`` had at that instant
    (None when every one agrees). ``zones``: the zones a case's times may be written in,
    the one the desk's wall clock shows first (the agency's, else the law's)."""
    known = [ZoneInfo(name) for name in dict.fromkeys(zones)]
    if not known:
        return None
    for pointer, value in _times(case):
        if value is None or value.utcoffset() is None:
            continue
        offset = value.utcoffset()
        assert offset is not None
        if offset == timedelta(0):
            continue  # UTC, said as such
        if any(value.astimezone(zone).utcoffset() == offset for zone in known):
            continue
        return OffsetMismatch(pointer, _message(value, offset, known[0]))
    return None


def _message(value: datetime, offset: timedelta, zone: ZoneInfo) -> str:
    naive = value.replace(tzinfo=None)
    instant = value.astimezone(zone)
    wall = naive.replace(tzinfo=zone)
    real = wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive
    clock = f"{naive:%H:%M}"
    if real:
        as_wall = (
            f"read as the wall clock in {zone.key}, {local_text(wall, zone)} "
            f"(offset {_offset(wall.utcoffset() or timedelta(0))})"
        )
        fix_wall = f"{naive.isoformat()}{_offset(wall.utcoffset() or timedelta(0))}"
    else:
        as_wall = f"read as the wall clock in {zone.key}, {clock} did not exist that day"
        fix_wall = ""
    had = _offset(instant.utcoffset() or timedelta(0))
    fixes = [f"{fix_wall} if {clock} on the wall clock was meant"] if fix_wall else []
    fixes.append(
        f"{instant.replace(tzinfo=None).isoformat()}{had} if the instant the offset gives was meant"
    )
    return (
        f"{value.isoformat()} carries the UTC offset {_offset(offset)}, which {zone.key} "
        f"did not have at that time (it was on {had}, {instant.tzname()}): read by its "
        f"offset it is {local_text(instant, zone)}; {as_wall}. Which was meant cannot be "
        f"told, so nothing was decided or recorded: write the time with the offset "
        f"{zone.key} had then ({'; or '.join(fixes)}), or in UTC with Z"
    )

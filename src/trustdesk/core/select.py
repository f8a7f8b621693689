"""Choosing the version of the law that governs a decision, by its local date.

The local date is taken in each pack's own time zone: no zone is written here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from trustdesk.core.errors import CoreError, NoRulePackError
from trustdesk.core.pack import RulePack


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(instant: datetime, zone: str) -> date:
    """The calendar date of ``instant`` in the IANA ``zone`` (a pack's ``timezone``)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise CoreError("the decision time must carry a UTC offset (e.g. 2026-11-20T15:00-05:00)")
    return instant.astimezone(_zone(zone)).date()


def select_pack(packs: Iterable[RulePack], decision_time: datetime) -> RulePack:
    """The pack in force on the local date of ``decision_time``.

    Each pack's own ``timezone`` gives the local date it is judged by; a date before the
    first pack is refused with the first pack's ``before_first`` words.
    """
    candidates = sorted(packs, key=lambda pack: pack.effective_from)
    for pack in candidates:
        if pack.in_force_on(local_date(decision_time, pack.timezone)):
            return pack
    if not candidates:
        raise NoRulePackError("no rule pack is installed for this jurisdiction")
    first = candidates[0]
    day = local_date(decision_time, first.timezone)
    if day < first.effective_from:
        raise NoRulePackError(f"no rule pack for {day.isoformat()}: {first.before_first}")
    raise NoRulePackError(f"no rule pack is in force on {day.isoformat()}")

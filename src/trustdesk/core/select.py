"""Choosing the version of the law that governs a decision, by its local date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from trustdesk.core.errors import CoreError, NoRulePackError
from trustdesk.core.pack import RulePack

#: The statute governs by the date of the decision where the agency is (Connecticut).
DEFAULT_ZONE = "America/New_York"


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(instant: datetime, zone: str = DEFAULT_ZONE) -> date:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise CoreError("the decision time must carry a UTC offset (e.g. 2026-11-20T15:00-05:00)")
    return instant.astimezone(_zone(zone)).date()


def select_pack(
    packs: Iterable[RulePack], decision_time: datetime, zone: str = DEFAULT_ZONE
) -> RulePack:
    """The pack in force on the local date of ``decision_time``."""
    day = local_date(decision_time, zone)
    candidates = sorted(packs, key=lambda pack: pack.effective_from)
    for pack in candidates:
        if pack.in_force_on(day):
            return pack
    if candidates and day < candidates[0].effective_from:
        raise NoRulePackError(
            f"no rule pack for {day.isoformat()}: Conn. Gen. Stat. § 54-192h took effect on "
            f"{candidates[0].effective_from.isoformat()} and no state statute governed "
            "detainers before then"
        )
    raise NoRulePackError(f"no rule pack is in force on {day.isoformat()}")

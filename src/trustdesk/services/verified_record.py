"""What a memo verification says about the record, in the words the CLI and the app show.

A MATCH proves only that the code (or the file) belongs to a recorded decision; a forged
paper can carry a genuine code. So the answer spells out what the record says, line by
line, and asks the reader to compare it with the paper in their hand.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trustdesk.core.wall_time import local_text
from trustdesk.services.memos import MemoCheck

DEFAULT_ZONE = "America/New_York"

COMPARE = (
    "Compare every line above with the paper memo: if any differs, the paper is not this "
    "record (report it to a supervisor)."
)
WITHHELD = (
    "Your role does not read case files, so the record's facts are not shown: ask an "
    "officer, supervisor or auditor to verify it and compare it with the paper."
)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return "none"
    return local_text(value, zone)


def record_lines(check: MemoCheck, zone_name: str | None = None) -> list[str]:
    """(label, text) lines of what the matched record says; empty when nothing matched."""
    if check.facts_withheld:
        return [WITHHELD]
    record = check.record
    if record is None:
        return []
    zone = _zone(zone_name)
    decision = record.decision()
    grounds = [str(ground) for ground in decision.get("grounds", [])]
    person = record.person
    born = f", born {person.date_of_birth.isoformat()}" if person.date_of_birth else ""
    if record.outcome != "honor":
        outcome = "DETAINER DECLINED"
    elif record.asks_no_hold:
        outcome = "NO HOLD: NOTIFICATION ONLY"
    else:
        outcome = "HOLD PERMITTED"
    latest = check.latest_version or record.version
    later = (
        f"YES — version {latest} amends this record; the paper is out of date"
        if latest > record.version
        else "no (this is the latest version)"
    )
    lines = [
        f"Person:            {person.name}{born}",
        f"Booking number:    {person.booking_number}",
        f"Decision:          {outcome}",
        f"Grounds:           {', '.join(grounds) if grounds else 'none'}",
        f"Hold expires:      {_when(record.hold_expires_at, zone)}",
        f"Decision time:     {_when(record.decision_time, zone)}",
        f"Officer:           {record.officer}",
        f"Version:           {record.version} of decision {record.decision_id}",
        f"Later amendment:   {later}",
    ]
    return [*lines, COMPARE]

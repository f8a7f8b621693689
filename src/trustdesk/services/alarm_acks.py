"""Acknowledging the overdue alarm, on the record: who saw which hold's alarm, when, and
at which desk (decision 0034).

An acknowledgement is one audit entry per hold (``hold.alarm_acknowledged``), naming the
hold, its decision and the release time it was overdue from; the actor and workstation
of the entry are who and where. It is appended through the store like every other entry,
so it is in the chain that ``audit verify`` checks, on either backend, and in the
decision's trail. Because it is on the shared record, every desk of the facility reads
it back: an alarm acknowledged at one desk falls silent at the others when their boards
next read the record (the change feed makes that at once).

An acknowledgement counts for the overdue it was given for: a hold amended to a later
release time that becomes overdue again rings again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.overdue_alarm import OverdueAlarm
from trustdesk.services.permissions import Operation
from trustdesk.store.case_records import HoldStatus
from trustdesk.store.encoding import parse_utc, utc_text
from trustdesk.store.records import AuditEntry

#: The audit event of one acknowledged alarm.
ALARM_ACKNOWLEDGED = "hold.alarm_acknowledged"


def record_acknowledgement(
    ctx: ServiceContext, session: Session, alarms: Sequence[OverdueAlarm]
) -> None:
    """Record that ``session``'s user, at this desk, has seen these alarms (one entry
    each). Anyone with a board (and so an alarm) may acknowledge."""
    ctx.authorize(session, Operation.DECISION_LIST)
    for alarm in alarms:
        ctx.audit(
            ALARM_ACKNOWLEDGED,
            session,
            hold=alarm.hold_id,
            decision=alarm.decision_id,
            overdue_since=utc_text(alarm.overdue_since),
        )


def acknowledged(
    ctx: ServiceContext, session: Session, holds: Iterable[HoldStatus], now: datetime
) -> dict[int, frozenset[datetime]]:
    """For each hold overdue at ``now``: the release times whose overdue was acknowledged
    on the record (at any desk). Read through the per-decision index of the audit, only
    for the overdue holds, so the cost does not grow with the log."""
    ctx.authorize(session, Operation.DECISION_LIST)
    found: dict[int, frozenset[datetime]] = {}
    for hold in holds:
        if hold.release_due_at is None or hold.release_due_at > now:
            continue
        trail = ctx.store.audit.of_decision(hold.decision_id)
        times = frozenset(acknowledged_times(trail, hold.hold_id))
        if times:
            found[hold.hold_id] = times
    return found


def acknowledged_times(trail: Iterable[AuditEntry], hold_id: int) -> Iterable[datetime]:
    """The overdue release times of ``hold_id`` acknowledged in ``trail``."""
    for entry in trail:
        if entry.event != ALARM_ACKNOWLEDGED or entry.outcome != "success":
            continue
        since = overdue_since(entry)
        if entry.objects_dict().get("hold") == hold_id and since is not None:
            yield since


def overdue_since(entry: AuditEntry) -> datetime | None:
    """The release time an acknowledgement entry was overdue from (None if unreadable)."""
    since = entry.objects_dict().get("overdue_since")
    try:
        return parse_utc(since) if isinstance(since, str) else None
    except ValueError:
        return None

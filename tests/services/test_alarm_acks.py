"""Acknowledging the overdue alarm is on the record (decision 0034), on both backends:
one audit entry per hold naming the hold, its decision and the overdue it was given for,
with who and at which desk; in the decision's trail; the chain still verifies; and a
desk reading the record falls silent for an alarm acknowledged at another desk, but
rings again once the hold is amended to a later time and becomes overdue again."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk

from trustdesk.services.alarm_acks import (
    ALARM_ACKNOWLEDGED,
    acknowledged,
    record_acknowledgement,
)
from trustdesk.services.errors import ServiceError
from trustdesk.services.overdue_alarm import OverdueAlarms
from trustdesk.store.encoding import parse_utc


def overdue_hold(desk: Desk, rules: Any) -> Any:
    case, raw = honored(rules)
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    [status] = desk.services.holds.active(desk.session("officer"))
    assert status.hold_id == saved.hold_id and status.release_due_at is not None
    # The desks' clock moves to an hour after the hold's expiry.
    desk.clock.advance(seconds=(status.release_due_at - desk.clock()).total_seconds() + 3600)
    return status


def test_an_acknowledgement_is_one_chained_entry_with_who_when_and_desk(
    desk: Desk, rules: Any
) -> None:
    status = overdue_hold(desk, rules)
    session = desk.session("officer2")
    now = desk.clock()
    here = OverdueAlarms()
    [alarm] = here.update([status], now)
    record_acknowledgement(desk.services.ctx, session, here.acknowledge())
    [entry] = desk.store.audit.of_events(ALARM_ACKNOWLEDGED)
    assert entry.actor == "officer2"
    assert entry.workstation == desk.services.ctx.workstation
    assert entry.when == now
    objects = entry.objects_dict()
    assert objects["hold"] == status.hold_id and objects["decision"] == status.decision_id
    assert parse_utc(objects["overdue_since"]) == status.release_due_at
    # In the decision's trail (the detail and the person page read it from there).
    trail = desk.services.decisions.trail(session, status.decision_id)
    assert [e.seq for e in trail if e.event == ALARM_ACKNOWLEDGED] == [entry.seq]
    assert desk.store.verify().problems == ()
    assert acknowledged(desk.services.ctx, session, [status], now) == {
        status.hold_id: frozenset({alarm.overdue_since})
    }


def test_an_alarm_acknowledged_at_one_desk_is_silent_at_the_others(desk: Desk, rules: Any) -> None:
    status = overdue_hold(desk, rules)
    now = desk.clock()
    desk_a, desk_b = OverdueAlarms(), OverdueAlarms()
    for alarms in (desk_a, desk_b):
        assert [a.hold_id for a in alarms.update([status], now)] == [status.hold_id]
    record_acknowledgement(desk.services.ctx, desk.session("officer2"), desk_b.acknowledge())
    # Desk A reads the record again (the change feed makes it do so at once).
    seen = acknowledged(desk.services.ctx, desk.session("officer"), [status], now)
    assert desk_a.update([status], now, seen) == []
    assert desk_a.ringing == []
    # Amended to a later release time, it becomes overdue again: it rings again.
    later = replace(status, release_due_at=status.release_due_at + timedelta(hours=2))
    assert desk_a.update([later], now, seen) == []  # no longer overdue: forgotten
    after = now + timedelta(hours=3)
    seen = acknowledged(desk.services.ctx, desk.session("officer"), [later], after)
    assert [a.hold_id for a in desk_a.update([later], after, seen)] == [status.hold_id]


def test_an_administrator_has_no_alarm_to_acknowledge(desk: Desk, rules: Any) -> None:
    status = overdue_hold(desk, rules)
    alarms = OverdueAlarms()
    alarms.update([status], desk.clock())
    with pytest.raises(ServiceError):
        record_acknowledgement(desk.services.ctx, desk.session("admin"), alarms.acknowledge())
    assert desk.store.audit.of_events(ALARM_ACKNOWLEDGED) == []

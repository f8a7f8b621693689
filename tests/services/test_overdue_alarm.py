"""The overdue alarm's policy: once per hold when it becomes overdue, quiet on every later
look until acknowledged, quiet after acknowledgement, and again for a hold that is
forgotten (closed, or moved back into the future) and becomes overdue once more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trustdesk.services.overdue_alarm import OverdueAlarms
from trustdesk.store.case_records import HoldStatus

T0 = datetime(2026, 11, 24, 20, 0, tzinfo=UTC)


def hold(hold_id: int, due: datetime | None, booking: str = "") -> HoldStatus:
    return HoldStatus(
        hold_id, hold_id, hold_id, booking or f"NH-{hold_id}", "A B", "honor", None, due
    )


def test_rings_once_when_a_hold_becomes_overdue_not_on_later_looks() -> None:
    alarms = OverdueAlarms()
    holds = [hold(1, T0), hold(2, T0 + timedelta(hours=2))]
    assert alarms.update(holds, T0 - timedelta(seconds=1)) == []
    rung = alarms.update(holds, T0)  # due at T0: overdue at T0
    assert [(a.hold_id, a.booking_number, a.overdue_since) for a in rung] == [(1, "NH-1", T0)]
    for second in range(1, 120):  # the board's ticks and refreshes
        assert alarms.update(holds, T0 + timedelta(seconds=second)) == []
    assert [a.hold_id for a in alarms.ringing] == [1]


def test_acknowledged_stays_quiet_and_the_next_overdue_hold_rings() -> None:
    alarms = OverdueAlarms()
    holds = [hold(1, T0), hold(2, T0 + timedelta(hours=2))]
    alarms.update(holds, T0 + timedelta(minutes=1))
    assert [a.hold_id for a in alarms.acknowledge()] == [1]
    assert alarms.ringing == []
    assert alarms.update(holds, T0 + timedelta(hours=1)) == []
    assert [a.hold_id for a in alarms.update(holds, T0 + timedelta(hours=2))] == [2]
    assert [a.hold_id for a in alarms.ringing] == [2]


def test_several_at_once_longest_overdue_first_and_unknown_times_never_ring() -> None:
    alarms = OverdueAlarms()
    holds = [hold(3, T0 - timedelta(hours=1)), hold(4, None), hold(5, T0 - timedelta(hours=5))]
    assert [a.hold_id for a in alarms.update(holds, T0)] == [5, 3]
    assert [a.hold_id for a in alarms.ringing] == [5, 3]


def test_a_hold_closed_or_moved_back_is_forgotten_and_may_ring_again() -> None:
    alarms = OverdueAlarms()
    assert len(alarms.update([hold(1, T0), hold(2, T0)], T0)) == 2
    alarms.acknowledge()
    # Hold 1 closed; hold 2 amended with a later release time.
    assert alarms.update([hold(2, T0 + timedelta(hours=1))], T0 + timedelta(minutes=5)) == []
    assert alarms.ringing == []
    # Hold 2 becomes overdue again under its new time: announced again.
    late = alarms.update([hold(2, T0 + timedelta(hours=1))], T0 + timedelta(hours=1))
    assert [a.hold_id for a in late] == [2]


def test_a_closed_hold_stops_ringing_without_acknowledgement() -> None:
    alarms = OverdueAlarms()
    alarms.update([hold(1, T0)], T0)
    assert alarms.update([], T0 + timedelta(minutes=1)) == []
    assert alarms.ringing == []


def test_an_acknowledged_hold_whose_overdue_changes_at_another_desk_rings_again() -> None:
    """Acknowledged for its expiry, then amended at another desk (a decline recorded, or
    the release time corrected to one already past): a new overdue, which the record's
    acknowledgement does not cover. A desk signed in afterwards rang; a desk that had
    seen the first overdue stayed silent by hold number alone."""
    earlier, later = T0, T0 + timedelta(hours=2)
    seen_before, signed_in_after = OverdueAlarms(), OverdueAlarms()
    on_record = {1: frozenset({earlier})}
    seen_before.update([hold(1, earlier)], T0 + timedelta(minutes=1))
    seen_before.acknowledge()
    assert seen_before.update([hold(1, earlier)], T0 + timedelta(hours=1), on_record) == []
    # Amended elsewhere: overdue since the amendment now, not since the expiry.
    now = later + timedelta(minutes=1)
    fresh = signed_in_after.update([hold(1, later)], now, on_record)
    again = seen_before.update([hold(1, later)], now, on_record)
    assert [(a.hold_id, a.overdue_since) for a in fresh] == [(1, later)]
    assert [(a.hold_id, a.overdue_since) for a in again] == [(1, later)]
    assert [a.overdue_since for a in seen_before.ringing] == [later]
    # Acknowledged on the record for the new overdue too: quiet at both.
    on_record = {1: frozenset({earlier, later})}
    for alarms in (seen_before, signed_in_after):
        alarms.update([hold(1, later)], now + timedelta(minutes=1), on_record)
        assert alarms.ringing == []


def test_a_ringing_hold_whose_overdue_changes_shows_the_new_time() -> None:
    alarms = OverdueAlarms()
    alarms.update([hold(1, T0)], T0 + timedelta(minutes=1))
    later = T0 + timedelta(minutes=30)
    assert [a.overdue_since for a in alarms.update([hold(1, later)], later)] == [later]
    assert [a.overdue_since for a in alarms.ringing] == [later]

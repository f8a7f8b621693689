"""Hold closures kept on the desk while the record server was lost (decision 0026): when
the server is back each is recorded late with the time the hold really ended, unless
another desk closed the hold meanwhile (reported with who and when, nothing recorded
twice) or the record refuses it (reported with the real end time, the hold back on the
board); a save whose answer was lost but which went through is not recorded twice.
Run on both backends; the outage itself is in tests/ui/test_live_board_pg.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk

from trustdesk.services.errors import InvalidRequest


def open_hold(desk: Desk, rules: Any) -> Any:
    case, raw = honored(rules)
    desk.services.decisions.create(desk.session("officer"), case, raw)
    [status] = desk.services.holds.active(desk.session("officer"))
    return status


def test_a_kept_closure_is_recorded_late_with_the_time_the_hold_ended(
    desk: Desk, rules: Any
) -> None:
    status = open_hold(desk, rules)
    sync = desk.services.sync
    kept = sync.keep_closure(desk.session("officer"), status, "ice_took_custody", None)
    ended = desk.clock.now
    desk.clock.now += timedelta(minutes=35)  # the server is back later
    result = sync.flush()
    assert [c.id for c in result.closures] == [kept.id] and result.closures_refused == ()
    closure = desk.store.holds.get(status.hold_id).closure
    assert closure.ended_at == ended and closure.recorded_at == ended + timedelta(minutes=35)
    [entry] = desk.store.audit.of_events("hold.closed")
    assert entry.objects_dict()["recorded_late"] is True
    assert entry.objects_dict()["offline_closure"] == kept.id
    assert sync.closures.all() == []
    assert desk.store.verify().problems == ()


def test_a_hold_closed_by_another_desk_meanwhile_is_reported_not_closed_twice(
    desk: Desk, rules: Any
) -> None:
    status = open_hold(desk, rules)
    sync = desk.services.sync
    sync.keep_closure(desk.session("officer"), status, "released_at_expiry", None)
    desk.services.holds.close(desk.session("officer2"), status.hold_id, "ice_took_custody")
    result = sync.flush()
    [(_closure, why)] = result.closures_refused
    assert f"hold {status.hold_id} was already closed by officer2" in why
    assert len(list(desk.store.audit.of_events("hold.closed"))) == 1
    assert sync.closures.all() == []


def test_a_refused_closure_says_when_the_hold_really_ended_and_the_hold_comes_back(
    desk: Desk, rules: Any
) -> None:
    status = open_hold(desk, rules)
    sync = desk.services.sync
    sync.keep_closure(desk.session("officer"), status, "ice_took_custody", None)
    desk.services.accounts.set_active(desk.session("admin"), "officer", False)
    result = sync.flush()
    [(_closure, why)] = result.closures_refused
    assert "disabled" in why and "is back on the board" in why
    assert "really ended at Fri 20 Nov 2026 11:00" in why
    assert desk.store.holds.get(status.hold_id).closure is None
    assert sync.closures.all() == []


def test_a_closure_whose_answer_was_lost_but_went_through_is_not_recorded_twice(
    desk: Desk, rules: Any
) -> None:
    status = open_hold(desk, rules)
    sync = desk.services.sync
    officer = desk.session("officer")
    desk.services.holds.close(officer, status.hold_id, "ice_took_custody")  # committed...
    kept = sync.keep_closure(officer, status, "ice_took_custody", None, attempted=True)
    result = sync.flush()  # ... but the desk never heard: it looks before recording
    assert [c.id for c in result.closures] == [kept.id] and result.closures_refused == ()
    assert len(list(desk.store.audit.of_events("hold.closed"))) == 1


def test_a_closure_is_checked_before_it_is_kept(desk: Desk, rules: Any) -> None:
    status = open_hold(desk, rules)
    with pytest.raises(InvalidRequest, match="note"):
        desk.services.sync.keep_closure(desk.session("officer"), status, "released_other", " ")
    assert desk.services.sync.closures.all() == []

"""Hold closures kept on the desk while the record server was lost (decision 0026): when
the server is back each is recorded late with the time the hold really ended, unless
another desk closed the hold meanwhile (reported with who and when, nothing recorded
twice) or the record refuses it (reported with the real end time, the hold back on the
board, the closure kept and listed to be recorded again or discarded with a reason); a
save whose answer was lost but which went through is not recorded twice.
Run on both backends; the outage itself is in tests/ui/test_live_board_pg.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk

from trustdesk.services.errors import InvalidRequest
from trustdesk.store.errors import DatabaseCorrupt


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
    # Kept and listed, no longer waiting to be sent, its hold back on the board.
    [listed] = sync.refused_closures.list()
    assert listed.refused == why and listed.hold_id == status.hold_id
    assert sync.closures.pending() == [] and sync.waiting() == 0
    assert sync.hidden_holds() == set()
    assert sync.flush().closures_refused == ()  # not tried again by itself


def refused_closure(desk: Desk, rules: Any) -> tuple[Any, Any]:
    status = open_hold(desk, rules)
    sync = desk.services.sync
    sync.keep_closure(desk.session("officer"), status, "ice_took_custody", "ERO Hartford")
    desk.services.accounts.set_active(desk.session("admin"), "officer", False)
    desk.clock.advance(minutes=40)
    sync.flush()
    [kept] = sync.refused_closures.list()
    return status, kept


def test_a_refused_closure_recorded_again_by_another_officer(desk: Desk, rules: Any) -> None:
    _status, kept = refused_closure(desk, rules)
    sync = desk.services.sync
    hold = sync.refused_closures.record_again(desk.session("officer2"), kept.id)
    closure = hold.closure
    assert closure is not None and closure.officer == "officer2"
    assert closure.ended_at == kept.kept_at  # when it happened, not when recorded
    assert closure.outcome == "ice_took_custody"
    assert closure.note is not None and closure.note.startswith("ERO Hartford — Closed by officer")
    assert "disabled" in closure.note
    [entry] = desk.store.audit.of_events("hold.closed")
    objects = entry.objects_dict()
    assert objects["recorded_late"] is True and objects["offline_closure"] == kept.id
    assert sync.refused_closures.list() == []
    assert desk.store.verify().problems == ()


def test_a_refused_closure_of_a_hold_closed_elsewhere_is_not_recorded_twice(
    desk: Desk, rules: Any
) -> None:
    from trustdesk.services.holds import AlreadyClosed

    status, kept = refused_closure(desk, rules)
    desk.services.holds.close(desk.session("officer2"), status.hold_id, "ice_took_custody")
    with pytest.raises(AlreadyClosed, match="already closed by officer2"):
        desk.services.sync.refused_closures.record_again(desk.session("supervisor"), kept.id)
    assert len(desk.store.audit.of_events("hold.closed")) == 1
    assert desk.services.sync.refused_closures.list() == []


def test_a_refused_closure_discarded_with_a_reason_by_a_supervisor_only(
    desk: Desk, rules: Any
) -> None:
    from trustdesk.services.errors import ServiceError

    status, kept = refused_closure(desk, rules)
    refused = desk.services.sync.refused_closures
    with pytest.raises(ServiceError):
        refused.discard(desk.session("officer2"), kept.id, "closed again at the board")
    with pytest.raises(InvalidRequest, match="say why"):
        refused.discard(desk.session("supervisor"), kept.id, "   ")
    assert [k.id for k in refused.list()] == [kept.id]
    refused.discard(desk.session("supervisor"), kept.id, "closed again at the board")
    [entry] = desk.store.audit.of_events("kept_closure.discarded")
    objects = entry.objects_dict()
    assert entry.actor == "supervisor" and objects["offline_closure"] == kept.id
    assert objects["hold"] == status.hold_id and objects["reason"] == "closed again at the board"
    assert refused.list() == []
    assert desk.store.verify().problems == ()


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


def test_a_record_that_cannot_take_the_closure_stops_the_flush_and_refuses_nothing(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record answers but reports itself damaged when the closure is saved: not the
    closure's fault, so it is not refused (its hold stays off the board, nothing waits for
    a supervisor); the flush says why and, the record mended, records it."""
    status = open_hold(desk, rules)
    sync = desk.services.sync
    kept = sync.keep_closure(desk.session("officer"), status, "ice_took_custody", None)

    def damaged(*_args: Any, **_kwargs: Any) -> None:
        raise DatabaseCorrupt("the record's pages are damaged")

    monkeypatch.setattr(type(desk.store.holds), "close", damaged)
    stopped = sync.flush()
    assert stopped.unusable == "the record's pages are damaged"
    assert stopped.still_kept == 1 and stopped.closures_refused == ()
    [still] = sync.closures.all()
    assert still.id == kept.id and still.refused is None
    assert desk.store.holds.get(status.hold_id).closure is None

    monkeypatch.undo()
    done = sync.flush()
    assert [c.id for c in done.closures] == [kept.id] and done.unusable == ""
    assert desk.store.holds.get(status.hold_id).closure is not None

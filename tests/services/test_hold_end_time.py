"""When a hold may be said to have ended (decision 0079; a hostile review of it).

A time typed by a person (the command line's --at) cannot come before the decision: a
year typed wrong would close the hold for good. The desk's own closures take the
workstation's clock, which may lag the decision time by the slack a decision time is
allowed; they are not checked, at the desk, offline, or recorded again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from servicekit import Desk

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import InvalidRequest


def _case(rules: Any, when: Any, booking: str, releasable: Any) -> tuple[Any, Any]:
    raw = make_case(
        decision_time=when.isoformat(),
        releasable_at=releasable.isoformat(),
        convictions=[conviction("53a-134", "felony", "B")],
        person={"name": "A B", "date_of_birth": "1990-04-17", "booking_number": booking},
    )
    return parse_case(raw, "test", rules.sections), raw


def decided_ahead(desk: Desk, rules: Any, minutes: int = 10) -> Any:
    """A hold whose decision time the jail's clock put ``minutes`` ahead of this one."""
    ahead = desk.clock.now + timedelta(minutes=minutes)
    case, raw = _case(rules, ahead, "NH-1", desk.clock.now + timedelta(hours=4))
    desk.services.decisions.create(desk.session("officer"), case, raw)
    [status] = desk.services.holds.active(desk.session("officer"))
    return status


def declined_now(desk: Desk, rules: Any) -> tuple[Any, Any]:
    """NH-1's case decided now with no conviction: an amendment to decline."""
    raw = make_case(
        decision_time=desk.clock.now.isoformat(),
        releasable_at=(desk.clock.now + timedelta(hours=4)).isoformat(),
        person={"name": "A B", "date_of_birth": "1990-04-17", "booking_number": "NH-1"},
    )
    return parse_case(raw, "test", rules.sections), raw


def test_the_desk_closes_a_hold_decided_a_little_ahead_of_its_clock(desk: Desk, rules: Any) -> None:
    status = decided_ahead(desk, rules)
    desk.clock.now += timedelta(minutes=2)  # ICE takes custody 2 minutes later
    closed = desk.services.sync.close_hold(
        desk.session("officer"), status, "ice_took_custody", None
    )
    assert closed.closure is not None  # type: ignore[union-attr]


def test_such_a_closure_kept_offline_is_recorded_late(desk: Desk, rules: Any) -> None:
    status = decided_ahead(desk, rules)
    desk.clock.now += timedelta(minutes=2)
    sync = desk.services.sync
    sync.keep_closure(desk.session("officer"), status, "ice_took_custody", None)
    desk.clock.now += timedelta(minutes=30)  # the server is back
    result = sync.flush()
    assert result.closures_refused == () and len(result.closures) == 1
    assert desk.store.holds.get(status.hold_id).closure is not None


def test_a_typed_end_counts_from_the_decision_s_earliest_time(desk: Desk, rules: Any) -> None:
    """Decided at 14:00, entered with 16:00 by mistake, amended to 14:00: a typed end of
    15:00 is the truth, not before the decision."""
    typed = desk.clock.now
    real = typed - timedelta(hours=2)
    releasable = typed + timedelta(hours=4)
    saved = desk.services.decisions.create(
        desk.session("officer"), *_case(rules, typed, "NH-2", releasable)
    )
    desk.services.decisions.amend(
        desk.session("officer2"),
        saved.record.decision_id,
        *_case(rules, real, "NH-2", releasable),
        "decision time typed wrong",
    )
    [status] = desk.services.holds.active(desk.session("officer"))
    ended = real + timedelta(hours=1)
    hold = desk.services.holds.close(
        desk.session("officer"), status.hold_id, "ice_took_custody", ended_at=ended, typed=True
    )
    assert hold.closure is not None and hold.closure.ended_at == ended


def test_a_typed_end_before_the_decision_is_refused_in_the_agency_s_time(
    desk: Desk, rules: Any
) -> None:
    status = decided_ahead(desk, rules, minutes=0)  # decided 16:00 UTC, 11:00 in New Haven
    typed = (desk.clock.now - timedelta(hours=1)).astimezone(ZoneInfo("America/New_York"))
    with pytest.raises(InvalidRequest) as refused:
        desk.services.holds.close(
            desk.session("officer"), status.hold_id, "ice_took_custody", ended_at=typed, typed=True
        )
    said = str(refused.value)
    assert "(Fri 20 Nov 2026 10:00 EST) is before the decision (Fri 20 Nov 2026 11:00 EST)" in said
    assert desk.store.holds.get(status.hold_id).closure is None


def test_released_at_expiry_only_for_a_hold_that_has_expired(desk: Desk, rules: Any) -> None:
    """ "Released at expiry" was recorded four days before the expiry, before the hold
    had even begun, and for a hold with no expiry at all (a hostile pass on the hold
    clock): the one closure a hold gets is then false for good, and reports count it."""
    zone = ZoneInfo("America/New_York")
    status = decided_ahead(desk, rules, minutes=0)
    due = status.release_due_at
    assert due is not None
    officer, holds = desk.session("officer"), desk.services.holds
    with pytest.raises(InvalidRequest) as early:
        holds.close(officer, status.hold_id, "released_at_expiry")
    assert f"expires {due.astimezone(zone):%a %d %b %Y %H:%M %Z}" in str(early.value)
    assert "released otherwise (released_other), with a note" in str(early.value)
    desk.clock.now = due - timedelta(minutes=5)  # within a desk clock's slack of it
    holds.close(officer, status.hold_id, "released_at_expiry")
    [closed] = desk.store.audit.of_events("hold.closed")
    assert closed.objects_dict()["outcome"] == "released_at_expiry"


def test_released_at_expiry_is_refused_for_a_hold_with_no_expiry(desk: Desk, rules: Any) -> None:
    raw = make_case(
        decision_time=desk.clock.now.isoformat(),
        releasable_at=None,
        convictions=[conviction("53a-134", "felony", "B")],
        person={"name": "A B", "date_of_birth": "1990-04-17", "booking_number": "NH-2"},
    )
    case = parse_case(raw, "test", rules.sections)
    desk.services.decisions.create(desk.session("officer"), case, raw)
    [status] = desk.services.holds.active(desk.session("officer"))
    assert status.release_due_at is None
    with pytest.raises(InvalidRequest, match="has no expiry"):
        desk.services.holds.close(desk.session("officer"), status.hold_id, "released_at_expiry")
    assert desk.store.audit.of_events("hold.closed") == []
    desk.services.holds.close(
        desk.session("officer"), status.hold_id, "released_other", note="bond posted"
    )


def test_released_at_expiry_is_refused_once_the_decision_is_amended_to_decline(
    desk: Desk, rules: Any
) -> None:
    """Amended to decline, the hold's release is due at once, at the amendment's time:
    "released at expiry" then passed four days before the expiry (a hostile pass)."""
    status = decided_ahead(desk, rules, minutes=0)
    officer = desk.session("officer")
    case, raw = declined_now(desk, rules)
    desk.services.decisions.amend(officer, status.decision_id, case, raw, "not his conviction")
    with pytest.raises(InvalidRequest, match="amended to decline"):
        desk.services.holds.close(officer, status.hold_id, "released_at_expiry")
    desk.services.holds.close(
        officer, status.hold_id, "released_other", note="decision amended to decline"
    )


def test_an_amendment_saved_while_released_at_expiry_is_being_closed_refuses_it(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another desk's amendment to decline, saved after the check that the hold had
    expired and before the closure's own transaction, still let "released at expiry"
    through: the check ran outside the transaction (a hostile pass). It now runs inside,
    with the writers' turn taken."""
    status = decided_ahead(desk, rules, minutes=0)
    officer = desk.session("officer")
    amendment, raw = declined_now(desk, rules)
    desk.clock.now = status.release_due_at + timedelta(minutes=1)  # the hold has run out
    closing = desk.store.holds.close

    def amended_meanwhile(*args: Any, **kwargs: Any) -> Any:
        desk.services.decisions.amend(
            desk.session("officer2"), status.decision_id, amendment, raw, "not his conviction"
        )
        return closing(*args, **kwargs)

    monkeypatch.setattr(desk.store.holds, "close", amended_meanwhile)
    with pytest.raises(InvalidRequest, match="amended to decline"):
        desk.services.holds.close(officer, status.hold_id, "released_at_expiry")
    assert desk.store.audit.of_events("hold.closed") == []
    assert desk.store.holds.get(status.hold_id).closure is None


def test_released_at_expiry_is_refused_once_amended_to_a_form_that_asks_for_no_hold(
    desk: Desk, rules: Any
) -> None:
    """Amended from Form I-247A to I-247N (notification only), the detainer is still
    honored but nobody may be held on it: release is due at once, at the amendment's
    time, as after a decline. "Released at expiry" then passed four days before the
    hold's expiry (a hostile pass on the hold clock), and the terminal's list of holds
    said only "OVERDUE", not why."""
    from trustdesk.cli.records_text import render_holds

    status = decided_ahead(desk, rules, minutes=0)
    expiry = status.release_due_at
    assert expiry is not None and expiry > desk.clock.now + timedelta(days=3)
    officer = desk.session("officer")
    case, raw = _case(rules, desk.clock.now, "NH-1", desk.clock.now + timedelta(hours=4))
    raw["detainer"]["form"] = "I-247N"
    case = parse_case(raw, "test", rules.sections)
    desk.services.decisions.amend(officer, status.decision_id, case, raw, "the form is an I-247N")
    desk.clock.now += timedelta(minutes=5)
    with pytest.raises(InvalidRequest, match="asks for no") as refused:
        desk.services.holds.close(officer, status.hold_id, "released_at_expiry")
    assert "released otherwise (released_other)" in str(refused.value)
    assert desk.store.audit.of_events("hold.closed") == []
    [amended] = desk.services.holds.active(officer)
    assert amended.release_due_at is not None and amended.release_due_at < expiry
    listed = render_holds([amended], desk.clock.now)
    assert "THE FORM ASKS FOR NO HOLD: release now" in listed
    assert amended.outcome == "honor" and amended.asks_no_hold
    desk.services.holds.close(
        officer, status.hold_id, "released_other", note="decision amended: Form I-247N"
    )
    # A hold that still asks for one reads so: the field is not always true.
    assert not decided_ahead(desk, rules, minutes=0).asks_no_hold

"""The decision service: evaluate under the law in force, store everything, review, holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from storekit import Desk

from casekit import conviction, make_case
from trustdesk import __version__
from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.record import decision_to_json
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import InvalidRequest
from trustdesk.store.audit import entries_for
from trustdesk.store.encoding import document_json
from trustdesk.store.search import SearchQuery


def _case(rules: Any, **changes: Any) -> tuple[Any, dict[str, Any]]:
    raw = make_case(**changes)
    return parse_case(raw, "test case", rules.catalog), raw


def _events(desk: Desk, event: str) -> list[Any]:
    with desk.store.db.reading() as conn:
        return list(entries_for(conn, event))


def test_a_decision_records_everything_a_court_may_ask_for(desk: Desk, rules: Any) -> None:
    case, raw = _case(
        rules,
        decision_time="2026-11-20T11:00:00-05:00",
        releasable_at="2026-11-20T15:00:00-05:00",
        convictions=[conviction("53a-134", "felony", "B")],
    )
    officer = desk.session("officer")
    saved = desk.services.decisions.create(officer, case, raw)
    record = saved.record
    pack = rules.pack_for(case.decision_time)
    assert record.rule_pack == pack.id == "ct-2025"
    assert record.rule_pack_sha256 == pack.sha256 and len(pack.sha256) == 64
    assert record.app_version == __version__
    assert json.loads(record.case_json) == raw and record.case_json == document_json(raw)
    assert json.loads(record.decision_json) == decision_to_json(evaluate(pack, case))
    assert record.officer == "officer" and record.officer_id == officer.user_id
    assert record.decision_time == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    assert record.recorded_at.tzinfo == UTC
    assert record.hold_expires_at == datetime(2026, 11, 24, 20, 0, tzinfo=UTC)
    assert record.outcome == "honor" and not record.review_required
    assert dict(record.answers)["tsdb_match"] == "no"
    assert saved.hold_id is not None
    entry = saved.audit
    assert (entry.event, entry.actor, entry.workstation) == (
        "decision.created",
        "officer",
        desk.services.decisions.ctx.workstation,
    )
    assert "Peña" not in entry.objects and "NH-2026" not in entry.objects


def test_discretionary_grounds_and_flagged_decisions_wait_for_review(
    desk: Desk, rules: Any
) -> None:
    officer = desk.session("officer")
    risk, raw_risk = _case(
        rules,
        decision_time="2016-11-17T10:00:00-05:00",
        public_safety_risk={"asserted": True, "reason": "threats recorded at booking"},
    )
    unknown, raw_unknown = _case(rules, tsdb_match=None)
    plain, raw_plain = _case(rules)
    first = desk.services.decisions.create(officer, risk, raw_risk)
    second = desk.services.decisions.create(officer, unknown, raw_unknown)
    third = desk.services.decisions.create(officer, plain, raw_plain)
    assert first.record.review_required and first.record.outcome == "honor"
    assert second.record.review_required and second.record.needs_review
    assert not third.record.review_required
    waiting = desk.services.decisions.awaiting_review(desk.session("supervisor"))
    assert [row.decision_id for row in waiting] == [
        first.record.decision_id,
        second.record.decision_id,
    ]
    supervisor = desk.session("supervisor")
    review = desk.services.decisions.approve(supervisor, first.record.decision_id)
    assert review.verdict == "approved" and review.reviewer == "supervisor"
    fixed, raw_fixed = _case(rules, tsdb_match=False)
    saved, amended = desk.services.decisions.review_amend(
        supervisor, second.record.decision_id, fixed, raw_fixed, "TSDB check came back negative"
    )
    assert amended.verdict == "amended" and saved.record.version == 2
    assert saved.record.reason == "TSDB check came back negative"
    assert desk.services.decisions.awaiting_review(supervisor) == []
    reviewed = _events(desk, "decision.reviewed")
    assert [e.objects_dict()["verdict"] for e in reviewed] == ["approved", "amended"]
    view = desk.services.decisions.view(supervisor, second.record.decision_id)
    assert [v.version for v in view.versions] == [1, 2] and not view.awaiting_review
    assert desk.store.verify().ok


def test_the_hold_start_recorded_later_as_an_amendment(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    desk.clock.now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # a decision is never ahead
    case, raw = _case(rules, decision_time="2026-11-24T09:00:00-05:00", tsdb_match=True)
    saved = desk.services.decisions.create(officer, case, raw)
    assert saved.hold_id is not None and saved.record.hold_expires_at is None
    active = desk.services.holds.active(officer)
    assert active[0].release_due_at is None
    later, raw_later = _case(
        rules,
        decision_time="2026-11-24T09:00:00-05:00",
        tsdb_match=True,
        releasable_at="2026-11-25T10:00:00-05:00",
    )
    with pytest.raises(InvalidRequest, match="reason"):
        desk.services.decisions.amend(officer, saved.record.decision_id, later, raw_later, "  ")
    amended = desk.services.decisions.amend(
        officer, saved.record.decision_id, later, raw_later, "bond posted; releasable now"
    )
    expiry = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # Thanksgiving and a weekend skipped
    assert amended.record.hold_expires_at == expiry
    assert desk.services.holds.active(officer)[0].release_due_at == expiry
    desk.clock.now = expiry + timedelta(minutes=1)
    assert [h.hold_id for h in desk.services.holds.overdue(officer)] == [saved.hold_id]
    with pytest.raises(InvalidRequest, match="future"):
        desk.services.holds.close(
            officer, saved.hold_id, "released_at_expiry", ended_at=expiry + timedelta(days=1)
        )
    with pytest.raises(InvalidRequest, match="note"):
        desk.services.holds.close(officer, saved.hold_id, "released_other")
    with pytest.raises(InvalidRequest, match="outcome"):
        desk.services.holds.close(officer, saved.hold_id, "escaped")
    hold = desk.services.holds.close(officer, saved.hold_id, "released_at_expiry", ended_at=expiry)
    assert hold.closure is not None and hold.closure.ended_at == expiry
    assert desk.services.holds.active(officer) == []
    assert desk.store.verify().ok


def test_a_notification_only_detainer_opens_no_hold(desk: Desk, rules: Any) -> None:
    case, raw = _case(rules, detainer={"form": "I-247N", "judicial_warrant": True}, tsdb_match=True)
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    assert saved.record.outcome == "honor" and saved.hold_id is None


#: Facts that honor a detainer with a hold whose start is known.
HELD: dict[str, Any] = {
    "releasable_at": "2026-11-20T15:00:00-05:00",
    "convictions": [conviction("53a-134", "felony", "B")],
}


def _held(desk: Desk, rules: Any) -> tuple[Any, dict[str, Any]]:
    """A decision holding the person (``HELD``), by the officer: saved, and its case."""
    case, raw = _case(rules, **HELD)
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    assert saved.hold_id is not None
    return saved, raw


def test_a_hold_whose_detainer_is_amended_to_ask_for_none_is_due_at_once(
    desk: Desk, rules: Any
) -> None:
    # Honored on an I-247A (a hold, due at its expiry), then corrected: the form was an
    # I-247N, which asks only to be told of the release. The corrected version still
    # honors the detainer, and nobody may be held on it: release is due at once, as after
    # a decline. It used to keep the hold open with no release time at all, so the board
    # showed "not yet known" and the overdue alarm never rang.
    officer = desk.session("officer")
    saved, raw = _held(desk, rules)
    facts = HELD
    expiry = saved.record.hold_expires_at
    assert expiry is not None and desk.services.holds.active(officer)[0].release_due_at == expiry
    desk.clock.now += timedelta(minutes=20)
    detainer = {**raw["detainer"], "form": "I-247N"}
    later, raw_later = _case(rules, detainer=detainer, **facts)
    amended = desk.services.decisions.amend(
        officer, saved.record.decision_id, later, raw_later, "the detainer is an I-247N"
    )
    assert amended.record.outcome == "honor" and amended.record.asks_no_hold
    assert amended.record.hold_expires_at is None  # no hold clock for such a form
    (active,) = desk.services.holds.active(officer)
    assert active.hold_id == saved.hold_id
    assert active.release_due_at == amended.record.recorded_at < expiry
    assert [h.hold_id for h in desk.services.holds.overdue(officer)] == [saved.hold_id]
    assert desk.store.verify().ok
    # audit verify holds the derived list to that rule: the due time the list had before
    # (the expiry's, none) no longer passes.
    with desk.store.db.transaction() as conn:
        conn.execute("UPDATE open_holds SET release_due_at = NULL")
    report = desk.store.verify()
    assert [p.text for p in report.problems] == [
        "the list of open holds does not match the holds and closures"
    ]


def test_a_later_amendment_that_still_holds_nobody_keeps_when_release_became_due(
    desk: Desk, rules: Any
) -> None:
    # Declined 20 minutes after the hold opened: release due then. A typo corrected eight
    # hours later (still declined) used to move the due time to the correction, and the
    # eight overdue hours were gone from the board, the overdue list and the reports.
    officer = desk.session("officer")
    saved, raw = _held(desk, rules)
    facts = HELD
    decision_id = saved.record.decision_id

    def amend(reason: str, **changes: Any) -> Any:
        again, raw_again = _case(rules, **changes)
        return desk.services.decisions.amend(officer, decision_id, again, raw_again, reason)

    def due() -> Any:
        (active,) = desk.services.holds.active(officer)
        return active.release_due_at

    desk.clock.now += timedelta(minutes=20)
    declined = amend("the conviction was another person's").record
    assert declined.outcome == "decline" and due() == declined.recorded_at
    desk.clock.now += timedelta(hours=8)
    amend("booking number typo", person={**raw["person"], "name": "María  Peña"})
    assert due() == declined.recorded_at
    assert [h.hold_id for h in desk.services.holds.overdue(officer)] == [saved.hold_id]
    assert desk.store.verify().ok
    # Held again, then declined again: a new run starts at that decline.
    desk.clock.now += timedelta(hours=1)
    held = amend("the conviction was his after all", **facts).record
    assert due() == held.hold_expires_at
    desk.clock.now += timedelta(hours=1)
    again = amend("released on bond").record
    assert again.outcome == "decline" and due() == again.recorded_at
    assert desk.store.verify().ok


def test_nothing_is_stored_when_the_case_cannot_be_decided(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    before = desk.store.audit.head()
    case, raw = _case(rules, decision_time="2012-05-01T10:00:00-04:00")
    with pytest.raises(CoreError, match="no rule pack"):
        desk.services.decisions.create(officer, case, raw)
    other, _raw = _case(rules, tsdb_match=True)
    with pytest.raises(InvalidRequest, match="disagree"):
        desk.services.decisions.create(officer, other, make_case())
    assert desk.store.audit.head() == before
    assert desk.store.search.decisions(SearchQuery()) == []


def test_viewing_and_searching_are_audited_with_ids_only(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    case, raw = _case(rules)
    saved = desk.services.decisions.create(officer, case, raw)
    auditor = desk.session("auditor")
    desk.services.decisions.view(auditor, saved.record.decision_id)
    found = desk.services.decisions.search(auditor, SearchQuery(name="peña"))
    assert [row.decision_id for row in found] == [saved.record.decision_id]
    viewed = _events(desk, "decision.viewed")[-1]
    assert viewed.actor == "auditor"
    assert viewed.objects_dict() == {
        "decision": saved.record.decision_id,
        "records": [saved.record.id],
    }
    searched = _events(desk, "decisions.searched")[-1]
    assert searched.objects_dict() == {
        "filters": ["name"],
        "shown": [saved.record.decision_id],
    }
    assert "peña" not in searched.objects.lower()


def test_an_approval_may_carry_the_supervisors_note(desk: Desk, rules: Any) -> None:
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    flagged = [
        desk.services.decisions.create(officer, *_case(rules, tsdb_match=None)) for _ in "ab"
    ]
    first, second = (saved.record.decision_id for saved in flagged)
    note = "  Called ICE ERO Boston: the detainer stands.  "
    review = desk.services.decisions.approve(supervisor, first, note=note)
    assert review.reason == note.strip()
    assert desk.services.decisions.view(supervisor, first).reviews[0].reason == note.strip()
    assert desk.services.decisions.approve(supervisor, second, note="   ").reason is None
    assert desk.store.verify().ok


@pytest.mark.parametrize(
    ("note", "words"),
    [("x" * 2001, "longer than 2000"), ("bell \a", "control characters")],
)
def test_a_bad_approval_note_changes_nothing(desk: Desk, rules: Any, note: str, words: str) -> None:
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    decision_id = desk.services.decisions.create(
        officer, *_case(rules, tsdb_match=None)
    ).record.decision_id
    with pytest.raises(InvalidRequest, match=words):
        desk.services.decisions.approve(supervisor, decision_id, note=note)
    assert desk.services.decisions.view(supervisor, decision_id).awaiting_review
    assert _events(desk, "decision.reviewed") == []


def test_a_correction_from_a_desk_whose_clock_is_behind_does_not_move_release_earlier(
    desk: Desk, rules: Any
) -> None:
    # Declined at 16:20; a typo corrected from a desk whose clock reads 16:05. Release was
    # due from the decline's recording, not from the earlier clock (the person was
    # lawfully held until the decline): the board, verify and the detail view agree.
    from trustdesk.store.hold_due import release_due_of_versions

    officer = desk.session("officer")
    saved, raw = _held(desk, rules)
    decision_id = saved.record.decision_id
    desk.clock.now += timedelta(minutes=20)
    again, raw_again = _case(rules)
    declined = desk.services.decisions.amend(
        officer, decision_id, again, raw_again, "the conviction was another person's"
    ).record
    desk.clock.now -= timedelta(minutes=15)
    typo, raw_typo = _case(rules, person={**raw["person"], "name": "María  Peña"})
    fixed = desk.services.decisions.amend(officer, decision_id, typo, raw_typo, "name typo")
    assert fixed.record.recorded_at < declined.recorded_at
    (active,) = desk.services.holds.active(officer)
    assert active.release_due_at == declined.recorded_at
    versions = desk.services.decisions.view(officer, decision_id).versions
    assert release_due_of_versions(versions) == declined.recorded_at
    assert desk.store.verify().ok

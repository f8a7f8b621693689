"""The decision engine: pack selection, trace, review flags, actions, determinism."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.decision import DECLINE, HONOR, MET, NOT_MET, UNKNOWN
from trustdesk.core.errors import CoreError, NoRulePackError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.record import decision_to_json
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet


def decide(rules: RuleSet, **changes: Any) -> Any:
    case = parse_case(make_case(**changes), "test", rules.sections)
    return evaluate(rules.pack_for(case.decision_time), case)


@pytest.mark.parametrize(
    ("instant", "pack_id"),
    [
        ("2014-01-01T00:00:00-05:00", "ct-2014"),
        ("2019-09-30T23:59:59-04:00", "ct-2014"),
        # 03:30 UTC on 1 October is still 30 September in Connecticut.
        ("2019-10-01T03:30:00Z", "ct-2014"),
        ("2019-10-01T04:00:00Z", "ct-2019"),
        ("2025-09-30T23:59:00-04:00", "ct-2019"),
        ("2025-10-01T00:00:00-04:00", "ct-2025"),
        ("2040-06-01T12:00:00+02:00", "ct-2025"),
    ],
)
def test_pack_chosen_by_connecticut_local_date(rules: RuleSet, instant: str, pack_id: str) -> None:
    assert rules.pack_for(datetime.fromisoformat(instant)).id == pack_id


def test_decision_before_2014_is_refused(rules: RuleSet) -> None:
    with pytest.raises(NoRulePackError, match=r"took effect on 2014-01-01"):
        rules.pack_for(datetime.fromisoformat("2013-12-31T23:59:00-05:00"))


def test_pack_not_in_force_is_refused(rules: RuleSet) -> None:
    case = parse_case(make_case(decision_time="2020-01-06T10:00:00-05:00"), "t", rules.sections)
    with pytest.raises(CoreError, match="ct-2025 is not in force on 2020-01-06"):
        evaluate(rules.pack("ct-2025").pack, case)


def test_trace_covers_every_criterion_with_facts_and_citations(rules: RuleSet) -> None:
    decision = decide(
        rules,
        convictions=[conviction("53a-71", "felony", "C")],
        tsdb_match=None,
        detainer={"form": "I-247A", "judicial_warrant": False, "administrative_warrant": "I-205"},
    )
    by_id = {result.id: result for result in decision.trace}
    assert list(by_id) == [
        "judicial_warrant",
        "class_a_b_felony_conviction",
        "tsdb_match",
        "listed_offense_conviction",
    ]
    assert by_id["judicial_warrant"].status == NOT_MET
    assert by_id["judicial_warrant"].facts == (("/detainer/judicial_warrant", "No"),)
    assert by_id["tsdb_match"].status == UNKNOWN
    assert by_id["listed_offense_conviction"].status == MET
    assert by_id["listed_offense_conviction"].facts == (
        ("/convictions/0", "§ 53a-71 class C felony (Connecticut)"),
    )
    assert all("§ 54-192h" in result.citation for result in decision.trace)
    assert decision.decision == HONOR
    assert decision.grounds == ("listed_offense_conviction",)
    assert decision.needs_review
    assert any("UNVERIFIED" in text for text in decision.unverified)
    assert any("Terrorist Screening Database" in r for r in decision.review_reasons)


def test_actions_follow_the_outcome(rules: RuleSet) -> None:
    honored = decide(rules, tsdb_match=True)
    declined = decide(rules)
    honored_ids = {a.id for a in honored.actions}
    declined_ids = {a.id for a in declined.actions}
    assert {"give_copy_and_intent", "notify_ice_of_hold", "release_at_expiry"} <= honored_ids
    assert {"no_custody_status", "no_ice_interview", "no_hold_on_detainer"} <= declined_ids
    assert "no_custody_status" not in honored_ids
    assert all(a.citation for a in honored.actions + declined.actions)
    assert {a.kind for a in declined.prohibited_actions} == {"prohibited"}


def test_honor_without_release_time_states_the_rule(rules: RuleSet) -> None:
    decision = decide(rules, tsdb_match=True)
    assert decision.hold is None and decision.hold_expires_at is None
    assert "48 real hours" in decision.hold_rule


def test_hold_expiry_from_releasable_time(rules: RuleSet) -> None:
    decision = decide(rules, tsdb_match=True, releasable_at="2026-11-25T10:00:00-05:00")
    assert decision.hold_expires_at is not None
    assert decision.hold_expires_at.isoformat() == "2026-11-30T10:00:00-05:00"
    assert decision.hold is not None
    assert decision.hold.excluded_reasons() == ["Thanksgiving Day", "Saturday", "Sunday"]


def test_declined_decision_has_no_hold(rules: RuleSet) -> None:
    decision = decide(rules, releasable_at="2026-11-25T10:00:00-05:00")
    assert decision.decision == DECLINE and decision.hold is None


def test_same_input_same_decision(rules: RuleSet) -> None:
    changes: dict[str, Any] = {
        "convictions": [conviction("53a-134", "felony", "B", "NY")],
        "tsdb_match": None,
    }
    first, second = decide(rules, **changes), decide(rules, **changes)
    assert first == second
    assert decision_to_json(first) == decision_to_json(second)


def test_output_json_has_the_documented_keys(rules: RuleSet) -> None:
    output = decision_to_json(
        decide(rules, tsdb_match=True, releasable_at="2026-11-20T15:00:00-05:00")
    )
    assert output["rule_pack"] == "ct-2025"
    assert output["decision"] == "honor"
    assert output["grounds"] == ["tsdb_match"]
    assert output["hold_expires_at"] == "2026-11-24T15:00:00-05:00"
    assert output["needs_review"] is False
    assert len(output["rule_pack_sha256"]) == 64
    assert {"trace", "required_actions", "prohibited_actions", "review_reasons"} <= set(output)


def test_offense_outside_catalog_is_kept_and_flagged(rules: RuleSet) -> None:
    decision = decide(rules, convictions=[conviction("99-999", "felony", "B")])
    assert decision.decision == HONOR
    assert decision.needs_review
    assert decision.warnings == (
        "Conviction 1 (§ 99-999) is not in the offense catalog: its level and class were "
        "taken as entered and must be checked",
    )


def test_unknown_answer_flags_review_only_while_it_could_change_the_outcome(
    rules: RuleSet,
) -> None:
    detainer = {"form": "I-247A", "judicial_warrant": True}
    honored = decide(rules, detainer=detainer, tsdb_match=None)
    assert honored.decision == HONOR
    assert not honored.needs_review, honored.review_reasons

    detainer = {"form": "I-247A", "judicial_warrant": False}
    declined = decide(rules, detainer=detainer, tsdb_match=None)
    assert declined.decision == DECLINE
    assert declined.needs_review
    assert any("Unknown / not verified" in reason for reason in declined.review_reasons)

"""The 2014 law and juvenile adjudications: flagged for review, never a silent hold.

P.A. 13-155 defined "convicted of a felony" as a felony conviction by final judgment of a
court in Connecticut or any other U.S. court, pleas included, appeals and habeas cases
pending not mattering. It does not say whether a juvenile adjudication of delinquency is
such a conviction (in Connecticut one is generally not a criminal conviction), so the
ct-2014 pack must send it to review instead of counting it; what the definition does
settle (other courts, appeals) keeps counting without review.
"""

from __future__ import annotations

from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.counterfactual import what_would_change
from trustdesk.core.decision import DECLINE, HONOR, MET, UNKNOWN, Decision
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

WHEN = "2016-11-17T10:00:00-05:00"
GROUND = "felony_conviction"


def felony(jurisdiction: str = "CT", **extra: Any) -> dict[str, Any]:
    return conviction("53a-134", "felony", "B", jurisdiction, date="2012-05-01", **extra)


def decide(rules: RuleSet, *convictions: dict[str, Any], **changes: Any) -> Decision:
    raw = make_case(decision_time=WHEN, convictions=list(convictions), **changes)
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    assert pack.id == "ct-2014"
    return evaluate(pack, case)


def status(decision: Decision, criterion: str = GROUND) -> str:
    return next(r.status for r in decision.trace if r.id == criterion)


def unsettled(decision: Decision) -> list[str]:
    return [r for r in decision.review_reasons if r.startswith("Unsettled law — ")]


def test_a_juvenile_felony_alone_is_declined_and_sent_to_review(rules: RuleSet) -> None:
    decision = decide(rules, felony(juvenile=True))
    assert decision.decision == DECLINE
    assert decision.grounds == ()
    assert decision.hold is None
    assert status(decision) == UNKNOWN
    assert decision.needs_review
    (reason,) = unsettled(decision)
    # The entry, then why the 2014 definition does not settle it.
    assert reason.startswith("Unsettled law — § 53a-134 class B felony (Connecticut, 2012-05-01)")
    assert "juvenile adjudication" in reason
    assert "final judgment" in reason and "2013" in reason
    assert "counsel or a supervisor must decide" in reason
    # The hold the ground would open is left to the reviewer, never allowed.
    hold = decision.outcome_of("hold")
    assert hold is not None and hold.outcome == "unknown"


def test_an_unknown_juvenile_status_is_not_guessed_either(rules: RuleSet) -> None:
    decision = decide(rules, felony(juvenile=None))
    assert (decision.decision, decision.grounds) == (DECLINE, ())
    assert status(decision) == UNKNOWN
    assert any("juvenile adjudication" in r for r in unsettled(decision))


@pytest.mark.parametrize(
    "entry",
    [
        felony(),
        felony(juvenile=False),
        felony("NY"),
        felony("federal"),
        felony(under_appeal=True),
        felony(under_appeal=None),
        felony("NY", under_appeal=True),
    ],
    ids=["ct", "not-juvenile", "other-state", "federal", "appeal", "appeal-unknown", "ny-appeal"],
)
def test_what_the_2014_definition_settles_still_counts_without_review(
    rules: RuleSet, entry: dict[str, Any]
) -> None:
    decision = decide(rules, entry)
    assert decision.decision == HONOR
    assert decision.grounds == (GROUND,)
    assert status(decision) == MET
    assert not decision.needs_review, decision.review_reasons


def test_an_adult_felony_beside_a_juvenile_one_still_grounds_the_hold(rules: RuleSet) -> None:
    decision = decide(rules, felony(juvenile=True), felony("NY"))
    assert (decision.decision, decision.grounds) == (HONOR, (GROUND,))
    assert status(decision) == MET


def test_another_ground_holds_while_the_juvenile_felony_stays_open(rules: RuleSet) -> None:
    decision = decide(rules, felony(juvenile=True), outstanding_ct_warrant=True)
    assert (decision.decision, decision.grounds) == (HONOR, ("outstanding_ct_warrant",))
    assert status(decision) == UNKNOWN


def test_what_would_change_names_the_juvenile_flag(rules: RuleSet) -> None:
    raw = make_case(decision_time=WHEN, convictions=[felony(juvenile=True)])
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    flips = what_would_change(pack, case, evaluate(pack, case)).flips
    # Not a juvenile adjudication, the same felony would ground the hold.
    turned = [f for f in flips if f.change.attribute == "juvenile" and f.outcome == HONOR]
    assert turned, [f.fact for f in flips]
    assert all(f.grounds == (GROUND,) for f in turned)
    assert "juvenile" in turned[0].fact

"""Connecticut's packs on facts entered beside a conviction or charge that change what it
is: a felony later reduced to a misdemeanor, a juvenile matter among pending charges.

Both were counted as if the flag were not there (a hostile pass): the packs never read
it. The law does not settle either, so each goes to review and grounds nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.decision import DECLINE, HONOR
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

#: A decision date under each Connecticut pack, and its form of the day.
UNDER = {
    "ct-2014": ("2016-03-10T10:00:00-05:00", "I-247D"),
    "ct-2019": ("2022-03-10T10:00:00-05:00", "I-247A"),
    "ct-2025": ("2026-03-10T10:00:00-05:00", "I-247A"),
}


def _decide(rules: RuleSet, pack_id: str, **changes: Any) -> Any:
    decided, form = UNDER[pack_id]
    raw = make_case(
        decision_time=decided,
        detainer={"form": form, "judicial_warrant": False, "administrative_warrant": "I-200"},
        **changes,
    )
    case = parse_case(raw, "case.json", rules.sections)
    pack = rules.pack_for(case.decision_time)
    assert pack.id == pack_id
    return evaluate(pack, case)


@pytest.mark.parametrize("pack_id", sorted(UNDER))
@pytest.mark.parametrize("reduced", [True, None])
def test_a_felony_entered_as_reduced_to_a_misdemeanor_grounds_no_hold(
    rules: RuleSet, pack_id: str, reduced: bool | None
) -> None:
    """Conspiracy (§ 53a-48, a class B felony when its object is a class A felony, and a
    misdemeanor too) entered as reduced to a misdemeanor permitted a hold under every
    Connecticut pack, with no review: the conviction is no longer a felony's as entered,
    and whether it still counts the act does not say. Unknown (null) is not a no."""
    felony = conviction("53a-48", "felony", "B", date="2012-05-01")
    sound = _decide(rules, pack_id, convictions=[felony])
    assert sound.decision == HONOR and not sound.needs_review
    reduced_felony = {**felony, "reduced_to_misdemeanor": reduced}
    decision = _decide(rules, pack_id, convictions=[reduced_felony])
    assert decision.decision == DECLINE and decision.grounds == ()
    assert decision.needs_review
    assert any("reduced to a misdemeanor" in r for r in decision.review_reasons)


def test_an_out_of_state_felony_reduced_to_a_misdemeanor_is_not_a_2014_felony_silently(
    rules: RuleSet,
) -> None:
    """The 2013 act counts a felony of any U.S. court: a California wobbler reduced under
    Penal Code § 17(b) is a misdemeanor there for all purposes."""
    wobbler = conviction(
        "PC 487", "felony", "unclassified", "CA", date="2010-05-01", reduced_to_misdemeanor=True
    )
    decision = _decide(rules, "ct-2014", convictions=[wobbler])
    assert decision.decision == DECLINE and decision.needs_review
    assert any("reduced to a misdemeanor" in r for r in decision.review_reasons)


@pytest.mark.parametrize("juvenile", [True, None])
def test_a_pending_juvenile_matter_is_not_a_criminal_charge_without_bond_silently(
    rules: RuleSet, juvenile: bool | None
) -> None:
    """The 2013 act's ground is a pending criminal charge in Connecticut on which bond has
    not been posted; a juvenile delinquency matter is not, in Connecticut, a criminal
    charge, and juvenile court sets no bond. It permitted a hold with no review."""
    charge = conviction("53a-60", "felony", "C", date="2016-03-01", bond_posted=False)
    sound = _decide(rules, "ct-2014", pending_charges=[charge])
    assert sound.decision == HONOR and not sound.needs_review
    decision = _decide(rules, "ct-2014", pending_charges=[{**charge, "juvenile": juvenile}])
    assert decision.decision == DECLINE and decision.grounds == ()
    assert decision.needs_review
    assert any("juvenile" in r for r in decision.review_reasons)


@pytest.mark.parametrize("reduced", [True, None])
def test_a_listed_2025_offense_entered_as_reduced_to_a_misdemeanor_grounds_no_hold(
    rules: RuleSet, reduced: bool | None
) -> None:
    """Under the 2025 list the same holds as under the class A or B felony ground: a
    conviction of a listed offense (criminal violation of a protective order, § 53a-223)
    entered as reduced to a misdemeanor was a ground, its review owed only to the list
    being unverified; once counsel verifies the list it would have held silently."""
    listed = conviction("53a-223", "felony", "D", date="2012-05-01")
    reduced_listed = {**listed, "reduced_to_misdemeanor": reduced}
    decision = _decide(rules, "ct-2025", convictions=[reduced_listed])
    assert decision.decision == DECLINE and decision.grounds == ()
    assert any("reduced to a misdemeanor" in r for r in decision.review_reasons)

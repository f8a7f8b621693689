"""Connecticut's packs on facts entered beside a conviction or charge that change what it
is: a juvenile matter among pending charges.

It was counted as if the flag were not there (a hostile pass): the pack never read it.
The law does not settle it, so it goes to review and grounds nothing.
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
UNDER = {"ct-2014": ("2016-03-10T10:00:00-05:00", "I-247D")}


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

"""The contact check picks the law in force on the contact's date, not the decision's."""

from __future__ import annotations

from datetime import datetime

import pytest

from casekit import make_case
from trustdesk.core.contacts import NOT_ALLOWED, UNKNOWN
from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.record import decision_to_json
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet
from trustdesk.services.contact_advice import contact_advice


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_the_pack_in_force_on_the_contact_date_judges_it(rules: RuleSet) -> None:
    case = parse_case(make_case(decision_time="2024-03-01T09:00:00-05:00"), "t", rules.sections)
    declined = evaluate(rules.pack_for(case.decision_time), case)
    assert declined.rule_pack == "ct-2019"
    # The same day: every 2019 ground answered no, so the release date is barred.
    same = contact_advice(rules, at("2024-03-01T10:00:00-05:00"), decision=declined)
    assert same.pack_id == "ct-2019"
    assert same.advice_for("release_date").verdict == NOT_ALLOWED
    # After 2025-10-01 the 2025 law judges it; the ground it added was never weighed.
    later = contact_advice(
        rules, at("2025-11-03T10:00:00-05:00"), decision=decision_to_json(declined)
    )
    assert later.pack_id == "ct-2025" and later.basis == "decision"
    assert later.advice_for("release_date").verdict == UNKNOWN
    answered = contact_advice(
        rules,
        at("2025-11-03T10:00:00-05:00"),
        decision=declined,
        answers={"listed_offense_conviction": False},
    )
    assert answered.advice_for("release_date").verdict == NOT_ALLOWED


def test_a_contact_before_the_statute_is_refused_in_words(rules: RuleSet) -> None:
    with pytest.raises(CoreError, match="no rule pack for 2013-06-01"):
        contact_advice(rules, at("2013-06-01T10:00:00-04:00"))
    with pytest.raises(CoreError, match="must carry a UTC offset"):
        contact_advice(rules, datetime(2026, 1, 1, 9))

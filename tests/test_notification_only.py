"""A detainer on a notification-only form (I-247N) asks for no hold: honored, it permits
what the form does ask, and nothing tells the desk to hold the person or ICE that it
will (the headline, the hold line, the hold's outcome, the actions), in the decision,
its record, the terminal and the result page alike (decision 0065)."""

from __future__ import annotations

from typing import Any

from casekit import make_case
from trustdesk.cli.text import render_decision
from trustdesk.core.decision import HONOR
from trustdesk.core.evaluate import evaluate
from trustdesk.core.record import decision_from_json, decision_to_json
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet
from trustdesk.ui.result_view import headline

DETAINER = {"judicial_warrant": True, "received_at": "2026-11-19T08:00:00-05:00"}


def _decide(rules: RuleSet, form: str) -> tuple[Any, Any]:
    raw = make_case(detainer={**DETAINER, "form": form}, releasable_at="2026-11-19T15:00:00-05:00")
    case = parse_case(raw, "t", rules.sections)
    return case, evaluate(rules.pack_for(case.decision_time), case)


def test_a_notification_only_form_is_honored_without_a_hold(rules: RuleSet) -> None:
    case, decision = _decide(rules, "I-247N")
    assert decision.decision == HONOR and decision.notification_only
    assert decision.hold is None
    held = decision.outcome_of("hold")
    assert held is not None and held.outcome == "not_allowed"
    assert "Form I-247N asks for no hold" in held.text
    ids = [action.id for action in decision.actions]
    assert "notify_ice_of_hold" not in ids and "release_at_expiry" not in ids
    assert "no_hold_requested" in ids
    assert "give_copy_and_intent" in ids  # what every decision requires stays
    text = render_decision(case, decision)
    assert "DECISION:  NO HOLD: NOTIFICATION ONLY UNDER" in text
    assert "HOLD PERMITTED" not in text and "start not yet known" not in text
    assert "Tell ICE the agency will hold" not in text
    assert headline(decision).startswith("NO HOLD: NOTIFICATION ONLY UNDER § 54-192h")
    # The hand-over is worded for a detainer that asks for no hold too (it said "within
    # the hold" alone, beside the headline saying there is none).
    handed = decision.outcome_of("transfer")
    assert handed is not None and handed.outcome == "allowed"
    assert handed.text.endswith("or at release where the detainer asks for no hold")


def test_the_same_detainer_on_the_current_form_is_a_hold(rules: RuleSet) -> None:
    _case, decision = _decide(rules, "I-247A")
    assert decision.decision == HONOR and not decision.notification_only
    assert decision.hold is not None
    assert "notify_ice_of_hold" in [action.id for action in decision.actions]
    assert headline(decision).startswith("HOLD PERMITTED UNDER")
    assert "hold_requested" not in decision_to_json(decision)  # records read back as made


def test_the_record_keeps_that_no_hold_was_asked(rules: RuleSet) -> None:
    _case, decision = _decide(rules, "I-247N")
    written = decision_to_json(decision)
    assert written["hold_requested"] is False
    again = decision_from_json(written)
    assert again.notification_only and decision_to_json(again) == written

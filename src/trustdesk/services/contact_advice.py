"""The legality check for a contact with ICE under the law in force on the contact's date.

A thin use case over ``core.contacts.advise``: it picks the rule pack in force on the
local date of the contact (not of the decision: a contact in November 2025 about a
person decided in 2024 is judged by the 2025 law, and a ground that law added and the
decision never weighed stays open until answered) and reads a stored decision back from
its JSON. Store tables, recording and review of contacts are ``services.contacts``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from trustdesk.core.contacts import ContactAdvice, advise
from trustdesk.core.decision import Decision
from trustdesk.core.record import decision_from_json
from trustdesk.rules.registry import RuleSet


def contact_advice(
    rules: RuleSet,
    occurred_at: datetime,
    *,
    decision: Decision | Mapping[str, Any] | None = None,
    answers: Mapping[str, object] | None = None,
) -> ContactAdvice:
    """The advice on every disclosure for a contact at ``occurred_at`` (with a UTC offset).

    ``decision``: the decision on record, as a value or as its stored JSON; ``answers``:
    the grounds the officer can answer now (see ``core.contacts.advise``). Raises
    ``CoreError`` (``NoRulePackError`` before 2014) or ``RulesError`` with a message for
    the user when no pack can judge that date.
    """
    pack = rules.pack_for(occurred_at)
    if decision is not None and not isinstance(decision, Decision):
        decision = decision_from_json(decision)
    return advise(pack, decision=decision, answers=answers)

"""Plain JSON-ready views of a decision: the CLI's output and the stored record."""

from __future__ import annotations

from datetime import datetime

from trustdesk.core.decision import Decision
from trustdesk.core.holdclock import HoldClock

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def hold_to_json(hold: HoldClock | None) -> dict[str, Any] | None:
    if hold is None:
        return None
    return {
        "starts_at": hold.starts_at.isoformat(),
        "expires_at": hold.expires_at.isoformat(),
        "hours": hold.hours,
        "excluded_days": [
            {"date": day.day.isoformat(), "reason": day.reason} for day in hold.excluded_days
        ],
    }


def decision_to_json(decision: Decision) -> dict[str, Any]:
    """The decision as the documented output JSON (keys stable for integrations)."""
    return {
        "rule_pack": decision.rule_pack,
        "rule_pack_sha256": decision.rule_pack_sha256,
        "statute": decision.statute,
        "decision": decision.decision,
        "grounds": list(decision.grounds),
        "hold_expires_at": _iso(decision.hold_expires_at),
        "hold": hold_to_json(decision.hold),
        "hold_rule": decision.hold_rule,
        "hold_citation": decision.hold_citation,
        "needs_review": decision.needs_review,
        "review_reasons": list(decision.review_reasons),
        "warnings": list(decision.warnings),
        "unverified": list(decision.unverified),
        "trace": [
            {
                "id": result.id,
                "title": result.title,
                "citation": result.citation,
                "status": result.status,
                "reason": result.reason,
                "facts": [{"pointer": p, "value": v} for p, v in result.facts],
                "unsettled": list(result.unsettled),
                "unverified": list(result.unverified),
                "discretionary": result.discretionary,
            }
            for result in decision.trace
        ],
        "required_actions": [
            {"id": a.id, "text": a.text, "citation": a.citation} for a in decision.required_actions
        ],
        "prohibited_actions": [
            {"id": a.id, "text": a.text, "citation": a.citation}
            for a in decision.prohibited_actions
        ],
    }

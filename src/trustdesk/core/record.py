"""Plain JSON-ready views of a decision: the CLI's output and the stored record.

``decision_to_json`` writes the record; ``decision_from_json`` reads one back, so a
memo shows the decision as it was recorded (by this release or an earlier one).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from trustdesk.core.decision import ActionOutcome, CriterionResult, Decision
from trustdesk.core.holdclock import ExcludedDay, HoldClock
from trustdesk.core.pack import Action

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


def outcome_to_json(outcome: ActionOutcome) -> dict[str, Any]:
    written: dict[str, Any] = {
        "id": outcome.id,
        "label": outcome.label,
        "outcome": outcome.outcome,
        "text": outcome.text,
        "grounds": list(outcome.grounds),
        "citations": list(outcome.citations),
        "conditions": list(outcome.conditions),
        "notices": list(outcome.notices),
        "unverified": list(outcome.unverified),
    }
    # Written only when a ground cites an offense's paragraph, so records made before
    # reasons existed (and those without such a paragraph) read and write back unchanged.
    if outcome.reasons:
        written["reasons"] = list(outcome.reasons)
    return written


def outcome_from_json(raw: Mapping[str, Any]) -> ActionOutcome:
    def texts(key: str) -> tuple[str, ...]:
        value = raw[key]
        if not isinstance(value, list):
            raise RecordFormatError(f"outcomes: {key} must be a list")
        return tuple(str(v) for v in value)

    return ActionOutcome(
        id=str(raw["id"]),
        label=str(raw["label"]),
        outcome=str(raw["outcome"]),
        text=str(raw["text"]),
        grounds=texts("grounds"),
        citations=texts("citations"),
        conditions=texts("conditions"),
        notices=texts("notices"),
        unverified=texts("unverified"),
        reasons=texts("reasons") if "reasons" in raw else (),
    )


def decision_to_json(decision: Decision) -> dict[str, Any]:
    """The decision as the documented output JSON (keys stable for integrations).

    ``outcomes`` is written only when the decision has them, so a record made before
    pack format 3 reads back and writes out exactly as it was stored.
    """
    written = _decision_json(decision)
    if decision.outcomes:
        written["outcomes"] = [outcome_to_json(o) for o in decision.outcomes]
    if not decision.hold_requested:  # written only then: earlier records read back exactly
        written["hold_requested"] = False
    return written


def _decision_json(decision: Decision) -> dict[str, Any]:
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
        "trace": [_criterion_json(result) for result in decision.trace],
        "required_actions": [
            {"id": a.id, "text": a.text, "citation": a.citation} for a in decision.required_actions
        ],
        "prohibited_actions": [
            {"id": a.id, "text": a.text, "citation": a.citation}
            for a in decision.prohibited_actions
        ],
    }


def _criterion_json(result: CriterionResult) -> dict[str, Any]:
    written: dict[str, Any] = {
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
    # Only when an entry counted through a cited paragraph: older records are unchanged.
    if result.matched:
        written["matched"] = list(result.matched)
    return written


class RecordFormatError(ValueError):
    """A stored decision JSON that is not one ``decision_to_json`` could have written."""


def hold_from_json(raw: Mapping[str, Any] | None) -> HoldClock | None:
    if raw is None:
        return None
    return HoldClock(
        starts_at=datetime.fromisoformat(raw["starts_at"]),
        expires_at=datetime.fromisoformat(raw["expires_at"]),
        hours=int(raw["hours"]),
        excluded_days=tuple(
            ExcludedDay(date.fromisoformat(day["date"]), str(day["reason"]))
            for day in raw["excluded_days"]
        ),
    )


def _actions(raw: Mapping[str, Any], key: str, kind: str, when: str) -> tuple[Action, ...]:
    return tuple(
        Action(str(a["id"]), str(a["text"]), str(a["citation"]), kind, when) for a in raw[key]
    )


def _requested(value: Any) -> bool:
    if value is not True and value is not False:
        raise RecordFormatError("hold_requested must be true or false")
    return value


def decision_from_json(raw: Mapping[str, Any]) -> Decision:
    """The decision ``decision_to_json`` wrote as ``raw``: its exact inverse on the JSON.

    ``decision_to_json(decision_from_json(raw)) == raw`` for every recorded decision.
    What the JSON does not hold is left empty: an action's ``when`` (the outcome it
    followed: the recorded one) and a criterion's ``rests_on`` (records made before it
    was recorded). ``hold_expires_at`` must agree with the hold. ``RecordFormatError``
    names the first key that does not fit.
    """
    try:
        outcome = str(raw["decision"])
        hold = hold_from_json(raw["hold"])
        expires = raw["hold_expires_at"]
        if expires != (None if hold is None else hold.expires_at.isoformat()):
            raise RecordFormatError("hold_expires_at does not match hold.expires_at")
        trace = tuple(
            CriterionResult(
                id=str(item["id"]),
                title=str(item["title"]),
                citation=str(item["citation"]),
                status=str(item["status"]),
                reason=str(item["reason"]),
                facts=tuple((str(f["pointer"]), str(f["value"])) for f in item["facts"]),
                unsettled=tuple(str(u) for u in item["unsettled"]),
                unverified=tuple(str(u) for u in item["unverified"]),
                discretionary=bool(item["discretionary"]),
                rests_on=tuple(str(r) for r in item.get("rests_on", ())),
                matched=tuple(str(m) for m in item.get("matched", ())),
            )
            for item in raw["trace"]
        )
        return Decision(
            rule_pack=str(raw["rule_pack"]),
            rule_pack_sha256=str(raw["rule_pack_sha256"]),
            statute=str(raw["statute"]),
            decision=outcome,
            grounds=tuple(str(g) for g in raw["grounds"]),
            trace=trace,
            actions=(
                *_actions(raw, "required_actions", "required", outcome),
                *_actions(raw, "prohibited_actions", "prohibited", outcome),
            ),
            needs_review=bool(raw["needs_review"]),
            review_reasons=tuple(str(r) for r in raw["review_reasons"]),
            warnings=tuple(str(w) for w in raw["warnings"]),
            unverified=tuple(str(u) for u in raw["unverified"]),
            hold=hold,
            hold_rule=str(raw["hold_rule"]),
            hold_citation=str(raw["hold_citation"]),
            outcomes=tuple(outcome_from_json(o) for o in raw.get("outcomes", ())),
            hold_requested=_requested(raw.get("hold_requested", True)),
        )
    except RecordFormatError:
        raise
    except KeyError as exc:
        raise RecordFormatError(f"the key {exc.args[0]!r} is missing") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise RecordFormatError(f"a value has the wrong form: {exc}") from None

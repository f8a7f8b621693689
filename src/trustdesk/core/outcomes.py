"""Each action's outcome (hold, release date, transfer, interview…) from the grounds found.

Pure logic over the pack's ``outcomes`` data: this module never names an action or a
state. An action's rule is decided by the criteria that open it (``grounds``; every
criterion when the pack lists none):

* one of them is met → the rule's ``when_ground`` outcome, naming the grounds met;
* all of them are settled and none is met → its ``when_no_ground`` outcome;
* otherwise (a ground not yet answered, or unsettled) → ``unknown``, unless both outcomes
  agree. ``unknown`` is never a guess: it names what must be settled first.

An ``always`` rule gives the same outcome whatever the grounds.
"""

from __future__ import annotations

from collections.abc import Mapping

from trustdesk.core.decision import MET, UNKNOWN, ActionOutcome, CriterionResult
from trustdesk.core.pack import (
    PERMITTING,
    UNSETTLED,
    ContactOutcome,
    ContactRule,
    RulePack,
    contact_item,
)


def _unverified(pack: RulePack, items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for i in items if not pack.verification(i).verified))


def _from_case(
    pack: RulePack,
    rule: ContactRule,
    case: str,
    said: ContactOutcome,
    grounds: tuple[str, ...],
    rests_on: list[str],
    met: tuple[CriterionResult, ...] = (),
) -> ActionOutcome:
    return ActionOutcome(
        id=rule.disclosure,
        label=rule.label,
        outcome=said.verdict,
        text=said.text,
        grounds=grounds,
        citations=(rule.citation,),
        conditions=said.conditions,
        notices=said.notices,
        unverified=_unverified(pack, [contact_item(rule.disclosure, case), *rests_on]),
        reasons=cited_reasons(met),
    )


def cited_reasons(met: tuple[CriterionResult, ...]) -> tuple[str, ...]:
    """The grounds met, each with its offense and exact paragraph of law, when some ground
    met names one (else ``()``: the grounds' titles say it all)."""
    if not any(r.matched for r in met):
        return ()
    return tuple(
        f"{r.title}: {'; '.join(r.matched)}" if r.matched else f"{r.title} — {r.citation}"
        for r in met
    )


def action_outcome(
    pack: RulePack, rule: ContactRule, results: Mapping[str, CriterionResult]
) -> ActionOutcome:
    """The outcome of one action rule, given the pack's criterion results by id."""
    if rule.always is not None:
        return _from_case(pack, rule, "always", rule.always, (), [])
    assert rule.ground is not None and rule.no_ground is not None  # the schema requires both
    opening = [results[c] for c in rule.opened_by(tuple(results)) if c in results]
    met = [r for r in opening if r.status == MET]
    waiting = [r for r in opening if r.status == UNKNOWN]
    if met:
        rests_on = [item for r in met for item in r.rests_on]
        return _from_case(
            pack, rule, "ground", rule.ground, tuple(r.id for r in met), rests_on, tuple(met)
        )
    if not waiting:
        return _from_case(pack, rule, "no_ground", rule.no_ground, (), [])
    if rule.ground.verdict == rule.no_ground.verdict:
        return _from_case(pack, rule, "ground", rule.ground, (), [])
    names = "; ".join(f"“{r.title}”" for r in waiting)
    return ActionOutcome(
        id=rule.disclosure,
        label=rule.label,
        outcome=UNSETTLED,
        text=f"{rule.label}: cannot be decided until these are settled: {names}",
        grounds=(),
        citations=(rule.citation,),
        unverified=_unverified(
            pack,
            [contact_item(rule.disclosure, "ground"), contact_item(rule.disclosure, "no_ground")],
        ),
    )


def action_outcomes(
    pack: RulePack, trace: tuple[CriterionResult, ...]
) -> tuple[ActionOutcome, ...]:
    """Every action's outcome under ``pack``, in the pack's order."""
    results = {result.id: result for result in trace}
    return tuple(action_outcome(pack, rule, results) for rule in pack.outcomes)


def permits(outcome: ActionOutcome | None) -> bool:
    """True when the action may be taken (with or without conditions)."""
    return outcome is not None and outcome.outcome in PERMITTING

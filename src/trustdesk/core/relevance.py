"""Which questions of a pack can still change the outcome, given the answers so far.

A detainer is honored when any one ground is met, so once a ground is met, a question
that feeds only other grounds can no longer change the outcome: the wizard may skip it
and an unknown answer to it need not send the decision to review. This is derived from
the pack's own ``feeds`` lists, never hand-coded per law version.
"""

from __future__ import annotations

from trustdesk.core.decision import MET, CriterionResult
from trustdesk.core.pack import Question, RulePack


def is_firm(result: CriterionResult) -> bool:
    """A met ground that needs nobody's confirmation: no unverified data, no discretion.

    A ground resting on unverified data or on the officer's own judgement may still be
    rejected on review, and then every other answer matters again.
    """
    return result.status == MET and not result.unverified and not result.discretionary


def firm_ground(trace: tuple[CriterionResult, ...]) -> bool:
    return any(is_firm(result) for result in trace)


def met_elsewhere(question: Question, trace: tuple[CriterionResult, ...]) -> tuple[str, ...]:
    """The ids of the firm grounds that ``question`` does not feed."""
    return tuple(r.id for r in trace if is_firm(r) and r.id not in question.feeds)


def can_change_outcome(
    question: Question, trace: tuple[CriterionResult, ...], pack: RulePack | None = None
) -> bool:
    """Whether some answer to ``question`` could still turn the decision around.

    With ``pack`` (format 3), the decision is every action's outcome: an answer matters
    while some action it can open has no firm ground met among its other grounds. For a
    pack whose actions are all opened by every ground (as the 2014-2025 packs) this is as
    without it.
    """
    if pack is None or not pack.outcomes:
        return not met_elsewhere(question, trace)
    return _opens_open_action(set(question.feeds), trace, pack)


def criterion_matters(
    criterion: str, trace: tuple[CriterionResult, ...], pack: RulePack | None = None
) -> bool:
    """Whether ``criterion`` (not determined) could still change an outcome."""
    if pack is None or not pack.outcomes:
        return not firm_ground(trace)
    return _opens_open_action({criterion}, trace, pack)


def _opens_open_action(
    criteria: set[str], trace: tuple[CriterionResult, ...], pack: RulePack
) -> bool:
    ids = tuple(result.id for result in trace)
    firm = {result.id for result in trace if is_firm(result)}
    for rule in pack.outcomes:
        if rule.always is not None or rule.ground is None or rule.no_ground is None:
            continue
        if rule.ground.verdict == rule.no_ground.verdict:
            continue  # the grounds cannot change this action
        opening = set(rule.opened_by(ids))
        if opening & criteria and not (opening - criteria) & firm:
            return True
    return False

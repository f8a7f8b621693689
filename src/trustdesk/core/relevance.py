"""Which questions of a pack can still change the outcome, given the answers so far.

A detainer is honored when any one ground is met, so once a ground is met, a question
that feeds only other grounds can no longer change the outcome: the wizard may skip it
and an unknown answer to it need not send the decision to review. This is derived from
the pack's own ``feeds`` lists, never hand-coded per law version.
"""

from __future__ import annotations

from trustdesk.core.decision import MET, CriterionResult
from trustdesk.core.pack import Question


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


def can_change_outcome(question: Question, trace: tuple[CriterionResult, ...]) -> bool:
    """Whether some answer to ``question`` could still turn the decision around."""
    return not met_elsewhere(question, trace)

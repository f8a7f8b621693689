"""The outcome of evaluating a case: decision, grounds, trace, actions, hold clock."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from trustdesk.core.holdclock import HoldClock
from trustdesk.core.pack import Action

HONOR = "honor"
DECLINE = "decline"

MET = "met"
NOT_MET = "not_met"
UNKNOWN = "unknown"


class CriterionResult(NamedTuple):
    id: str
    title: str
    citation: str
    status: str  # met | not_met | unknown
    reason: str
    facts: tuple[tuple[str, str], ...]
    unsettled: tuple[str, ...]
    unverified: tuple[str, ...]
    discretionary: bool
    #: The pack items (``criteria/<id>``, ``lists/<id>/<section>``…) the result rests on.
    rests_on: tuple[str, ...] = ()
    #: A met ground's entries that count through a cited paragraph of law (a flag the
    #: catalog names: "PC 211 (felony, 2019-03-01) — Penal Code § 1192.7(c)(19)").
    matched: tuple[str, ...] = ()


class ActionOutcome(NamedTuple):
    """What the law decides for one action (hold, release date, transfer…) in this case.

    ``outcome``: allowed | not_allowed | allowed_with_conditions | unknown (the grounds
    that decide it are not settled, or the pack says the law does not settle it).
    ``grounds``: the criteria met that opened it (empty when none did, or ``always``).
    ``unverified``: the pack items it rests on that nobody has verified.
    ``reasons``: the grounds met, each with the offense that met it and its paragraph.
    """

    id: str
    label: str
    outcome: str
    text: str
    grounds: tuple[str, ...]
    citations: tuple[str, ...]
    conditions: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()
    unverified: tuple[str, ...] = ()
    #: Why it is opened, ground by ground, with the offense and its exact paragraph of
    #: law where the catalog names one ("Convicted of a serious or violent felony: PC 211
    #: (felony, 2019-03-01) — Penal Code § 1192.7(c)(19)"); () when no ground cites one.
    reasons: tuple[str, ...] = ()


class Decision(NamedTuple):
    rule_pack: str
    rule_pack_sha256: str
    statute: str
    decision: str  # honor | decline
    grounds: tuple[str, ...]
    trace: tuple[CriterionResult, ...]
    actions: tuple[Action, ...]
    needs_review: bool
    review_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    unverified: tuple[str, ...]
    hold: HoldClock | None
    hold_rule: str
    hold_citation: str
    #: Every action's outcome, in the pack's order; () in records made before format 3.
    outcomes: tuple[ActionOutcome, ...] = ()
    #: False when the detainer's form asks for no hold (notification only): the grounds
    #: met permit what the form does ask, and the person is not held on it.
    hold_requested: bool = True

    def outcome_of(self, action: str) -> ActionOutcome | None:
        return next((o for o in self.outcomes if o.id == action), None)

    @property
    def rests_on(self) -> tuple[str, ...]:
        """Every pack item the decision rests on, whether verified or not."""
        return tuple(dict.fromkeys(item for result in self.trace for item in result.rests_on))

    @property
    def hold_expires_at(self) -> datetime | None:
        return None if self.hold is None else self.hold.expires_at

    @property
    def notification_only(self) -> bool:
        """Honored, but the form asks only to be told before release: no hold."""
        return self.decision == HONOR and not self.hold_requested

    @property
    def required_actions(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.kind == "required")

    @property
    def prohibited_actions(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.kind == "prohibited")

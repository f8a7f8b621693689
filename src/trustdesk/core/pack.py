"""A rule pack as the engine sees it: one version of the law, as immutable values.

Packs are written as JSON data (see schemas/rule-pack.schema.json); ``rules.packs``
validates the file and builds these objects. Conditions are compiled by
``core.conditions`` — data, never code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.core.conditions import Condition


#: A calendar of excluded days: the reason a local date is skipped, or None.
ExclusionCalendar = Callable[[date], "str | None"]


class Verification(NamedTuple):
    """Whether one datum of a pack was checked: by whom, against which source, when.

    ``verified`` False: nobody has confirmed it; ``note`` says what is uncertain and
    ``sources`` where the datum was taken from (a bill draft, a summary…).
    """

    verified: bool
    by: str = ""
    title: str = ""
    source: str = ""
    on: date | None = None
    note: str = ""
    sources: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.verified:
            when = "" if self.on is None else f" on {self.on.isoformat()}"
            return f"verified by {self.by} ({self.title}) against {self.source}{when}"
        return "UNVERIFIED" + (f" ({self.note})" if self.note else "")


#: What an item the pack says nothing about counts as: never verified.
NOT_VERIFIED = Verification(False)

#: Item ids of a pack's data (``RulePack.verifications`` is keyed by them).
DATES_ITEM = "dates"
CLOCK_ITEM = "hold_clock"


def criterion_item(criterion_id: str) -> str:
    return f"criteria/{criterion_id}"


def action_item(action_id: str) -> str:
    return f"actions/{action_id}"


def list_item(list_id: str) -> str:
    """The list as a whole: that it holds every section the law lists (completeness)."""
    return f"lists/{list_id}"


def entry_item(list_id: str, section: str) -> str:
    """One section of a list: that the law really lists it."""
    return f"lists/{list_id}/{section}"


def contact_item(disclosure: str, case: str) -> str:
    """What the pack says of one disclosure to ICE in one case (``ground``, ``no_ground``,
    ``always``): that the law says so."""
    return f"contacts/{disclosure}/{case}"


class NextVersion(NamedTuple):
    """A later version of the law that a pack's publisher knows of (``next_version``)."""

    id: str
    effective_from: date
    citation: str


class Question(NamedTuple):
    id: str
    field: str
    kind: str
    prompt: str
    help: str
    feeds: tuple[str, ...]


class Explanation(NamedTuple):
    met: str
    not_met: str
    unknown: str


class Criterion(NamedTuple):
    id: str
    title: str
    citation: str
    condition: Condition
    explain: Explanation
    discretionary: bool = False


class StatuteList(NamedTuple):
    id: str
    title: str
    statutes: frozenset[str]
    #: True when the list as a whole and every one of its sections are verified.
    verified: bool
    sources: tuple[str, ...]
    note: str = ""


class Action(NamedTuple):
    id: str
    text: str
    citation: str
    kind: str  # "required" | "prohibited"
    when: str  # "honor" | "decline" | "always"


class ClockRule(NamedTuple):
    """How long a hold may last and which local days do not count."""

    hours: int
    timezone: str
    excluded_weekdays: frozenset[int]  # date.weekday(): Monday 0 … Sunday 6
    holidays: str  # "us-federal-observed" or "none"
    citation: str
    text: str


class Gate(NamedTuple):
    """How a ground (criterion) is named in the officer's advice on contacts with ICE."""

    criterion: str
    present: str  # e.g. "judicial warrant"
    absent: str  # e.g. "no judicial warrant"
    unknown: str  # e.g. "judicial warrant not yet checked"


#: What the law says of an action (pack format 3). ``unknown`` in a pack: the law
#: leaves it unsettled; the engine also gives ``unknown`` when the grounds are not settled.
ALLOWED = "allowed"
NOT_ALLOWED = "not_allowed"
ALLOWED_WITH_CONDITIONS = "allowed_with_conditions"
UNSETTLED = "unknown"
OUTCOME_VALUES: tuple[str, ...] = (ALLOWED, NOT_ALLOWED, ALLOWED_WITH_CONDITIONS, UNSETTLED)
#: The outcomes under which the action may be taken (with or without conditions).
PERMITTING: frozenset[str] = frozenset((ALLOWED, ALLOWED_WITH_CONDITIONS))


class ContactOutcome(NamedTuple):
    """What the law says of one action in one case: a verdict, its words, and what must
    happen first (``conditions``) and which documents the person gets (``notices``)."""

    verdict: str  # one of OUTCOME_VALUES
    text: str
    conditions: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()


class ContactRule(NamedTuple):
    """What the law decides for one action (hold, release date, transfer, interview…):
    one entry of a pack's ``outcomes`` (format 3; ``contacts.rules`` in format 2).

    Either ``always`` (the same whatever the grounds) or both ``ground`` (at least one of
    ``grounds`` holds: the pack's ``when_ground``) and ``no_ground`` (none does).
    ``disclosure`` is the action id, the same string as the contact log's disclosures.
    ``grounds`` None: every criterion of the pack opens the action.
    """

    disclosure: str
    label: str
    citation: str
    ground: ContactOutcome | None = None
    no_ground: ContactOutcome | None = None
    always: ContactOutcome | None = None
    decides_hold: bool = False
    grounds: tuple[str, ...] | None = None

    @property
    def id(self) -> str:
        return self.disclosure

    def opened_by(self, criteria: tuple[str, ...]) -> tuple[str, ...]:
        """The criterion ids (of ``criteria``, the pack's) that open this action."""
        return criteria if self.grounds is None else self.grounds


class ContactRules(NamedTuple):
    """A pack's action outcomes: the gates (each ground in the officer's words, format 3's
    ``outcome_gates``) and one rule per action (``outcomes``), in display order."""

    gates: tuple[Gate, ...]
    rules: tuple[ContactRule, ...]
    note: str = ""

    def rule(self, disclosure: str) -> ContactRule | None:
        return next((r for r in self.rules if r.disclosure == disclosure), None)


#: Format 3 names for the same values: an action's rule, a pack's outcome table.
ActionRule = ContactRule
OutcomeRules = ContactRules
OutcomeCase = ContactOutcome


class RulePack(NamedTuple):
    id: str
    title: str
    statute: str
    effective_from: date
    effective_to: date | None
    citations: tuple[str, ...]
    sources: tuple[str, ...]
    last_verified_on: date
    questions: tuple[Question, ...]
    criteria: tuple[Criterion, ...]
    lists: tuple[StatuteList, ...]
    #: None: the pack never allows a hold (no hold clock applies).
    clock: ClockRule | None
    actions: tuple[Action, ...]
    notification_only_forms: frozenset[str]
    sha256: str
    calendar: ExclusionCalendar
    #: The jurisdiction's id (``CT``, ``CA``…) and name, as the pack states them.
    jurisdiction: str
    jurisdiction_name: str
    #: IANA zone whose local date chooses the pack (and counts a hold).
    timezone: str
    #: Why no pack applies before the first pack of this jurisdiction (the pack's words).
    before_first: str
    #: Item id (``criteria/<id>``, ``lists/<id>/<section>``, ``dates``…) → its verification.
    verifications: Mapping[str, Verification] = MappingProxyType({})
    next_version: NextVersion | None = None
    #: What the law decides for each action (format 3 ``outcomes``); None only for a
    #: pack value built without it (no advice on contacts can be given from it).
    contacts: ContactRules | None = None
    #: Notices the person must get whatever the outcome (ids of resources/notices).
    required_notices: tuple[str, ...] = ()

    @property
    def outcomes(self) -> tuple[ContactRule, ...]:
        """The action rules in display order (empty when the pack has none)."""
        return () if self.contacts is None else self.contacts.rules

    @property
    def outcome_gates(self) -> tuple[Gate, ...]:
        return () if self.contacts is None else self.contacts.gates

    @property
    def hold_action(self) -> ContactRule | None:
        """The action whose outcome is the legacy honor/decline decision."""
        return next((r for r in self.outcomes if r.decides_hold), None)

    def verification(self, item: str) -> Verification:
        return self.verifications.get(item, NOT_VERIFIED)

    def unverified_items(self) -> tuple[str, ...]:
        return tuple(item for item, v in self.verifications.items() if not v.verified)

    def actions_for(self, outcome: str) -> tuple[Action, ...]:
        """The required and prohibited actions after ``outcome`` (honor or decline)."""
        return tuple(action for action in self.actions if action.when in (outcome, "always"))

    def in_force_on(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )

    def statute_list(self, list_id: str) -> StatuteList:
        for item in self.lists:
            if item.id == list_id:
                return item
        raise KeyError(list_id)

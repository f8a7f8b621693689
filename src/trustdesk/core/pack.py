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


class ContactOutcome(NamedTuple):
    """What the law says of one disclosure in one case: a verdict and its words."""

    verdict: str  # "allowed" | "not_allowed" | "never" | "unknown"
    text: str


class ContactRule(NamedTuple):
    """What the law allows for one disclosure to ICE (release date, interview access…).

    Either ``always`` (the same whatever the grounds) or both ``ground`` (at least one of
    the pack's grounds holds) and ``no_ground`` (none does).
    """

    disclosure: str
    label: str
    citation: str
    ground: ContactOutcome | None = None
    no_ground: ContactOutcome | None = None
    always: ContactOutcome | None = None


class ContactRules(NamedTuple):
    """A pack's ``contacts`` section: the gates in the officer's words and one rule per
    disclosure."""

    gates: tuple[Gate, ...]
    rules: tuple[ContactRule, ...]
    note: str = ""

    def rule(self, disclosure: str) -> ContactRule | None:
        return next((r for r in self.rules if r.disclosure == disclosure), None)


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
    clock: ClockRule
    actions: tuple[Action, ...]
    notification_only_forms: frozenset[str]
    sha256: str
    calendar: ExclusionCalendar
    #: Item id (``criteria/<id>``, ``lists/<id>/<section>``, ``dates``…) → its verification.
    verifications: Mapping[str, Verification] = MappingProxyType({})
    next_version: NextVersion | None = None
    #: What the law allows to be given to ICE; None for a pack written before issue 14.
    contacts: ContactRules | None = None

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

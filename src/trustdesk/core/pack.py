"""A rule pack as the engine sees it: one version of the law, as immutable values.

Packs are written as JSON data (see schemas/rule-pack.schema.json); ``rules.packs``
validates the file and builds these objects. Conditions are compiled by
``core.conditions`` — data, never code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.core.conditions import Condition


#: A calendar of excluded days: the reason a local date is skipped, or None.
ExclusionCalendar = Callable[[date], "str | None"]


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

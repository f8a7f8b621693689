"""A review in progress, without Qt: the case being entered, the steps of the law in force.

The desktop wizard keeps its answers here as the same case JSON that ``trustdesk
evaluate`` reads, so the GUI and the CLI decide through one parser and one engine.
Steps are generated from the rule pack in force at the decision time: person, detainer,
then the pack's own questions, then the result.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from trustdesk.core.characters import shown, unsafe_character
from trustdesk.core.counterfactual import OutcomeChanges, what_would_change
from trustdesk.core.decision import Decision
from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import Case
from trustdesk.core.pack import Question, RulePack
from trustdesk.core.relevance import can_change_outcome, met_elsewhere
from trustdesk.core.wall_time import repeated_wall_time
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError, RulesError

if TYPE_CHECKING:
    from trustdesk.rules.packs import LoadedPack

PERSON = "person"
DETAINER = "detainer"
RESULT = "result"
SOURCE = "the review"
BOOKING_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 /-]*")
FORMS = ("I-247A", "I-247D", "I-247N", "I-247X", "I-203", "other")
# Placeholders let the engine say which questions matter before the person is entered.
_PLACEHOLDER_PERSON = {"name": "-", "booking_number": "X"}


class Rules(Protocol):
    @property
    def sections(self) -> Container[str]: ...

    @property
    def packs(self) -> tuple[LoadedPack, ...]: ...

    def pack_for(self, decision_time: datetime) -> RulePack: ...


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    question: Question | None = None


def blank_case(now: datetime) -> dict[str, Any]:
    """A new case: decided now, detainer received now, nothing else known yet."""
    stamp = now.replace(microsecond=0, second=0).isoformat()
    return {
        "decision_time": stamp,
        "detainer": {"form": "I-247A", "received_at": stamp},
        "person": {"name": "", "booking_number": ""},
    }


# --- field checks: each returns what is wrong, in words, or None ------------------------


def check_name(text: str) -> str | None:
    value = text.strip()
    if not value:
        return "Enter the person's full name as booked."
    if len(value) > 200:
        return f"The name is {len(value)} characters; at most 200."
    unsafe = unsafe_character(value)
    if unsafe is not None:
        return f"The name {unsafe}."
    if not value.isprintable():
        return "The name contains a control character; retype it."
    return None


def check_booking_number(text: str) -> str | None:
    value = text.strip()
    if not value:
        return "Enter the booking number."
    if len(value) > 32:
        return f"The booking number is {len(value)} characters; at most 32."
    if not BOOKING_PATTERN.fullmatch(value):
        return "Use letters, digits, spaces, '-' and '/' only, starting with a letter or digit."
    return None


def check_short_text(text: str, limit: int, what: str) -> str | None:
    value = text.strip()
    if len(value) > limit:
        return f"{what} is {len(value)} characters; at most {limit}."
    unsafe = unsafe_character(value)
    if unsafe is not None:
        return f"{what} {unsafe}."
    if value and not value.isprintable():
        return f"{what} contains a control character; retype it."
    return None


def check_risk_reason(text: str, asserted: bool | None) -> str | None:
    """The officer's reason for a public-safety determination, checked as the case reads
    it (one paragraph of at most 2000 characters), said in the words of its own step."""
    value = text.strip()
    if asserted is True and not value:
        return "Say why, in words: the reason is required when Yes."
    if "\n" in value or "\r" in value:
        return (
            "The reason holds a line break, which the record does not take: write it as one "
            "paragraph (join the lines with a space)."
        )
    return check_short_text(value, 2000, "The reason")


def check_birth_date(value: date | None, today: date) -> str | None:
    if value is None:
        return None
    if value > today:
        return "The date of birth is in the future."
    if value.year < today.year - 120:
        return "The date of birth is more than 120 years ago; check the year."
    return None


def local_instant(
    naive: datetime, zone: str, *, second: bool = False
) -> tuple[datetime, str | None]:
    """A wall-clock time in the agency's zone as an aware instant, with a warning if any.

    A time skipped by the spring change does not exist and is refused. A time that
    happens twice in the autumn is the first of the two, or the second when ``second``
    says so (the officer ticked it), and the caller is told which was taken.
    """
    tz = ZoneInfo(zone)
    first = naive.replace(tzinfo=tz, fold=0)
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        raise ValueError(
            f"{naive:%H:%M} does not exist on {naive:%d %b %Y} (clocks went forward); "
            "enter the time as the clock showed it after the change"
        )
    if repeated_wall_time(naive, tz):
        taken = naive.replace(tzinfo=tz, fold=1 if second else 0)
        which = "second" if second else "first"
        return taken, (
            f"{naive:%H:%M} happened twice on {naive:%d %b %Y} (clocks went back); "
            f"taken as the {which}, {taken:%H:%M %Z}"
        )
    return first, None


# --- the review ---------------------------------------------------------------------------


#: The review's own fields by the case reader's pointer, as its pages name them.
_PLACES = {
    "/person/name": "Person: full name",
    "/person/booking_number": "Person: booking number",
    "/person/date_of_birth": "Person: date of birth",
    "/detainer/form": "Detainer: detainer form",
    "/detainer/received_at": "Detainer: received at",
    "/detainer/issuing_office": "Detainer: issuing office",
    "/detainer/subject_id": "Detainer: subject ID / A-number",
    "/detainer/administrative_warrant": "Detainer: administrative warrant",
    "/decision_time": "Detainer: decision time",
    "/releasable_at": "Detainer: release time (hold clock start)",
}


class Review:
    """The case under review and what the law in force asks about it."""

    def __init__(self, rules: Rules, raw: Mapping[str, Any]) -> None:
        self.rules = rules
        self.raw: dict[str, Any] = copy.deepcopy(dict(raw))

    # The answers --------------------------------------------------------------------------

    def get(self, field: str) -> Any:
        node: Any = self.raw
        for part in field.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return None
            node = node[part]
        return node

    def set(self, field: str, value: Any) -> None:
        """Set a dotted field (``detainer.judicial_warrant``); None is JSON null: unknown."""
        parts = field.split(".")
        node = self.raw
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def answered(self, question: Question) -> bool:
        if question.kind == "offense_list":
            return question.field in self.raw
        if question.kind == "risk_assertion":
            return "public_safety_risk" in self.raw
        return self.has(question.field)

    def has(self, field: str) -> bool:
        """Whether the case holds ``field`` at all (None there is an answer: unknown)."""
        node: Any = self.raw
        for part in field.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return False
            node = node[part]
        return True

    def decision_time(self) -> datetime | None:
        try:
            return datetime.fromisoformat(str(self.raw.get("decision_time")))
        except ValueError:
            return None

    # The law ------------------------------------------------------------------------------

    def pack(self) -> RulePack:
        """The pack in force at the decision time; CoreError before 2014."""
        when = self.decision_time()
        if when is None:
            raise CoreError("the decision time is not a valid date and time")
        return self.rules.pack_for(when)

    def steps(self) -> tuple[Step, ...]:
        pack = self.pack()
        questions = tuple(
            Step(f"question:{q.id}", q.prompt, q)
            for q in pack.questions
            if q.field != "detainer.judicial_warrant"
        )
        return (
            Step(PERSON, "Person"),
            Step(DETAINER, "Detainer"),
            *questions,
            Step(RESULT, "Result"),
        )

    def detainer_questions(self) -> tuple[Question, ...]:
        """Questions of the pack about the detainer itself, asked on the detainer step."""
        return tuple(q for q in self.pack().questions if q.field.startswith("detainer."))

    def _probe(self) -> Decision:
        raw = copy.deepcopy(self.raw)
        raw["person"] = dict(_PLACEHOLDER_PERSON)
        case = parse_case(raw, SOURCE, self.rules.sections)
        return evaluate(self.rules.pack_for(case.decision_time), case)

    def still_matters(self, question: Question) -> bool:
        """Whether an answer to ``question`` could still change the outcome."""
        try:
            trace = self._probe().trace
            pack = self.pack()
        except (InputError, CoreError):
            return True
        # Judged on every action the pack decides, not on the hold alone.
        return can_change_outcome(question, trace, pack)

    def settled_by(self, question: Question) -> tuple[str, ...]:
        """Titles of the grounds that make ``question`` unable to change the outcome."""
        try:
            trace = self._probe().trace
        except (InputError, CoreError):
            return ()
        ids = set(met_elsewhere(question, trace))
        return tuple(r.title for r in trace if r.id in ids)

    def missing_answers(self) -> tuple[Question, ...]:
        """Questions that still matter and have no answer (not even Unknown)."""
        return tuple(
            q for q in self.pack().questions if not self.answered(q) and self.still_matters(q)
        )

    def case(self) -> Case:
        """The case as the engine reads it; InputError names what is wrong."""
        return parse_case(self.raw, SOURCE, self.rules.sections)

    def recorded_raw(self) -> dict[str, Any]:
        """The case as it is recorded: without the answers to questions that only
        another version of the law asks. They were given before the decision time was
        changed, and are kept in the review meanwhile in case it is changed back. The
        engine never reads them, but whoever reads the recorded case would take them for
        facts the decision rests on (a hostile pass: a 2025 decision recorded a 2014
        gang-membership answer; a 2014 one, a judicial warrant 2014 never asked)."""
        raw = copy.deepcopy(self.raw)
        try:
            asked = {_answer_field(q) for q in self.pack().questions}
        except (CoreError, RulesError):
            return raw  # no law in force: nothing is recorded anyway
        others = {_answer_field(q) for loaded in self.rules.packs for q in loaded.pack.questions}
        for field in sorted(others - asked):
            _remove(raw, field)
        return raw

    def recorded_case(self) -> tuple[Case, dict[str, Any]]:
        """The case to record, as the engine reads it, and its JSON (``recorded_raw``)."""
        raw = self.recorded_raw()
        return parse_case(raw, SOURCE, self.rules.sections), raw

    def decide(self) -> Decision:
        case = self.case()
        return evaluate(self.rules.pack_for(case.decision_time), case)

    def what_would_change(self, decision: Decision | None = None) -> OutcomeChanges:
        """The single facts that would turn the decision around, and the unknown answers
        that could (``core.counterfactual``); ``decision`` is ``decide()`` if known."""
        case = self.case()
        return what_would_change(self.rules.pack_for(case.decision_time), case, decision)

    def where(self, pointer: str) -> str:
        """The step and field of the review that hold what the case reader's ``pointer``
        names, in the words of the review's pages (the reader's message says what is
        wrong, not where on the screen it was typed)."""
        place = _PLACES.get(pointer)
        if place is not None:
            return place
        try:
            questions = self.pack().questions
        except (CoreError, RulesError):
            questions = ()
        for question in questions:
            top = "/" + question.field.replace(".", "/")
            if pointer != top and not pointer.startswith(top + "/"):
                continue
            rest = [part for part in pointer[len(top) :].split("/") if part]
            step = f"the step “{question.prompt.rstrip('.')}”"
            if rest and rest[0].isdigit():
                item = f"{step}, item {int(rest[0]) + 1}"
                return f"{item}, {rest[1].replace('_', ' ')}" if len(rest) > 1 else item
            return step
        return pointer or "the case"

    def label(self) -> str:
        """A short label for the draft list (booking number and name, as entered)."""
        person = self.raw.get("person") or {}
        parts = [str(person.get("booking_number") or "").strip(), str(person.get("name") or "")]
        label = " — ".join(p for p in (x.strip() for x in parts) if p)[:200]
        return shown(label) or "New review"


def pack_warnings(rules: Any, now: datetime) -> list[str]:
    """What every screen must say about the law in force now: unverified or stale data."""
    from trustdesk.rules.errors import RulesError

    try:
        pack = rules.pack_for(now)
    except CoreError:
        return []
    except RulesError as error:  # e.g. the agency's jurisdiction has a damaged pack
        return [f"The rule packs cannot be loaded: {error}. Ask your administrator."]
    warnings = []
    unverified = [item.title for item in pack.lists if not item.verified]
    if unverified:
        warnings.append(
            f"The rule pack in force ({pack.id}) contains unverified data: "
            + "; ".join(unverified)
            + ". Decisions resting on it go to agency counsel."
        )
    age = (now.date() - pack.last_verified_on).days
    if age > 365:
        warnings.append(
            f"The rule pack {pack.id} was last verified on {pack.last_verified_on:%d %b %Y}, "
            "more than 12 months ago; ask your administrator for a current pack."
        )
    return warnings


def _answer_field(question: Question) -> str:
    """Where a question's answer is kept in the case (a risk assertion: its object)."""
    return "public_safety_risk" if question.kind == "risk_assertion" else question.field


def _remove(raw: dict[str, Any], field: str) -> None:
    """Take a dotted field out of the case, if it is there."""
    *path, last = field.split(".")
    node: Any = raw
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node.pop(last, None)

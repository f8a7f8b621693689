"""The interpreter for rule-pack conditions: declarative data, three-valued logic.

A condition is JSON data (see schemas/rule-pack.schema.json) compiled once into a
small tree of nodes. Evaluation uses Kleene logic over True / False / None, where
None is *unknown*: ``all`` is False if any part is False, else unknown if any part is
unknown; ``any`` is True if any part is True, else unknown if any part is unknown.
No Python code or ``eval`` ever comes from data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from operator import attrgetter

from trustdesk.core.errors import CoreError
from trustdesk.core.model import FACTS_PREFIX, Case, Offense, Tri, get_field

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Protocol

Fact = tuple[str, str]

#: Case collections a condition may range over, and the JSON name of each.
COLLECTIONS = {"convictions": "convictions", "pending_charges": "pending_charges"}

#: Offense attributes a condition may test, keyed by their JSON names.
ITEM_ATTRIBUTES = {
    "section": "section",
    "level": "level",
    "class": "klass",
    "jurisdiction": "jurisdiction",
    "bond_posted": "bond_posted",
    "under_appeal": "under_appeal",
    "juvenile": "juvenile",
    "in_catalog": "in_catalog",
    "reduced_to_misdemeanor": "reduced_to_misdemeanor",
    "probable_cause_found": "probable_cause_found",
}

#: Offense attributes holding a set of strings, tested with ``has``.
SET_ATTRIBUTES = {"flags": "flags"}

#: Offense dates a look-back window may be measured from (JSON name → model field).
DATE_ATTRIBUTES = {"date": "date"}

#: What "within N years" means at the window's edge: the pack says, not the code.
BOUNDARIES = ("inclusive", "exclusive")


def years_before(day: date, years: int) -> date:
    """``day`` minus ``years`` calendar years; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Trace:
    """What one criterion's evaluation looked at and what it must report."""

    __slots__ = (
        "cites",
        "day",
        "facts",
        "hits",
        "lists_used",
        "matched",
        "matches",
        "unknown",
        "unsettled",
        "void",
    )

    # A plain class rather than a dataclass: one is made per criterion per decision,
    # and the generated __init__ with default factories is measurably slower.
    def __init__(self, void: Mapping[str, str] | None = None, day: date | None = None) -> None:
        #: The decision's local date (look-back windows end on it); None: not known.
        self.day = day
        self.facts: list[Fact] = []
        self.unsettled: list[str] = []
        self.unknown: list[str] = []
        self.lists_used: list[str] = []
        #: (list id, section) found in a list while testing the current entry.
        self.hits: list[tuple[str, str]] = []
        #: For each entry that met the condition, the list sections it was found in:
        #: what the ground rests on, item by item (a ground's verification).
        self.matches: list[tuple[tuple[str, str], ...]] = []
        #: The paragraphs of law of the flags found while testing the current entry.
        self.cites: list[str] = []
        #: Each entry that met the condition through a flag whose paragraph of law the
        #: catalog names, in words ("PC 211 (felony, 2019-03-01) — Penal Code §
        #: 1192.7(c)(19)").
        self.matched: list[str] = []
        #: Entries (by JSON pointer) that cannot be true as entered, with why: they
        #: never count toward a ground (core/consistency.py).
        self.void: Mapping[str, str] = void or {}


# Interpreter nodes are plain slotted classes, not dataclasses: they are internal, never
# compared or printed, and a dozen dataclasses would add milliseconds to every CLI start.
if TYPE_CHECKING:

    class Condition(Protocol):
        def evaluate(self, case: Case, trace: Trace) -> Tri: ...

    class ItemCondition(Protocol):
        def test(self, item: Offense, trace: Trace) -> Tri: ...


def _all(values: Sequence[Tri]) -> Tri:
    if False in values:
        return False
    return None if None in values else True


def _any(values: Sequence[Tri]) -> Tri:
    if True in values:
        return True
    return None if None in values else False


def _not(value: Tri) -> Tri:
    return None if value is None else not value


def describe_answer(value: Tri) -> str:
    if value is None:
        return "Unknown / not verified"
    return "Yes" if value else "No"


# --- case-level nodes ----------------------------------------------------------------


class AllOf:
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Condition, ...]) -> None:
        self.parts = parts

    def evaluate(self, case: Case, trace: Trace) -> Tri:
        # Every part is evaluated (no short circuit) so the trace shows all facts used.
        return _all([part.evaluate(case, trace) for part in self.parts])


class AnyOf:
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[Condition, ...]) -> None:
        self.parts = parts

    def evaluate(self, case: Case, trace: Trace) -> Tri:
        return _any([part.evaluate(case, trace) for part in self.parts])


class Not:
    __slots__ = ("part",)

    def __init__(self, part: Condition) -> None:
        self.part = part

    def evaluate(self, case: Case, trace: Trace) -> Tri:
        return _not(self.part.evaluate(case, trace))


class Answer:
    __slots__ = ("expected", "getter", "pointer", "question")

    def __init__(
        self, question: str, pointer: str, getter: Callable[[Case], Any], expected: bool
    ) -> None:
        self.question = question
        self.pointer = pointer
        self.getter = getter
        self.expected = expected

    def evaluate(self, case: Case, trace: Trace) -> Tri:
        value = self.getter(case)
        trace.facts.append((self.pointer, describe_answer(value)))
        if value is None:
            trace.unknown.append(self.question)
            return None
        return bool(value == self.expected)


class Unsettled:
    __slots__ = ("reason", "where")

    def __init__(self, where: ItemCondition, reason: str) -> None:
        self.where = where
        self.reason = reason


class Exists:
    __slots__ = ("collection", "unsettled", "where")

    def __init__(
        self, collection: str, where: ItemCondition, unsettled: tuple[Unsettled, ...]
    ) -> None:
        self.collection = collection
        self.where = where
        self.unsettled = unsettled

    def evaluate(self, case: Case, trace: Trace) -> Tri:
        items: tuple[Offense, ...] = getattr(case, self.collection)
        results: list[Tri] = []
        for index, item in enumerate(items):
            mark = len(trace.hits)
            cited = len(trace.cites)
            status = self.where.test(item, trace)
            cites = tuple(dict.fromkeys(trace.cites[cited:]))
            hits = tuple(trace.hits[mark:])
            del trace.hits[mark:]
            pointer = f"/{self.collection}/{index}"
            void = trace.void.get(pointer)
            if void is not None and status is not False:
                # An impossible entry establishes nothing: at most it is unknown.
                status = None
                trace.unknown.append(pointer)
            elif status is True:
                for rule in self.unsettled:
                    # An unsettled rule that cannot be ruled out counts as unsettled.
                    if rule.where.test(item, trace) is not False:
                        trace.unsettled.append(f"{item.describe()}: {rule.reason}")
                        status = None
                        break
            elif status is None:
                trace.unknown.append(pointer)
            if status is True:
                trace.matches.append(hits)
                if cites:
                    # Named only when a paragraph of law made it count (a flag the
                    # catalog cites): records without such paragraphs read as before.
                    trace.matched.append(matched_entry(item, cites))
            del trace.hits[mark:]  # the unsettled rules' own look-ups establish nothing
            del trace.cites[cited:]
            # Every entry examined is a fact the criterion used, whether or not it matched.
            described = item.describe()
            if void is not None:
                described += f" — NOT COUNTED: {void}"
            trace.facts.append((pointer, described))
            results.append(status)
        return _any(results)


def matched_entry(item: Offense, cites: Sequence[str]) -> str:
    """An entry that met a condition, as the advice names it: the statute as entered,
    its level and date, and the paragraphs of law that made it count."""
    when = f", {item.date.isoformat()}" if item.date is not None else ""
    return f"{item.statute} ({item.level}{when}) — {'; '.join(cites)}"


# --- item-level nodes ----------------------------------------------------------------


class ItemAll:
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[ItemCondition, ...]) -> None:
        self.parts = parts

    def test(self, item: Offense, trace: Trace) -> Tri:
        return _all([part.test(item, trace) for part in self.parts])


class ItemAny:
    __slots__ = ("parts",)

    def __init__(self, parts: tuple[ItemCondition, ...]) -> None:
        self.parts = parts

    def test(self, item: Offense, trace: Trace) -> Tri:
        return _any([part.test(item, trace) for part in self.parts])


class ItemNot:
    __slots__ = ("part",)

    def __init__(self, part: ItemCondition) -> None:
        self.part = part

    def test(self, item: Offense, trace: Trace) -> Tri:
        return _not(self.part.test(item, trace))


class AttrIn:
    __slots__ = ("attr", "getter", "values")

    def __init__(
        self, getter: Callable[[Offense], Any], values: frozenset[Any], attr: str = ""
    ) -> None:
        self.getter = getter
        self.values = values
        #: The attribute's JSON name, for readers of the tree (core/counterfactual.py).
        self.attr = attr

    def test(self, item: Offense, trace: Trace) -> Tri:
        value = self.getter(item)
        if value is None:
            return None
        return value in self.values


class AttrInList:
    __slots__ = ("attr", "getter", "list_id", "statutes")

    def __init__(
        self,
        getter: Callable[[Offense], Any],
        list_id: str,
        statutes: frozenset[str],
        attr: str = "",
    ) -> None:
        self.getter = getter
        self.list_id = list_id
        self.statutes = statutes
        self.attr = attr

    def test(self, item: Offense, trace: Trace) -> Tri:
        if self.list_id not in trace.lists_used:
            trace.lists_used.append(self.list_id)
        value = self.getter(item)
        found = value is not None and value in self.statutes
        if found:
            trace.hits.append((self.list_id, value))
        return found


class AttrHas:
    """A set-valued attribute (``flags``) holds a value."""

    __slots__ = ("attr", "getter", "value")

    def __init__(self, getter: Callable[[Offense], Any], value: str, attr: str = "") -> None:
        self.getter = getter
        self.value = value
        self.attr = attr

    def test(self, item: Offense, trace: Trace) -> Tri:
        values = self.getter(item)
        if values is None:
            return None
        found = self.value in values
        if found:
            # The paragraph that gives this flag, when the catalog names it: the advice
            # cites it beside the offense ("Penal Code § 1192.7(c)(19)").
            trace.cites.extend(c for flag, c in item.flag_citations if flag == self.value)
        return found


class WithinYears:
    """The item's date is within ``years`` calendar years before the decision's date.

    ``inclusive``: a date exactly ``years`` years before counts; ``exclusive``: it does
    not. A missing date, or no decision date, is unknown.
    """

    __slots__ = ("attr", "getter", "inclusive", "years")

    def __init__(
        self, getter: Callable[[Offense], Any], years: int, inclusive: bool, attr: str = ""
    ) -> None:
        self.getter = getter
        self.years = years
        self.inclusive = inclusive
        self.attr = attr

    def test(self, item: Offense, trace: Trace) -> Tri:
        when: date | None = self.getter(item)
        if when is None or trace.day is None:
            return None
        start = years_before(trace.day, self.years)
        return when >= start if self.inclusive else when > start


# --- compilation ---------------------------------------------------------------------


class ConditionError(CoreError):
    """A condition in a rule pack is malformed; ``pointer`` says where."""

    def __init__(self, pointer: str, reason: str) -> None:
        self.pointer = pointer
        self.reason = reason
        super().__init__(f"{pointer}: {reason}")


def _single_key(raw: Any, pointer: str, allowed: Sequence[str]) -> str:
    if not isinstance(raw, Mapping):
        raise ConditionError(pointer, "a condition must be an object")
    keys = [key for key in raw if key in allowed]
    if len(keys) != 1:
        raise ConditionError(pointer, f"a condition needs exactly one of {', '.join(allowed)}")
    return str(keys[0])


def compile_condition(
    raw: Any,
    pointer: str,
    questions: Mapping[str, str],
    lists: Mapping[str, frozenset[str]],
) -> Condition:
    """Compile case-level condition data; ``questions`` maps question ids to case fields."""
    key = _single_key(raw, pointer, ("all", "any", "not", "answer", "exists"))
    if key in ("all", "any"):
        parts = tuple(
            compile_condition(part, f"{pointer}/{key}/{i}", questions, lists)
            for i, part in enumerate(raw[key])
        )
        if not parts:
            raise ConditionError(f"{pointer}/{key}", "needs at least one condition")
        return AllOf(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(compile_condition(raw["not"], f"{pointer}/not", questions, lists))
    if key == "answer":
        question = raw["answer"]
        if question not in questions:
            raise ConditionError(f"{pointer}/answer", f"no question with id {question!r}")
        field_path = questions[question]
        expected = raw.get("equals", True)
        if not isinstance(expected, bool):
            raise ConditionError(f"{pointer}/equals", "must be true or false")
        return Answer(question, field_pointer(field_path), field_reader(field_path), expected)
    collection = raw["exists"]
    if collection not in COLLECTIONS:
        raise ConditionError(f"{pointer}/exists", f"unknown collection {collection!r}")
    where = compile_item(raw.get("where", {"all": []}), f"{pointer}/where", lists)
    unsettled = tuple(
        Unsettled(
            compile_item(rule["where"], f"{pointer}/unsettled/{i}/where", lists),
            str(rule["reason"]),
        )
        for i, rule in enumerate(raw.get("unsettled", ()))
    )
    return Exists(COLLECTIONS[collection], where, unsettled)


def field_reader(path: str) -> Callable[[Case], Any]:
    """A reader of a question's case field (``facts.<name>`` included)."""
    if path.startswith(FACTS_PREFIX):
        return lambda case: get_field(case, path)
    return attrgetter(path)


def field_pointer(path: str) -> str:
    """The JSON pointer of a question's case field in the case document."""
    return "/" + path.replace(".", "/")


def _within(raw: Mapping[str, Any], pointer: str) -> ItemCondition:
    years = raw["within_years"]
    if isinstance(years, bool) or not isinstance(years, int) or years < 1:
        raise ConditionError(
            f"{pointer}/within_years", "must be a whole number of years (1 or more)"
        )
    of = raw.get("of")
    if of not in DATE_ATTRIBUTES:
        raise ConditionError(
            f"{pointer}/of", f"must name a date: one of {', '.join(DATE_ATTRIBUTES)}"
        )
    boundary = raw.get("boundary")
    if boundary not in BOUNDARIES:
        raise ConditionError(
            f"{pointer}/boundary",
            "must say whether the window's first day counts: inclusive or exclusive",
        )
    return WithinYears(attrgetter(DATE_ATTRIBUTES[of]), years, boundary == "inclusive", of)


def compile_item(raw: Any, pointer: str, lists: Mapping[str, frozenset[str]]) -> ItemCondition:
    """Compile a condition over one conviction or charge."""
    key = _single_key(raw, pointer, ("all", "any", "not", "attr", "within_years"))
    if key == "within_years":
        return _within(raw, pointer)
    if key in ("all", "any"):
        parts = tuple(
            compile_item(part, f"{pointer}/{key}/{i}", lists) for i, part in enumerate(raw[key])
        )
        return ItemAll(parts) if key == "all" else ItemAny(parts)
    if key == "not":
        return ItemNot(compile_item(raw["not"], f"{pointer}/not", lists))
    name = raw["attr"]
    if name in SET_ATTRIBUTES:
        if not isinstance(raw.get("has"), str):
            raise ConditionError(pointer, f"a test of {name} needs has: the value it must hold")
        return AttrHas(attrgetter(SET_ATTRIBUTES[name]), raw["has"], name)
    if name not in ITEM_ATTRIBUTES:
        raise ConditionError(f"{pointer}/attr", f"unknown attribute {name!r}")
    getter = attrgetter(ITEM_ATTRIBUTES[name])
    if "in" in raw:
        return AttrIn(getter, frozenset(raw["in"]), name)
    if "in_list" in raw:
        list_id = raw["in_list"]
        if list_id not in lists:
            raise ConditionError(f"{pointer}/in_list", f"no statute list with id {list_id!r}")
        return AttrInList(getter, list_id, lists[list_id], name)
    if "equals" in raw:
        return AttrIn(getter, frozenset([raw["equals"]]), name)
    raise ConditionError(pointer, "an attribute test needs one of in, in_list, equals")

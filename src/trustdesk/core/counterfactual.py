"""What would change the outcome: the single facts whose change turns a decision around.

Nothing here is a table of legal rules. The facts that can matter are read from the
rule pack in force — its yes/no questions, and the attributes and values its conditions
test on convictions and charges — and every candidate change is tried by evaluating the
case again with that one fact changed (``core.evaluate``). What flips the decision is
reported, worded from the pack's own texts, so that an officer can see, for a decline,
what ICE would have to show (a judicial warrant, a listed conviction…), and for an honor,
which facts the hold rests on. Answers now "Unknown / not verified" that could change the
outcome are reported apart: they are what to verify first.

An entry's date is tried too, where the pack or the catalog reads it: a look-back window
("within 5 years") and a section whose class changed over time split the possible dates
into spans the engine treats alike, and each span is tried once. A date that cannot be
true (after the decision, before birth, before the person was old enough to be
convicted) is never proposed.

The person's date of birth is tried the same way: no pack tests an age, but the engine
reads the date of birth against every dated entry (an entry dated before the person was
seven counts for nothing; one dated before eighteen raises the question of a juvenile
adjudication), so its possible values split into spans too, and a date of birth that
would turn the decision around is named.

Attribute values are grouped into classes the pack cannot tell apart (two classes named
in the same ``in`` list, every statute of one list), so one re-evaluation per class
covers all its values; the tests check that against every value of the model.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import NamedTuple

from trustdesk.core.class_periods import pairs
from trustdesk.core.conditions import (
    AllOf,
    AnyOf,
    AttrHas,
    AttrIn,
    AttrInList,
    Exists,
    ItemAll,
    ItemAny,
    ItemNot,
    Not,
    WithinYears,
    describe_answer,
    years_before,
)
from trustdesk.core.consistency import ADULT, YOUNGEST, age_day, latest_court_date
from trustdesk.core.decision import HONOR, MET, UNKNOWN, Decision
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import (
    CLASSES,
    LEVELS,
    Case,
    Offense,
    OffenseFacts,
    get_field,
    replace_field,
)
from trustdesk.core.pack import RulePack, StatuteList
from trustdesk.core.select import local_date

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

ANSWER = "answer"  # a yes/no question answered otherwise
ADD = "add"  # one more conviction or charge on the record
REMOVE = "remove"  # one conviction or charge not on the record
AMEND = "amend"  # one attribute of one conviction or charge otherwise

#: Question kinds whose answer is a yes / no / unknown value at the question's field.
ANSWER_KINDS = ("yes_no_unknown", "risk_assertion")
TRI_VALUES: tuple[bool | None, ...] = (True, False, None)

#: Offense attributes (JSON names, as in packs): the model field, the values the model
#: allows when they are few, and whether "unknown" (None) is a value.
_FIELDS: dict[str, tuple[str, tuple[Any, ...] | None, bool]] = {
    "level": ("level", LEVELS, False),
    "class": ("klass", CLASSES, False),
    "jurisdiction": ("jurisdiction", None, False),
    "section": ("section", None, True),
    "bond_posted": ("bond_posted", (True, False), True),
    "under_appeal": ("under_appeal", (True, False), True),
    "juvenile": ("juvenile", (True, False), True),
    "in_catalog": ("in_catalog", (True, False), False),
    "reduced_to_misdemeanor": ("reduced_to_misdemeanor", (True, False), True),
    "probable_cause_found": ("probable_cause_found", (True, False), True),
}
#: An entry's date (JSON name): varied by spans of dates, not by the values of a domain.
DATE = "date"
#: The person's date of birth: an AMEND of ``PERSON`` (no item), varied by spans too.
PERSON = "person"
BIRTH = "date_of_birth"
#: A test of one flag (``{"attr": "flags", "has": "serious"}``) is varied as a yes/no
#: attribute named ``flag:<name>``: the offense has the flag or not.
_FLAG = "flag:"

#: Values of the open attributes used to stand for "any value the pack does not name".
#: The section is a placeholder no list contains; it is never shown to anyone.
_SAMPLES: dict[str, tuple[str, ...]] = {
    "jurisdiction": ("federal", "NY", "ZZ"),
    "section": ("0-0", "0-1"),
}

_LABELS = {
    "level": "level",
    "class": "class",
    "jurisdiction": "jurisdiction",
    "section": "section",
    "bond_posted": "bond posted",
    "under_appeal": "under appeal",
    "juvenile": "juvenile adjudication",
    "in_catalog": "found in the offense catalog",
    "reduced_to_misdemeanor": "reduced to a misdemeanor",
    "probable_cause_found": "probable cause found by a magistrate",
}


def _field(attr: str) -> tuple[str, tuple[Any, ...] | None, bool]:
    if attr.startswith(_FLAG):
        return ("flags", (True, False), False)
    return _FIELDS[attr]


def _label(attr: str) -> str:
    if attr.startswith(_FLAG):
        return f"the flag “{attr[len(_FLAG) :]}”"
    return _LABELS[attr]


def _value_of(item: Offense, attr: str) -> Any:
    if attr.startswith(_FLAG):
        return attr[len(_FLAG) :] in item.flags
    return getattr(item, _FIELDS[attr][0])


_ITEM_NAMES = {"convictions": "conviction", "pending_charges": "pending charge"}
#: Sections named one by one in a fact about some sections of a list; beyond, a count.
SECTIONS_NAMED = 6


class Span(NamedTuple):
    """The dates from ``first`` to ``last``, both included (``first`` None: any earlier)."""

    first: date | None
    last: date

    def holds(self, day: date) -> bool:
        return (self.first is None or self.first <= day) and day <= self.last

    def words(self) -> str:
        if self.first is None:
            return f"on or before {self.last.isoformat()}"
        if self.first == self.last:
            return f"on {self.first.isoformat()}"
        return f"from {self.first.isoformat()} to {self.last.isoformat()}"


class Change(NamedTuple):
    """One fact changed, in terms a test can check against any concrete value."""

    kind: str  # ANSWER | ADD | REMOVE | AMEND
    target: str  # a question's case field, or a collection (convictions, pending_charges)
    item: int | None = None  # the conviction or charge (0-based), for REMOVE and AMEND
    attribute: str | None = None  # its attribute (JSON name), for AMEND
    values: frozenset[Any] = frozenset()  # the new values this change stands for
    others: bool = False  # True: any known value NOT in ``values``
    was_unknown: bool = False  # the fact is now "Unknown / not verified"
    part: bool = False  # sections named one by one, not a whole list's (``_Atom.part``)

    def covers(self, value: Any) -> bool:
        """Whether setting the fact to ``value`` is this change (ANSWER and AMEND)."""
        return _covers(self.values, self.others, value)


class Flip(NamedTuple):
    """A single fact whose change turns the decision around, and what it turns into."""

    change: Change
    fact: str  # the changed fact, worded for an officer
    effect: str  # what the decision would then be
    outcome: str  # honor | decline after the change
    grounds: tuple[str, ...]  # criterion ids met after the change
    case: Case  # the case with that one fact changed (what was evaluated)


class Support(NamedTuple):
    """A ground a hold rests on and the facts that establish it."""

    ground: str
    title: str
    citation: str
    facts: tuple[str, ...]


class OutcomeChanges(NamedTuple):
    decision: str
    flips: tuple[Flip, ...]
    supports: tuple[Support, ...]
    #: Honored, but the form asks only for notification (Form I-247N): nobody is held,
    #: so nothing is said of a hold (``Decision.notification_only``).
    notification_only: bool = False

    @property
    def unknowns(self) -> tuple[Flip, ...]:
        """Flips whose fact is now unknown: the answers to verify first."""
        return tuple(flip for flip in self.flips if flip.change.was_unknown)

    @property
    def known(self) -> tuple[Flip, ...]:
        return tuple(flip for flip in self.flips if not flip.change.was_unknown)


class _Atom(NamedTuple):
    """Values of one attribute that every condition of the pack treats alike."""

    values: frozenset[Any]
    others: bool
    example: Any
    #: Only some of the sections the pack's lists treat alike: those whose catalog entry
    #: gives the same flags and fits the entry's level and class (worded by name).
    part: bool = False


class _Space(NamedTuple):
    """What the pack's conditions test on one collection, attribute by attribute."""

    collection: str
    atoms: dict[str, tuple[_Atom, ...]]


# --- reading the pack ----------------------------------------------------------------


def _item_tests(node: Any) -> Iterator[tuple[str, frozenset[Any], str | None]]:
    """Each attribute test in an item condition: (attribute, values, statute list id)."""
    if isinstance(node, ItemAll | ItemAny):
        for part in node.parts:
            yield from _item_tests(part)
    elif isinstance(node, ItemNot):
        yield from _item_tests(node.part)
    elif isinstance(node, AttrInList):
        yield node.attr, node.statutes, node.list_id
    elif isinstance(node, AttrIn):
        yield node.attr, node.values, None
    elif isinstance(node, AttrHas):
        yield _FLAG + node.value, frozenset([True]), None


def _case_tests(node: Any) -> Iterator[tuple[str, str, frozenset[Any], str | None]]:
    """Each attribute test anywhere under a case condition, with its collection."""
    if isinstance(node, AllOf | AnyOf):
        for part in node.parts:
            yield from _case_tests(part)
    elif isinstance(node, Not):
        yield from _case_tests(node.part)
    elif isinstance(node, Exists):
        wheres = (node.where, *(rule.where for rule in node.unsettled))
        for where in wheres:
            for attr, values, list_id in _item_tests(where):
                yield node.collection, attr, values, list_id


def _atoms(attr: str, named: list[frozenset[Any]]) -> tuple[_Atom, ...]:
    """The classes of values of ``attr`` no condition tells apart, each with an example."""
    _name, domain, nullable = _field(attr)
    mentioned = frozenset().union(*named)
    groups: dict[tuple[bool, ...], list[Any]] = {}
    for value in sorted(mentioned, key=repr):
        groups.setdefault(tuple(value in values for values in named), []).append(value)
    atoms = [_Atom(frozenset(values), False, values[0]) for values in groups.values()]
    if domain is not None:
        rest = [value for value in domain if value not in mentioned]
        if rest:
            atoms.append(_Atom(frozenset(rest), False, rest[0]))
    else:
        sample = next(value for value in _SAMPLES[attr] if value not in mentioned)
        atoms.append(_Atom(mentioned, True, sample))
    if nullable:
        atoms.append(_Atom(frozenset([None]), False, None))
    return tuple(atoms)


def _spaces(pack: RulePack) -> tuple[_Space, ...]:
    named: dict[str, dict[str, list[frozenset[Any]]]] = {}
    for criterion in pack.criteria:
        for collection, attr, values, _list in _case_tests(criterion.condition):
            if attr not in _FIELDS and not attr.startswith(_FLAG):
                continue  # an attribute this module has no domain for is not varied
            sets = named.setdefault(collection, {}).setdefault(attr, [])
            if values not in sets:
                sets.append(values)
    return tuple(
        _Space(collection, {attr: _atoms(attr, sets) for attr, sets in attrs.items()})
        for collection, attrs in named.items()
    )


# --- changing one fact ---------------------------------------------------------------


def _atom_of(atoms: tuple[_Atom, ...], value: Any) -> _Atom | None:
    for atom in atoms:
        if _covers(atom.values, atom.others, value):
            return atom
    return None


def _covers(values: frozenset[Any], others: bool, value: Any) -> bool:
    if isinstance(value, date):
        # An entry's date: covered by a span of dates (the only dates a change names).
        return any(isinstance(span, Span) and span.holds(value) for span in values)
    if others:
        return value is not None and value not in values
    return value in values


def _plain_offense() -> Offense:
    section = _SAMPLES["section"][0]
    return Offense(section, section, LEVELS[-1], CLASSES[-1], _SAMPLES["jurisdiction"][0])


def _with_items(case: Case, collection: str, items: tuple[Offense, ...]) -> Case:
    changed: dict[str, Any] = {collection: items}
    return case._replace(**changed)


def _with_attr(item: Offense, attr: str, value: Any, catalog: OffenseFacts | None) -> Offense:
    """``item`` with one attribute changed; another section or jurisdiction brings what the
    case's catalog says of it (its flags, class history, the classes it carries), as if
    the offense had been entered so."""
    if attr.startswith(_FLAG):
        flag = attr[len(_FLAG) :]
        return item._replace(flags=item.flags | {flag} if value else item.flags - {flag})
    field = _FIELDS[attr][0]
    if attr == "section" and value is not None:
        if catalog is not None:
            return catalog.changed(item, statute=value)
        return item._replace(section=value, statute=value)
    if attr == "jurisdiction" and catalog is not None:
        return catalog.changed(item, jurisdiction=value)
    changed: dict[str, Any] = {field: value}
    return item._replace(**changed)


def _carried_atom(item: Offense, attr: str, atom: _Atom) -> _Atom | None:
    """``atom`` narrowed to the values the catalog says the offense's section can carry
    (for its level or class; None when it can carry none of them): another value would
    make the entry contradict the catalog, which is no fact that could be true."""
    forms = item.catalog_forms
    if attr not in ("level", "class") or not forms:
        return atom
    carried = pairs(forms)
    if attr == "level":
        possible = {level for level, klass in carried if klass == item.klass}
    else:
        possible = {klass for level, klass in carried if level == item.level}
    if atom.others:
        values = frozenset(v for v in possible if v not in atom.values)
    else:
        values = frozenset(v for v in atom.values if v in possible)
    if not values:
        return None
    return _Atom(values, False, sorted(values, key=repr)[0])


# --- wording -------------------------------------------------------------------------


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _value_words(attr: str, atom: _Atom, lists: tuple[StatuteList, ...]) -> str:
    if attr == "section" and atom.values != frozenset([None]):
        named = [f"“{x.title}”" for x in lists if x.statutes & atom.values]
        if atom.others:
            return "not on the list " + _join(named) if named else "another section"
        if named and all(any(v in x.statutes for x in lists) for v in atom.values):
            if not atom.part:
                return "on the list " + _join(named)
            shown = sorted(atom.values)
            where = f"on the list {_join(named)}"
            if len(shown) <= SECTIONS_NAMED:
                return f"{_join([f'§ {v}' for v in shown])} ({where})"
            return (
                f"one of {len(shown)} sections {where} whose catalog entry fits it "
                f"(such as § {shown[0]} or § {shown[1]})"
            )
    values = sorted(atom.values, key=repr)
    if _field(attr)[1] == (True, False):
        words = [describe_answer(v) for v in (True, False, None) if v in atom.values]
    else:
        words = ["unknown" if v is None else str(v) for v in values]
    if atom.others:
        return "other than " + _join(words)
    return _join(words)


def _amend_fact(pack: RulePack, label: str, attr: str, atom: _Atom) -> str:
    if attr == DATE:
        return _date_fact(label, atom.values)
    if attr == BIRTH:
        return _birth_fact(atom.values)
    words = _value_words(attr, atom, pack.lists)
    if attr.startswith(_FLAG):
        has = "had" if True in atom.values else "did not have"
        return f"If {label} {has} {_label(attr)}"
    if _field(attr)[1] == (True, False):
        return f"If, for {label}, “{_label(attr)}” were {words}"
    return f"If {label} had {_label(attr)} {words}"


def _date_fact(label: str, values: frozenset[Any]) -> str:
    spans = sorted((v for v in values if isinstance(v, Span)), key=lambda span: span.last)
    if not spans:
        return f"If the date of {label} were unknown"
    text = f"If {label} were dated {_join([span.words() for span in spans])}"
    return text + (", or its date were unknown" if None in values else "")


def _birth_fact(values: frozenset[Any]) -> str:
    spans: list[Span] = []
    for span in sorted((v for v in values if isinstance(v, Span)), key=lambda v: v.last):
        if spans and span.first is not None and span.first == spans[-1].last + timedelta(1):
            spans[-1] = Span(spans[-1].first, span.last)  # adjacent: said as one
        else:
            spans.append(span)
    if not spans:
        return "If the date of birth were unknown"
    text = f"If the date of birth were {_join([span.words() for span in spans])}"
    return text + ", or unknown" if None in values else text


def _uses_windows(pack: RulePack) -> bool:
    def found(node: Any) -> bool:
        if isinstance(node, WithinYears):
            return True
        if isinstance(node, AllOf | AnyOf | ItemAll | ItemAny):
            return any(found(part) for part in node.parts)
        if isinstance(node, Not | ItemNot):
            return found(node.part)
        if isinstance(node, Exists):
            return found(node.where)
        return False

    return any(found(criterion.condition) for criterion in pack.criteria)


def _windows(pack: RulePack, collection: str) -> Iterator[WithinYears]:
    """Every look-back window the pack's conditions measure on ``collection``'s dates."""

    def found(node: Any) -> Iterator[WithinYears]:
        if isinstance(node, WithinYears):
            yield node
        elif isinstance(node, AllOf | AnyOf | ItemAll | ItemAny):
            for part in node.parts:
                yield from found(part)
        elif isinstance(node, Not | ItemNot):
            yield from found(node.part)
        elif isinstance(node, Exists) and node.collection == collection:
            for where in (node.where, *(rule.where for rule in node.unsettled)):
                yield from found(where)

    for criterion in pack.criteria:
        yield from found(criterion.condition)


def _aged(born: date, years: int) -> date:
    """The day a person born on ``born`` turns ``years`` (born 29 February: 1 March)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def _date_spans(pack: RulePack, case: Case, collection: str, item: Offense) -> tuple[Span, ...]:
    """The spans of possible dates of ``item`` that the engine treats alike: cut where a
    look-back window starts and where the section's class changed; none when no date
    would matter (unless the date entered cannot be true). Dates that cannot be true
    are left out: after the decision (as its court dates it), before the person was old
    enough to be convicted or charged."""
    day = local_date(case.decision_time, pack.timezone)
    cuts: set[date] = set()
    for window in _windows(pack, collection):
        start = years_before(day, window.years)
        cuts.add(start if window.inclusive else start + timedelta(days=1))
    history = item.class_history
    if collection == "convictions" and history is not None and history.differs():
        for period in history.earlier:
            for end in (period.until, period.known_until):
                if end is not None:
                    cuts.add(end + timedelta(days=1))
        since, _exact = history.change_date()
        if since is not None:
            cuts.add(since)
    last = latest_court_date(case.decision_time, item)
    born = case.person.date_of_birth
    first = None if born is None else _aged(born, YOUNGEST)
    if first is not None and first > last:
        return ()
    # A date that cannot be true makes the entry count for nothing (core/consistency.py):
    # any date that can be, or none, would make it count again.
    impossible = item.date is not None and not Span(first, last).holds(item.date)
    if not cuts and not impossible:
        return ()
    inside = sorted(cut for cut in cuts if (first is None or cut > first) and cut <= last)
    ends = [cut - timedelta(days=1) for cut in inside] + [last]
    return tuple(Span(start, end) for start, end in zip([first, *inside], ends, strict=True))


def _date_trials(
    pack: RulePack, case: Case, collection: str, index: int, label: str
) -> Iterator[_Trial]:
    """``item``'s date in each other span of possible dates, and unknown."""
    items: tuple[Offense, ...] = getattr(case, collection)
    item = items[index]
    spans = _date_spans(pack, case, collection, item)
    now = item.date
    values: list[date | None] = [span.last for span in spans if now is None or not span.holds(now)]
    if spans and now is not None:
        values.append(None)
    for value in values:
        span = next((span for span in spans if value is not None and span.last == value), None)
        change = Change(
            AMEND,
            collection,
            index,
            DATE,
            frozenset([span]),
            was_unknown=now is None,
        )
        replaced = (*items[:index], item._replace(date=value), *items[index + 1 :])
        fact = _date_fact(label, change.values)
        yield _Trial(change, fact, _with_items(case, collection, replaced))


def _younger_from(day: date, years: int) -> date:
    """The earliest date of birth that makes a person younger than ``years`` on ``day``
    (``consistency._age``: born 29 February, one has a birthday on 1 March)."""
    try:
        edge = day.replace(year=day.year - years)
    except ValueError:
        edge = date(day.year - years, 2, 28)
    return edge + timedelta(days=1)


def _birth_spans(case: Case) -> tuple[Span, ...]:
    """The spans of possible dates of birth that the engine treats alike: cut where the
    person turns from an adult to a minor on a conviction's date, or at the decision for
    an undated one (juvenile status, ``consistency.minor_convictions``). The engine reads
    the date of birth only against the entries' dates, and the decision's for an undated
    entry; none when there is no entry (unless the date entered cannot be true). A date
    of birth that would make an entry impossible (the person younger than ``YOUNGEST``
    on its date, or at the decision for an undated one, or not yet born) is never
    proposed: it only unmakes the entry, as a wrong date of it would."""
    entries = (*case.convictions, *case.pending_charges)
    # An undated entry is read against the decision's day (consistency.age_day).
    dated = [age_day(case) if item.date is None else item.date for item in entries]
    if not dated:
        return ()
    last = min(_younger_from(day, YOUNGEST) for day in dated) - timedelta(days=1)
    cuts = {
        _younger_from(age_day(case) if item.date is None else item.date, ADULT)
        for item in case.convictions
    }
    born = case.person.date_of_birth
    impossible = born is not None and born > last
    inside = sorted(cut for cut in cuts if cut <= last)
    if not inside and not impossible:
        return ()
    ends = [cut - timedelta(days=1) for cut in inside] + [last]
    return tuple(Span(start, end) for start, end in zip([None, *inside], ends, strict=True))


def _birth_trials(case: Case) -> Iterator[_Trial]:
    """The date of birth in each other span of possible ones, and unknown (decision
    0085's companion: the counterfactual tried entries' dates, never the person's)."""
    spans = _birth_spans(case)
    now = case.person.date_of_birth
    values: list[date | None] = [span.last for span in spans if now is None or not span.holds(now)]
    if spans and now is not None:
        values.append(None)
    for value in values:
        span = next((span for span in spans if value is not None and span.last == value), None)
        change = Change(AMEND, PERSON, None, BIRTH, frozenset([span]), was_unknown=now is None)
        person = case.person._replace(date_of_birth=value)
        yield _Trial(change, _birth_fact(change.values), case._replace(person=person))


def _trials(pack: RulePack, case: Case) -> Iterator[_Trial]:
    """Every single change tried: each answer otherwise, each entry added, removed or
    amended (its date too), and the date of birth."""
    yield from _answer_trials(pack, case)
    for space in _spaces(pack):
        yield from _item_trials(pack, case, space)
    yield from _birth_trials(case)


def _item_label(collection: str, index: int, item: Offense) -> str:
    return f"{_ITEM_NAMES.get(collection, collection)} {index + 1} ({item.describe()})"


def _effect(pack: RulePack, decision: Decision, case: Case | None = None) -> str:
    if decision.decision == HONOR:
        titles = [c.title for c in pack.criteria if c.id in decision.grounds]
        if case is not None and case.detainer.form in pack.notification_only_forms:
            # The form asks for no hold: honoring it is telling ICE, never holding (the
            # list promised "the hold would be permitted", a hostile pass).
            return (
                f"the detainer would be honored, by notification only (Form "
                f"{case.detainer.form} asks for no hold): " + "; ".join(titles)
            )
        text = "the hold would be permitted: " + "; ".join(titles)
        return text
    if any(result.status == UNKNOWN for result in decision.trace):
        # A ground that cannot be determined (unsettled law, an answer not verified, an
        # entry not counted) could still be met: declined only until that is settled.
        return "the detainer would be declined until what cannot be determined is settled"
    return "the detainer would be declined"


def _met_texts(pack: RulePack, grounds: Iterable[str]) -> str:
    return " ".join(c.explain.met for c in pack.criteria if c.id in grounds)


# --- the search ----------------------------------------------------------------------


class _Trial(NamedTuple):
    change: Change
    fact: str
    case: Case


def _answer_trials(pack: RulePack, case: Case) -> Iterator[_Trial]:
    for question in pack.questions:
        if question.kind not in ANSWER_KINDS:
            continue
        now = get_field(case, question.field)
        for value in TRI_VALUES:
            if value is now:
                continue
            change = Change(
                ANSWER, question.field, values=frozenset([value]), was_unknown=now is None
            )
            fact = f"Answer “{describe_answer(value)}” to: {question.prompt}"
            yield _Trial(change, fact, replace_field(case, question.field, value))


def _item_trials(pack: RulePack, case: Case, space: _Space) -> Iterator[_Trial]:
    items: tuple[Offense, ...] = getattr(case, space.collection)
    name = _ITEM_NAMES.get(space.collection, space.collection)
    attrs = sorted(space.atoms)
    # A look-back window counts back from the decision's date: an added entry is dated
    # that day (inside any window), so a recent conviction can be what would change it.
    dated = _uses_windows(pack)
    day = local_date(case.decision_time, pack.timezone) if dated else None
    # One more conviction or charge: one of each combination of value classes.
    for combination in itertools.product(*(space.atoms[a] for a in attrs)):
        item = _plain_offense()._replace(date=day)
        for attr, atom in zip(attrs, combination, strict=True):
            item = _with_attr(item, attr, atom.example, None)
        change = Change(ADD, space.collection)
        yield _Trial(
            change, f"A further {name}", _with_items(case, space.collection, (*items, item))
        )
    for index, item in enumerate(items):
        label = _item_label(space.collection, index, item)
        rest = items[:index] + items[index + 1 :]
        yield _Trial(
            Change(REMOVE, space.collection, index),
            f"If {label} were not on the record",
            _with_items(case, space.collection, rest),
        )
        flags = frozenset(a[len(_FLAG) :] for a in attrs if a.startswith(_FLAG))
        for attr in attrs:
            current = _value_of(item, attr)
            mine = _atom_of(space.atoms[attr], current)
            for each in space.atoms[attr]:
                narrowed = None if each == mine else _carried_atom(item, attr, each)
                if narrowed is None:
                    continue
                for atom in _section_parts(item, attr, narrowed, case.catalog, flags):
                    changed = _with_attr(item, attr, atom.example, case.catalog)
                    change = Change(
                        AMEND,
                        space.collection,
                        index,
                        attr,
                        atom.values,
                        atom.others,
                        was_unknown=current is None,
                        part=atom.part,
                    )
                    fact = _amend_fact(pack, label, attr, atom)
                    replaced = (*items[:index], changed, *items[index + 1 :])
                    yield _Trial(change, fact, _with_items(case, space.collection, replaced))
        yield from _date_trials(pack, case, space.collection, index, label)


def _section_parts(
    item: Offense, attr: str, atom: _Atom, catalog: OffenseFacts | None, flags: frozenset[str]
) -> Iterator[_Atom]:
    """``atom``, or for named sections read through the case's catalog, its parts: the
    sections whose catalog entries give the same of the ``flags`` the pack tests, each
    part tried apart, and none whose entry the offense's level and class would
    contradict (no fact that could be true)."""
    if attr != "section" or catalog is None or atom.others or None in atom.values:
        yield atom
        return
    parts: dict[frozenset[str], list[Any]] = {}
    for value in sorted(atom.values):
        changed = catalog.changed(item, statute=value)
        forms = changed.catalog_forms
        # The classes the section carried on the conviction's date where the catalog
        # knows its history: § 53a-223 was a class A misdemeanor only until 2002, and
        # naming it for a 2019 class A misdemeanor suggested a conviction that cannot
        # exist (a hostile pass).
        history = changed.class_history
        if history is not None and history.differs() and changed.date is not None:
            forms = history.on(changed.date) or forms
        if forms and (changed.level, changed.klass) not in pairs(forms):
            continue
        parts.setdefault(changed.flags & flags, []).append(value)
    whole = len(parts) == 1 and len(next(iter(parts.values()))) == len(atom.values)
    for values in parts.values():
        yield _Atom(frozenset(values), False, values[0], part=not whole)


def _flips(pack: RulePack, case: Case, decision: Decision) -> tuple[Flip, ...]:
    trials = _trials(pack, case)
    flips: list[Flip] = []
    added: set[tuple[str, str, tuple[str, ...]]] = set()
    for trial in trials:
        after = evaluate(pack, trial.case)
        if after.decision == decision.decision:
            continue
        fact = trial.fact
        if trial.change.kind == ADD:
            # Every added item that turns the decision the same way is one fact to name.
            key = (trial.change.target, after.decision, after.grounds)
            if key in added:
                continue
            added.add(key)
            fact = f"{fact}: {_met_texts(pack, after.grounds)}".rstrip(": ")
        flip = Flip(
            trial.change,
            fact,
            _effect(pack, after, trial.case),
            after.decision,
            after.grounds,
            trial.case,
        )
        if flips and _same_answer_flip(flips[-1], flip):
            flip = _merge(pack, flips[-1], flip)
            flips.pop()
        elif flips and _same_amend_flip(flips[-1], flip):
            flip = _merge_amend(pack, case, flips[-1], flip)
            flips.pop()
        flips.append(flip)
    return tuple(flip for flip in flips if not _implied(flip, flips))


def _implied(flip: Flip, flips: list[Flip]) -> bool:
    """An added entry that meets several grounds, where one meeting fewer is named."""
    return flip.change.kind == ADD and any(
        other.change.kind == ADD
        and other.change.target == flip.change.target
        and other.outcome == flip.outcome
        and set(other.grounds) < set(flip.grounds)
        for other in flips
    )


def _same_answer_flip(first: Flip, second: Flip) -> bool:
    a, b = first.change, second.change
    return (
        a.kind == b.kind == ANSWER
        and a.target == b.target
        and (first.outcome, first.grounds, first.effect)
        == (second.outcome, second.grounds, second.effect)
    )


def _same_amend_flip(first: Flip, second: Flip) -> bool:
    a, b = first.change, second.change
    return (
        a.kind == b.kind == AMEND
        and (a.target, a.item, a.attribute) == (b.target, b.item, b.attribute)
        and not a.others
        and not b.others
        and (first.outcome, first.grounds, first.effect)
        == (second.outcome, second.grounds, second.effect)
    )


def _merge_amend(pack: RulePack, case: Case, first: Flip, second: Flip) -> Flip:
    """One flip for two values of one attribute that turn the decision the same way."""
    change = first.change._replace(
        values=first.change.values | second.change.values,
        part=first.change.part or second.change.part,
    )
    if change.attribute == BIRTH:
        return first._replace(change=change, fact=_birth_fact(change.values))
    assert change.item is not None and change.attribute is not None
    item = getattr(case, change.target)[change.item]
    label = _item_label(change.target, change.item, item)
    atom = _Atom(change.values, False, None, part=change.part)
    return first._replace(change=change, fact=_amend_fact(pack, label, change.attribute, atom))


def _merge(pack: RulePack, first: Flip, second: Flip) -> Flip:
    """One flip for two answers to one question that turn the decision the same way."""
    values = first.change.values | second.change.values
    question = next(q for q in pack.questions if q.field == first.change.target)
    words = _join([f"“{describe_answer(v)}”" for v in TRI_VALUES if v in values])
    change = first.change._replace(values=values)
    return first._replace(change=change, fact=f"Answer {words} to: {question.prompt}")


def _supports(pack: RulePack, case: Case, decision: Decision) -> tuple[Support, ...]:
    """For each met ground, the facts that each establish it on their own."""
    supports = []
    spaces = _spaces(pack)
    for result in decision.trace:
        if result.status != MET:
            continue
        facts: list[str] = []
        for trial in _answer_trials(pack, case):
            if trial.change.values == frozenset([None]):
                continue  # "unknown" unmakes every ground: it says nothing of what one rests on
            after = evaluate(pack, trial.case)
            if _status(after, result.id) != MET:
                now = describe_answer(get_field(case, trial.change.target))
                question = next(q for q in pack.questions if q.field == trial.change.target)
                facts.append(f"the answer “{now}” to: {question.prompt}")
        for space in spaces:
            items: tuple[Offense, ...] = getattr(case, space.collection)
            for index, item in enumerate(items):
                alone = evaluate(pack, _with_items(case, space.collection, (item,)))
                if _status(alone, result.id) == MET:
                    facts.append(f"{_item_label(space.collection, index, item)}")
        supports.append(Support(result.id, result.title, result.citation, tuple(facts)))
    return tuple(supports)


def _status(decision: Decision, criterion: str) -> str:
    return next(r.status for r in decision.trace if r.id == criterion)


def what_would_change(
    pack: RulePack, case: Case, decision: Decision | None = None
) -> OutcomeChanges:
    """The single facts that would turn ``case``'s decision under ``pack`` around.

    ``decision`` is ``evaluate(pack, case)`` when the caller has it already.
    """
    if decision is None:
        decision = evaluate(pack, case)
    supports = _supports(pack, case, decision) if decision.decision == HONOR else ()
    return OutcomeChanges(
        decision.decision, _flips(pack, case, decision), supports, decision.notification_only
    )


class ActionFlip(NamedTuple):
    """A single fact whose change changes one action's outcome (release date, transfer…)."""

    action: str
    label: str
    change: Change
    fact: str
    before: str  # the action's outcome now
    after: str  # its outcome after the change
    text: str  # the pack's words for the outcome after the change


def what_would_change_actions(
    pack: RulePack, case: Case, decision: Decision | None = None
) -> tuple[ActionFlip, ...]:
    """The single facts that would change an action's outcome, action by action.

    The same trials as ``what_would_change`` (each answer otherwise, a further entry, an
    entry removed or amended), judged on every action of the pack's ``outcomes`` rather
    than on the hold alone: under a law that never allows a hold, what ICE would have to
    show for the release date to be shared.
    """
    if decision is None:
        decision = evaluate(pack, case)
    now = {outcome.id: outcome for outcome in decision.outcomes}
    trials = _trials(pack, case)
    found: list[ActionFlip] = []
    added: set[tuple[str, str]] = set()
    for trial in trials:
        after = evaluate(pack, trial.case)
        for outcome in after.outcomes:
            before = now.get(outcome.id)
            if before is None or before.outcome == outcome.outcome:
                continue
            fact = trial.fact
            if trial.change.kind == ADD:
                key = (outcome.id, outcome.outcome)
                if key in added:
                    continue
                added.add(key)
                fact = f"{fact}: {_met_texts(pack, outcome.grounds)}".rstrip(": ")
            found.append(
                ActionFlip(
                    outcome.id,
                    outcome.label,
                    trial.change,
                    fact,
                    before.outcome,
                    outcome.outcome,
                    outcome.text,
                )
            )
    order = [rule.disclosure for rule in pack.outcomes]
    return tuple(sorted(found, key=lambda flip: order.index(flip.action)))


def action_sections(
    flips: tuple[ActionFlip, ...],
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``what_would_change_actions`` as headed lists of sentences, one per action."""
    out: dict[str, list[str]] = {}
    for flip in flips:
        out.setdefault(f"What would change: {flip.label}", []).append(f"{flip.fact} — {flip.text}.")
    return tuple((heading, tuple(lines)) for heading, lines in out.items())


def sections(changes: OutcomeChanges) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The result as headed lists of sentences, for the result page and the memo alike."""
    out: list[tuple[str, tuple[str, ...]]] = []
    if changes.decision == HONOR:
        honored = "the notification" if changes.notification_only else "the hold"
        out.append(
            (
                f"What {honored} rests on",
                tuple(
                    f"{s.title} ({s.citation}): " + ("; ".join(s.facts) or "no single fact")
                    for s in changes.supports
                ),
            )
        )
        heading = "Facts that, if wrong, mean the detainer must be declined"
        empty = (
            f"No single fact: {honored} rests on more than one ground or entry, so no one "
            "change would turn it into a decline."
        )
    else:
        heading = "What ICE would have to show for the detainer to be honored"
        empty = "No single fact would change this decline under the law in force."
    known = changes.known
    out.append((heading, tuple(f"{f.fact} — {f.effect}." for f in known) or (empty,)))
    unknowns = changes.unknowns
    out.append(
        (
            "Unknown answers that could change the outcome",
            tuple(f"{f.fact} — {f.effect}." for f in unknowns)
            or ("None: no unknown answer could change this outcome on its own.",),
        )
    )
    return tuple(out)

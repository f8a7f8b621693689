"""The class a conviction carried on its date: a section's class history, applied.

Offense classes change (bribery was a class D felony before P.A. 03-259), and the
gates of 2019 and 2025 ask what the person "has been convicted of". A conviction
therefore counts with the class its section carried on the conviction date. The
history comes from the offense catalog (rules/ attaches it to each offense); this
module only reads it, so the engine stays pure.

Where the class of the day cannot be told (no date, a gap in the sources, a class no
source gives) the engine tries every class the conviction could carry: a doubt that
cannot change the grounds is only stated; one that can sends the decision to review.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from trustdesk.core.class_periods import ClassHistory, Form, describe_forms, pairs
from trustdesk.core.model import Case, Offense

#: Every level and class a conviction can be entered with.
ANY_CLASS: frozenset[tuple[str, str]] = frozenset(
    [("felony", k) for k in ("A", "B", "C", "D", "E", "unclassified")]
    + [("misdemeanor", k) for k in ("A", "B", "C", "D", "unclassified")]
)


class ClassDoubt(NamedTuple):
    """A conviction whose class the sources leave open, and the classes it could carry."""

    position: int
    candidates: frozenset[tuple[str, str]]
    text: str


class ClassFindings(NamedTuple):
    """The case with each conviction's class as of its date, and what the officer is told."""

    case: Case
    notes: tuple[str, ...]
    doubts: tuple[ClassDoubt, ...]


def apply_class_history(case: Case) -> ClassFindings:
    """Use the class each conviction's section carried on the conviction date."""
    notes: list[str] = []
    doubts: list[ClassDoubt] = []
    convictions: list[Offense] = []
    for index, item in enumerate(case.convictions):
        label = f"Conviction {index + 1} (§ {item.section or item.statute})"
        # The case reader marks only offenses of the catalog's own jurisdiction.
        if item.class_unknown:
            doubts.append(
                ClassDoubt(
                    index,
                    ANY_CLASS,
                    f"{label}: the sources the catalog holds do not settle this section's "
                    "class (none gives it, or they disagree: see the offense's note); the "
                    "class as entered was used and must be checked against the judgment",
                )
            )
        convictions.append(_as_of_date(index, item, label, notes, doubts))
    if not notes and not doubts:
        return ClassFindings(case, (), ())
    return ClassFindings(case._replace(convictions=tuple(convictions)), tuple(notes), tuple(doubts))


def settle(
    findings: ClassFindings, grounds_of: Callable[[Case], tuple[str, ...]]
) -> tuple[list[str], list[str]]:
    """Notes for the officer and reasons for review, once each doubt has been tried.

    ``grounds_of`` decides a case (the grounds met); a doubt goes to review only when
    some class the conviction could carry gives other grounds than the class used.
    """
    notes = list(findings.notes)
    review: list[str] = []
    if not findings.doubts:
        return notes, review
    base = grounds_of(findings.case)
    for doubt in findings.doubts:
        item = findings.case.convictions[doubt.position]
        if any(
            grounds_of(_with_class(findings.case, doubt.position, level, klass)) != base
            for level, klass in sorted(doubt.candidates - {(item.level, item.klass)})
        ):
            review.append(doubt.text)
        else:
            notes.append(
                f"{doubt.text}. Every class this conviction could carry leads to the same "
                "grounds, so the decision does not depend on it"
            )
    return notes, review


def _with_class(case: Case, index: int, level: str, klass: str) -> Case:
    convictions = list(case.convictions)
    convictions[index] = convictions[index]._replace(level=level, klass=klass)
    return case._replace(convictions=tuple(convictions))


def _change(history: ClassHistory) -> str:
    since, exact = history.change_date()
    if since is None:
        return history.act or "a later act"
    return f"{history.act or 'a later act'}, in force {'from' if exact else 'by'} {since}"


def _every_form(history: ClassHistory) -> frozenset[tuple[str, str]]:
    forms: list[Form] = list(history.current)
    for period in history.earlier:
        forms.extend(period.forms)
    return pairs(tuple(forms))


def _as_of_date(
    index: int, item: Offense, label: str, notes: list[str], doubts: list[ClassDoubt]
) -> Offense:
    history = item.class_history
    # Only offenses of the catalog's own jurisdiction carry a history (rules/caseio.py).
    if history is None or not history.differs():
        return item
    today = describe_forms(history.current)
    change = _change(history)
    if item.date is None:
        doubts.append(
            ClassDoubt(
                index,
                _every_form(history),
                f"{label} has no date and the section's class has changed (today {today}; "
                f"{change}): enter the conviction date; the class as entered was used",
            )
        )
        return item
    forms = history.on(item.date)
    if forms is None:
        doubts.append(
            ClassDoubt(
                index,
                _every_form(history),
                f"{label}: the sources do not tell which class the section carried on "
                f"{item.date.isoformat()} (today {today}; {change}); check the judgment",
            )
        )
        return item
    entered = (item.level, item.klass)
    current = pairs(forms) == pairs(history.current)
    if current and entered in pairs(forms):
        return item
    then = describe_forms(forms)
    # Dated after the change, the entry may still carry a former class (a 2013 § 53a-54b
    # entered as the unclassified capital felony it was until 2012): it was used as
    # entered, with nothing said (a hostile pass). It is checked as an older date is.
    was = "already " if current else ""
    today_words = "as today" if current else f"today {_a(today)}"
    if entered in pairs(forms):
        notes.append(
            f"{label}: on the conviction date, {item.date.isoformat()}, the section was "
            f"{_a(then)}; today it is {_a(today)} ({change}). "
            "The class of the conviction date is used"
        )
        return item
    choices = sorted(pairs(forms))
    if len(choices) == 1:
        level, klass = choices[0]
        notes.append(
            f"{label} was entered as {describe_forms(((item.level, (item.klass,)),))}, but on "
            f"{item.date.isoformat()} the section was {was}{_a(then)} ({today_words}; "
            f"{change}): the {then} of the conviction date is used"
        )
        # The record and the catalog disagree: decide on the law of the day, but if the
        # entered class would decide otherwise a supervisor compares the judgment.
        doubts.append(
            ClassDoubt(
                index,
                frozenset({entered}),
                f"{label}: the class entered differs from the class the section carried on "
                "the conviction date; compare the judgment",
            )
        )
        return item._replace(level=level, klass=klass)
    doubts.append(
        ClassDoubt(
            index,
            pairs(forms),
            f"{label} was entered as {describe_forms(((item.level, (item.klass,)),))}, which "
            f"the section did not carry on {item.date.isoformat()} (then {then}; "
            f"{'as today' if current else f'today {today}'}; {change}); check the judgment",
        )
    )
    return item


def _a(text: str) -> str:
    """``a class D felony``, ``an unclassified felony``."""
    return ("an " if text[:1] in "aeiou" else "a ") + text

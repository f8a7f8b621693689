"""The class a conviction carried on its date: a section's class history, applied.

Offense classes change (bribery was a class D felony before P.A. 03-259), and the
gates of 2019 and 2025 ask what the person "has been convicted of". A conviction
therefore counts with the class its section carried on the conviction date. The
history comes from the offense catalog (rules/ attaches it to each offense); this
module only reads it, so the engine stays pure.
"""

from __future__ import annotations

from typing import NamedTuple

from trustdesk.core.class_periods import describe_forms, pairs
from trustdesk.core.model import Case, Offense


class ClassFindings(NamedTuple):
    """The case with each conviction's class as of its date, and what the officer is told."""

    case: Case
    notes: tuple[str, ...]
    review: tuple[str, ...]


def apply_class_history(case: Case) -> ClassFindings:
    """Use the class each conviction's section carried on the conviction date."""
    notes: list[str] = []
    review: list[str] = []
    convictions: list[Offense] = []
    for number, item in enumerate(case.convictions, start=1):
        label = f"Conviction {number} (§ {item.section or item.statute})"
        if item.class_unknown:
            review.append(
                f"{label}: no source the catalog holds gives this section's class; the class "
                "as entered was used and must be checked against the judgment"
            )
        convictions.append(_as_of_date(item, label, notes, review))
    if not notes and not review:
        return ClassFindings(case, (), ())
    return ClassFindings(case._replace(convictions=tuple(convictions)), tuple(notes), tuple(review))


def _as_of_date(item: Offense, label: str, notes: list[str], review: list[str]) -> Offense:
    history = item.class_history
    if history is None or not history.differs() or item.jurisdiction != "CT":
        return item
    today = describe_forms(history.current)
    since, _ = history.change_date()
    change = f"{history.act or 'a later act'}" + (
        f", in force from {since.isoformat()}" if since is not None else ""
    )
    if item.date is None:
        review.append(
            f"{label} has no date and the section's class has changed (today {today}; "
            f"{change}): enter the conviction date; the class as entered was used"
        )
        return item
    forms = history.on(item.date)
    if forms is None:
        review.append(
            f"{label}: the sources do not tell which class the section carried on "
            f"{item.date.isoformat()} (today {today}; {change}); check the judgment"
        )
        return item
    if pairs(forms) == pairs(history.current):
        return item
    then = describe_forms(forms)
    entered = (item.level, item.klass)
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
            f"{item.date.isoformat()} the section was {_a(then)} (today {_a(today)}; {change}): "
            f"the {then} of the conviction date is used"
        )
        # The record and the catalog disagree: decide on the law of the day, but have a
        # supervisor compare the judgment, since the date or the class may be mistyped.
        review.append(
            f"{label}: the class entered differs from the class the section carried on the "
            "conviction date; compare the judgment"
        )
        return item._replace(level=level, klass=klass)
    review.append(
        f"{label} was entered as {describe_forms(((item.level, (item.klass,)),))}, which the "
        f"section did not carry on {item.date.isoformat()} (then {then}; today {today}; "
        f"{change}); check the judgment"
    )
    return item


def _a(text: str) -> str:
    """``a class D felony``, ``an unclassified felony``."""
    return ("an " if text[:1] in "aeiou" else "a ") + text

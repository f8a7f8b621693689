"""Pack format 3's condition nodes: offense flags, reductions, probable cause, look-back
windows and generic case facts, table by table (decision 0036)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Any

import pytest

from trustdesk.core.conditions import (
    ConditionError,
    Trace,
    compile_condition,
    compile_item,
    years_before,
)
from trustdesk.core.model import Case, Detainer, Offense, Person, get_field, replace_field

QUESTIONS = {"reg": "facts.current_registrant", "w": "detainer.judicial_warrant"}


def offense(**fields: Any) -> Offense:
    values: dict[str, Any] = {
        "statute": "101",
        "section": "101",
        "level": "felony",
        "klass": "unclassified",
        "jurisdiction": "NV",
    }
    values.update(fields)
    return Offense(**values)


def case(**fields: Any) -> Case:
    return Case(
        decision_time=datetime(2026, 1, 5, tzinfo=UTC),
        detainer=Detainer(form="I-247A"),
        person=Person(name="X", booking_number="1"),
        **fields,
    )


def item_test(raw: Any, item: Offense, day: date | None = date(2026, 3, 1)) -> bool | None:
    return compile_item(raw, "", {}).test(item, Trace(day=day))


@pytest.mark.parametrize(
    ("day", "years", "start"),
    [
        (date(2026, 3, 1), 5, date(2021, 3, 1)),
        (date(2026, 1, 1), 15, date(2011, 1, 1)),
        # 29 February in a year whose N-th predecessor has none: 28 February.
        (date(2024, 2, 29), 5, date(2019, 2, 28)),
        (date(2024, 2, 29), 15, date(2009, 2, 28)),
        # ... and in one whose predecessor has it.
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
        (date(2025, 2, 28), 5, date(2020, 2, 28)),
        (date(2025, 3, 1), 5, date(2020, 3, 1)),
    ],
)
def test_years_before_counts_calendar_years(day: date, years: int, start: date) -> None:
    assert years_before(day, years) == start


WINDOW = [
    # (conviction date, decision date, years, boundary, expected)
    (date(2021, 3, 1), date(2026, 3, 1), 5, "inclusive", True),  # exactly 5 years
    (date(2021, 3, 1), date(2026, 3, 1), 5, "exclusive", False),
    (date(2021, 3, 2), date(2026, 3, 1), 5, "exclusive", True),  # a day inside
    (date(2021, 2, 28), date(2026, 3, 1), 5, "inclusive", False),  # a day outside
    (date(2011, 1, 1), date(2026, 1, 1), 15, "inclusive", True),  # exactly 15 years
    (date(2011, 1, 1), date(2026, 1, 1), 15, "exclusive", False),
    (date(2010, 12, 31), date(2026, 1, 1), 15, "inclusive", False),
    # Decided on 29 February 2024: the window opens on 28 February 2019.
    (date(2019, 2, 28), date(2024, 2, 29), 5, "inclusive", True),
    (date(2019, 2, 28), date(2024, 2, 29), 5, "exclusive", False),
    (date(2019, 2, 27), date(2024, 2, 29), 5, "inclusive", False),
    (date(2019, 3, 1), date(2024, 2, 29), 5, "exclusive", True),
    # A conviction on 29 February, decided five years later on 28 February / 1 March.
    (date(2020, 2, 29), date(2025, 2, 28), 5, "inclusive", True),
    (date(2020, 2, 29), date(2025, 3, 1), 5, "inclusive", False),
    # The decision date itself is within any window.
    (date(2026, 3, 1), date(2026, 3, 1), 5, "exclusive", True),
]


@pytest.mark.parametrize(("when", "day", "years", "boundary", "expected"), WINDOW)
def test_within_years_edges(
    when: date, day: date, years: int, boundary: str, expected: bool
) -> None:
    raw = {"within_years": years, "of": "date", "boundary": boundary}
    assert item_test(raw, offense(date=when), day) is expected


@pytest.mark.parametrize("boundary", ["inclusive", "exclusive"])
def test_within_years_is_unknown_without_a_date(boundary: str) -> None:
    raw = {"within_years": 5, "of": "date", "boundary": boundary}
    assert item_test(raw, offense(date=None)) is None
    assert item_test(raw, offense(date=date(2025, 1, 1)), day=None) is None
    # Unknown, not false: a negated window stays unknown.
    assert item_test({"not": raw}, offense(date=None)) is None


@pytest.mark.parametrize(
    ("raw", "fields", "expected"),
    [
        ({"attr": "flags", "has": "serious"}, {"flags": frozenset({"serious"})}, True),
        ({"attr": "flags", "has": "serious"}, {"flags": frozenset({"violent"})}, False),
        ({"attr": "flags", "has": "serious"}, {}, False),
        (
            {"attr": "reduced_to_misdemeanor", "equals": True},
            {"reduced_to_misdemeanor": True},
            True,
        ),
        ({"attr": "reduced_to_misdemeanor", "equals": True}, {}, False),
        (
            {"attr": "reduced_to_misdemeanor", "equals": True},
            {"reduced_to_misdemeanor": None},
            None,
        ),
        ({"attr": "probable_cause_found", "equals": True}, {"probable_cause_found": True}, True),
        ({"attr": "probable_cause_found", "equals": True}, {"probable_cause_found": False}, False),
        # Not entered: unknown (a magistrate's finding is never assumed).
        ({"attr": "probable_cause_found", "equals": True}, {}, None),
    ],
)
def test_offense_attributes(raw: Any, fields: dict[str, Any], expected: bool | None) -> None:
    assert item_test(raw, offense(**fields)) is expected


@pytest.mark.parametrize(
    ("facts", "expected"),
    [({"current_registrant": True}, True), ({"current_registrant": False}, False), ({}, None)],
)
def test_a_fact_question_reads_case_facts(facts: dict[str, Any], expected: bool | None) -> None:
    condition = compile_condition({"answer": "reg"}, "", QUESTIONS, {})
    trace = Trace()
    subject = case(facts=MappingProxyType(facts))
    assert condition.evaluate(subject, trace) is expected
    assert trace.facts[0][0] == "/facts/current_registrant"
    assert (trace.unknown == ["reg"]) is (expected is None)


def test_fact_fields_read_and_write() -> None:
    subject = case()
    assert get_field(subject, "facts.current_registrant") is None
    changed = replace_field(subject, "facts.current_registrant", True)
    assert get_field(changed, "facts.current_registrant") is True
    assert get_field(subject, "facts.current_registrant") is None  # the original is untouched
    assert get_field(
        replace_field(subject, "detainer.judicial_warrant", True), "detainer.judicial_warrant"
    )


@pytest.mark.parametrize(
    ("raw", "pointer", "words"),
    [
        ({"within_years": 5, "of": "date"}, "/boundary", "inclusive or exclusive"),
        ({"within_years": 0, "of": "date", "boundary": "inclusive"}, "/within_years", "whole"),
        ({"within_years": 5, "of": "released", "boundary": "inclusive"}, "/of", "date"),
        ({"attr": "flags", "equals": "serious"}, "", "needs has"),
    ],
)
def test_malformed_new_conditions_are_refused(raw: Any, pointer: str, words: str) -> None:
    with pytest.raises(ConditionError) as caught:
        compile_item(raw, "", {})
    assert caught.value.pointer == pointer
    assert words in caught.value.reason

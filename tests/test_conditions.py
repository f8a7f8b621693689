"""The condition interpreter: Kleene three-valued logic and strict compilation."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import product
from typing import Any

import pytest

from trustdesk.core.conditions import ConditionError, Trace, compile_condition
from trustdesk.core.model import Case, Detainer, Offense, Person

QUESTIONS = {"w": "outstanding_ct_warrant", "g": "gang_member", "t": "tsdb_match"}
LISTS = {"listed": frozenset({"53a-71"})}


def case(**answers: Any) -> Case:
    return Case(
        decision_time=datetime(2026, 1, 5, tzinfo=UTC),
        detainer=Detainer(form="I-247A"),
        person=Person(name="X", booking_number="1"),
        **answers,
    )


def offense(**fields: Any) -> Offense:
    values: dict[str, Any] = {
        "statute": "53a-71",
        "section": "53a-71",
        "level": "felony",
        "klass": "C",
        "jurisdiction": "CT",
        # As the case reader gives it, from the catalog's own jurisdiction.
        "home": ("CT", "Connecticut"),
    }
    values.update(fields)
    return Offense(**values)


def run(raw: Any, subject: Case) -> tuple[bool | None, Trace]:
    trace = Trace()
    return compile_condition(raw, "", QUESTIONS, LISTS).evaluate(subject, trace), trace


TRI = (True, False, None)


def kleene_and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if None in (a, b) else True


def kleene_or(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if None in (a, b) else False


@pytest.mark.parametrize(("a", "b"), list(product(TRI, TRI)))
def test_all_any_not_follow_kleene_logic(a: bool | None, b: bool | None) -> None:
    subject = case(outstanding_ct_warrant=a, gang_member=b)
    both = [{"answer": "w"}, {"answer": "g"}]
    assert run({"all": both}, subject)[0] is kleene_and(a, b)
    assert run({"any": both}, subject)[0] is kleene_or(a, b)
    negated = run({"not": {"answer": "w"}}, subject)[0]
    assert negated is (None if a is None else not a)


def test_answer_records_the_fact_and_unknowns() -> None:
    status, trace = run({"answer": "t"}, case(tsdb_match=None))
    assert status is None
    assert trace.facts == [("/tsdb_match", "Unknown / not verified")]
    assert trace.unknown == ["t"]
    status, _ = run({"answer": "t", "equals": False}, case(tsdb_match=False))
    assert status is True


def test_exists_over_convictions_with_unsettled_rule() -> None:
    raw = {
        "exists": "convictions",
        "where": {"attr": "section", "in_list": "listed"},
        "unsettled": [
            {"where": {"not": {"attr": "jurisdiction", "in": ["CT"]}}, "reason": "out of state"}
        ],
    }
    status, trace = run(raw, case(convictions=(offense(),)))
    assert status is True
    assert trace.lists_used == ["listed"]
    assert trace.facts == [("/convictions/0", "§ 53a-71 class C felony (Connecticut)")]
    status, trace = run(raw, case(convictions=(offense(jurisdiction="NY"),)))
    assert status is None
    assert trace.unsettled == ["§ 53a-71 class C felony (NY): out of state"]
    status, trace = run(raw, case(convictions=(offense(section="53a-60"),)))
    assert status is False
    assert trace.facts == [("/convictions/0", "§ 53a-60 class C felony (Connecticut)")]


def test_unknown_item_attribute_is_unknown() -> None:
    raw = {"exists": "pending_charges", "where": {"attr": "bond_posted", "equals": False}}
    status, trace = run(raw, case(pending_charges=(offense(bond_posted=None),)))
    assert status is None
    assert trace.unknown == ["/pending_charges/0"]


@pytest.mark.parametrize(
    ("raw", "pointer", "message"),
    [
        ({"answer": "nope"}, "/answer", "no question with id 'nope'"),
        ({"all": []}, "/all", "needs at least one"),
        ({"any": [{"answer": "w"}, 3]}, "/any/1", "must be an object"),
        ({"answer": "w", "exists": "convictions"}, "", "exactly one of"),
        ({"exists": "victims", "where": {"all": []}}, "/exists", "unknown collection"),
        (
            {"exists": "convictions", "where": {"attr": "colour", "in": ["x"]}},
            "/where/attr",
            "unknown attribute",
        ),
        (
            {"exists": "convictions", "where": {"attr": "section", "in_list": "x"}},
            "/where/in_list",
            "no statute list",
        ),
        (
            {"exists": "convictions", "where": {"attr": "level"}},
            "/where",
            "needs one of in, in_list, equals",
        ),
        ({"answer": "w", "equals": "yes"}, "/equals", "must be true or false"),
    ],
)
def test_malformed_conditions_are_refused(raw: Any, pointer: str, message: str) -> None:
    with pytest.raises(ConditionError) as caught:
        compile_condition(raw, "", QUESTIONS, LISTS)
    assert caught.value.pointer == pointer
    assert message in caught.value.reason

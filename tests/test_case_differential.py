"""The hand-written case parser and schemas/case.schema.json give the same verdict.

The parser exists for speed (docs/decisions/0002); this test holds it to the schema
over thousands of generated documents. The parser is stricter in two documented ways
only: it also refuses dates that match the pattern but do not exist (2026-02-30), and
facts that cannot all be true (a conviction dated after the decision time, say), which
JSON Schema cannot express (core/consistency.py).
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from casekit import make_case
from trustdesk import resources
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError


@cache
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(resources.schema("case").read_text()))


POOL: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    2.5,
    "",
    " ",
    "x",
    "  padded  ",
    "tab\there",
    "line\n",
    "A" * 32,
    "A" * 33,
    "A" * 41,
    "B" * 201,
    "NH-2026-0412",
    "NH#1",
    " lead",
    "trail ",
    "felony",
    "misdemeanor",
    "violation",
    "A",
    "B",
    "E",
    "unclassified",
    "CT",
    "NY",
    "federal",
    "XX",
    "I-247A",
    "I-247N",
    "I-200",
    "I-205",
    "2026-11-19T09:00:00-05:00",
    "2026-11-19T09:00Z",
    "2026-11-19T09:00:00.123456+00:00",
    "2026-11-19 09:00",
    "2026-02-30T09:00:00Z",
    "1990-04-17",
    "1990-02-30",
    "17/04/1990",
    "2026-11-19T09:00:00-05:00\n",
    "0001-01-01T00:00:00+00:00",
    "9999-12-31T23:59:59-05:00",
    "1899-12-31T23:59:59Z",
    "2199-12-31T23:59:59-05:00",
    "2200-01-01T00:00:00Z",
    "2030-01-01",
    "1899-12-31",
    "1900-01-01",
    "2200-01-01",
    "Jos\u202ee",
    "x\u2066y\u2069",
    "\u200f",
    "a\ud800",
    "x\x85y",
    "x\x7f",
    "Zo\u200cya",
    [],
    {},
    [{}],
    {"asserted": True},
    {"asserted": True, "reason": "r"},
    {"asserted": False, "reason": None},
    {"asserted": None},
    {"asserted": "yes"},
]

OFFENSE_POOL: list[Any] = [
    {"statute": "53a-134", "level": "felony", "class": "B", "jurisdiction": "CT"},
    {"statute": "53a-61", "level": "misdemeanor", "class": "E", "jurisdiction": "CT"},
    {"statute": "53a-61", "level": "misdemeanor", "class": "A", "jurisdiction": "NY", "date": None},
    {
        "statute": "53a-61",
        "level": "felony",
        "class": "E",
        "jurisdiction": "federal",
        "under_appeal": None,
        "juvenile": True,
    },
]

PATHS: list[tuple[str, ...]] = [
    ("decision_time",),
    ("releasable_at",),
    ("detainer",),
    ("person",),
    ("convictions",),
    ("pending_charges",),
    ("tsdb_match",),
    ("gang_member",),
    ("public_safety_risk",),
    ("public_safety_risk", "reason"),
    ("public_safety_risk", "asserted"),
    ("extra",),
    ("detainer", "form"),
    ("detainer", "received_at"),
    ("detainer", "judicial_warrant"),
    ("detainer", "administrative_warrant"),
    ("detainer", "issuing_office"),
    ("detainer", "subject_id"),
    ("detainer", "extra"),
    ("person", "name"),
    ("person", "booking_number"),
    ("person", "date_of_birth"),
    ("person", "extra"),
    ("convictions", "0"),
    ("convictions", "0", "statute"),
    ("convictions", "0", "level"),
    ("convictions", "0", "class"),
    ("convictions", "0", "jurisdiction"),
    ("convictions", "0", "date"),
    ("convictions", "0", "under_appeal"),
    ("convictions", "0", "bond_posted"),
    ("pending_charges", "0", "bond_posted"),
    ("pending_charges", "0", "class"),
    ("pending_charges", "0", "extra"),
]

DELETE = object()


def base() -> dict[str, Any]:
    case = make_case(
        releasable_at="2026-11-20T15:00:00-05:00",
        convictions=[
            {
                "statute": "53a-134",
                "level": "felony",
                "class": "B",
                "jurisdiction": "CT",
                "date": "2012-01-01",
            }
        ],
        pending_charges=[
            {
                "statute": "53a-61",
                "level": "misdemeanor",
                "class": "A",
                "jurisdiction": "CT",
                "bond_posted": None,
            }
        ],
        public_safety_risk={"asserted": True, "reason": "Threatened a witness."},
    )
    case["detainer"].update(
        received_at="2026-11-19T08:00:00Z", issuing_office="ERO", subject_id="A1"
    )
    return case


def apply(case: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node: Any = case
    for part in path[:-1]:
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return
    last = path[-1]
    if isinstance(node, list):
        if last.isdigit() and int(last) < len(node):
            if value is DELETE:
                del node[int(last)]
            else:
                node[int(last)] = value
    elif isinstance(node, dict):
        if value is DELETE:
            node.pop(last, None)
        else:
            node[last] = value


mutation = st.tuples(
    st.sampled_from(PATHS),
    st.one_of(st.sampled_from(POOL), st.sampled_from(OFFENSE_POOL), st.just(DELETE)),
)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(mutation, min_size=0, max_size=4))
def test_parser_and_schema_agree(mutations: list[tuple[tuple[str, ...], Any]]) -> None:
    case = base()
    for path, value in mutations:
        apply(case, path, copy.deepcopy(value))
    schema_ok = validator().is_valid(case)
    try:
        parse_case(case, "case.json")
    except InputError as exc:
        if schema_ok:
            stricter = ("not a real date", "is after the decision time", "before the date of birth")
            assert any(text in exc.reason for text in stricter), (exc, case)
        return
    assert schema_ok, (list(validator().iter_errors(case))[:1], case)


def test_the_generator_reaches_both_verdicts() -> None:
    assert validator().is_valid(base())
    broken = base()
    apply(broken, ("person", "booking_number"), "NH#1")
    assert not validator().is_valid(broken)


def test_every_invisible_formatting_character_is_refused_by_both() -> None:
    """Each of the invisible formatting characters (a zero-width space, a soft hyphen, a
    byte-order mark…) in a name: the reader and the schema both refuse it, one by one,
    not only where the generator happens to look."""
    from trustdesk.core.characters import INVISIBLE_RANGES

    for low, high in INVISIBLE_RANGES:
        for code in range(low, high + 1):
            case = base()
            case["person"]["name"] = f"Mar{chr(code)}ía Peña"
            assert not validator().is_valid(case), hex(code)
            try:
                parse_case(case, "case.json")
            except InputError as error:
                assert f"U+{code:04X}" in error.reason, (hex(code), error.reason)
            else:
                raise AssertionError(f"U+{code:04X} was read")

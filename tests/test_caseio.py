"""Reading the JSON case format: valid cases become core values, bad ones one clear line."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError
from trustdesk.rules.strict_json import loads


def test_full_case_is_read() -> None:
    raw = make_case(
        releasable_at="2026-11-20T15:00:00-05:00",
        convictions=[conviction("53A134", "felony", "B", date="2012-05-01", under_appeal=None)],
        pending_charges=[conviction("53a-61", "misdemeanor", "A", bond_posted=False)],
        tsdb_match=None,
        public_safety_risk={"asserted": True, "reason": "  Threatened a witness. "},
    )
    raw["person"]["name"] = "  María Peña "
    case = parse_case(raw, "c.json", catalog={"53a-134"})
    assert case.decision_time == datetime.fromisoformat("2026-11-19T09:00:00-05:00")
    assert case.decision_time.utcoffset() == timedelta(hours=-5)
    assert case.person.name == "María Peña"
    assert case.person.date_of_birth == date(1990, 4, 17)
    first = case.convictions[0]
    assert (first.statute, first.section, first.klass, first.in_catalog) == (
        "53A134",
        "53a-134",
        "B",
        True,
    )
    assert first.under_appeal is None
    assert first.bond_posted is None
    assert case.pending_charges[0].bond_posted is False
    assert case.pending_charges[0].in_catalog is False
    assert case.tsdb_match is None
    assert case.public_safety_risk.reason == "Threatened a witness."


def test_absent_answers_are_unknown_and_lists_empty() -> None:
    raw = {
        "decision_time": "2026-11-19T09:00:00Z",
        "detainer": {"form": "I-247A"},
        "person": {"name": "A", "booking_number": "1"},
    }
    case = parse_case(raw, "c.json")
    assert case.convictions == () and case.pending_charges == ()
    assert case.tsdb_match is None and case.detainer.judicial_warrant is None
    assert case.releasable_at is None


def bad(mutate: Any) -> InputError:
    raw = make_case(convictions=[conviction("53a-134", "felony", "B")])
    mutate(raw)
    with pytest.raises(InputError) as caught:
        parse_case(raw, "case.json")
    return caught.value


@pytest.mark.parametrize(
    ("mutate", "pointer", "reason"),
    [
        (lambda c: c.update(colour="red"), "/colour", "unknown field 'colour'"),
        (lambda c: c.pop("person"), "", "missing required field 'person'"),
        (lambda c: c.update(tsdb_match="yes"), "/tsdb_match", "must be true, false or null"),
        (lambda c: c.update(decision_time="2026-11-19 09:00"), "/decision_time", "UTC offset"),
        (lambda c: c.update(decision_time="2026-11-19T09:00:00"), "/decision_time", "UTC offset"),
        (
            lambda c: c.update(decision_time="2026-02-30T09:00:00Z"),
            "/decision_time",
            "not a real date",
        ),
        (
            lambda c: c["person"].update(date_of_birth="17/04/1990"),
            "/person/date_of_birth",
            "date like",
        ),
        (lambda c: c["person"].update(name="   "), "/person/name", "must not be empty"),
        (lambda c: c["person"].update(name="x" * 201), "/person/name", "longer than 200"),
        (lambda c: c["person"].update(name="a\nb"), "/person/name", "U+000A, a control character"),
        (
            lambda c: c["person"].update(booking_number="NH#1"),
            "/person/booking_number",
            "letters, digits",
        ),
        (lambda c: c["detainer"].update(form="I-999"), "/detainer/form", "must be one of"),
        (
            lambda c: c["detainer"].update(administrative_warrant="I-247A"),
            "/detainer/administrative_warrant",
            "I-200, I-205",
        ),
        (
            lambda c: c["convictions"][0].update(level="violation"),
            "/convictions/0/level",
            "felony, misdemeanor",
        ),
        (
            lambda c: c["convictions"][0].update(level="misdemeanor", **{"class": "E"}),
            "/convictions/0/class",
            "no class E misdemeanor",
        ),
        (
            lambda c: c["convictions"][0].update(jurisdiction="XX"),
            "/convictions/0/jurisdiction",
            "two-letter state",
        ),
        (
            lambda c: c["convictions"][0].update(bond_posted=True),
            "/convictions/0/bond_posted",
            "unknown field",
        ),
        (
            lambda c: c["convictions"][0].pop("class"),
            "/convictions/0",
            "missing required field 'class'",
        ),
        (lambda c: c.update(convictions={}), "/convictions", "must be a list"),
        (
            lambda c: c.update(public_safety_risk={"asserted": True}),
            "/public_safety_risk/reason",
            "requires the reason",
        ),
        (
            lambda c: c.update(public_safety_risk={"asserted": True, "reason": " "}),
            "/public_safety_risk/reason",
            "must not be empty",
        ),
        (lambda c: c.update(person=[]), "/person", "must be an object, not a list"),
    ],
)
def test_bad_input_names_pointer_and_fix(mutate: Any, pointer: str, reason: str) -> None:
    error = bad(mutate)
    assert error.pointer == pointer
    assert reason in error.reason
    assert str(error).startswith(f"case.json: {pointer or '/'}: ")


def test_duplicate_key_in_case_file_is_refused() -> None:
    text = json.dumps(make_case()).replace(
        '"tsdb_match": false', '"tsdb_match": false, "tsdb_match": true'
    )
    with pytest.raises(InputError, match="duplicate key 'tsdb_match'"):
        parse_case(loads(text.encode(), "case.json"), "case.json")


@pytest.mark.parametrize("year", [2100, 2150])
def test_a_release_after_the_hold_calendar_s_last_year_is_a_year_typed_wrong(year: int) -> None:
    """A release time in 2150 (a year mistyped) passed the reader and then stopped the
    hold clock: "the federal holiday calendar cannot be trusted" on the command line, an
    unexpected error at the desk (a hostile pass). The reader names the field."""
    from trustdesk.rules.registry import load_rules

    raw = make_case(releasable_at=f"{year}-11-20T15:00:00-05:00")
    with pytest.raises(InputError) as caught:
        parse_case(raw, "case.json", load_rules().sections)
    assert caught.value.pointer == "/releasable_at"
    assert f"year {year} is after 2099" in caught.value.reason
    assert "check the year of the release time" in caught.value.reason


def test_a_release_late_in_2099_still_has_its_hold_counted() -> None:
    from trustdesk.core.evaluate import evaluate
    from trustdesk.rules.registry import load_rules

    rules = load_rules()
    raw = make_case(
        releasable_at="2099-12-31T15:00:00-05:00",
        convictions=[conviction("53a-134", "felony", "B")],
    )
    case = parse_case(raw, "case.json", rules.sections)
    decision = evaluate(rules.pack_for(case.decision_time), case)
    assert decision.hold is not None
    assert decision.hold.expires_at.year == 2100

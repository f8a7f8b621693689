"""Issue 17 §1: facts that cannot all be true never ground a hold (engine and case reader).

The engine is tested with cases built past the reader (as a record stored before the
reader's checks would be), so its own defence is proven, not the reader's; the reader is
then shown to refuse the same facts, naming the field and the fix.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.consistency import check_facts
from trustdesk.core.decision import DECLINE, HONOR, UNKNOWN
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import Case
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError
from trustdesk.rules.registry import RuleSet

DECIDED = "2026-11-19T09:00:00-05:00"


def _case(rules: RuleSet, **changes: Any) -> Case:
    return parse_case(make_case(**changes), "case.json", rules.sections)


def _felony_b(**extra: Any) -> dict[str, Any]:
    return conviction("53a-134", "felony", "B", date="2012-05-01", **extra)


def _decide(rules: RuleSet, case: Case) -> Any:
    return evaluate(rules.pack_for(case.decision_time), case)


def _with_conviction_date(case: Case, day: date) -> Case:
    return case._replace(convictions=(case.convictions[0]._replace(date=day),))


def test_a_consistent_case_has_no_findings(rules: RuleSet) -> None:
    case = _case(
        rules,
        convictions=[_felony_b()],
        releasable_at="2026-11-19T15:00:00-05:00",
        detainer={"form": "I-247A", "received_at": "2026-11-19T08:00:00-05:00"},
    )
    assert check_facts(case) == ()
    decision = _decide(rules, case)
    assert decision.decision == HONOR and not decision.needs_review and not decision.warnings


def test_a_conviction_dated_after_the_decision_grounds_nothing(rules: RuleSet) -> None:
    sound = _case(rules, convictions=[_felony_b()])
    assert _decide(rules, sound).grounds == ("class_a_b_felony_conviction",)
    # The reported hole: a class B felony dated 2030 for a 2026 decision honored silently.
    case = _with_conviction_date(sound, date(2030, 1, 1))
    decision = _decide(rules, case)
    assert decision.decision == DECLINE and decision.grounds == ()
    assert decision.needs_review
    felony = next(r for r in decision.trace if r.id == "class_a_b_felony_conviction")
    assert felony.status == UNKNOWN
    assert any("NOT COUNTED" in value for _pointer, value in felony.facts)
    assert any("2030-01-01" in w and "after the decision time" in w for w in decision.warnings)
    assert any("cannot all be right" in r for r in decision.review_reasons)


def test_an_impossible_conviction_beside_a_real_ground_still_goes_to_review(
    rules: RuleSet,
) -> None:
    case = _with_conviction_date(
        _case(rules, convictions=[_felony_b()], tsdb_match=True), date(2030, 1, 1)
    )
    decision = _decide(rules, case)
    assert decision.grounds == ("tsdb_match",)
    assert decision.needs_review and decision.warnings


def test_a_conviction_before_birth_grounds_nothing(rules: RuleSet) -> None:
    case = _with_conviction_date(_case(rules, convictions=[_felony_b()]), date(1985, 1, 1))
    assert case.person.date_of_birth == date(1990, 4, 17)
    decision = _decide(rules, case)
    assert decision.decision == DECLINE and decision.needs_review
    assert any("before the date of birth (1990-04-17)" in w for w in decision.warnings)


def test_a_pending_charge_dated_after_the_decision_grounds_nothing(rules: RuleSet) -> None:
    charge = conviction("53a-61", "misdemeanor", "A", bond_posted=False, date="2016-11-01")
    sound = _case(rules, decision_time="2016-11-17T10:00:00-05:00", pending_charges=[charge])
    assert "pending_charges_no_bond" in _decide(rules, sound).grounds
    item = sound.pending_charges[0]._replace(date=date(2017, 1, 1))
    decision = _decide(rules, sound._replace(pending_charges=(item,)))
    assert "pending_charges_no_bond" not in decision.grounds
    assert decision.needs_review
    assert any("pending charge 1" in w for w in decision.warnings)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda c: c._replace(person=c.person._replace(date_of_birth=date(2031, 1, 1))),
            "date of birth (2031-01-01) is after the decision time",
        ),
        (
            lambda c: c._replace(
                detainer=c.detainer._replace(
                    received_at=datetime.fromisoformat("2026-11-20T09:00:00-05:00")
                )
            ),
            "receipt time (2026-11-20T09:00:00-05:00) is after the decision time",
        ),
    ],
)
def test_case_level_impossible_facts_are_warned_and_reviewed(
    rules: RuleSet, change: Any, words: str
) -> None:
    case = change(_case(rules, tsdb_match=True))
    decision = _decide(rules, case)
    assert decision.needs_review
    assert any(words in w for w in decision.warnings), decision.warnings


def test_a_release_time_before_the_detainer_is_kept_and_flagged(rules: RuleSet) -> None:
    case = _case(
        rules,
        tsdb_match=True,
        releasable_at="2020-11-19T08:00:00-05:00",
        detainer={"form": "I-247A", "received_at": "2026-11-19T08:00:00-05:00"},
    )
    decision = _decide(rules, case)
    assert decision.decision == HONOR and decision.needs_review
    # The hold is counted from the release time as entered: the shorter one.
    assert decision.hold is not None and decision.hold.starts_at.year == 2020
    assert any("before the detainer was received" in w for w in decision.warnings)
    assert any("already expired at the decision time" in w for w in decision.warnings)


def test_a_hold_already_expired_at_the_decision_is_flagged(rules: RuleSet) -> None:
    case = _case(rules, tsdb_match=True, releasable_at="2026-11-01T08:00:00-05:00")
    decision = _decide(rules, case)
    assert decision.decision == HONOR and decision.needs_review
    assert any("no hold remains" in w for w in decision.warnings)


# --- the reader refuses what cannot be true, naming the field and the fix -------------------


@pytest.mark.parametrize(
    ("changes", "pointer", "words"),
    [
        (
            {"convictions": [conviction("53a-134", "felony", "B", date="2030-01-01")]},
            "/convictions/0/date",
            "is after the decision time",
        ),
        (
            {"convictions": [conviction("53a-134", "felony", "B", date="1980-01-01")]},
            "/convictions/0/date",
            "is before the date of birth (1990-04-17)",
        ),
        (
            {"pending_charges": [conviction("53a-61", "misdemeanor", "A", date="2027-03-01")]},
            "/pending_charges/0/date",
            "is after the decision time",
        ),
        (
            {"pending_charges": [conviction("53a-61", "misdemeanor", "A", date="1989-03-01")]},
            "/pending_charges/0/date",
            "is before the date of birth",
        ),
        (
            {"person": {"name": "A B", "booking_number": "B1", "date_of_birth": "2027-01-01"}},
            "/person/date_of_birth",
            "is after the decision time",
        ),
        (
            {"detainer": {"form": "I-247A", "received_at": "2026-11-19T09:01:00-05:00"}},
            "/detainer/received_at",
            "a decision cannot come before its detainer",
        ),
    ],
)
def test_the_reader_refuses_impossible_facts(
    rules: RuleSet, changes: dict[str, Any], pointer: str, words: str
) -> None:
    with pytest.raises(InputError) as caught:
        _case(rules, **changes)
    assert caught.value.pointer == pointer
    assert words in caught.value.reason
    assert "correct" in caught.value.reason  # the fix is said, not only the fault


def test_dates_on_the_decision_day_and_the_birthday_are_accepted(rules: RuleSet) -> None:
    # Born 1990-04-17: the seventh birthday is the first day a charge can be dated.
    case = _case(
        rules,
        convictions=[conviction("53a-134", "felony", "B", date="2026-11-19")],
        pending_charges=[conviction("53a-61", "misdemeanor", "A", date="1997-04-17")],
        detainer={"form": "I-247A", "received_at": DECIDED},
    )
    assert check_facts(case) == ()


def test_a_conviction_dated_in_early_childhood_is_not_counted(rules: RuleSet) -> None:
    """Born 1990-04-17: a class B felony dated the day before the seventh birthday (or
    in the cradle) is not counted and goes to review; the dates are for a person to
    check, the reader does not refuse them."""
    for day in ("1997-04-16", "1990-04-17"):
        case = _case(rules, convictions=[conviction("53a-134", "felony", "B", date=day)])
        decision = _decide(rules, case)
        assert decision.decision == DECLINE and decision.needs_review
        [reason] = [r for r in decision.review_reasons if "no one that young" in r]
        assert f"is dated {day}, when the person was" in reason


def test_a_person_older_than_anyone_is_checked(rules: RuleSet) -> None:
    person = {"name": "A B", "booking_number": "B1", "date_of_birth": "1900-01-01"}
    case = _case(rules, person=person, convictions=[_felony_b()])
    decision = _decide(rules, case)
    assert decision.decision == HONOR  # the conviction stands; the birth date is checked
    assert any("makes the person 126 at the decision time" in r for r in decision.review_reasons)


def test_a_conviction_dated_the_next_day_in_its_courts_zone_is_refused(rules: RuleSet) -> None:
    """Decided at 11:05 in Connecticut: its courts' date is still the 19th. The world's
    latest zone is already on the 20th, which no Connecticut judgment can carry; a
    federal court in Guam can."""
    late = "2026-11-19T11:05:00-05:00"
    with pytest.raises(InputError) as caught:
        _case(
            rules,
            decision_time=late,
            convictions=[conviction("53a-134", "felony", "B", date="2026-11-20")],
        )
    assert caught.value.pointer == "/convictions/0/date"
    guam = conviction("18 USC 1951", "felony", "unclassified", "federal", date="2026-11-20")
    assert _case(rules, decision_time=late, convictions=[guam]).convictions[0].date


def test_a_form_named_before_it_existed_is_warned(rules: RuleSet) -> None:
    case = _case(
        rules,
        decision_time="2015-05-10T10:00:00-04:00",
        detainer={"form": "I-247A", "received_at": "2015-05-10T09:00:00-04:00"},
        convictions=[_felony_b()],
    )
    decision = _decide(rules, case)
    [warning] = [w for w in decision.warnings if "came into use on 2017-04-02" in w]
    assert "received on 2015-05-10" in warning and "check the form" in warning


def test_a_conviction_dated_before_the_eighteenth_birthday_goes_to_review(
    rules: RuleSet,
) -> None:
    """Born 1990-04-17: a class B felony "conviction" dated when the person was 12 was
    counted as an adult conviction with no review, because `juvenile` was left out (it
    reads as false). Every pack leaves a juvenile adjudication to counsel (LAW.md §2.2:
    flag such convictions, never decide them silently), so a conviction dated before the
    18th birthday and not entered as juvenile goes to review where that could change
    the grounds, and is only noted where it cannot."""
    case = _case(rules, convictions=[conviction("53a-134", "felony", "B", date="2002-06-01")])
    decision = _decide(rules, case)
    assert decision.needs_review
    [reason] = [r for r in decision.review_reasons if "when the person was 12" in r]
    assert "not entered as a juvenile adjudication" in reason
    assert any("mark it as a juvenile adjudication" in w for w in decision.warnings)
    # A misdemeanor at 16 grounds nothing either way: said, not sent to review.
    minor = _case(rules, convictions=[conviction("53a-61", "misdemeanor", "A", date="2006-06-01")])
    quiet = _decide(rules, minor)
    assert not quiet.needs_review
    assert any("when the person was 16" in w for w in quiet.warnings)
    # Entered as juvenile, it is the pack's unsettled rule that speaks; on the 18th
    # birthday the person was an adult.
    juvenile = conviction("53a-134", "felony", "B", date="2002-06-01", juvenile=True)
    marked = _decide(rules, _case(rules, convictions=[juvenile]))
    assert marked.needs_review and not any("when the person was" in w for w in marked.warnings)
    adult = _decide(
        rules, _case(rules, convictions=[conviction("53a-134", "felony", "B", date="2008-04-17")])
    )
    assert adult.decision == HONOR and not adult.needs_review and not adult.warnings


# --- a second hostile pass: ages read from the decision, and a warrant of removal -----------


def _born(day: str) -> dict[str, str]:
    return {"name": "A B", "booking_number": "B1", "date_of_birth": day}


@pytest.mark.parametrize("key", ["convictions", "pending_charges"])
def test_an_undated_offense_of_a_person_under_seven_at_the_decision_is_not_counted(
    rules: RuleSet, key: str
) -> None:
    """Before, a class B felony with no date for a person four years old at the decision
    was counted and honored with no review, though the same entry dated at any day of
    those four years was not counted: undated, it is no later than the decision."""
    entry = conviction("53a-134", "felony", "B", bond_posted=False)
    if key == "convictions":
        entry = conviction("53a-134", "felony", "B")
    decided = "2018-01-10T09:00:00-05:00" if key == "pending_charges" else DECIDED
    born = "2014-01-01" if key == "pending_charges" else "2022-11-18"
    case = _case(rules, decision_time=decided, person=_born(born), **{key: [entry]})
    decision = _decide(rules, case)
    assert decision.decision == DECLINE and decision.grounds == ()
    assert decision.needs_review
    label = "Conviction 1" if key == "convictions" else "Pending charge 1"
    [warning] = [w for w in decision.warnings if w.startswith(label)]
    assert "has no date, and the person is 4 at the decision time" in warning
    assert "not counted" in warning
    # Seven at the decision, the same entry counts.
    older = _case(rules, decision_time=decided, person=_born("2007-01-01"), **{key: [entry]})
    assert _decide(rules, older).decision == HONOR


def test_an_undated_conviction_of_a_minor_at_the_decision_is_said_and_reviewed(
    rules: RuleSet,
) -> None:
    """Fourteen at the decision, an undated class B felony is a minor's judgment: before,
    it was counted as an adult conviction with no word (dated at 12, it was flagged)."""
    case = _case(
        rules, person=_born("2012-01-01"), convictions=[conviction("53a-134", "felony", "B")]
    )
    decision = _decide(rules, case)
    assert decision.needs_review
    [reason] = [r for r in decision.review_reasons if "judgment of a minor" in r]
    assert "has no date, and the person is 14 at the decision time" in reason
    assert "not entered as a juvenile adjudication" in reason
    # Entered as juvenile, the flag is gone; 18 at the decision, an adult's.
    marked = conviction("53a-134", "felony", "B", juvenile=True)
    assert not any(
        "judgment of a minor" in w
        for w in _decide(
            rules, _case(rules, person=_born("2012-01-01"), convictions=[marked])
        ).warnings
    )
    adult = _case(
        rules, person=_born("2008-11-19"), convictions=[conviction("53a-134", "felony", "B")]
    )
    quiet = _decide(rules, adult)
    assert quiet.decision == HONOR and not quiet.needs_review and not quiet.warnings


def test_a_person_under_seven_at_the_decision_goes_to_review(rules: RuleSet) -> None:
    """A person born the day before, matched in the terrorist screening database, was
    held with no review: no one that young is in custody on state matters."""
    case = _case(rules, person=_born("2026-11-18"), tsdb_match=True)
    decision = _decide(rules, case)
    assert decision.decision == HONOR  # the match stands; the birth date is checked
    assert any(
        "makes the person 0 at the decision time; no one that young is in custody" in r
        for r in decision.review_reasons
    )
    seven = _decide(rules, _case(rules, person=_born("2019-11-19"), tsdb_match=True))
    assert not seven.needs_review and not seven.warnings


def test_an_offense_too_old_for_anyone_without_a_birth_date_goes_to_review(
    rules: RuleSet,
) -> None:
    """No date of birth and a class B felony dated 1900: the person would be at least
    133, which a birth date that old is flagged for; before, it grounded a hold silently."""
    person = {"name": "A B", "booking_number": "B1"}
    old = conviction("53a-134", "felony", "B", date="1900-01-01")
    decision = _decide(rules, _case(rules, person=person, convictions=[old]))
    assert decision.decision == HONOR and decision.needs_review
    assert any(
        "is dated 1900-01-01, which makes the person at least 133" in r
        for r in decision.review_reasons
    )
    recent = conviction("53a-134", "felony", "B", date="1913-01-01")  # at least 120
    calm = _decide(rules, _case(rules, person=person, convictions=[recent]))
    assert not calm.needs_review and not calm.warnings


def test_a_detainer_received_before_birth_is_refused(rules: RuleSet) -> None:
    with pytest.raises(InputError) as caught:
        _case(rules, detainer={"form": "I-247D", "received_at": "1950-01-01T09:00:00-05:00"})
    assert caught.value.pointer == "/detainer/received_at"
    assert "before the date of birth (1990-04-17)" in caught.value.reason
    assert "correct" in caught.value.reason
    # Received on the day of birth is possible (however unlikely): not refused.
    assert _case(rules, detainer={"form": "I-247D", "received_at": "1990-04-17T09:00:00-04:00"})


def test_a_warrant_of_removal_without_a_final_order_goes_to_review_where_it_matters(
    rules: RuleSet,
) -> None:
    """Under the 2014 law a final order of removal is a ground. An I-205 (a warrant of
    removal, issued to carry one out) with the final order entered as no declined with
    no word: one of the two entries is wrong, and which one decides the case."""
    detainer = {"form": "I-247A", "administrative_warrant": "I-205"}
    case = _case(
        rules,
        decision_time="2018-01-10T09:00:00-05:00",
        detainer=detainer,
        final_removal_order=False,
    )
    decision = _decide(rules, case)
    assert decision.rule_pack.startswith("ct-2014")
    assert decision.decision == DECLINE and decision.needs_review
    assert any("Form I-205, a warrant of removal" in r for r in decision.review_reasons)
    # Left unknown, the pack's own rule for an unknown answer speaks; under a pack without
    # the final-order ground nothing turns on it, and nothing is said.
    unknown = _case(
        rules,
        decision_time="2018-01-10T09:00:00-05:00",
        detainer=detainer,
        final_removal_order=None,
    )
    assert not any("I-205" in w for w in _decide(rules, unknown).warnings)
    today = _decide(rules, _case(rules, detainer=detainer, final_removal_order=False))
    assert not any("I-205" in w for w in today.warnings)

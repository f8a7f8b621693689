"""Class at the time of the conviction: each reclassified section, dates on both sides."""

from __future__ import annotations

from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.class_history import apply_class_history
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

# Decisions under the 2019 law (a class A or B felony conviction is a ground) and under the
# 2014 law (any felony conviction is a ground).
L19 = "2021-03-01T10:00:00-05:00"
L14 = "2016-11-17T10:00:00-05:00"
DECISION_TIME = L19

NOTE, REVIEW, NONE = "note", "review", "none"
FA, FB, FC, FD, FE = (("felony", k) for k in "ABCDE")
FU = ("felony", "unclassified")
MA, MC = ("misdemeanor", "A"), ("misdemeanor", "C")

# section, conviction date, entered, law, what the officer sees, class the engine uses.
# REVIEW only where another class the conviction could carry would change the grounds.
CASES: list[tuple[str, str | None, tuple[str, str], str, str, tuple[str, str]]] = [
    # Murder with special circumstances: capital felony (unclassified) until 2012-04-24.
    ("53a-54b", "2010-05-01", FU, L19, NOTE, FU),
    ("53a-54b", "2012-04-24", FA, L19, REVIEW, FU),  # entered A; the day said unclassified
    ("53a-54b", "2012-04-25", FA, L19, NONE, FA),
    ("53a-54b", None, FA, L19, REVIEW, FA),  # no date: A or unclassified decides the ground
    # Dated after the change but entered with the former class: the class of the day is
    # used, and where the class entered would decide otherwise, a supervisor compares the
    # judgment (it was used as entered, silently: a hostile pass).
    ("53a-54b", "2012-04-25", FU, L19, REVIEW, FA),
    ("53a-223", "2016-03-01", MA, L14, REVIEW, MA),  # C or D that day: kept, checked
    ("53a-223", "2016-03-01", MA, L19, NOTE, MA),
    ("53a-181l", "2017-10-01", MA, L19, NOTE, FE),
    # Intimidation based on bias 3rd: class A misdemeanor until 2017-09-30 (P.A. 17-111).
    ("53a-181l", "2016-06-01", MA, L19, NOTE, MA),
    ("53a-181l", "2016-06-01", FE, L19, NOTE, MA),  # corrected; no A/B felony either way
    ("53a-181l", "2016-06-01", FE, L14, REVIEW, MA),  # corrected; 2014 law asks "a felony"
    ("53a-181l", "2017-10-01", FE, L19, NONE, FE),
    # Possession: unclassified felony or misdemeanor until 2015-09-30 (P.A. 15-2 JSS).
    ("21a-279", "2014-02-01", FU, L19, NOTE, FU),
    ("21a-279", "2014-02-01", MA, L19, NOTE, MA),  # not a class of that day; no A/B either way
    ("21a-279", "2014-02-01", MA, L14, REVIEW, MA),  # felony or misdemeanor decides in 2014
    ("21a-279", "2015-10-01", MA, L19, NONE, MA),
    # Bribery: class D felony before P.A. 03-259 (2003 session), class C by 2015.
    ("53a-147", "2001-07-01", FD, L19, NOTE, FD),
    ("53a-147", "2001-07-01", FC, L19, NOTE, FD),
    ("53a-147", "2009-07-01", FC, L19, NOTE, FC),  # the sources cannot tell; C or D, no matter
    ("53a-147", "2009-07-01", FC, L14, NOTE, FC),
    ("53a-147", "2016-01-01", FC, L19, NONE, FC),
    ("53a-147", None, FC, L19, NOTE, FC),
    # Violation of a protective order: class A misdemeanor until 2002-09-30 (P.A. 02-127,
    # § 3, effective October 1, 2002, per the enacted text).
    ("53a-223", "2000-03-01", MA, L19, NOTE, MA),
    ("53a-223", "2002-09-30", MA, L14, NOTE, MA),  # the last day of the misdemeanor
    ("53a-223", "2002-09-30", FD, L14, REVIEW, MA),  # corrected; 2014 law asks "a felony"
    ("53a-223", "2008-03-01", FD, L14, REVIEW, FD),  # gap in the sources: misdemeanor or felony
    ("53a-223", "2008-03-01", FD, L19, NOTE, FD),
    ("53a-223", "2016-03-01", FD, L19, NONE, FD),
    # Violation of a restraining order: class A misdemeanor before P.A. 05-147.
    ("53a-223b", "2003-03-01", MA, L19, NOTE, MA),
    ("53a-223b", "2016-03-01", FD, L19, NONE, FD),
    # Fraudulent ATM use: class C misdemeanor before P.A. 14-233, class A by 2015.
    ("53a-127b", "2012-01-01", MC, L19, NOTE, MC),
    ("53a-127b", "2016-01-01", MA, L19, NONE, MA),
    # Tampering with a witness: class D felony before P.A. 03-259, class C by 2015.
    ("53a-151", "2000-01-01", FD, L19, NOTE, FD),
    ("53a-151", "2017-01-01", FC, L19, NONE, FC),
    # Trafficking in persons: class B in the 2014 Supplement, class A in the 2022 one (the
    # act between them was not read); either is a 2019 ground, so the gap never decides.
    ("53a-192a", "2012-06-01", FB, L19, NOTE, FB),
    ("53a-192a", "2012-06-01", FA, L19, NOTE, FB),  # corrected to the class of its day
    ("53a-192a", "2018-06-01", FA, L19, NOTE, FA),  # between the editions: A or B, no matter
    ("53a-192a", None, FA, L19, NOTE, FA),  # no date: A or B, either a 2019 ground
    # Identity theft: a class D felony under § 53a-129a until 2003-09-30 (P.A. 03-156, § 1,
    # effective October 1, 2003, per the enacted text); since then a definition.
    ("53a-129a", "2001-05-01", FD, L19, NOTE, FD),
    ("53a-129a", "2003-09-30", FD, L14, NOTE, FD),  # the last day of the class D felony
    # A section whose class never changed is untouched.
    ("53a-134", "1999-01-01", FB, L19, NONE, FB),
]


def _case(
    rules: RuleSet,
    section: str,
    day: str | None,
    entered: tuple[str, str],
    law: str = L19,
) -> Any:
    extra = {} if day is None else {"date": day}
    raw = make_case(
        decision_time=law,
        convictions=[conviction(section, entered[0], entered[1], **extra)],
    )
    # Old convictions need an older person than the shared example.
    raw["person"] = {**raw["person"], "date_of_birth": "1950-01-01"}
    return parse_case(raw, "test", rules.sections)


@pytest.mark.parametrize(("section", "day", "entered", "law", "effect", "used"), CASES)
def test_class_on_the_conviction_date(
    rules: RuleSet,
    section: str,
    day: str | None,
    entered: tuple[str, str],
    law: str,
    effect: str,
    used: tuple[str, str],
) -> None:
    case = _case(rules, section, day, entered, law)
    found = apply_class_history(case)
    item = found.case.convictions[0]
    assert (item.level, item.klass) == used
    decision = evaluate(rules.pack_for(case.decision_time), case)
    notes = [w for w in decision.warnings if f"§ {section}" in w]
    reviews = [r for r in decision.review_reasons if f"§ {section}" in r]
    if effect == NONE:
        assert not notes and not reviews
    elif effect == NOTE:
        assert notes and not reviews
        assert not decision.needs_review
        if day is not None and entered == used:
            assert any(day in note for note in notes)
    else:
        assert reviews and decision.needs_review


def test_the_class_of_the_day_decides_the_2019_ground(rules: RuleSet) -> None:
    # A capital felony of 2010 was unclassified: not a class A or B felony conviction.
    before = evaluate(
        rules.pack_for(_case(rules, "53a-54b", "2010-05-01", FA).decision_time),
        _case(rules, "53a-54b", "2010-05-01", FA),
    )
    after = evaluate(
        rules.pack_for(_case(rules, "53a-54b", "2013-05-01", ("felony", "A")).decision_time),
        _case(rules, "53a-54b", "2013-05-01", ("felony", "A")),
    )
    assert "class_a_b_felony_conviction" not in before.grounds
    assert "class_a_b_felony_conviction" in after.grounds
    assert before.needs_review and not after.needs_review


def test_the_catalog_holds_the_act_and_dates_of_each_change(rules: RuleSet) -> None:
    history = rules.sections.history  # type: ignore[attr-defined]
    assert {"53a-54b", "53a-181l", "21a-279", "53a-147", "53a-223", "53a-223b"} <= set(history)
    assert "P.A. 03-259" in history["53a-147"].act
    assert history["53a-181l"].change_date()[0].isoformat() == "2017-10-01"


def test_the_catalog_and_its_cached_sections_give_the_same_case(rules: RuleSet) -> None:
    # Services re-parse the stored JSON with the cached sections and compare the cases.
    raw = make_case(
        decision_time=DECISION_TIME,
        convictions=[conviction("53a-147", "felony", "D", date="2001-07-01")],
    )
    assert parse_case(raw, "t", rules.catalog) == parse_case(raw, "t", rules.sections)
    assert parse_case(raw, "t", rules.sections).convictions[0].class_history is not None


def test_a_section_whose_class_no_source_gives_goes_to_review(rules: RuleSet) -> None:
    assert "29-37a" in rules.sections.unknown_class  # type: ignore[attr-defined]
    case = _case(rules, "29-37a", "2018-01-01", ("felony", "D"))
    decision = evaluate(rules.pack_for(case.decision_time), case)
    assert decision.needs_review
    assert any("§ 29-37a" in r and "none gives it" in r for r in decision.review_reasons)
    # § 53-23's class is now given by the statute text (class D felony since P.A. 13-258).
    assert "53-23" not in rules.sections.unknown_class  # type: ignore[attr-defined]


def test_the_new_motor_vehicle_and_order_sections_are_found_on_the_first_try(
    rules: RuleSet,
) -> None:
    from trustdesk.rules.offense_search import search

    for text, section in (
        ("speeding", "14-219"),
        ("traveling unreasonably fast", "14-218a"),
        ("operating unregistered motor vehicle", "14-12"),
        ("failure to carry license", "14-213"),
        ("operating under suspension", "14-215"),
        ("dui", "14-227a"),
        ("evading responsibility", "14-224"),
        ("reckless driving", "14-222"),
        ("restraining order", "46b-15"),
        ("violation of restraining order", "53a-223b"),
        ("failure to appear 1st", "53a-172"),
    ):
        top = search(rules.catalog, text, 1)
        assert top and top[0].entry.section == section, (text, top and top[0].entry.section)


@pytest.mark.parametrize(
    ("line", "era", "class_hint"),
    [
        # Bribery was a class D felony before P.A. 03-259, class C by 2015.
        ("BRIBERY                               DF", "2001-06-01", "D"),
        ("BRIBERY                               DF", "2020-06-01", None),
        ("BRIBERY                               CF", "2020-06-01", "C"),
        # DOC coded stealing a firearm DF on its 2016-2020 records; the statute says C.
        ("STEALING A FIREARM                    DF", "2017-03-01", "D"),
        ("STEALING A FIREARM                    DF", "2024-03-01", None),
        # Without an era every class the section has carried counts.
        ("BRIBERY                               DF", None, "D"),
    ],
)
def test_the_doc_code_is_read_as_of_the_line_era(
    rules: RuleSet, line: str, era: str | None, class_hint: str | None
) -> None:
    from datetime import date

    from trustdesk.rules.offense_search import search

    top = search(rules.catalog, line, 1, as_of=None if era is None else date.fromisoformat(era))
    assert top and top[0].entry.section in {"53a-147", "53a-212"}
    assert top[0].level_hint == "felony"
    assert top[0].class_hint == class_hint


def test_every_history_gives_a_class_of_its_day_or_a_stated_doubt(rules: RuleSet) -> None:
    # Every section with a history, every other year since 1970, every entered class: the
    # engine keeps the entry or uses a class of that day, and every doubt is either a
    # reason for review or stated as not changing the grounds.
    from datetime import date

    from trustdesk.core.class_periods import pairs

    history = rules.sections.history  # type: ignore[attr-defined]
    entered_options = [("felony", k) for k in "ABCDE"] + [("felony", "unclassified")]
    entered_options += [("misdemeanor", k) for k in "ABCD"]
    for section, found in history.items():
        for year in range(1970, 2021, 2):
            day = date(year, 6, 1)
            for level, klass in entered_options:
                case = _case(rules, section, day.isoformat(), (level, klass))
                result = apply_class_history(case)
                item = result.case.convictions[0]
                if (item.level, item.klass) != (level, klass):
                    forms = found.on(day)
                    assert forms is not None and (item.level, item.klass) in pairs(forms)
                decision = evaluate(rules.pack_for(case.decision_time), case)
                carried = case.convictions[0].catalog_forms
                if carried is not None and (level, klass) not in pairs(carried):
                    # A class the section never carried contradicts the catalog: the
                    # conviction is not counted, and the review says why.
                    assert any(
                        "the offense catalog says the section never carried" in reason
                        for reason in decision.review_reasons
                    )
                    assert decision.decision == "decline"
                    continue
                for doubt in result.doubts:
                    assert doubt.text in decision.review_reasons or any(
                        w.startswith(doubt.text) and "does not depend" in w
                        for w in decision.warnings
                    )

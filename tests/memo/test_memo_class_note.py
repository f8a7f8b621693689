"""The class of the conviction date is stated on the memo (read back from the PDF)."""

from __future__ import annotations

from memokit import pdf_text, view_model

from casekit import conviction, make_case
from trustdesk.memo.render import render_memo
from trustdesk.rules.registry import RuleSet


def test_the_memo_says_when_the_class_of_the_day_differs_from_today(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2021-03-01T10:00:00-05:00",
        convictions=[conviction("53a-181l", "misdemeanor", "A", date="2016-06-01")],
    )
    text = pdf_text(render_memo(view_model(rules, raw)))
    assert "on the conviction date, 2016-06-01, the section was a class A misdemeanor" in text
    assert "today it is a class E felony (P.A. 17-111, in force from 2017-10-01)" in text


def test_the_memo_sends_an_undated_reclassified_conviction_to_review(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2021-03-01T10:00:00-05:00",
        convictions=[conviction("53a-54b", "felony", "A")],
    )
    # Class A today, an unclassified capital felony before 2012-04-25: the 2019 ground
    # depends on which, so the missing date sends the decision to review.
    text = pdf_text(render_memo(view_model(rules, raw)))
    assert "SUPERVISOR REVIEW REQUIRED" in text
    assert "has no date and the section's class has changed" in text
    assert "P.A. 12-5" in text


def test_a_doubt_that_cannot_change_the_grounds_is_only_stated(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2021-03-01T10:00:00-05:00",
        convictions=[conviction("53a-147", "felony", "C")],
    )
    # Bribery was class D, is class C: neither is a class A or B felony.
    text = pdf_text(render_memo(view_model(rules, raw)))
    assert "SUPERVISOR REVIEW REQUIRED" not in text
    assert "so the decision does not depend on it" in text

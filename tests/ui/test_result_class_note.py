"""The result page states the class of the conviction date when it differs from today's."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from casekit import conviction, make_case
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet
from trustdesk.ui.result_view import decision_html


def test_the_result_page_names_the_class_of_the_conviction_date(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2021-03-01T10:00:00-05:00",
        convictions=[conviction("53a-54b", "felony", "unclassified", date="2010-05-01")],
    )
    case = parse_case(raw, "test", rules.sections)
    page = decision_html(evaluate(rules.pack_for(case.decision_time), case), ZoneInfo("UTC"))
    assert "on the conviction date, 2010-05-01, the section was an unclassified felony" in page
    assert "today it is a class A felony (P.A. 12-5, in force from 2012-04-25)" in page

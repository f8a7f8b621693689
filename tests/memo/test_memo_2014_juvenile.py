"""A 2014 decision on a juvenile adjudication alone, read back from the printed memo: it
is declined and goes to supervisor review, and the memo says why in the 2014 law's terms."""

from __future__ import annotations

from memokit import pdf_text, view_model

from casekit import conviction, make_case
from trustdesk.memo.render import render_memo
from trustdesk.rules.registry import RuleSet

#: Why, as the ct-2014 pack words it (the review reasons and the criterion's row).
WHY = (
    "does not say whether a juvenile adjudication of delinquency is one (in Connecticut a "
    "juvenile adjudication is generally not a criminal conviction); counsel or a supervisor "
    "must decide"
)


def test_the_memo_names_the_juvenile_review_reason(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2016-11-17T10:00:00-05:00",
        releasable_at="2016-11-18T15:00:00-05:00",
        convictions=[conviction("53a-134", "felony", "B", date="2012-05-01", juvenile=True)],
    )
    vm = view_model(rules, raw)
    assert vm.rule_pack.id == "ct-2014"
    text = pdf_text(render_memo(vm))
    assert "DETAINER DECLINED" in text
    assert "HOLD PERMITTED" not in text and "HOLD EXPIRES" not in text
    assert "SUPERVISOR REVIEW REQUIRED" in text
    # In the review list and again on the felony ground's row of the trace.
    assert text.count(WHY) == 2, text
    entry = "§ 53a-134 class B felony (Connecticut, 2012-05-01)"
    assert f"Unsettled law — {entry}: the 2013 act" in text

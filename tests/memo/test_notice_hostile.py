"""A hostile pass on what the documents to the person say, read back from the PDF.

Each test names a sentence a notice printed that the law in force does not say (or a
thing the law requires that it left out), in English and in Spanish alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from memokit import CREATED_AT, RECORD_SHA256, pdf_pages, view_model
from test_memo_california import california

from casekit import conviction, make_case
from trustdesk.memo.render import render_notice
from trustdesk.memo.viewmodel import RecordInfo, Signer
from trustdesk.rules.registry import RuleSet, load_rules

NOT_FINAL = {
    "en": "This decision is not final: a supervisor must still review it.",
    "es": "Esta decisión no es definitiva: un supervisor todavía debe revisarla.",
}
#: Honored on the officer's own judgement (P.A. 13-155's public-safety ground): review.
JUDGEMENT = make_case(
    decision_time="2016-11-17T10:00:00-05:00",
    releasable_at="2016-11-18T15:00:00-05:00",
    public_safety_risk={"asserted": True, "reason": "threatened staff at booking"},
)
#: Declined while the law is unsettled (an out-of-state class B felony since 2019): review.
UNSETTLED = make_case(
    decision_time="2020-11-24T09:00:00-05:00",
    convictions=[conviction("53a-134", "felony", "B", jurisdiction="NY", date="2015-01-01")],
)


@pytest.mark.parametrize(
    ("language", "wrong", "right"),
    [
        (
            "en",
            "You may say yes only if your lawyer is with you.",
            "You may also choose to talk to ICE only with your lawyer there.",
        ),
        (
            "es",
            "Puede decir que sí solo si su abogado está presente.",
            "También puede elegir hablar con ICE solo si su abogado está presente.",
        ),
    ],
)
def test_the_consent_form_offers_the_lawyer_as_a_choice_not_a_condition_of_yes(
    rules: RuleSet, language: str, wrong: str, right: str
) -> None:
    # Gov. Code § 7283.1(a): the person "may decline to be interviewed or may choose to be
    # interviewed only with his or her attorney present". The form said a yes needs a
    # lawyer, beside a "YES: I agree to talk to ICE" box that needs none.
    (page,) = pdf_pages(render_notice(california(rules), language, ["truth_consent"]))
    assert wrong not in page
    assert right in page


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("raw", "intent"),
    [
        (JUDGEMENT, {"en": "We plan to do what the detainer asks.", "es": "Vamos a cumplir"}),
        (UNSETTLED, {"en": "We do not plan to do what", "es": "No vamos a cumplir"}),
    ],
    ids=["honored-on-judgement", "declined-unsettled"],
)
def test_a_decision_awaiting_review_is_not_told_to_the_person_as_final(
    rules: RuleSet, raw: dict[str, object], intent: dict[str, str], language: str
) -> None:
    # The law unsettled, or the officer's own judgement: the memo says a supervisor must
    # review it; the notice told the person "we plan to keep you up to 48 more hours" (or
    # "we will not") as if it were settled.
    vm = view_model(rules, raw)
    assert vm.decision.needs_review
    (page,) = pdf_pages(render_notice(vm, language))
    assert intent[language] in page
    assert NOT_FINAL[language] in page
    # Once a supervisor has reviewed it, the notice says what was decided, no more.
    reviewed = Signer("Rosa Díaz", "77", datetime.fromisoformat("2016-11-17T11:00:00-05:00"))
    (page,) = pdf_pages(render_notice(view_model(rules, raw, supervisor=reviewed), language))
    assert intent[language] in page
    assert NOT_FINAL[language] not in page


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_decision_needing_no_review_says_nothing_of_one(rules: RuleSet, language: str) -> None:
    raw = make_case(decision_time="2020-11-24T09:00:00-05:00", tsdb_match=True)
    vm = view_model(rules, raw)
    assert not vm.decision.needs_review
    (page,) = pdf_pages(render_notice(vm, language))
    assert NOT_FINAL[language] not in page


def california_case(decided: str, statute: str, convicted: str, **facts: bool) -> dict[str, Any]:
    """A California case: one felony conviction of ``statute`` on ``convicted``."""
    return {
        "decision_time": decided,
        "detainer": {"form": "I-247A", "judicial_warrant": False},
        "person": {"name": "Test Person", "booking_number": "CA-9"},
        "convictions": [
            {
                "statute": statute,
                "level": "felony",
                "class": "unclassified",
                "jurisdiction": "CA",
                "date": convicted,
            }
        ],
        "pending_charges": [],
        "facts": {
            "sex_arson_registrant": False,
            "federal_aggravated_felony": False,
            "federal_felony_warrant": False,
            **facts,
        },
    }


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_california_request_notice_awaiting_review_says_so(language: str) -> None:
    # ca-2018: a listed felony at the edge of its 15-year look-back goes to review; the
    # notice told the person, as settled, that ICE may be given the release date.
    rules = load_rules(jurisdiction="CA")
    raw = california_case(
        "2020-06-15T09:00:00-07:00", "PC 459", "2010-01-01", judicial_probable_cause=False
    )
    vm = view_model(rules, raw, record=RecordInfo("2002", 1, RECORD_SHA256, 9, CREATED_AT))
    assert vm.decision.needs_review
    page = pdf_pages(render_notice(vm, language))[0]
    assert NOT_FINAL[language] in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            "The latest time we may keep you for ICE: Thursday, June 18, 2015, 10:00 a.m. "
            "(Pacific Time)",
        ),
        (
            "es",
            "Hora límite en que podemos mantenerle bajo custodia para ICE: jueves 18 de junio "
            "de 2015, 10:00 a. m. (hora del Pacífico)",
        ),
    ],
)
def test_a_california_hold_notice_gives_the_latest_time_once_it_is_known(
    language: str, expected: str
) -> None:
    # ca-2014 (AB 4): a serious felony opens a hold of at most 48 hours; releasable
    # Tuesday 2015-06-16 10:00 PDT, the hold ends Thursday 10:00. The notice said "We will
    # tell you the latest time we may keep you" and never did, the time known.
    rules = load_rules(jurisdiction="CA")
    raw = california_case("2015-06-15T09:00:00-07:00", "PC 211", "2012-01-01")
    raw["releasable_at"] = "2015-06-16T10:00:00-07:00"
    vm = view_model(rules, raw, record=RecordInfo("2003", 1, RECORD_SHA256, 9, CREATED_AT))
    assert vm.notice.documents[0] == "detainer_copy"
    page = pdf_pages(render_notice(vm, language))[0]
    assert expected in page

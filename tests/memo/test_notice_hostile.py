"""A hostile pass on what the documents to the person say, read back from the PDF.

Each test names a sentence a notice printed that the law in force does not say (or a
thing the law requires that it left out), in English and in Spanish alike.
"""

from __future__ import annotations

import pytest
from memokit import pdf_pages
from test_memo_california import california

from trustdesk.memo.render import render_notice
from trustdesk.rules.registry import RuleSet


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

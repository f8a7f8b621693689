"""The memo's "What would change the outcome" section, read back from the PDF."""

from __future__ import annotations

import re

import pytest
from memokit import AGENCY, SCENARIOS, decide, normalize, pdf_pages, view_model

from trustdesk.core.counterfactual import sections, what_would_change
from trustdesk.memo.render import render_memo
from trustdesk.rules.registry import RuleSet

_FOOTER = re.compile(r"Decision 1042, version 1 · code \S+ · .*? Page \d+ of \d+")
_HEADER = f"{AGENCY.name} {AGENCY.facility} ORI {AGENCY.ori}"


def pdf_text(data: bytes) -> str:
    """The memo's running text, without the header and footer repeated on every page
    (a list may run over a page break)."""
    pages = [_FOOTER.sub(" ", page).replace(_HEADER, " ") for page in pdf_pages(data)]
    return normalize(" ".join(pages))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_every_line_the_engine_gives_is_printed(rules: RuleSet, name: str) -> None:
    case, decision, pack = decide(rules, SCENARIOS[name])
    expected = sections(what_would_change(pack, case, decision))
    vm = view_model(rules, SCENARIOS[name])
    assert [(c.heading, c.lines) for c in vm.outcome_changes] == list(expected)
    text = pdf_text(render_memo(vm))
    assert "What would change the outcome" in text
    for heading, lines in expected:
        assert heading in text
        for line in lines:
            assert normalize(line) in text, line


def test_a_2025_decline_names_the_warrant_and_the_listed_offenses(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2025-decline"])))
    section = text.split("What would change the outcome", 1)[1]
    assert "What ICE would have to show for the detainer to be honored" in section
    assert (
        "Answer “Yes” to: Is the detainer accompanied by a warrant issued or signed by a "
        "judge or magistrate? — the hold would be permitted: Detainer accompanied by a "
        "judicial warrant." in section
    )
    assert "A further conviction: The person has been convicted in Connecticut of a class A" in (
        section
    )


def test_an_honor_says_what_it_rests_on_and_the_unknown_that_matters(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2025-honor"])))
    section = text.split("What would change the outcome", 1)[1]
    assert (
        "What the hold rests on • Convicted of an offense added in 2025" in section
        and "conviction 1 (§ 53a-223 class D felony (Connecticut, 2023-08-09))" in section
    )
    assert "If conviction 1 (§ 53a-223 class D felony (Connecticut, 2023-08-09)) were not on" in (
        section
    )

"""The memo says who verified each item the decision rests on, or that nobody did.

Issue 15 §1: name, title, source and date of the verification of every pack item a
decision rests on, as the pack records it, read back from the PDF.
"""

from __future__ import annotations

from memokit import pdf_text, view_model

from casekit import conviction, make_case
from trustdesk.memo.render import render_memo
from trustdesk.rules.registry import RuleSet


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_hold_on_a_verified_ground_names_who_verified_it(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2021-03-01T10:00:00-05:00",
        convictions=[conviction("53a-134", "felony", "B", date="2012-05-01")],
    )
    vm = view_model(rules, raw)
    pack = rules.pack(vm.rule_pack.id).pack
    item = "criteria/class_a_b_felony_conviction"
    found = pack.verification(item)
    assert found.verified and found.on is not None
    assert any(
        line.startswith(f"{item}: verified by {found.by}") for line in vm.rule_pack.verified_by
    )
    text = _flat(pdf_text(render_memo(vm)))
    assert "Verified by" in text
    assert f"{item}: verified by {found.by}" in text
    assert found.on.isoformat() in text and _flat(found.source)[:40] in text


def test_a_hold_on_an_unverified_list_entry_says_unverified(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2026-11-20T10:00:00-05:00",
        convictions=[conviction("53a-196e", "felony", "C", date="2020-05-01")],
    )
    vm = view_model(rules, raw)
    unverified = [line for line in vm.rule_pack.verified_by if ": UNVERIFIED" in line]
    assert unverified, vm.rule_pack.verified_by
    assert any("53a-196e" in line for line in unverified)
    text = _flat(pdf_text(render_memo(vm)))
    assert "Verified by" in text and "53a-196e: UNVERIFIED" in text

"""Issue 17 §1: a memo never prints a name that can read as another — text-direction
controls in a name reaching the memo (a case built past the reader) are written out."""

from __future__ import annotations

from memokit import AGENCY, CREATED_AT, OFFICER, RECORD_SHA256, SCENARIOS, pdf_text

from trustdesk.core.evaluate import evaluate
from trustdesk.memo.build import build_view_model
from trustdesk.memo.render import render_memo
from trustdesk.memo.viewmodel import RecordInfo
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet


def test_the_memo_and_notices_write_a_direction_override_out(rules: RuleSet) -> None:
    case = parse_case(SCENARIOS["ct-2025-honor"], "test", rules.sections)
    case = case._replace(person=case.person._replace(name="Ana \u202eziuL\u202c"))
    pack = rules.pack_for(case.decision_time)
    vm = build_view_model(
        case,
        evaluate(pack, case),
        pack,
        agency=AGENCY,
        record=RecordInfo("1042", 1, RECORD_SHA256, 57, CREATED_AT),
        officer=OFFICER,
        titles={},
    )
    text = pdf_text(render_memo(vm, notice_languages=("en", "es")))
    assert text.count("Ana <U+202E>ziuL<U+202C>") >= 3  # the memo and both notices
    assert "\u202e" not in text and "Ana Luiz" not in text

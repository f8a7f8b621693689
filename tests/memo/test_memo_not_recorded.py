"""A memo printed while the server was unreachable says NOT YET RECORDED on every page."""

from __future__ import annotations

from memokit import CREATED_AT, RECORD_SHA256, SCENARIOS, pdf_metadata, pdf_pages, view_model

from trustdesk.memo.render import render_memo
from trustdesk.memo.viewmodel import RecordInfo
from trustdesk.rules.registry import RuleSet

WHY = "Kept as draft 3f2a on workstation DESK-2: the server could not be reached."


def test_every_page_and_the_title_say_not_yet_recorded(rules: RuleSet) -> None:
    record = RecordInfo("draft 3f2a", 1, RECORD_SHA256, None, CREATED_AT, not_recorded=WHY)
    vm = view_model(rules, SCENARIOS["ct-2025-honor"], record=record)
    data = render_memo(vm, notice_languages=["en"])
    pages = pdf_pages(data)
    memo_pages = pages[:-1]  # the notice to the person is the last page
    # The first thing under the page header, before the document's own title.
    body = pages[0].split("ORI CT0009300", 1)[1].strip()
    assert body.startswith(f"NOT YET RECORDED {WHY}")
    # Every page of the memo carries it in the footer: no loose page passes as recorded.
    assert len(memo_pages) >= 2
    assert all("NOT YET RECORDED · Decision draft 3f2a" in page for page in memo_pages)
    assert str(pdf_metadata(data).title).startswith("NOT YET RECORDED")


def test_a_recorded_memo_has_no_such_mark(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    assert "NOT YET RECORDED" not in " ".join(pdf_pages(render_memo(vm)))
    assert "NOT YET RECORDED" not in str(pdf_metadata(render_memo(vm)).title)

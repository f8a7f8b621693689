"""Characters the PDF's fonts lack were printed as empty boxes and read back as NUL: an
amendment's reason "姓名更正 王伟 (name corrected)", promised word for word in the
report, was lost in its PDF (a hostile pass on the reports), and a name in Chinese
would be lost on a memo the same way. Each such character is now printed as its code
point, and the report says what that notation means. Read back from the PDFs."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from memokit import memo_text_for_name, pdf_text

from trustdesk.memo.report_model import Figure
from trustdesk.memo.report_pdf import render_report_pdf
from trustdesk.memo.styles import MISSING_NOTE, SANS, SANS_BOLD, printable
from trustdesk.rules.registry import RuleSet

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

REASON = "姓名更正 王伟 (name corrected)"
WRITTEN = "<U+59D3><U+540D><U+66F4><U+6B63> <U+738B><U+4F1F> (name corrected)"


def test_what_the_fonts_lack_is_written_as_its_code_point() -> None:
    assert printable(REASON, SANS) == WRITTEN
    assert printable("a\x85b", SANS_BOLD) == "a<U+0085>b"  # a control character pasted in
    for kept in ("Peña Gonçalves", "עברית العربية", "Ольга", "line\nbreak", "x\u00a0y"):
        assert printable(kept, SANS) == kept


def test_a_memo_prints_a_name_in_chinese_as_code_points(rules: RuleSet) -> None:
    text = memo_text_for_name(rules, "王伟 Wang Wei")
    assert text.count("<U+738B><U+4F1F> Wang Wei") >= 3  # the memo and both notices
    assert "\x00" not in text


def test_a_report_prints_a_reason_in_chinese_as_code_points_and_says_why() -> None:
    from reportkit import NOW, PERIOD

    from trustdesk.memo.report_model import Report

    figure = Figure(
        "amendments",
        "Amendments and their reasons",
        "Each amendment's reason word for word.",
        ("Reason", "Amendments"),
        ((REASON, 1),),
        (False, True),
    )
    report = Report(
        title="TRUST Act detainer report",
        agency="Agency",
        facility="Booking",
        timezone="America/New_York",
        start=PERIOD[0],
        end=PERIOD[1],
        by="decided",
        filters=(),
        made_at=NOW,
        made_by="supervisor",
        app_version="test",
        head_seq=1,
        head_hash="a" * 64,
        figures=(figure,),
        charts=(),
    )
    text = pdf_text(render_report_pdf(report))
    assert WRITTEN.replace(" ", "") in text.replace(" ", "")  # the cell wraps the reason
    assert MISSING_NOTE in text
    assert "\x00" not in text
    plain = replace(report, figures=(replace(figure, rows=(("name corrected", 1),)),))
    assert MISSING_NOTE not in pdf_text(render_report_pdf(plain))

"""A report's footnotes name the law of the agency's jurisdiction, from its packs in force
during the period: a California agency's report names the Government Code and never
§ 54-192h; a Connecticut one names § 54-192h as before. Read back from the PDF."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from pypdf import PdfReader
from reportkit import NOW, PERIOD, make_record

from trustdesk.memo.report_pdf import render_report_pdf
from trustdesk.services.report_laws import PackLaw, law_phrase, laws_in_period, shipped_laws
from trustdesk.services.reports import ReportRequest, build_report


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "") for page in reader.pages).split())


def report_text(desk: Any) -> tuple[Any, str]:
    made = build_report(
        desk.services.ctx, ReportRequest(desk.session("supervisor"), *PERIOD, by="decided")
    )
    return made, pdf_text(render_report_pdf(made))


def test_a_california_agency_s_report_names_california_s_law(desk: Any) -> None:
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    desk.services.jurisdiction.change(desk.session("admin"), "CA")
    make_record(desk.store, users, packs=("ca-2018", "ca-2018"))
    made, text = report_text(desk)
    footnote = made.figure("decisions_by_pack").definition
    assert "Gov. Code §§ 7282.5, 7283.1, 7284.6" in footnote and "(ca-2018)" in footnote
    assert "54-192h" not in footnote
    assert "Gov. Code §§ 7282.5, 7283.1, 7284.6 in force on its decision date (ca-2018)" in text
    assert "54-192h" not in text and "Connecticut" not in text
    # A period across both California laws, with no decision in it, names each with its
    # pack (with decisions: the packs they were decided with).
    made = build_report(
        desk.services.ctx,
        ReportRequest(desk.session("supervisor"), date(2016, 1, 1), date(2018, 6, 30)),
    )
    footnote = made.figure("decisions_by_pack").definition
    assert "Gov. Code §§ 7282, 7282.5 (ca-2014); Gov. Code §§ 7282.5, 7283.1" in footnote


def test_a_connecticut_agency_s_report_still_names_54_192h(desk: Any) -> None:
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    make_record(desk.store, users)
    made, text = report_text(desk)
    assert "Conn. Gen. Stat. § 54-192h in force on its decision date (ct-2025)" in text
    assert "ca-20" not in made.figure("decisions_by_pack").definition


def test_decisions_made_before_the_jurisdiction_changed_keep_their_law(desk: Any) -> None:
    """Connecticut decisions, then the agency moved to California ("new decisions
    only"): the report of their period said they were decided under the Government Code
    (ca-2018) beside a row of ct-2025 (a hostile pass). The footnote names the law of
    the packs the decisions were decided with."""
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    make_record(desk.store, users)
    desk.services.jurisdiction.change(desk.session("admin"), "CA")
    made, text = report_text(desk)
    assert [row[0] for row in made.figure("decisions_by_pack").rows] == ["ct-2025"]
    footnote = made.figure("decisions_by_pack").definition
    assert "Conn. Gen. Stat. § 54-192h in force on its decision date (ct-2025)" in (footnote)
    assert "Gov. Code" not in footnote and "ca-20" not in footnote
    assert "Gov. Code" not in text


def test_the_packs_in_force_in_a_period_follow_their_dates() -> None:
    laws = shipped_laws("CA")
    assert [law.pack_id for law in laws] == ["ca-2014", "ca-2018"]
    assert [x.pack_id for x in laws_in_period(laws, date(2017, 12, 31), date(2017, 12, 31))] == [
        "ca-2014"
    ]
    assert [x.pack_id for x in laws_in_period(laws, date(2018, 1, 1), date(2018, 1, 1))] == [
        "ca-2018"
    ]
    # Before the first law: every pack is named rather than none.
    assert len(laws_in_period(laws, date(2010, 1, 1), date(2010, 12, 31))) == 2
    same = (
        PackLaw("x-1", "Act § 1", date(2000, 1, 1), date(2009, 12, 31)),
        PackLaw("x-2", "Act § 1", date(2010, 1, 1), None),
    )
    assert law_phrase(same) == "the version of Act § 1 in force on its decision date (x-1, x-2)"


def test_the_state_layout_is_refused_to_a_california_agency(desk: Any, tmp_path: Any) -> None:
    """The state layout's columns are Connecticut's grounds and OPM's reporting: a
    California agency is told so, and no file is written or audited."""
    import pytest

    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.report_files import save_report

    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    make_record(desk.store, users)
    desk.services.jurisdiction.change(desk.session("admin"), "CA")
    made, _text = report_text(desk)
    target = tmp_path / "state.csv"
    exported = len(desk.store.audit.of_events("report.exported"))
    with pytest.raises(InvalidRequest, match=r"Connecticut's reporting layout.*California"):
        save_report(desk.services.ctx, desk.session("supervisor"), made, "state-csv", target)
    assert not target.exists()
    assert len(desk.store.audit.of_events("report.exported")) == exported
    # The general formats are still there for it.
    save_report(desk.services.ctx, desk.session("supervisor"), made, "csv", target)
    assert target.exists()

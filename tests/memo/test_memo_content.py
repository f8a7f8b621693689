"""The memo read back from the PDF: decision, grounds, facts, law, hold, actions, signatures."""

from __future__ import annotations

import pytest
from memokit import (
    AGENCY,
    CREATED_AT,
    DETAINER,
    RECORD_SHA256,
    SCENARIOS,
    pdf_metadata,
    pdf_pages,
    pdf_text,
    view_model,
)

from casekit import conviction, make_case
from trustdesk.memo.render import render_memo
from trustdesk.memo.verification import short_code
from trustdesk.memo.viewmodel import Signer
from trustdesk.rules.registry import RuleSet

HONOR = "HOLD PERMITTED UNDER § 54-192h"
DECLINE = "DETAINER DECLINED"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_each_pack_honored_and_declined(rules: RuleSet, name: str) -> None:
    vm = view_model(rules, SCENARIOS[name])
    pages = pdf_pages(render_memo(vm))
    text = " ".join(pages)
    pack_id = name.rsplit("-", 1)[0]
    assert vm.rule_pack.id == pack_id
    if name.endswith("honor"):
        assert HONOR in text
        assert DECLINE not in text
        assert "Grounds met:" in text
    else:
        assert DECLINE in text
        assert "No ground of § 54-192h is met" in text
        assert "No hold: the detainer is declined" in text
    assert f"rule pack {pack_id}" in text
    assert vm.rule_pack.title in text
    for citation in vm.rule_pack.citations:
        assert citation in text
    assert "María Peña" in text
    assert "NH-2026-0412" in text
    assert "Ana Gonçalves" in text
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Decision 1042, version 1" in page
        assert AGENCY.name in page and "ORI CT0009300" in page
    # Every criterion of the version, each with its status and citation.
    for row in vm.criteria:
        assert f"{row.title}" in text
        assert f"{row.citation} [{row.id}]" in text
    statuses = {row.status for row in vm.criteria}
    assert statuses <= {"MET", "NOT MET", "UNKNOWN"}


def test_grounds_facts_and_offense_table(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2025-honor"])))
    assert "Grounds met: Convicted of an offense added in 2025 (listed_offense_conviction)" in text
    assert "• Conviction 1: § 53a-223 class D felony (Connecticut, 2023-08-09)" in text
    assert "MET Convicted of an offense added in 2025" in text
    assert "NOT MET Detainer accompanied by a judicial warrant" in text
    # The table: section, catalog title, level, class, jurisdiction, date, notes.
    assert (
        "Conviction 1 § 53a-223 Criminal violation of a protective order Felony D Connecticut "
        "2023-08-09" in text
    )
    assert "Pending charge 1 § 53a-61 Assault in the third degree Misdemeanor A" in text
    assert "bond status unknown" in text


def test_detainer_block(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2025-decline"])))
    assert "I-247A — DHS Form I-247A, Immigration Detainer – Notice of Action" in text
    assert "Received Thursday, November 19, 2026, 08:10 EST" in text
    assert "Issuing office ICE ERO Burlington, MA" in text
    assert "Subject ID / A-number A123456789" in text
    assert "Judicial warrant No" in text
    assert "I-200, Warrant for Arrest of Alien — signed by an immigration officer, not a judge" in (
        text
    )


def test_hold_expiry_with_excluded_days_named(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    text = pdf_text(render_memo(vm))
    assert "Clock starts Wednesday, November 25, 2026, 10:00 EST" in text
    assert "HOLD EXPIRES Monday, November 30, 2026, 10:00 EST" in text
    assert "days not counted: Thanksgiving Day, Saturday, Sunday" in text
    assert "Thursday, November 26, 2026 — Thanksgiving Day" in text
    assert vm.hold.rule in text


def test_hold_expiry_under_2014_law(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2014-honor"])))
    assert "HOLD EXPIRES Tuesday, November 22, 2016, 15:00 EST" in text
    assert "days not counted: Saturday, Sunday" in text


def test_start_unknown_states_the_rule_and_leaves_lines_to_fill(rules: RuleSet) -> None:
    raw = make_case(tsdb_match=True)
    vm = view_model(rules, raw)
    text = pdf_text(render_memo(vm))
    assert HONOR in text
    assert "The start is not yet known" in text
    # The rule's paragraph may run over a page break (headers and footers in between).
    assert vm.hold.rule[:80] in text and vm.hold.rule[-80:] in text
    assert "Clock starts (day, date, time, zone):" in text
    assert "Hold expires (day, date, time, zone):" in text
    assert "HOLD EXPIRES" not in text


def test_notification_only_form_has_no_hold_clock(rules: RuleSet) -> None:
    raw = make_case(
        tsdb_match=True,
        releasable_at="2026-11-20T15:00:00-05:00",
        detainer={**DETAINER, "form": "I-247N"},
    )
    text = pdf_text(render_memo(view_model(rules, raw)))
    assert "asks only for notification before release, not a hold: no hold clock" in text
    assert "Form I-247N asks only for notification" in text  # the engine's warning
    # Nothing on the memo tells the desk to hold the person, or ICE that it will.
    assert "NO HOLD: NOTIFICATION ONLY UNDER § 54-192h" in text
    assert "HOLD PERMITTED" not in text
    assert "Tell ICE the agency will hold" not in text
    assert "Do not hold the person on this detainer: Form I-247N asks only to be told" in text


def test_a_notification_only_memo_never_says_a_hold_rests_on_anything(rules: RuleSet) -> None:
    """Honored on Form I-247N under the 2025 list (unverified data): "What the hold rests
    on" and "The hold rests only on grounds that use unverified data" spoke of a hold
    nobody may make. They speak of the notification; a real hold's memo is unchanged."""
    listed = [conviction("53a-223", "felony", "D", date="2019-03-02")]
    for form, honored in (("I-247N", "notification"), ("I-247A", "hold")):
        raw = make_case(convictions=listed, detainer={**DETAINER, "form": form})
        text = pdf_text(render_memo(view_model(rules, raw)))
        other = "hold" if honored == "notification" else "notification"
        assert f"What the {honored} rests on" in text, form
        assert f"The {honored} rests only on grounds that use unverified data" in text, form
        assert f"What the {other} rests on" not in text, form
        assert f"The {other} rests only on grounds" not in text, form


def test_unverified_data_is_shown_for_2025(rules: RuleSet) -> None:
    for name in ("ct-2025-honor", "ct-2025-decline"):
        text = pdf_text(render_memo(view_model(rules, SCENARIOS[name])))
        assert "UNVERIFIED DATA USED by this decision:" in text
        assert "Offenses added to § 54-192h in 2025: UNVERIFIED" in text
    honored = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2025-honor"])))
    # Item by item: the ground's own text and the one section the conviction matched.
    assert "“Convicted of an offense added in 2025”" in honored
    assert "Offenses added to § 54-192h in 2025: § 53a-223 is UNVERIFIED data" in honored
    assert "§ 53a-71 is UNVERIFIED" not in honored  # a section the case did not use
    declined = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2025-decline"])))
    assert "Offenses added to § 54-192h in 2025 (whether it is complete) is UNVERIFIED" in declined
    assert "Relies on UNVERIFIED data" in honored
    assert "SUPERVISOR REVIEW REQUIRED" in honored
    assert "The hold rests only on grounds that use unverified data" in honored


def test_verified_packs_say_so(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2019-honor"])))
    assert "All data this decision used is marked verified in the rule pack." in text
    assert "UNVERIFIED" not in text


def test_review_reasons_and_supervisor(rules: RuleSet) -> None:
    raw = make_case(
        decision_time="2020-11-24T09:00:00-05:00",
        tsdb_match=None,
        detainer={**DETAINER, "received_at": "2020-11-24T08:00:00-05:00"},
    )
    reviewed = Signer("Luis Nuñez", "S-22", CREATED_AT)
    text = pdf_text(render_memo(view_model(rules, raw, supervisor=reviewed)))
    assert "SUPERVISOR REVIEW REQUIRED — reviewed by Luis Nuñez, badge S-22 on" in text
    assert "Unknown / not verified: unknown never establishes a ground" in text
    assert "Printed name Luis Nuñez" in text


def test_actions_checklists(rules: RuleSet) -> None:
    vm = view_model(rules, SCENARIOS["ct-2019-decline"])
    text = pdf_text(render_memo(vm))
    assert "Required actions — tick each when done" in text
    assert "Prohibited actions — tick each to confirm it was not done" in text
    for action in (*vm.required_actions, *vm.prohibited_actions):
        assert action.text in text


def test_signature_blocks(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2019-honor"])))
    assert "Deciding officer" in text and "Supervisor" in text
    assert "Printed name Ana Gonçalves" in text
    assert "Badge number 1187" in text
    assert "Date and time Thursday, November 19, 2026, 09:05 EST" in text
    assert text.count("Signature") >= 2


def test_verification_block(rules: RuleSet) -> None:
    text = pdf_text(render_memo(view_model(rules, SCENARIOS["ct-2019-honor"])))
    code = short_code(RECORD_SHA256)
    assert f"Verification code (type it to check this memo): {code}" in text
    assert RECORD_SHA256 in text
    assert "Decision 1042 · version 1 · audit-chain position 57" in text
    assert f"trustdesk verify --code {code}" in text
    assert f"code {code}" in text  # in every footer


def test_pdf_metadata_comes_from_the_record(rules: RuleSet) -> None:
    data = render_memo(view_model(rules, SCENARIOS["ct-2025-honor"]))
    meta = pdf_metadata(data)
    assert meta["/Title"] == "Detainer decision memo — decision 1042, version 1"
    assert meta["/Author"] == AGENCY.name
    assert meta["/Subject"].startswith(HONOR)
    assert meta["/CreationDate"] == "D:20261119140500+00'00'"
    assert meta.creation_date is not None
    assert meta.creation_date.isoformat() == "2026-11-19T14:05:00+00:00"


def test_accented_and_markup_characters_print(rules: RuleSet) -> None:
    raw = make_case(
        person={"name": "José Nuñez Peña <Gonçalves & Ørsted>", "booking_number": "B-1"}
    )
    text = pdf_text(render_memo(view_model(rules, raw)))
    assert "José Nuñez Peña <Gonçalves & Ørsted>" in text


def _png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (width, height), 0).save(buffer, format="PNG")
    return buffer.getvalue()


def test_logo_is_drawn_and_a_damaged_logo_is_a_clear_error(rules: RuleSet) -> None:
    from dataclasses import replace

    from trustdesk.memo.errors import MemoError

    vm = view_model(rules, SCENARIOS["ct-2014-decline"], agency=replace(AGENCY, logo=_png(60, 30)))
    data = render_memo(vm)
    assert b"/Subtype /Image" in data
    assert render_memo(vm) == data  # a logo keeps the memo reproducible
    damaged = view_model(
        rules, SCENARIOS["ct-2014-decline"], agency=replace(AGENCY, logo=_png(60, 30)[:40])
    )
    with pytest.raises(MemoError, match=r"agency logo cannot be read"):
        render_memo(damaged)


@pytest.mark.parametrize(("width", "height"), [(30, 600), (900, 20)])
def test_a_logo_is_scaled_into_the_header(rules: RuleSet, width: int, height: int) -> None:
    import io
    import re
    from dataclasses import replace

    import pypdf

    from trustdesk.memo.page import LOGO_MAX

    logo = _png(width, height)
    data = render_memo(
        view_model(rules, SCENARIOS["ct-2014-decline"], agency=replace(AGENCY, logo=logo))
    )
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    content = page.get_contents()
    assert content is not None
    # The image is placed by "w 0 0 h x y cm" right before it is drawn.
    placed = re.findall(rb"([\d.]+) 0 0 ([\d.]+) [\d.]+ [\d.]+ cm\s*/\S+ Do", content.get_data())
    assert placed, "the logo was not drawn"
    drawn_w, drawn_h = (float(v) for v in placed[0])
    assert drawn_w <= LOGO_MAX[0] + 0.01 and drawn_h <= LOGO_MAX[1] + 0.01
    assert abs(drawn_w / drawn_h - width / height) < 0.02 * width / height  # not distorted

"""Counsel's sign-off in the Rule packs tab, driven as an administrator would (issue 15 §1),
and the administrators' banner about stale or missing law (§1, last point)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pypdf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from uikit import Answers, FakeTime

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.services.decisions import DecisionService

LEFT = Qt.MouseButton.LeftButton
LISTED = make_case(convictions=[conviction("53a-71", "felony", "C", date="2012-05-01")])
ITEMS = ("criteria/listed_offense_conviction", "lists/ct_2025_added_offenses/53a-71")


def packs_tab(window: Any) -> Any:
    admin = window.workspace.admin
    window.workspace.tabs.setCurrentWidget(admin)
    admin.tabs.setCurrentWidget(admin.packs)
    return admin.packs


def tick(qtbot: Any, items: Any, row: Any) -> None:
    """Click the row's check box where the style draws it."""
    items.scrollToItem(row)
    option = QStyleOptionViewItem()
    option.initFrom(items)
    option.rect = items.visualItemRect(row)
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = items.style().subElementRect(
        QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, items
    )
    qtbot.mouseClick(items.viewport(), LEFT, pos=box.center())


def decide(decisions: DecisionService, desk: Any, rules: Any) -> Any:
    return decisions.create(desk.session("officer"), parse_case(LISTED, "test", rules.sections),
                            LISTED)  # fmt: skip


def test_signoff_through_the_tab_clears_review_for_later_decisions_only(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, answers: Answers, tmp_path: Path
) -> None:
    window = make_window(sign_in="administrator")
    # The desktop app's services decide with the window's rules (ui/app.py): so here.
    decisions = DecisionService(gui_desk.services.ctx, window.context.rules_holder)
    shipped = rules.pack("ct-2025").pack.sha256
    before = decide(decisions, gui_desk, rules)
    assert before.record.review_required and before.record.rule_pack_sha256 == shipped

    tab = packs_tab(window)
    form = tab.signoff
    assert form.pack.currentText() == "ct-2025"  # the newest pack is offered first
    assert form.item_row(ITEMS[1]).text().startswith("[UNVERIFIED] Offenses added")
    for item in ITEMS:
        tick(qtbot, form.items, form.item_row(item))
    assert form.ticked() == ITEMS
    qtbot.keyClicks(form.source, "Public Act 25-xx, section 1, official text")
    qtbot.keyClicks(form.counsel, "Dana Reyes")
    qtbot.keyClicks(form.counsel_title, "Town Attorney")

    # Without the attestation nothing is recorded, and the form says why.
    qtbot.mouseClick(form.button, LEFT)
    assert form.error.isVisibleTo(form) and "attestation" in form.error.text()
    assert gui_desk.store.audit.of_events("rules.signed_off") == []

    form.attest.setFocus()
    qtbot.keyClick(form.attest, Qt.Key.Key_Space)
    assert form.attest.isChecked()
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as finished:
        qtbot.mouseClick(form.button, LEFT)
    assert finished.args == ["succeeded"] and answers.errors == []
    assert "sign-off of 2 item(s) of ct-2025 is recorded" in tab.panel.status.text()

    (entry,) = gui_desk.store.audit.of_events("rules.signed_off")
    objects = entry.objects_dict()
    assert entry.actor == "admin" and objects["items"] == list(ITEMS)
    assert objects["by"] == "Dana Reyes" and objects["on"] == "2026-11-20"
    new_sha = window.context.rules.pack("ct-2025").pack.sha256
    assert objects["sha256"] == new_sha != shipped
    # The form shows the new revision: the signed items verified, the rest not.
    assert form.item_row(ITEMS[1]).text().startswith("[verified]")
    assert "Dana Reyes (Town Attorney)" in form.item_row(ITEMS[1]).toolTip()
    assert form.item_row("lists/ct_2025_added_offenses/53a-72a").text().startswith("[UNV")
    assert form.counsel.text() == "" and not form.attest.isChecked()

    after = decide(decisions, gui_desk, rules)
    assert not after.record.review_required
    assert after.record.rule_pack_sha256 == new_sha
    assert after.record.outcome == before.record.outcome == "honor"

    # The earlier decision keeps its pinned pack and its flag; its memo reads it back.
    officer = gui_desk.session("officer")
    old = gui_desk.services.decisions.view(officer, before.record.decision_id).latest
    assert old.rule_pack_sha256 == shipped and old.review_required
    printed = gui_desk.services.memos.print_memo(
        officer, before.record.decision_id, tmp_path / "before.pdf"
    )
    reader = pypdf.PdfReader(io.BytesIO(printed.path.read_bytes()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert shipped in text and new_sha not in text


def test_a_refused_signoff_is_shown_and_changes_nothing(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    window = make_window(sign_in="administrator")
    form = packs_tab(window).signoff
    qtbot.mouseClick(form.button, LEFT)
    assert "Tick at least one item" in form.error.text()
    tick(qtbot, form.items, form.item_row(ITEMS[0]))
    qtbot.mouseClick(form.button, LEFT)
    assert form.error.text() == "Give the source counsel checked against."
    assert not (gui_desk.store.data_dir / "rules").exists()


def test_auditors_see_no_signoff_form(make_window: Any) -> None:
    window = make_window(sign_in="auditor")
    assert packs_tab(window).signoff is None


def test_administrators_see_a_banner_when_a_pack_is_over_a_year_old(
    make_window: Any, fake_time: FakeTime
) -> None:
    fresh = make_window(sign_in="administrator")
    assert not fresh.workspace.admin_banner.isVisibleTo(fresh.workspace)
    fake_time.wall = fake_time.wall.replace(year=2028)
    window = make_window(sign_in="administrator")
    banner = window.workspace.admin_banner
    assert banner.isVisibleTo(window.workspace)
    assert "Rule pack ct-2025 was last verified on 27 Nov 2026, more than a year ago" in (
        banner.text()
    )
    assert "record the sign-off" in banner.text() and banner.accessibleName() == banner.text()
    officer = make_window(sign_in="officer")
    assert not officer.workspace.admin_banner.isVisibleTo(officer.workspace)


def test_an_administrator_keeps_the_agency_pack_and_the_banner_stops(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path
) -> None:
    # The agency's ct-2014 is made from the version TrustDesk shipped before: the banner
    # names it until an administrator says, in the Rule packs tab, why it is kept.
    import json

    from test_pack_alerts import EARLIER_2014, _earlier_2014
    from test_rulepack_archive import UNSIGNED, Holder

    from trustdesk.rules.registry import rules_for_data_dir
    from trustdesk.store.pack_imports import SHIPPED_CHANGE_KEPT

    source = tmp_path / "usb" / "ct-2014.json"
    source.parent.mkdir()
    source.write_bytes(_earlier_2014())
    holder = Holder(rules_for_data_dir(gui_desk.store.data_dir))
    gui_desk.services.rulepacks.import_pack(
        gui_desk.session("admin"), source, holder, override=UNSIGNED
    )
    window = make_window(sign_in="administrator")
    banner = window.workspace.admin_banner
    assert "Your agency's rule pack ct-2014" in banner.text()
    assert banner.isVisibleTo(window.workspace)
    box = packs_tab(window).kept_changes
    assert box is not None and box.isVisibleTo(window)
    assert box.pack.currentText().startswith(f"ct-2014: yours from {EARLIER_2014[:12]}")
    qtbot.keyClicks(box.reason, "keep it")
    qtbot.mouseClick(box.button, LEFT)
    assert "give 10 to 500" in box.error.text() and box.error.isVisibleTo(window)
    assert "ct-2014" in banner.text()  # nothing recorded
    box.reason.clear()
    reason = "Counsel: keep the 2014 reading until the review is done"
    qtbot.keyClicks(box.reason, reason)
    qtbot.mouseClick(box.button, LEFT)
    assert not box.isVisibleTo(window) and not box.error.isVisibleTo(window)
    assert not banner.isVisibleTo(window.workspace)
    (entry,) = gui_desk.store.audit.of_events(SHIPPED_CHANGE_KEPT)
    assert json.loads(entry.objects)["reason"] == reason
    assert "ct-2014" not in make_window(sign_in="administrator").workspace.admin_banner.text()


def test_the_packs_tab_names_an_agency_pack_imported_before_a_shipped_one(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path
) -> None:
    # The trail an earlier TrustDesk wrote when it shipped no ct-2014 (the agency's import
    # replaced nothing), then the same file imported here: the banner and the Rule packs
    # tab say that TrustDesk ships its own now, until an administrator keeps the agency's.
    from test_pack_alerts import _agency_2014, _in_place_of_2014
    from test_rulepack_archive import UNSIGNED, Holder

    from trustdesk.rules.registry import rules_for_data_dir

    _rules, agency = _in_place_of_2014(tmp_path, _agency_2014())
    service, admin = gui_desk.services.rulepacks, gui_desk.session("admin")
    service.ctx.audit("rules.imported", admin, pack="ct-2014", sha256=agency, replaced_sha256=None)
    source = tmp_path / "usb" / "ct-2014.json"
    source.parent.mkdir()
    source.write_bytes(_agency_2014())
    holder = Holder(rules_for_data_dir(gui_desk.store.data_dir))
    service.import_pack(admin, source, holder, override=UNSIGNED)
    window = make_window(sign_in="administrator")
    banner = window.workspace.admin_banner
    assert "Your agency's rule pack ct-2014 came into force where no pack of that id was" in (
        banner.text()
    )
    box = packs_tab(window).kept_changes
    assert box is not None and box.isVisibleTo(window)
    assert box.pack.currentText().startswith("ct-2014: yours in force where none was, shipped now ")
    qtbot.keyClicks(box.reason, "Counsel wrote ours before TrustDesk shipped ct-2014")
    qtbot.mouseClick(box.button, LEFT)
    assert not box.isVisibleTo(window) and not banner.isVisibleTo(window.workspace)

"""The history's detail view and its actions: versions, hold, memos, audit; approve, amend."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from test_board_kit import SERIOUS, context, decide, events, make_case
from uikit import FakeTime, type_text

from trustdesk.rules.caseio import parse_case
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.history import ApprovalDialog, HistoryPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

RELEASABLE = "2026-11-20T15:00:00-05:00"


@pytest.fixture
def history(qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime) -> Any:
    def make(username: str = "officer") -> HistoryPage:
        page = HistoryPage(context(gui_desk, rules, fake_time, username))
        qtbot.addWidget(page)
        page.show()
        return page

    return make


#: What the supervisor types as the note when the approval dialog is shown.
APPROVAL_NOTE: dict[str, str | None] = {"note": ""}


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """Every question and error the page shows; every question is answered yes, and an
    approval with ``APPROVAL_NOTE["note"]``."""
    seen: list[tuple[str, str, str]] = []
    APPROVAL_NOTE["note"] = ""

    def confirm(cls: Any, parent: Any, title: str, text: str) -> bool:
        seen.append(("confirm", title, text))
        return True

    def error(cls: Any, parent: Any, title: str, text: str) -> None:
        seen.append(("error", title, text))

    def approve(cls: Any, parent: Any, question: str) -> str | None:
        seen.append(("approve", "Approve decision", question))
        return APPROVAL_NOTE["note"]

    monkeypatch.setattr(Ask, "confirm", classmethod(confirm))
    monkeypatch.setattr(Ask, "error", classmethod(error))
    monkeypatch.setattr(ApprovalDialog, "ask", classmethod(approve))
    return seen


def amended_hold(desk: Any, rules: Any) -> int:
    """A hold decided without its start, then amended once the release time was known."""
    saved = decide(desk, rules, tsdb_match=True)
    raw = make_case(tsdb_match=True, releasable_at=RELEASABLE)
    case = parse_case(raw, "test", rules.sections)
    desk.services.decisions.amend(
        desk.session("officer2"),
        saved.record.decision_id,
        case,
        raw,
        "Release time came from the court clerk",
    )
    return saved.record.decision_id


def test_selecting_a_row_shows_every_version_and_the_audit(
    qtbot: Any, history: Any, gui_desk: Any, rules: Any
) -> None:
    decision = amended_hold(gui_desk, rules)
    other = decide(gui_desk, rules).record.decision_id
    page = history()
    assert page.view is None  # listing opens nothing
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # the newest: the last one decided
    assert page.view is not None and page.view.latest.decision_id == other
    qtbot.keyClick(page.table, Qt.Key.Key_Down)  # browsing: opens once the keys rest
    qtbot.waitUntil(lambda: page.view.latest.decision_id == decision, timeout=2000)
    detail = page.detail
    versions = detail.section("Versions")
    assert versions[0].startswith("Version 1 — HONOR the detainer; recorded Fri 20 Nov 2026")
    assert "    Release time not yet known" in versions
    amendment = "    Amendment by officer2. Reason: Release time came from the court clerk"
    assert amendment in versions
    assert "    Hold expires Tue 24 Nov 2026 15:00 EST" in versions
    timeline = detail.section("Hold timeline")
    assert timeline[1:] == ("Release due Tue 24 Nov 2026 15:00 EST", "Still open")
    trail = detail.section("Audit entries")
    assert [line.split()[7] for line in trail] == [
        "decision.created",
        "decision.amended",
        "decision.viewed",
    ]
    assert "by officer at" in trail[-1]  # the viewing itself is on record
    seen = [e for e in events(gui_desk, "decision.viewed") if e.actor == "officer"]
    assert seen[-1].objects_dict()["decision"] == decision
    assert "Release time came from the court clerk" in detail.text.toPlainText()


def test_closed_hold_and_printed_memo_with_its_hash(
    tmp_path: Path, history: Any, gui_desk: Any, rules: Any
) -> None:
    saved = decide(gui_desk, rules, convictions=[SERIOUS], releasable_at=RELEASABLE)
    officer = gui_desk.session("officer")
    decision = saved.record.decision_id
    printed = gui_desk.services.memos.print_memo(officer, decision, tmp_path / "memo.pdf")
    gui_desk.services.holds.close(officer, saved.hold_id, "released_other", note="Bond posted")
    page = history("auditor")
    page.show_decision(decision)
    memos = page.detail.section("Memos printed")
    digest = hashlib.sha256(printed.path.read_bytes()).hexdigest()
    assert len(memos) == 1 and memos[0].endswith(f"PDF SHA-256 {digest}")
    assert memos[0].startswith("Version 1 printed Fri 20 Nov 2026 11:00 EST by officer")
    timeline = page.detail.section("Hold timeline")
    assert timeline[1].startswith("Closed: released otherwise at Fri 20 Nov 2026 11:00 EST")
    assert timeline[2] == "Note: Bond posted"
    trail = [line.split()[7] for line in page.detail.section("Audit entries")]
    assert trail == ["decision.created", "memo.printed", "hold.closed", "decision.viewed"]


def test_an_honored_notification_only_detainer_shows_no_hold_and_says_why(
    qtbot: Any, history: Any, gui_desk: Any, rules: Any
) -> None:
    # An I-247N asks only to be told of the release: honored, nobody held on it. The
    # detail view said "Release time not yet known" under the version and "the detainer
    # was not honoured" in the hold's timeline.
    detainer = {**make_case()["detainer"], "form": "I-247N"}
    saved = decide(gui_desk, rules, tsdb_match=True, detainer=detainer)
    assert saved.record.outcome == "honor" and saved.hold_id is None
    page = history("auditor")
    page.show_decision(saved.record.decision_id)
    versions = page.detail.section("Versions")
    assert versions[0].startswith("Version 1 — HONOR the detainer")
    assert "    No hold: the detainer's form asks only to be told before the release" in versions
    assert not any("not yet known" in line for line in versions)
    assert page.detail.section("Hold timeline") == (
        "No hold: the detainer's form asks only to be told before the release",
    )
    assert "not honoured" not in page.detail.text.toPlainText()


def _awaiting_review(history: Any, gui_desk: Any, rules: Any) -> tuple[Any, int]:
    """A supervisor's history page showing a decision that awaits review."""
    flagged = decide(gui_desk, rules, tsdb_match=None).record.decision_id
    page = history("supervisor")
    page.show_decision(flagged)
    return page, flagged


def test_a_supervisor_approves_what_awaits_review(
    qtbot: Any, history: Any, gui_desk: Any, rules: Any, asked: list[Any]
) -> None:
    page, flagged = _awaiting_review(history, gui_desk, rules)
    assert page.detail.approve_button.isEnabled()
    assert page.detail.role_note.text() == "⚠ Awaiting a supervisor's review."
    with qtbot.waitSignal(page.decision_approved) as approved:
        qtbot.mouseClick(page.detail.approve_button, Qt.MouseButton.LeftButton)
    assert approved.args == [flagged]
    assert asked[0][:2] == ("approve", "Approve decision")
    supervisor = gui_desk.session("supervisor")
    assert gui_desk.services.decisions.awaiting_review(supervisor) == []
    assert not page.detail.approve_button.isEnabled()
    assert page.detail.section("Supervisor reviews")[0].startswith("Approved by supervisor at")


def test_the_supervisors_note_is_kept_with_the_approval(
    history: Any, gui_desk: Any, rules: Any, asked: list[Any]
) -> None:
    page, _flagged = _awaiting_review(history, gui_desk, rules)
    APPROVAL_NOTE["note"] = "Checked the TSDB entry with the fusion centre"
    page.approve()
    (review,) = page.detail.section("Supervisor reviews")
    assert review.endswith(". Note: Checked the TSDB entry with the fusion centre")


def test_cancelling_the_approval_records_nothing(
    history: Any, gui_desk: Any, rules: Any, asked: list[Any]
) -> None:
    page, _flagged = _awaiting_review(history, gui_desk, rules)
    APPROVAL_NOTE["note"] = None
    page.approve()
    assert page.detail.approve_button.isEnabled()
    assert page.detail.section("Supervisor reviews") == ("No review recorded.",)


def test_the_approval_dialog_takes_a_typed_note_or_none(qtbot: Any) -> None:
    dialog = ApprovalDialog.dialog(None, "Approve decision 7, version 1?")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.text.accessibleName() == "Supervisor's note on the approval"
    type_text(qtbot, dialog.text, "Llamé a la oficina: sigue vigente")
    approve = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert approve.text() == "Approve"
    qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    assert dialog.answer() == "Llamé a la oficina: sigue vigente"
    cancelled = ApprovalDialog.dialog(None, "Approve decision 7, version 1?")
    qtbot.addWidget(cancelled)
    cancelled.show()
    type_text(qtbot, cancelled.text, "not this")
    cancel = cancelled.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert cancelled.answer() is None


def test_a_supervisor_cannot_approve_their_own_decision(
    history: Any, gui_desk: Any, rules: Any, asked: list[Any]
) -> None:
    own = decide(gui_desk, rules, "supervisor", tsdb_match=None).record.decision_id
    page = history("supervisor")
    page.show_decision(own)
    page.approve()
    kind, title, text = asked[-1]
    assert (kind, title) == ("error", "The decision was not approved")
    assert "is your own; another supervisor must review it" in text


def test_auditors_read_only_and_the_service_refuses_a_forced_approval(
    history: Any, gui_desk: Any, rules: Any, asked: list[Any]
) -> None:
    flagged = decide(gui_desk, rules, tsdb_match=None).record.decision_id
    page = history("auditor")
    page.show_decision(flagged)
    assert not page.detail.approve_button.isEnabled()
    assert not page.detail.amend_button.isEnabled()
    assert page.detail.role_note.text() == "Read-only: your role changes no records."
    page.approve()  # as if the button had been reached anyway
    kind, title, text = asked[-1]
    assert (kind, title) == ("error", "The decision was not approved")
    assert "review decisions (supervisors only)" in text
    denied = events(gui_desk, "permission.denied")[-1].objects_dict()
    assert denied["decision"] == flagged
    auditor = gui_desk.session("auditor")
    assert [r.decision_id for r in gui_desk.services.decisions.awaiting_review(auditor)] == [
        flagged
    ]


def test_amend_asks_the_workspace_for_the_review(
    qtbot: Any, history: Any, gui_desk: Any, rules: Any
) -> None:
    decision = decide(gui_desk, rules).record.decision_id
    page = history("officer")
    page.show_decision(decision)
    assert not page.detail.approve_button.isEnabled()
    with qtbot.waitSignal(page.amend_requested) as wanted:
        qtbot.mouseClick(page.detail.amend_button, Qt.MouseButton.LeftButton)
    assert wanted.args == [decision]


def test_a_missing_decision_is_a_message(history: Any, asked: list[Any]) -> None:
    page = history("officer")
    page.show_decision(4242)
    assert asked[-1][:2] == ("error", "The decision cannot be shown")
    assert page.view is None and not page.detail.amend_button.isEnabled()

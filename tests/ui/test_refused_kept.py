"""A decision kept while the server was lost, refused when it came back (here: the
officer's account was disabled meanwhile), is never dropped by itself: the banner says
so, a "Not recorded" list shows it with the reason, its memo can be saved for the paper
file, an officer may not discard it, and a supervisor discards it with a reason that
the audit keeps. (On SQLite: the refusal, not the outage, is what is tested here; the
outage itself is in test_live_board_pg.py and test_silent_cut_pg.py.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from livekit import honored
from test_offline_desk import pdf_text

from trustdesk.ui.kept_refused import DiscardReason

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CEILING_MS = 10_000
LEFT = Qt.MouseButton.LeftButton


def keep_refused(desk: Any, rules: Any) -> Any:
    """A decision kept by officer2 while the server was lost; officer2 is disabled since."""
    case, raw = honored(rules, booking="NH-KEPT-1", name="Ana Ruiz")
    kept = desk.services.sync.keep(desk.session("officer2"), case, raw)
    desk.services.accounts.set_active(desk.session("admin"), "officer2", False)
    return kept


def refused_tab(window: Any) -> str:
    tabs = window.workspace.tabs
    return next(
        (tabs.tabText(i) for i in range(tabs.count()) if "Not recorded" in tabs.tabText(i)), ""
    )


def test_a_refused_kept_decision_is_listed_printed_and_discarded_with_a_reason(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    rules: Any,
    answers: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kept = keep_refused(gui_desk, rules)
    window = make_window(sign_in="supervisor")
    # The desk tries to record what it kept as soon as it is signed in: refused.
    qtbot.waitUntil(lambda: "was not recorded" in window.server_banner.text(), timeout=CEILING_MS)
    assert "officer2" in window.server_banner.text() or "disabled" in window.server_banner.text()
    qtbot.waitUntil(lambda: refused_tab(window) == "⚠ Not recorded (1)", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    window.workspace.tabs.setCurrentWidget(page)
    assert page.table.rowCount() == 1
    row = [page.table.item(0, column).text() for column in range(page.table.columnCount())]
    assert row[0] == kept.pending.short_id and row[1] == "officer2"
    assert row[3] == "NH-KEPT-1" and row[4] == "Ana Ruiz"
    assert row[5]  # the reason, as the record gave it
    assert row[5] == gui_desk.services.sync.outbox.get(kept.pending.id).refused

    # For the paper file: the memo, marked NOT YET RECORDED.
    answers.save_file = str(tmp_path / "refused.pdf")
    qtbot.mouseClick(page.memo.save_button, LEFT)
    saved = list(tmp_path.glob("refused*.pdf"))
    assert len(saved) == 1
    text = pdf_text(saved[0].read_bytes())
    assert "NOT YET RECORDED" in text and "Ana Ruiz" in text

    # Decided again: a new review opens, filled with the kept case; the kept copy stays.
    qtbot.mouseClick(page.rewalk_button, LEFT)
    review = window.workspace.review
    assert review is not None and review.amend_of is None
    assert review.person.name.text() == "Ana Ruiz"
    assert review.review.raw["person"]["booking_number"] == "NH-KEPT-1"
    assert gui_desk.services.sync.outbox.get(kept.pending.id) is not None
    window.workspace.tabs.setCurrentWidget(page)
    # Asked again while that review is open: said plainly, no second draft.
    supervisor = gui_desk.session("supervisor")
    drafts = gui_desk.services.drafts.list(supervisor)
    qtbot.mouseClick(page.rewalk_button, LEFT)
    assert answers.infos[-1] == (
        "Finish or close the review that is open first; then Decide again opens kept "
        f"decision {kept.pending.short_id} in a new review."
    )
    assert gui_desk.services.drafts.list(supervisor) == drafts
    assert window.workspace.review is review

    # Cancelled: nothing happens. Then discarded with a reason.
    monkeypatch.setattr(DiscardReason, "ask", classmethod(lambda cls, parent, subject: None))
    qtbot.mouseClick(page.discard_button, LEFT)
    assert gui_desk.services.sync.outbox.get(kept.pending.id) is not None
    reason = "Officer left; case decided again in a new review (decision on paper file)"
    monkeypatch.setattr(DiscardReason, "ask", classmethod(lambda cls, parent, subject: reason))
    qtbot.mouseClick(page.discard_button, LEFT)
    assert answers.errors == []
    assert gui_desk.services.sync.outbox.all() == []
    assert refused_tab(window) == ""
    entries = list(gui_desk.store.audit.of_events("kept_decision.discarded"))
    assert len(entries) == 1
    objects = entries[0].objects_dict()
    assert objects["offline_draft"] == kept.pending.id and objects["reason"] == reason
    assert objects["refused"] == row[5]
    assert entries[0].actor == "supervisor"


def test_an_officer_sees_the_refused_decision_but_may_not_discard_it(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, answers: Any
) -> None:
    kept = keep_refused(gui_desk, rules)
    window = make_window(sign_in="officer")
    qtbot.waitUntil(lambda: refused_tab(window) != "", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    assert page.table.rowCount() == 1
    assert not page.discard_button.isVisibleTo(page)
    assert page.rewalk_button.isVisibleTo(page)  # an officer may decide it again
    # Below the interface too: the service refuses and records the refusal.
    from trustdesk.services.errors import ServiceError

    with pytest.raises(ServiceError, match="discard"):
        gui_desk.services.sync.discard(gui_desk.session("officer"), kept.pending.id, "no")
    assert gui_desk.services.sync.outbox.get(kept.pending.id) is not None
    assert list(gui_desk.store.audit.of_events("kept_decision.discarded")) == []


def keep_refused_closure(desk: Any, rules: Any) -> Any:
    """A hold closed by officer2 while the server was lost; officer2 is disabled since."""
    case, raw = honored(rules, booking="NH-KEPT-2", name="Luis Peña")
    desk.services.decisions.create(desk.session("officer"), case, raw)
    [status] = desk.services.holds.active(desk.session("officer"))
    kept = desk.services.sync.keep_closure(
        desk.session("officer2"), status, "ice_took_custody", None
    )
    desk.services.accounts.set_active(desk.session("admin"), "officer2", False)
    return status, kept


def board_bookings(window: Any) -> list[str]:
    board = window.workspace.board
    return [board.holds.hold_at(row).booking_number for row in range(board.holds.rowCount())]


def test_a_refused_hold_closure_is_listed_and_recorded_again_from_the_keyboard(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, answers: Any
) -> None:
    status, kept = keep_refused_closure(gui_desk, rules)
    window = make_window(sign_in="officer")
    qtbot.waitUntil(lambda: refused_tab(window) == "⚠ Not recorded (1)", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    window.workspace.tabs.setCurrentWidget(page)
    assert not page.decisions_box.isVisible()  # no refused decision: only the closures
    assert page.closure_table.rowCount() == 1
    row = [page.closure_table.item(0, c).text() for c in range(page.closure_table.columnCount())]
    assert row[0] == kept.short_id and row[1] == "officer2"
    assert row[3] == str(status.hold_id) and row[4] == "NH-KEPT-2"
    assert row[5] == "ICE took custody" and "disabled" in row[6]
    assert not page.discard_closure_button.isVisibleTo(page)  # an officer may not discard
    assert board_bookings(window) == ["NH-KEPT-2"]  # the hold is back on the board
    # Record it again, by keyboard: the button has the focus, Space presses it.
    page.record_again_button.setFocus()
    qtbot.keyClick(page.record_again_button, Qt.Key.Key_Space)
    assert answers.errors == []
    closure = gui_desk.store.holds.get(status.hold_id).closure
    assert closure is not None and closure.officer == "officer"
    assert closure.ended_at == kept.kept_at
    assert refused_tab(window) == ""  # nothing left to list
    qtbot.waitUntil(lambda: board_bookings(window) == [], timeout=CEILING_MS)
    assert gui_desk.store.verify().problems == ()


def test_a_refused_hold_closure_printed_and_discarded_by_a_supervisor_with_a_reason(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    rules: Any,
    answers: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trustdesk.ui.kept_refused import DiscardClosureReason

    status, kept = keep_refused_closure(gui_desk, rules)
    window = make_window(sign_in="supervisor")
    qtbot.waitUntil(lambda: refused_tab(window) == "⚠ Not recorded (1)", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    window.workspace.tabs.setCurrentWidget(page)
    # For the paper file: a slip marked NOT YET RECORDED, read back.
    answers.save_file = str(tmp_path / "closure.pdf")
    qtbot.mouseClick(page.slip_button, LEFT)
    [slip] = list(tmp_path.glob("closure*.pdf"))
    text = pdf_text(slip.read_bytes())
    assert "HOLD CLOSURE — NOT YET RECORDED" in text
    assert "NH-KEPT-2" in text and "ICE took custody" in text and "disabled" in text
    assert f"officer2 at desk {kept.workstation}" in text
    assert "Fri 20 Nov 2026 11:00 EST" in text  # when it ended, agency time
    monkeypatch.setattr(DiscardClosureReason, "ask", classmethod(lambda cls, p, s: None))
    qtbot.mouseClick(page.discard_closure_button, LEFT)  # cancelled: still listed
    assert page.closure_table.rowCount() == 1
    reason = "Closed again at the board with the real end time in the note"
    monkeypatch.setattr(DiscardClosureReason, "ask", classmethod(lambda cls, p, s: reason))
    qtbot.mouseClick(page.discard_closure_button, LEFT)
    assert answers.errors == []
    assert refused_tab(window) == ""
    [entry] = gui_desk.store.audit.of_events("kept_closure.discarded")
    objects = entry.objects_dict()
    assert entry.actor == "supervisor" and objects["reason"] == reason
    assert objects["offline_closure"] == kept.id and objects["hold"] == status.hold_id
    assert gui_desk.store.holds.get(status.hold_id).closure is None  # nothing closed


def test_a_kept_decision_edited_on_disk_is_shown_as_not_recorded_with_why(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any
) -> None:
    """Someone with the workstation's files changes the person in officer2's kept
    decision: the desk does not record it; the supervisor sees it under Not recorded
    with the reason (decision 0062), and the record holds no decision for either name."""
    import json

    case, raw = honored(rules, booking="NH-KEPT-2", name="Ana Ruiz")
    kept = gui_desk.services.sync.keep(gui_desk.session("officer2"), case, raw)
    path = gui_desk.store.data_dir / "outbox" / f"{kept.pending.id}.json"
    value = json.loads(path.read_text(encoding="utf-8"))
    value["case"]["person"]["name"] = "Someone Else"
    path.write_text(json.dumps(value), encoding="utf-8")

    window = make_window(sign_in="supervisor")
    qtbot.waitUntil(lambda: refused_tab(window) == "⚠ Not recorded (1)", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    window.workspace.tabs.setCurrentWidget(page)
    row = [page.table.item(0, column).text() for column in range(page.table.columnCount())]
    assert row[0] == kept.pending.short_id and row[1] == "officer2"
    assert row[4] == "Someone Else"  # what the file says now, shown as it is
    assert row[5].endswith(
        "it is not signed by officer2 as it stands: its file was altered or written by "
        "someone else on this workstation"
    )
    from trustdesk.store.search import SearchQuery

    assert gui_desk.store.search.decisions(SearchQuery(booking_number="NH-KEPT-2")) == []


def test_a_refused_kept_decision_decided_again_is_named_and_its_copy_goes(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any, answers: Any, tmp_path: Path
) -> None:
    """The supervisor decides the refused kept case again in a new review and saves it:
    the new decision's audit entry names the kept decision it replaces, the kept copy
    leaves the desk and the list, and a copy of its file put back later (officer2 active
    again) is not recorded as well (decision 0062)."""
    import json
    import shutil

    from test_review import step_titles

    from trustdesk.services.review import RESULT
    from trustdesk.store.search import SearchQuery

    kept = keep_refused(gui_desk, rules)
    copy = tmp_path / "copy.json"
    shutil.copy(gui_desk.store.data_dir / "outbox" / f"{kept.pending.id}.json", copy)
    window = make_window(sign_in="supervisor")
    qtbot.waitUntil(lambda: refused_tab(window) == "⚠ Not recorded (1)", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    window.workspace.tabs.setCurrentWidget(page)
    qtbot.mouseClick(page.rewalk_button, LEFT)
    review = window.workspace.review
    assert review.replaces_kept == kept.pending.id
    for _ in range(12):
        if review.current_id() == RESULT:
            break
        qtbot.mouseClick(review.next_button, LEFT)
    assert review.current_id() == RESULT, step_titles(review)
    qtbot.keyClick(review.result.attest, Qt.Key.Key_Space)
    qtbot.mouseClick(review.save_button, LEFT)
    assert answers.errors == []
    assert review.result.title.text().startswith("Saved as decision")
    [entry] = gui_desk.store.audit.of_events("decision.created")[-1:]
    assert entry.objects_dict()["replaces_offline_draft"] == kept.pending.id
    assert entry.actor == "supervisor"
    assert gui_desk.services.sync.outbox.all() == []
    qtbot.waitUntil(lambda: refused_tab(window) == "", timeout=CEILING_MS)

    gui_desk.services.accounts.set_active(gui_desk.session("admin"), "officer2", True)
    value = json.loads(copy.read_text(encoding="utf-8"))
    value.update(refused="", refused_at=None)
    (gui_desk.store.data_dir / "outbox" / f"{kept.pending.id}.json").write_text(
        json.dumps(value), encoding="utf-8"
    )
    done = gui_desk.services.sync.flush()
    assert done.recorded == () and done.refused == ()
    rows = gui_desk.store.search.decisions(SearchQuery(booking_number="NH-KEPT-1"))
    assert [row.officer for row in rows] == ["supervisor"]


def test_a_refused_row_the_record_dealt_with_leaves_the_list_when_its_action_is_refused(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    rules: Any,
    answers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Decided again elsewhere in this run while the list showed it (the kept copy left
    behind, as when a save's answer is lost): Discard says it was dealt with, and the row
    goes at once instead of staying to be clicked again."""
    kept = keep_refused(gui_desk, rules)
    window = make_window(sign_in="supervisor")
    qtbot.waitUntil(lambda: refused_tab(window) == "⚠ Not recorded (1)", timeout=CEILING_MS)
    page = window.workspace.refused_kept
    sync = gui_desk.services.sync
    case, raw = honored(rules, booking="NH-KEPT-1", name="Ana Ruiz")
    monkeypatch.setattr(sync, "settled", lambda _id: None)  # the copy stays behind
    sync.decide(gui_desk.session("supervisor"), case, raw, replaces_kept=kept.pending.id)
    window.workspace.tabs.setCurrentWidget(page)
    assert page.table.rowCount() == 1
    monkeypatch.setattr(DiscardReason, "ask", classmethod(lambda cls, parent, subject: "dup"))
    qtbot.mouseClick(page.discard_button, LEFT)
    assert "in the record already" in answers.errors[-1]
    assert refused_tab(window) == "" and sync.outbox.all() == []

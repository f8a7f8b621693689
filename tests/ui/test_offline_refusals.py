"""A call that finds the record server gone (before the change feed noticed): a hold
closure is kept on the desk with its note and recorded once later; an approval is
refused with a plain message that says what to do and hands back the note typed. On a
real server the same is shown with the server stopped in test_live_board_pg.py; here
the store's call is made to fail as a lost connection does.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_board_kit import hold

from trustdesk.store.errors import ServerUnavailable

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def lost(*_args: Any, **_kwargs: Any) -> None:
    raise ServerUnavailable("the database server cannot be reached (test); nothing was recorded")


def test_a_release_whose_save_is_cut_off_is_kept_with_its_note_and_recorded_once(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    rules: Any,
    answers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trustdesk.ui.board_close import NoteDialog

    saved = hold(gui_desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    window = make_window(sign_in="officer")
    board = window.workspace.board
    note = "Released on a court order of Judge Ruiz, docket 26-114"
    monkeypatch.setattr(NoteDialog, "ask", classmethod(lambda cls, parent, who: note))
    with monkeypatch.context() as cut:
        cut.setattr(gui_desk.store.holds, "close", lost)
        answers.confirm = True
        board.table.setFocus()
        qtbot.keyClick(board.table, Qt.Key.Key_O)
        assert answers.errors == []
        assert "kept on this workstation" in answers.infos[0]
        assert board.holds.rowCount() == 0
        [kept] = gui_desk.services.sync.closures.all()
        assert kept.note == note and kept.attempted  # the answer was lost: look first
        assert gui_desk.store.holds.get(saved.hold_id).closure is None
    window.live.flush()  # the server answers again
    closure = gui_desk.store.holds.get(saved.hold_id).closure
    assert closure is not None and closure.note == note
    assert closure.outcome == "released_other" and closure.ended_at == kept.kept_at
    assert len(list(gui_desk.store.audit.of_events("hold.closed"))) == 1
    assert gui_desk.services.sync.closures.all() == []


def test_an_approval_refused_by_a_lost_server_gives_back_the_note(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    rules: Any,
    answers: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trustdesk.ui.history import ApprovalDialog

    saved = hold(gui_desk, rules, "Ana Ruiz", "NH-1", None)  # honoured on TSDB: for review
    window = make_window(sign_in="supervisor")
    history = window.workspace.history
    history.show_decision(saved.record.decision_id)
    note = "Checked the TSDB record by phone"
    monkeypatch.setattr(ApprovalDialog, "ask", classmethod(lambda cls, parent, q: note))
    monkeypatch.setattr(gui_desk.services.decisions, "approve", lost)
    history.approve()
    [told] = answers.errors
    assert told.startswith("The review was not recorded: the record server cannot be reached")
    assert "still waits for review" in told
    assert told.endswith(f"Your note, to type again: “{note}”.")

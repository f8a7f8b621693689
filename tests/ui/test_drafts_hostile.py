"""Hostile and careless use of reviews in progress (drafts), driven as a desk would."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_review import fill_person, open_review, walk_to_hold
from uikit import password

from trustdesk.services.review import RESULT

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
LEFT = Qt.MouseButton.LeftButton


def _drafts(desk: Any) -> list[Any]:
    return desk.services.drafts.list(desk.session("officer"))


def _typed_review(make_window: Any, qtbot: Any) -> tuple[Any, Any]:
    """The officer signed in, File > New review, the person typed: the window and page."""
    window = make_window(sign_in="officer")
    return window, _typed(qtbot, window)


def _typed(qtbot: Any, window: Any) -> Any:
    page = open_review(window, qtbot)
    fill_person(qtbot, page, "Luis Peña", "NH-77")
    return page


def _start_and_close(qtbot: Any, window: Any, desk: Any) -> int:
    """File > New review, the person typed, Close (keeps the draft): the draft's id."""
    page = _typed(qtbot, window)
    qtbot.mouseClick(page.close_button, LEFT)
    assert window.workspace.review is None
    (draft,) = _drafts(desk)
    return int(draft.id)


def _edit_behind_the_app(desk: Any, draft_id: int, change: Callable[[Any], None]) -> None:
    """What someone with sqlite3 and the data folder could do: rewrite the payload."""
    with desk.store.db.reading() as conn:
        row = conn.execute("SELECT payload FROM drafts WHERE id = ?", (draft_id,)).fetchone()
    payload = json.loads(row[0])
    change(payload)
    with desk.store.db.transaction() as conn:
        conn.execute("UPDATE drafts SET payload = ? WHERE id = ?", (json.dumps(payload), draft_id))


def _set(path: str, value: Any) -> Callable[[Any], None]:
    def change(payload: Any) -> None:
        node = payload
        *parents, last = path.split(".")
        for part in parents:
            node = node[part]
        node[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_set("step", "detainer"), "its step is 'detainer', not a step's number"),
        (_set("case", "NH-77"), "its case is 'NH-77', not a case"),
        (_set("case.person", "Luis Peña"), "its person is 'Luis Peña', not a section"),
        (
            _set("case.decision_time", "2026-13-45T10:00:00-05:00"),
            "its decision time '2026-13-45T10:00:00-05:00' is not a date and time with its UTC "
            "offset",
        ),
        (
            _set("case.person.date_of_birth", "1990-02-30"),
            "its date of birth '1990-02-30' is not a date",
        ),
        (_set("case.convictions", ["53a-134"]), "its convictions list holds an entry"),
        (_set("amend_of", "7; DROP"), "its amend_of is '7; DROP', not a decision's number"),
        # A yes/no answer rewritten as text: the page would have shown the text "no" as Yes.
        (_set("case.gang_member", "no"), "its answer gang_member is 'no', not yes, no or"),
        (
            _set(
                "case.convictions",
                [
                    {
                        "statute": "53a-134",
                        "level": "felony",
                        "class": "B",
                        "jurisdiction": "CT",
                        "under_appeal": "false",
                    }
                ],
            ),
            "its answer convictions.under_appeal is 'false', not yes, no or unknown",
        ),
    ],
)
def test_a_draft_edited_behind_the_app_is_refused_plainly_on_resume(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Any,
    change: Callable[[Any], None],
    words: str,
) -> None:
    window = make_window(sign_in="officer")
    draft_id = _start_and_close(qtbot, window, gui_desk)
    _edit_behind_the_app(gui_desk, draft_id, change)
    panel = window.workspace.board.drafts
    assert panel.ids() == [draft_id]
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.resume_button, LEFT)
    # Said plainly, which value, and what to do; no review opened, nothing changed.
    assert window.workspace.review is None
    (told,) = answers.errors
    assert f"Draft {draft_id} is damaged ({words}" in told, told
    assert "nothing was changed" in told and "Discard it" in told
    assert [d.id for d in _drafts(gui_desk)] == [draft_id]
    # And it can be discarded from the board as the message says.
    qtbot.mouseClick(panel.discard_button, LEFT)
    assert _drafts(gui_desk) == [] and panel.ids() == []


def test_close_keeps_the_review_open_when_its_draft_was_discarded_elsewhere(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any
) -> None:
    """The same officer, signed in on a second desk, discards the draft this desk is
    editing. Close ("keeps the draft") closed the review anyway: the autosave's refusal
    went only to the log, and everything typed was gone."""
    window, page = _typed_review(make_window, qtbot)
    page.autosave()  # the autosave timer's first save
    (draft,) = _drafts(gui_desk)
    gui_desk.services.drafts.discard(gui_desk.session("officer"), draft.id)  # the other desk
    qtbot.mouseClick(page.close_button, LEFT)
    assert window.workspace.review is page  # still open, everything typed still there
    assert page.person.name.text() == "Luis Peña"
    (told,) = answers.errors
    assert told.startswith(
        "The review could not be kept as a draft, so it stays open with everything you "
        f"typed; nothing was changed. Its draft {draft.id} is no longer in the record: it was "
        "discarded, or its decision saved, on another desk or from the board."
    ), told
    assert "History (Ctrl+F)" in told and "press Discard draft" in told
    assert _drafts(gui_desk) == []  # nothing brought back behind the officer's back
    # Discard draft, as the message says, closes it (the draft being gone already).
    qtbot.mouseClick(page.discard_button, LEFT)
    assert window.workspace.review is None
    assert len(answers.errors) == 1


def test_close_keeps_the_review_open_while_the_record_cannot_take_the_draft(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any, monkeypatch: Any
) -> None:
    """On a PostgreSQL record the drafts live on the server: while it cannot be reached
    the autosave fails, and Close closed the review with nothing kept anywhere."""
    from trustdesk.store.postgresql.connection import unavailable

    window, page = _typed_review(make_window, qtbot)

    def unreachable(*_args: Any, **_kwargs: Any) -> int:
        raise unavailable("postgresql://desk@db.example/trustdesk", OSError("refused"))

    with monkeypatch.context() as cut:
        cut.setattr(type(gui_desk.store.drafts), "save", unreachable)
        qtbot.mouseClick(page.close_button, LEFT)
        assert window.workspace.review is page
        (told,) = answers.errors
        assert told.startswith(
            "The review could not be kept as a draft, so it stays open with everything you "
            "typed; nothing was changed. The database server cannot be reached ("
        ), told
        assert "press Close again once the record can be reached" in told
    # The server back, Close keeps the draft and closes.
    qtbot.mouseClick(page.close_button, LEFT)
    assert window.workspace.review is None
    assert [d.label for d in _drafts(gui_desk)] == ["NH-77 — Luis Peña"]


def test_a_draft_label_rewritten_with_a_direction_override_is_written_out(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any
) -> None:
    """A label set behind the app to "NH-77 — Ana " + RIGHT-TO-LEFT OVERRIDE + "ziuL"
    displayed on the board (and in the Discard question) as "NH-77 — Ana Luiz"."""
    window = make_window(sign_in="officer")
    draft_id = _start_and_close(qtbot, window, gui_desk)
    with gui_desk.store.db.transaction() as conn:
        conn.execute(
            "UPDATE drafts SET label = ? WHERE id = ?", ("NH-77 — Ana \u202eziuL\u202c", draft_id)
        )
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Go > Board
    panel = window.workspace.board.drafts
    text = panel.list.item(0).text()
    assert text.startswith("NH-77 — Ana <U+202E>ziuL<U+202C> — last saved "), text
    assert "\u202e" not in text
    answers.confirm = False
    qtbot.mouseClick(panel.discard_button, LEFT)
    (asked,) = answers.questions
    assert "Ana <U+202E>ziuL<U+202C>" in asked and "\u202e" not in asked


def _attest_and_save(qtbot: Any, page: Any) -> None:
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    assert page.save_button.isEnabled()
    qtbot.mouseClick(page.save_button, LEFT)


def _recorded(desk: Any, booking: str) -> list[int]:
    from trustdesk.store.search import SearchQuery

    found = desk.services.decisions.search(
        desk.session("officer"), SearchQuery(booking_number=booking)
    )
    return sorted(row.decision_id for row in found)


def test_one_draft_resumed_on_two_desks_is_recorded_once(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any
) -> None:
    """The officer walks a review to its result on one desk (autosaved), resumes the same
    draft on a second desk and saves it there, then presses Save on the first: the case
    was recorded twice, two decisions and two holds for one detainer."""
    first = make_window(sign_in="officer")
    decided = datetime(2026, 11, 20, 11, 0, tzinfo=first.context.zone)  # now, at the desk
    page = walk_to_hold(qtbot, first, "Luis Peña", "NH-77", decided)
    page.autosave()
    (draft,) = _drafts(gui_desk)
    second = make_window(sign_in="officer")
    panel = second.workspace.board.drafts
    assert panel.ids() == [draft.id]
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.resume_button, LEFT)
    there = second.workspace.review
    assert there is not None and there.current_id() == RESULT
    with qtbot.waitSignal(there.decision_saved, timeout=5000) as saved:
        _attest_and_save(qtbot, there)
    assert _recorded(gui_desk, "NH-77") == [saved.args[0]]
    assert _drafts(gui_desk) == []  # gone with the save, in its transaction
    # Back at the first desk, the same review: Save.
    _attest_and_save(qtbot, page)
    assert _recorded(gui_desk, "NH-77") == [saved.args[0]]  # recorded once
    (told,) = answers.errors
    assert told.startswith(
        f"This review's draft {draft.id} is no longer in the record: its decision was saved "
        "already (on another desk, or before), or the draft was discarded; nothing was "
        "recorded. Look booking NH-77 up in History (Ctrl+F): if the decision is recorded "
        "there, press Discard draft; if it is not, press Save again to record it."
    ), told
    assert page.saved_id is None and first.workspace.review is page
    # The officer looked and means it: Save again records it, knowingly.
    with qtbot.waitSignal(page.decision_saved, timeout=5000) as again:
        qtbot.mouseClick(page.save_button, LEFT)
    assert _recorded(gui_desk, "NH-77") == sorted([saved.args[0], again.args[0]])


def test_the_board_neither_discards_nor_swaps_the_review_open_on_this_desk(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any
) -> None:
    """With a review open, the board's drafts list (Go > Board) offered its draft: Discard
    deleted it under the open review, and Resume of another draft showed the open review
    instead, another person's, without a word."""
    window = make_window(sign_in="officer")
    other = gui_desk.services.drafts.save(
        window.context.session, None, "NH-5 — Ana Ruiz", {"step": 0}
    )
    page = open_review(window, qtbot)
    fill_person(qtbot, page, "Luis Peña", "NH-77")
    page.autosave()
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Go > Board
    panel = window.workspace.board.drafts
    assert panel.ids() == [page.draft_id, other]
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.discard_button, LEFT)
    (told,) = answers.infos
    assert told.startswith("The review “NH-77 — Luis Peña — last saved ")
    assert told.endswith(
        "is open in the Review tab; nothing was discarded. Discard it there with Discard "
        "draft, or close it first."
    ), told
    assert answers.questions == []  # not even asked
    assert [d.id for d in _drafts(gui_desk)] == [page.draft_id, other]
    panel.list.setCurrentRow(1)
    qtbot.mouseClick(panel.resume_button, LEFT)
    assert answers.infos[1] == (
        "The review “NH-77 — Luis Peña” is open; the draft you chose was not opened. Finish "
        "that review or close it (Close keeps its draft), then Resume the draft you chose."
    )
    assert window.workspace.review is page
    assert window.workspace.tabs.currentWidget() is page
    # Resuming the open review's own draft just shows it, as before.
    panel.list.setCurrentRow(0)
    qtbot.mouseClick(panel.resume_button, LEFT)
    assert len(answers.infos) == 2 and window.workspace.tabs.currentWidget() is page


def _cut_the_server(monkeypatch: Any, desk: Any) -> None:
    """Drafts on a PostgreSQL record whose server cannot be reached: every save fails."""
    from trustdesk.store.postgresql.connection import unavailable

    def unreachable(*_args: Any, **_kwargs: Any) -> int:
        raise unavailable("postgresql://desk@db.example/trustdesk", OSError("refused"))

    monkeypatch.setattr(type(desk.store.drafts), "save", unreachable)


def test_sign_out_asks_before_losing_a_review_whose_draft_cannot_be_kept(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any, monkeypatch: Any
) -> None:
    """File > Sign out while the review's draft could not be kept signed the officer out
    and everything typed was gone, with no word (only the log knew)."""
    window, page = _typed_review(make_window, qtbot)
    with monkeypatch.context() as cut:
        _cut_the_server(cut, gui_desk)
        answers.confirm = False
        window.sign_out_action.trigger()
        (asked,) = answers.questions
        assert asked.startswith(
            "The review in progress could not be kept as a draft. The database server cannot "
            "be reached ("
        ), asked
        assert "Signing out now loses everything typed in it. Go on anyway?" in asked
        # No: still signed in, the review open with what was typed.
        assert window.stack.currentWidget() is window.workspace
        assert window.workspace.review is page and page.person.name.text() == "Luis Peña"
        # Yes: signed out, and the sign-in page says what was lost.
        answers.confirm = True
        window.sign_out_action.trigger()
        assert window.stack.currentWidget() is window.sign_in and window.workspace is None
        told = window.sign_in.error.text()
        assert told.startswith(
            "⚠ What was typed in the review in progress is lost: it could not be kept as a "
            "draft. The database server cannot be reached ("
        ), told
    assert _drafts(gui_desk) == []


def test_sign_out_keeps_a_review_whose_draft_can_be_kept_without_asking(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any
) -> None:
    window, _page = _typed_review(make_window, qtbot)
    window.sign_out_action.trigger()
    assert answers.questions == [] and window.workspace is None
    assert window.sign_in.error.isHidden()
    assert [d.label for d in _drafts(gui_desk)] == ["NH-77 — Luis Peña"]


def test_the_lock_screens_sign_out_asks_before_losing_the_review(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any, monkeypatch: Any
) -> None:
    """Locked with a review whose draft could not be kept (the review waits behind the
    lock): the lock screen's Sign out dropped it with no word."""
    window, page = _typed_review(make_window, qtbot)
    with monkeypatch.context() as cut:
        _cut_the_server(cut, gui_desk)
        window.lock_action.trigger()
        assert window.stack.currentWidget() is window.lock_page
        answers.confirm = False
        qtbot.mouseClick(window.lock_page.sign_out, LEFT)
        (asked,) = answers.questions
        assert "Signing out now loses everything typed in it" in asked
        assert window.stack.currentWidget() is window.lock_page
    # The server back: unlocked, the review is there as it was, and Close keeps it.
    qtbot.keyClicks(window.lock_page.password, password("officer"))
    qtbot.keyClick(window.lock_page.password, Qt.Key.Key_Return)
    assert window.workspace.review is page and page.person.name.text() == "Luis Peña"
    qtbot.mouseClick(page.close_button, LEFT)
    assert [d.label for d in _drafts(gui_desk)] == ["NH-77 — Luis Peña"]


def test_a_lockout_says_the_review_it_could_not_keep_is_lost(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any, monkeypatch: Any
) -> None:
    """Five wrong passwords at the lock screen sign the desk out, asking no one: the
    sign-in page now says the review in progress was lost, not only the log."""
    window, _page = _typed_review(make_window, qtbot)
    with monkeypatch.context() as cut:
        _cut_the_server(cut, gui_desk)
        window.lock_action.trigger()
        for _ in range(5):
            qtbot.keyClicks(window.lock_page.password, "wrong")
            qtbot.keyClick(window.lock_page.password, Qt.Key.Key_Return)
        assert window.stack.currentWidget() is window.sign_in
        told = window.sign_in.error.text()
        assert told.startswith(
            "⚠ Wrong user name or password. What was typed in the review in progress is "
            "lost: it could not be kept as a draft. The database server cannot be reached ("
        ), told
    assert answers.questions == []


def test_quitting_asks_before_losing_a_review_whose_draft_cannot_be_kept(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Any, monkeypatch: Any
) -> None:
    """File > Quit (or the window's close button) while the draft could not be kept."""
    window, page = _typed_review(make_window, qtbot)
    with monkeypatch.context() as cut:
        _cut_the_server(cut, gui_desk)
        answers.confirm = False
        assert not window.close()  # the close event refused
        (asked,) = answers.questions
        assert "Quitting now loses everything typed in it" in asked
        assert window.isVisible() and window.workspace.review is page
    # The server back: Quit keeps the draft and closes without asking.
    assert window.close()
    assert len(answers.questions) == 1
    assert [d.label for d in _drafts(gui_desk)] == ["NH-77 — Luis Peña"]

"""A time in the hour repeated when the clocks go back, on the review's detainer step: the
officer can say it was the second of the two (it could only be the first, an hour early
for a release in the second hour, and such a time on record moved an hour back unseen
when the decision was amended)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from test_review import LEFT, RESULT, fill_person, save

from trustdesk.ui.fields import wall_time

#: 01:30 on the day New York's clocks go back: 05:30 UTC (EDT) or 06:30 UTC (EST).
FIRST = datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
SECOND = datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def to_result(qtbot: Any, page: Any) -> None:
    while page.current_id() != RESULT:
        choice = getattr(page.pages[page.current_id()], "choice", None)
        if choice is not None and not choice.chosen():
            qtbot.mouseClick(choice.buttons["no"], LEFT)
        qtbot.mouseClick(page.next_button, LEFT)


def test_the_second_of_a_repeated_release_time_is_chosen_and_kept_by_an_amendment(
    make_window: Any, qtbot: Any, gui_desk: Any
) -> None:
    window = make_window(sign_in="officer")
    window.new_action.trigger()
    page = window.workspace.review
    fill_person(qtbot, page, "Rosa Quispe", "NH-2026-2201")
    zone = window.context.zone
    page.detainer.decided.set_local(datetime(2026, 11, 1, 9, 0, tzinfo=zone))
    page.detainer.received.set_local(datetime(2026, 10, 31, 22, 0, tzinfo=zone))
    release = page.detainer.release
    box = release.second
    assert box is not None and box.isHidden()  # an ordinary time: nothing to choose
    assert release.unknown is not None and release.unknown.isChecked()
    qtbot.mouseClick(release.unknown, LEFT)  # the release time is known
    release.edit.setDateTime(wall_time(2026, 11, 1, 1, 30))  # typed: 01:30 that night
    assert not box.isHidden()
    assert "second 01:30 (EST" in box.text() and "the first, EDT" in box.text()
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["yes"], LEFT)
    to_result(qtbot, page)
    assert "HOLD PERMITTED" in page.result.outcome.text(), page.result.problems.text()
    qtbot.mouseClick(page.back_button, LEFT)
    while page.pages[page.current_id()] is not page.detainer:
        qtbot.mouseClick(page.back_button, LEFT)
    assert "taken as the first, 01:30 EDT" in release.warning.text()
    qtbot.mouseClick(box, LEFT)  # it was the second 01:30
    to_result(qtbot, page)
    assert "taken as the second, 01:30 EST" in release.warning.text()
    decision_id = save(qtbot, page)
    view = gui_desk.services.decisions.view(gui_desk.session("officer"), decision_id)
    assert datetime.fromisoformat(view.latest.case()["releasable_at"]) == SECOND

    # Amended for another reason: the release time stays the second 01:30.
    qtbot.mouseClick(page.close_button, LEFT)
    window.workspace.history.show_decision(decision_id)
    window.workspace.history.request_amend()
    page = window.workspace.review
    assert page.amend_of == decision_id
    assert page.detainer.release.second is not None
    assert page.detainer.release.second.isChecked()
    to_result(qtbot, page)
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    qtbot.keyClicks(page.result.reason, "Issuing office corrected")
    with qtbot.waitSignal(page.decision_saved, timeout=5000):
        qtbot.mouseClick(page.save_button, LEFT)
    view = gui_desk.services.decisions.view(gui_desk.session("officer"), decision_id)
    assert [v.version for v in view.versions] == [1, 2]
    assert datetime.fromisoformat(view.latest.case()["releasable_at"]) == SECOND


def test_an_ordinary_time_offers_no_choice_and_a_skipped_one_is_refused(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window(sign_in="officer")
    window.new_action.trigger()
    page = window.workspace.review
    fill_person(qtbot, page)
    received = page.detainer.received
    received.edit.setDateTime(wall_time(2026, 3, 8, 2, 30))  # skipped: clocks went forward
    assert received.second is not None and received.second.isHidden()
    qtbot.mouseClick(page.next_button, LEFT)
    assert page.pages[page.current_id()] is page.detainer  # refused, and said why
    assert "does not exist on 08 Mar 2026" in page.detainer.problems.text()
    received.edit.setDateTime(wall_time(2026, 11, 1, 0, 59))
    assert received.second.isHidden()

"""The facts of a conviction the desk form could not say (a hostile pass): whether it was
reduced to a misdemeanor by a later court order, and that its juvenile status is not
known. Connecticut's packs send both to review, but the form offered only a "juvenile"
check box, so every conviction entered at the desk read as an adult's, never reduced.

Both are now asked as yes / no / unknown. They start at "No", the case format's reading
of a fact left out, because the pack tests them only to send an entry to review: an
officer who changes nothing records the case as before."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from test_review import fill_person, open_review

from trustdesk.services.review import RESULT

LEFT = Qt.MouseButton.LeftButton


def _to_convictions(qtbot: Any, window: Any) -> tuple[Any, Any]:
    page = open_review(window, qtbot)
    fill_person(qtbot, page)
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    offenses = page.pages[page.current_id()].offenses
    assert offenses is not None and not offenses.pending
    return page, offenses


def _robbery(qtbot: Any, offenses: Any, answers: dict[str, str]) -> None:
    """A robbery conviction (§ 53a-134, class B felony) of 2015, each named fact answered
    by choosing its text in the box with the keyboard, as an officer does."""
    qtbot.keyClicks(offenses.search, "53a-134")
    offenses._resolve_typed()
    offenses.level.setCurrentText("felony")
    offenses.klass.setCurrentText("B")
    offenses.date.setFocus()
    offenses.date.setDate(QDate(2015, 6, 1))
    for name, text in answers.items():
        box = offenses.tri_boxes[name]
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_Home)
        while box.currentText() != text:
            index = box.currentIndex()
            qtbot.keyClick(box, Qt.Key.Key_Down)
            assert box.currentIndex() != index, f"{text!r} is not offered"
    qtbot.mouseClick(offenses.add_button, LEFT)
    assert offenses.items, offenses.warning.text()


def _to_result(qtbot: Any, page: Any) -> Any:
    for _ in range(6):
        if page.current_id() == RESULT:
            break
        qtbot.mouseClick(page.next_button, LEFT)
        choice = getattr(page.pages[page.current_id()], "choice", None)
        if choice is not None and not choice.chosen():
            qtbot.mouseClick(choice.buttons["no"], LEFT)
    assert page.current_id() == RESULT
    assert page.result.decision is not None, page.result.problems.text()
    return page.result.decision


def test_both_facts_are_asked_and_start_at_no(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    page, offenses = _to_convictions(qtbot, window)
    asked = {name: box.currentText() for name, box in offenses.tri_boxes.items()}
    assert asked == {"juvenile": "No", "reduced_to_misdemeanor": "No"}
    assert offenses.tri_boxes["reduced_to_misdemeanor"].accessibleName() == (
        "Reduced to a misdemeanor by a later court order"
    )
    _robbery(qtbot, offenses, {})
    [item] = offenses.items
    # Left at "No", neither is written: the case reads as it did before the question.
    assert "juvenile" not in item and "reduced_to_misdemeanor" not in item
    decision = _to_result(qtbot, page)
    assert decision.decision == "honor" and not decision.needs_review, decision.review_reasons


def test_a_conviction_reduced_to_a_misdemeanor_goes_to_review(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    page, offenses = _to_convictions(qtbot, window)
    _robbery(qtbot, offenses, {"reduced_to_misdemeanor": "Yes"})
    [item] = offenses.items
    assert item["reduced_to_misdemeanor"] is True
    assert (
        "Reduced to a misdemeanor by a later court order: yes"
        in offenses.table.item(0, offenses.table.columnCount() - 1).text()
    )
    decision = _to_result(qtbot, page)
    assert decision.needs_review
    assert any("reduced to a misdemeanor" in reason for reason in decision.review_reasons)
    # The form is ready for the next entry: back at "No".
    assert offenses.tri_boxes["reduced_to_misdemeanor"].currentText() == "No"


def test_a_conviction_whose_juvenile_status_is_not_known_goes_to_review(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window(sign_in="officer")
    page, offenses = _to_convictions(qtbot, window)
    _robbery(qtbot, offenses, {"juvenile": "Unknown / not verified"})
    [item] = offenses.items
    assert item["juvenile"] is None
    decision = _to_result(qtbot, page)
    assert decision.needs_review
    assert any("juvenile" in reason for reason in decision.review_reasons)


def test_alt_j_reaches_the_juvenile_question(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    _page, offenses = _to_convictions(qtbot, window)
    box = offenses.tri_boxes["juvenile"]
    qtbot.keyClick(offenses.search, Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    assert box.hasFocus()

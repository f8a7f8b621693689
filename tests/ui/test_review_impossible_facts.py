"""Issue 17 §1 in the review wizard: the same fact gets the same refusal or warning as on
the command line, and nothing impossible can be saved."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from test_review import fill_person, open_review, set_times
from uikit import type_text

from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError
from trustdesk.services.review import RESULT

LEFT = Qt.MouseButton.LeftButton


def _cli_reason(page: Any, rules: Any) -> str:
    """What ``trustdesk evaluate`` says of the wizard's case, read as the CLI reads it."""
    try:
        parse_case(page.review.raw, "case.json", rules.sections)
    except InputError as error:
        return error.reason
    raise AssertionError("the case was accepted")


def add_robbery(qtbot: Any, offenses: Any, day: QDate) -> None:
    """Add a robbery conviction (§ 53a-134, class B felony) dated ``day`` to the list."""
    qtbot.keyClicks(offenses.search, "53a-134")
    offenses._resolve_typed()
    offenses.level.setCurrentText("felony")
    offenses.klass.setCurrentText("B")
    offenses.date.setFocus()
    offenses.date.setDate(day)
    qtbot.mouseClick(offenses.add_button, LEFT)


def test_a_conviction_after_the_decision_is_refused_as_on_the_command_line(
    make_window: Any, qtbot: Any, rules: Any
) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page)
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    add_robbery(qtbot, page.pages[page.current_id()].offenses, QDate(2030, 1, 1))  # for 2020
    qtbot.mouseClick(page.next_button, LEFT)
    step = page.pages[page.current_id()]
    qtbot.mouseClick(step.choice.buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    assert page.current_id() == RESULT
    shown = page.result.problems.text()
    assert "after the decision time" in shown and "correct the date" in shown
    assert _cli_reason(page, rules) in shown
    assert page.result.decision is None
    assert "HOLD PERMITTED" not in page.result.outcome.text()
    assert not page.result.attest.isEnabled() and not page.save_button.isEnabled()


def test_a_name_with_a_direction_override_is_refused_at_the_person_step(
    make_window: Any, qtbot: Any, rules: Any
) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    type_text(qtbot, page.person.name, "Ana \u202eziuL")
    qtbot.keyClicks(page.person.booking, "NH-1")
    qtbot.mouseClick(page.next_button, LEFT)
    assert page.current_id() == "person"
    shown = page.person.problems.text()
    assert "U+202E, a text-direction control" in shown
    assert _cli_reason(page, rules) in shown


def test_a_release_time_before_the_detainer_is_kept_with_the_same_warning(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page)
    zone = window.context.zone
    decided = datetime(2026, 11, 20, 16, 5, tzinfo=zone)
    set_times(page, zone, decided, decided - timedelta(days=400))
    page.detainer.received.set_local(decided - timedelta(hours=2))
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["yes"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    while page.current_id() != RESULT:
        qtbot.mouseClick(page.next_button, LEFT)
    decision = page.result.decision
    assert decision is not None and decision.needs_review
    assert "Supervisor review required" in page.result.outcome.text()
    details = page.result.details.toPlainText()
    assert "is before the detainer was received" in details
    assert "already expired at the decision time" in details
    assert any(w in details for w in decision.warnings)


def test_the_result_says_which_step_and_item_hold_what_the_case_cannot_take(
    make_window: Any, qtbot: Any
) -> None:
    """A fact no step checks by itself (a conviction dated before the date of birth) is
    refused on the result page, which names where it was typed: the step, the item and
    the field, not only what is wrong (a hostile pass)."""
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    page.person.birth.setDate(QDate(2000, 5, 1))
    fill_person(qtbot, page)
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    step = page.pages[page.current_id()]
    add_robbery(qtbot, step.offenses, QDate(1995, 1, 1))
    qtbot.mouseClick(page.next_button, LEFT)
    while page.current_id() != RESULT:
        qtbot.mouseClick(page.pages[page.current_id()].choice.buttons["no"], LEFT)
        qtbot.mouseClick(page.next_button, LEFT)
    shown = page.result.problems.text()
    prompt = step.question.prompt.rstrip(".")
    assert f"Fix this first — the step “{prompt}”, item 1, date: " in shown, shown
    assert "before the date of birth" in shown

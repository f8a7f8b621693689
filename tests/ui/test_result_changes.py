"""The result page shows what would change the outcome, driven as an officer would."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from test_review import add_offense, answer, fill_person, open_review, set_times

from trustdesk.services.review import RESULT

LEFT = Qt.MouseButton.LeftButton


def _section(text: str, heading: str) -> str:
    """The lines of ``text`` under ``heading``, up to the next heading of the result."""
    after = text.split(heading, 1)[1]
    for stop in ("Unknown answers that could", "Hold clock", "What ICE would", "Facts that"):
        after = after.split(stop, 1)[0]
    return after


def test_a_decline_shows_what_ice_would_have_to_show_and_what_to_verify(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page, "María Peña", "NH-2026-0412")
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    add_offense(qtbot, page, "53a-61", "misdemeanor", "A")
    qtbot.mouseClick(page.next_button, LEFT)
    answer(qtbot, page, "unknown")  # the TSDB check could not be verified
    assert page.current_id() == RESULT
    assert "DETAINER DECLINED" in page.result.outcome.text()
    text = page.result.details.toPlainText()
    assert "What would change the outcome" in text
    ice = _section(text, "What ICE would have to show for the detainer to be honored")
    assert "Is the detainer accompanied by a warrant issued or signed by a judge" in ice
    assert "class A or class B felony" in ice
    # § 53a-61 is a class A misdemeanor only: a felony is no fact that could be true of
    # it, so none is offered; another section (one that fits a class A misdemeanor) is.
    assert "had level felony" not in ice
    assert "If conviction 1 (§ 53a-61 class A misdemeanor (Connecticut)) had section § " in ice
    unknown = _section(text, "Unknown answers that could change the outcome")
    assert "Terrorist Screening Database" in unknown
    assert "the hold would be permitted" in unknown
    assert "Terrorist Screening Database" not in ice  # listed once, where it belongs


def test_an_honor_shows_what_the_hold_rests_on(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page)
    zone = window.context.zone
    set_times(page, zone, datetime(2026, 11, 20, 16, 5).astimezone(zone), None)
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["yes"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    qtbot.mouseClick(page.next_button, LEFT)  # convictions: none recorded
    answer(qtbot, page, "no")  # no TSDB match
    assert "HOLD PERMITTED" in page.result.outcome.text()
    text = page.result.details.toPlainText()
    rests = _section(text, "What the hold rests on")
    assert "Detainer accompanied by a judicial warrant" in rests
    assert "the answer “Yes” to: Is the detainer accompanied by a warrant" in rests
    wrong = _section(text, "Facts that, if wrong, mean the detainer must be declined")
    assert "the detainer would be declined" in wrong

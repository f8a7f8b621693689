"""The offense picker, driven as an officer would: classes of earlier law and unknown classes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from test_review import fill_person, open_review

LEFT = Qt.MouseButton.LeftButton


def _offenses(make_window: Any, qtbot: Any) -> Any:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page)
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    qtbot.mouseClick(page.next_button, LEFT)
    return page.pages[page.current_id()].offenses


def _pick(qtbot: Any, offenses: Any, typed: str, section: str) -> list[str]:
    offenses.search.clear()
    qtbot.keyClicks(offenses.search, typed)
    suggestions = offenses.suggestions.stringList()
    assert suggestions and section in suggestions[0], suggestions[:3]
    offenses.completer.activated.emit(suggestions[0])
    return [offenses.klass.itemText(i) for i in range(offenses.klass.count())]


def test_a_reclassified_section_offers_its_earlier_class_too(make_window: Any, qtbot: Any) -> None:
    offenses = _offenses(make_window, qtbot)
    # Bribery is a class C felony today and was a class D felony before P.A. 03-259.
    assert _pick(qtbot, offenses, "bribery", "53a-147") == ["C", "D"]
    assert "P.A. 03-259" in offenses.title.text()


def test_a_section_of_unknown_class_offers_every_class(make_window: Any, qtbot: Any) -> None:
    offenses = _offenses(make_window, qtbot)
    classes = _pick(qtbot, offenses, "53-23", "53-23")
    assert classes == ["A", "B", "C", "D", "E", "unclassified"]
    assert "Class unknown" in offenses.title.text()

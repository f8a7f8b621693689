"""The offense picker, driven as an officer would: classes of earlier law and unknown classes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
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
    classes = _pick(qtbot, offenses, "29-37a", "29-37a")
    assert classes == ["A", "B", "C", "D", "E", "unclassified"]
    assert "Class unknown" in offenses.title.text()


def test_a_section_whose_sources_disagree_shows_both_readings_with_their_dates(
    make_window: Any, qtbot: Any
) -> None:
    offenses = _offenses(make_window, qtbot)
    _pick(qtbot, offenses, "14-213b", "14-213b")
    shown = offenses.title.text()
    assert "Sources disagree on the class" in shown
    assert "read 2026-12-04" in shown and "class D felony" in shown
    assert "records of 2016-2020" in shown and "class C misdemeanor (code CM)" in shown


def _enter_date(qtbot: Any, offenses: Any, day: str) -> None:
    # As in test_review_impossible_facts: the field's "Not given" special value does not
    # take typed digits under the offscreen platform, so the date is set on the widget.
    field = offenses.date
    field.setFocus()
    field.setDate(QDate.fromString(day, "yyyy-MM-dd"))
    assert field.date().toString("yyyy-MM-dd") == day


def _offered(offenses: Any) -> tuple[str, list[str], str]:
    classes = [offenses.klass.itemText(i) for i in range(offenses.klass.count())]
    return offenses.level.currentText(), classes, offenses.klass.currentText()


def test_the_picker_offers_a_reclassified_section_with_the_class_of_the_conviction_date(
    make_window: Any, qtbot: Any, monkeypatch: Any
) -> None:
    import trustdesk.ui.offenses as picker

    asked: list[object] = []
    real = picker.search

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("as_of"))
        return real(*args, **kwargs)

    monkeypatch.setattr(picker, "search", spy)
    offenses = _offenses(make_window, qtbot)
    # Intimidation based on bias, 3rd degree: a class A misdemeanor until P.A. 17-111
    # made it a class E felony from October 1, 2017.
    _enter_date(qtbot, offenses, "2016-05-02")
    _pick(qtbot, offenses, "intimidation bigotry 3rd", "53a-181l")
    assert asked and all(str(day) == "2016-05-02" for day in asked)
    assert _offered(offenses) == ("misdemeanor", ["A"], "A")
    offenses.add_button.click()
    assert offenses.items[-1]["level"] == "misdemeanor"
    assert offenses.items[-1]["class"] == "A"
    assert offenses.items[-1]["date"] == "2016-05-02"
    # The same section convicted after the change comes as today's class E felony.
    _enter_date(qtbot, offenses, "2019-03-04")
    asked.clear()
    _pick(qtbot, offenses, "intimidation bigotry 3rd", "53a-181l")
    assert asked and all(str(day) == "2019-03-04" for day in asked)
    level, classes, chosen = _offered(offenses)
    assert (level, chosen) == ("felony", "E")
    assert "E" in classes
    # Bribery: class D before P.A. 03-259 (2003 session), class C today; both stay on offer,
    # the one of the conviction date is preselected, and moving the date moves it.
    offenses.add_button.click()
    _enter_date(qtbot, offenses, "2001-06-01")
    assert _pick(qtbot, offenses, "bribery", "53a-147") == ["C", "D"]
    assert offenses.klass.currentText() == "D"
    _enter_date(qtbot, offenses, "2018-06-01")
    assert offenses.klass.currentText() == "C"


def test_without_a_conviction_date_the_picker_preselects_no_earlier_class(
    make_window: Any, qtbot: Any
) -> None:
    offenses = _offenses(make_window, qtbot)
    assert _pick(qtbot, offenses, "bribery", "53a-147") == ["C", "D"]
    assert offenses.klass.currentText() == "C"

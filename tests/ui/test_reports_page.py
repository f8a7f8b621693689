"""The Reports page, keyboard only: choose the period, make the report (off the GUI
thread), see the figures and the charts, save it as CSV and read it back; officers see
their own decisions only."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QApplication, QDateEdit, QTableWidget
from test_board_kit import decide

from trustdesk.ui.reports_page import ReportsPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
ALT = Qt.KeyboardModifier.AltModifier


def person(name: str, booking: str) -> dict[str, str]:
    return {"name": name, "date_of_birth": "1988-01-02", "booking_number": booking}


@pytest.fixture
def made(gui_desk: Any, rules: Any) -> None:
    """November: officer honors one (TSDB) and declines one, officer2 declines one;
    October: one more, outside the period chosen."""
    decide(gui_desk, rules, person=person("Ann One", "N-1"), tsdb_match=True)
    decide(gui_desk, rules, person=person("Bea Two", "N-2"))
    decide(gui_desk, rules, "officer2", person=person("Cy Three", "N-3"))
    decide(
        gui_desk,
        rules,
        person=person("Di Four", "O-1"),
        decision_time="2026-10-15T09:00:00-04:00",
        detainer={**_detainer(), "received_at": "2026-10-15T08:00:00-04:00"},
    )


def _detainer() -> dict[str, Any]:
    from casekit import make_case

    value: dict[str, Any] = make_case()["detainer"]
    return value


def key(qtbot: Any, letter: str) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None, "the keyboard focus was lost"
    qtbot.keyClick(focus, getattr(Qt.Key, f"Key_{letter}"), ALT)


def open_reports(window: Any, qtbot: Any) -> ReportsPage:
    qtbot.keyClick(
        QApplication.focusWidget(),
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    page = window.workspace.tabs.currentWidget()
    assert isinstance(page, ReportsPage)
    return page


def type_day(qtbot: Any, letter: str, day: str) -> None:
    key(qtbot, letter)
    edit = QApplication.focusWidget()
    assert isinstance(edit, QDateEdit)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(QApplication.focusWidget(), day)  # "-" moves to the next part
    assert edit.date().toString("yyyy-MM-dd") == day


def make(qtbot: Any, page: ReportsPage) -> None:
    with qtbot.waitSignal(page.panel.finished, timeout=30_000) as done:
        key(qtbot, "K")  # Ma&ke report
    assert done.args == ["succeeded"], page.panel.status.text()
    reactivate(qtbot, page)


def reactivate(qtbot: Any, page: ReportsPage) -> None:
    # The offscreen platform leaves no window active once the worker thread has ended;
    # a desktop keeps the window active. The focus the page chose comes back with it.
    page.window().activateWindow()
    qtbot.waitUntil(page.window().isActiveWindow)


def dark_share(chart: QSvgWidget) -> float:
    """The share of near-black pixels when the chart's SVG is drawn on white."""
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(chart.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    chart.renderer().render(painter)
    painter.end()
    points = [(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)]
    dark = sum(1 for x, y in points if QColor(image.pixel(x, y)).lightness() < 60)
    return dark / len(points)


def figure_rows(rows: list[list[str]], title: str) -> dict[str, str]:
    start = rows.index([title])
    found = {}
    for row in rows[start + 2 :]:
        if not row or row[0] == "Definition":
            break
        found[row[0]] = row[-1]
    return found


def test_choose_the_period_make_the_report_and_save_csv(
    make_window: Any, qtbot: Any, made: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "autumn.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV"))
    window = make_window(sign_in="supervisor")
    page = open_reports(window, qtbot)
    type_day(qtbot, "M", "2026-10-01")  # October too: Di Four's decline counts
    type_day(qtbot, "O", "2026-11-20")
    assert not page.save_buttons["csv"].isEnabled()
    make(qtbot, page)
    # The figures as tables, and every chart drawn from its SVG bytes beside its numbers.
    tables = {table.objectName(): table for table in page.findChildren(QTableWidget)}
    ground = tables["figure_decisions_by_ground"]
    shown = {
        ground.item(row, 0).text(): ground.item(row, 1).text() for row in range(ground.rowCount())
    }
    assert (shown["Honored"], shown["Declined"]) == ("1", "3")
    charts = page.findChildren(QSvgWidget)
    assert charts and len(charts) == len(page.report.charts)  # type: ignore[union-attr]
    assert all(chart.renderer().isValid() for chart in charts)
    assert all(dark_share(chart) < 0.2 for chart in charts)  # lines on white, not a black box
    assert all(f"chart_table_{chart.objectName()[6:]}" in tables for chart in charts)
    # Save as CSV (Alt+V), read it back with the csv module.
    assert QApplication.focusWidget() is page.figures_area  # to read on with the keys
    with qtbot.waitSignal(page.panel.finished, timeout=30_000) as saved:
        key(qtbot, "V")
    assert saved.args == ["succeeded"], page.panel.status.text()
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert ["Period", "2026-10-01 to 2026-11-20 (America/New_York)"] in rows
    assert ["Made by", "supervisor"] in rows
    by_ground = figure_rows(rows, "Decisions by ground")
    assert (by_ground["Honored"], by_ground["Declined"]) == ("1", "3")
    assert target.name in page.panel.status.text()


def test_officers_see_their_own(make_window: Any, qtbot: Any, made: None) -> None:
    window = make_window(sign_in="officer")
    page = open_reports(window, qtbot)
    assert page.officer.text() == "officer" and page.officer.isReadOnly()
    type_day(qtbot, "M", "2026-11-01")
    make(qtbot, page)
    assert page.report is not None
    assert ("Officer", "officer") in page.report.filters
    ground = page.report.figure("decisions_by_ground")
    counts = {row[0]: row[1] for row in ground.rows}
    assert (counts["Honored"], counts["Declined"]) == (1, 1)  # not officer2's decline


def test_a_bad_period_is_explained_and_nothing_is_shown(
    make_window: Any, qtbot: Any, made: None, answers: Any
) -> None:
    window = make_window(sign_in="auditor")
    page = open_reports(window, qtbot)
    type_day(qtbot, "M", "2026-11-20")
    type_day(qtbot, "O", "2026-11-01")
    with qtbot.waitSignal(page.panel.finished, timeout=30_000) as done:
        key(qtbot, "K")
    assert done.args == ["failed"]
    reactivate(qtbot, page)
    assert QApplication.focusWidget() is page.make_button
    assert "swap" in answers.errors[-1]
    assert page.report is None and not page.save_buttons["pdf"].isEnabled()


def test_a_desk_nobody_used_is_explained_and_nothing_is_shown(
    make_window: Any, qtbot: Any, made: None, answers: Any
) -> None:
    window = make_window(sign_in="supervisor")
    page = open_reports(window, qtbot)
    type_day(qtbot, "M", "2026-10-01")
    key(qtbot, "E")  # D&esk
    assert QApplication.focusWidget() is page.desk
    qtbot.keyClicks(page.desk, "no-such-desk")
    with qtbot.waitSignal(page.panel.finished, timeout=30_000) as done:
        key(qtbot, "K")
    assert done.args == ["failed"]
    reactivate(qtbot, page)
    message = answers.errors[-1]
    assert "'no-such-desk'" in message and "desks on record" in message
    assert "Traceback" not in message and "\n" not in message
    assert page.report is None and not page.save_buttons["pdf"].isEnabled()


def test_a_report_is_not_saved_once_its_maker_was_made_an_officer(
    make_window: Any,
    qtbot: Any,
    made: None,
    gui_desk: Any,
    answers: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The report stays on the page after an administrator elsewhere demoted its maker:
    Save wrote everyone's figures anyway. Now it is refused in words, and no file."""
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "everyone.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV"))
    window = make_window(sign_in="supervisor")
    page = open_reports(window, qtbot)
    type_day(qtbot, "M", "2026-10-01")
    make(qtbot, page)
    gui_desk.services.accounts.set_role(gui_desk.session("admin"), "supervisor", "officer")
    with qtbot.waitSignal(page.panel.finished, timeout=30_000) as saved:
        key(qtbot, "V")
    assert saved.args == ["failed"]
    message = answers.errors[-1]
    assert message.startswith("The report was not saved: supervisor (officer) may save")
    assert "Traceback" not in message and "\n" not in message
    assert not target.exists()

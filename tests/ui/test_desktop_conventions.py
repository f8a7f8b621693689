"""Keyboard use, accessible names, the banners, dark palette and the log's contents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from test_review import fill_person, open_review
from uikit import FakeTime

LEFT = Qt.MouseButton.LeftButton


def unnamed_controls(root: QWidget) -> list[str]:
    """Focusable controls with no accessible name, no text and no label pointing at them."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    missing = []
    for widget in root.findChildren(QWidget):
        if not widget.focusPolicy() & Qt.FocusPolicy.TabFocus or widget.isHidden():
            continue
        if widget.window() is not root.window():
            continue  # a combo box's or completer's popup list, named through its owner
        if widget.accessibleName().strip() or id(widget) in buddies:
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        parent = widget.parentWidget()
        # Inner editors of composite widgets (spin box line edits, scroll bars) are named
        # through their owner.
        if parent is not None and parent.accessibleName().strip():
            continue
        missing.append(
            f"{type(widget).__name__} {widget.objectName()!r} in {type(parent).__name__}"
        )
    return missing


def test_every_control_has_an_accessible_name(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    assert unnamed_controls(window.sign_in) == []
    assert unnamed_controls(window.lock_page) == []
    assert unnamed_controls(window.first_run) == []
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page)
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
    for _ in range(len(page.step_ids) - 1):
        qtbot.mouseClick(page.next_button, LEFT)
    assert unnamed_controls(page) == []
    assert unnamed_controls(window.workspace) == []


def test_person_step_tab_order_is_the_reading_order(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    page.person.name.setFocus()
    order = []
    for _ in range(2):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order[0] is page.person.booking
    assert order[1].parentWidget() is page.person.birth or order[1] is page.person.birth


def test_shortcuts_are_the_desktop_ones(make_window: Any) -> None:
    window = make_window(sign_in="officer")
    keys = {
        "New review": window.new_action,
        "Save": window.save_action,
        "Print": window.print_action,
        "Search": window.search_action,
    }
    texts = {name: action.shortcut().toString() for name, action in keys.items()}
    assert texts == {
        "New review": "Ctrl+N",
        "Save": "Ctrl+S",
        "Print": "Ctrl+P",
        "Search": "Ctrl+F",
    }


def test_banner_names_unverified_pack_data(make_window: Any) -> None:
    window = make_window(sign_in="officer")
    banner = window.workspace.pack_banner
    assert banner.isVisibleTo(window.workspace)
    assert "unverified data" in banner.text() and "ct-2025" in banner.text()


def test_banner_warns_when_verification_is_over_a_year_old(
    make_window: Any, fake_time: FakeTime
) -> None:
    fake_time.wall = fake_time.wall.replace(year=2028)
    window = make_window(sign_in="officer")
    assert "more than 12 months ago" in window.workspace.pack_banner.text()


def test_dark_palette_keeps_text_readable(make_window: Any, qtbot: Any) -> None:
    from trustdesk.ui.theme import dark_palette, error_colour

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    try:
        app.setPalette(dark_palette())
        window = make_window(sign_in="officer")
        page = open_review(window, qtbot)
        qtbot.keyClicks(page.person.booking, "??")
        qtbot.mouseClick(page.next_button, LEFT)
        colour = error_colour(page.person.problems.palette())
        background = page.palette().window().color()
        assert contrast(colour.lightnessF(), background.lightnessF()) >= 3.0
        assert colour.name() in page.person.problems.styleSheet()
    finally:
        app.setPalette(original)


def contrast(a: float, b: float) -> float:
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def test_log_file_holds_no_personal_data(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    import logging
    import os

    from trustdesk.ui.applog import set_up_logging

    path = set_up_logging()
    assert path is not None and str(path).startswith(os.environ["TRUSTDESK_LOG_DIR"])
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page, "Zacarías Quiñónez", "ZQ-4242")
    page.autosave()
    window.sign_out()
    for handler in logging.getLogger("trustdesk").handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "signed in" in text  # the log is written...
    for secret in ("Zacarías", "Quiñónez", "ZQ-4242", "officer"):
        assert secret not in text  # ...but with ids only

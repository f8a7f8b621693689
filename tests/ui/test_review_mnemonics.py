"""Keyboard-only use of the review: on every page, each Alt + underlined letter reaches one
field or button. Two controls sharing a letter made Alt+N on the person page only move
the focus between "Full name" and Next, and Alt+L on the convictions page between "Level"
and "Close"; a keyboard user could not reach the field the label promised in one key."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QGroupBox, QLabel, QMenuBar, QTabBar, QWidget
from test_review import fill_person, open_review
from test_review_walk_changes import decide_in_2016

LEFT = Qt.MouseButton.LeftButton
MNEMONIC = re.compile(r"&([^&\s])")


def shared_letters(root: QWidget) -> dict[str, list[str]]:
    """Alt letters that more than one visible, enabled control on screen answers to."""
    found: dict[str, list[str]] = {}
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or not widget.isEnabled():
            continue
        if isinstance(widget, QGroupBox):
            texts = [widget.title()]
        elif isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            texts = [widget.text()]
        elif isinstance(widget, QTabBar):  # a tab's letter answers wherever its bar shows
            texts = [widget.tabText(i) for i in range(widget.count()) if widget.isTabEnabled(i)]
        elif isinstance(widget, QMenuBar):  # so does a menu's, from anywhere in the window
            texts = [action.text() for action in widget.actions() if action.isVisible()]
        else:
            continue
        for text in texts:
            match = MNEMONIC.search(text)
            if match:
                found.setdefault(match.group(1).lower(), []).append(text)
    return {letter: texts for letter, texts in found.items() if len(texts) > 1}


@pytest.mark.parametrize("law", ["2025", "2014"])
def test_every_alt_letter_of_every_review_page_reaches_one_control(
    make_window: Any, qtbot: Any, law: str
) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    shared = {"person": shared_letters(window)}
    fill_person(qtbot, page)
    if law == "2014":
        decide_in_2016(page)
    while True:
        shared[page.current_id()] = shared_letters(window)
        if page.current_id() == "result":
            break
        step = page.pages[page.current_id()]
        choice = getattr(step, "choice", None)
        if choice is not None and not choice.chosen():
            qtbot.mouseClick(choice.buttons["no"], LEFT)
        if page.current_id() == "detainer" and law == "2025":
            qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["no"], LEFT)
        qtbot.mouseClick(page.next_button, LEFT)
    assert {step: letters for step, letters in shared.items() if letters} == {}


def test_alt_n_on_the_person_page_reaches_the_name(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    page.person.booking.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    # Next (the default button, Enter) takes Alt+N; the name is Alt+M.
    assert page.current_id() == "person"
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    assert page.person.name.hasFocus()


def test_every_alt_letter_of_every_work_area_and_administration_tab_reaches_one_control(
    make_window: Any, qtbot: Any
) -> None:
    """The same on the administrator's screens, the tabs' own letters counted: Alt+M went
    between "Full name" and the Machine settings tab, Alt+T between "Trust a publisher's
    key" and "Counsel's title", Alt+A between "I attest" and the Administration tab."""
    window = make_window(sign_in="administrator")
    workspace = window.workspace
    shared = {}
    for index in range(workspace.tabs.count()):
        workspace.tabs.setCurrentIndex(index)
        name = workspace.tabs.tabText(index)
        if workspace.tabs.widget(index) is workspace.admin:
            tabs = workspace.admin.tabs
            for sub in range(tabs.count()):
                tabs.setCurrentIndex(sub)
                shared[f"{name} / {tabs.tabText(sub)}"] = shared_letters(window)
        else:
            shared[name] = shared_letters(window)
    assert len(shared) >= 7
    assert {screen: letters for screen, letters in shared.items() if letters} == {}


def test_every_alt_letter_of_the_board_and_its_dialogs_reaches_one_control(
    make_window: Any, qtbot: Any, gui_desk: Any, rules: Any
) -> None:
    """The board with a hold on it, the contact dialog opened from it, and the
    administrator's user dialogs: Alt+D went between "Direction" and "Calendar…", Alt+W
    between "Now" and "What was given to ICE", Alt+P between "Password" and "Repeat
    password"."""
    from test_admin_users import users_tab
    from test_board_kit import hold

    hold(gui_desk, rules, "María Peña", "NH-3", "2026-11-20T12:00:00-05:00")
    window = make_window(sign_in="supervisor")
    board = window.workspace.board
    window.workspace.tabs.setCurrentWidget(board)
    board.table.setFocus()
    board.table.selectRow(0)
    shared = {"board": shared_letters(window)}
    qtbot.keyClick(board.table, "I")
    dialog = board.contact_dialog
    assert dialog is not None and dialog.isVisible()
    shared["contact"] = shared_letters(dialog)
    dialog.reject()
    window.close()
    tab = users_tab(make_window(sign_in="administrator"))
    qtbot.mouseClick(tab.add_button, LEFT)
    shared["add user"] = shared_letters(tab.dialog)
    tab.dialog.reject()
    tab.table.selectRow(0)
    qtbot.mouseClick(tab.reset_button, LEFT)
    shared["reset password"] = shared_letters(tab.dialog)
    assert {screen: letters for screen, letters in shared.items() if letters} == {}

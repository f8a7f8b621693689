"""A field's length limit never keeps part of what was typed or pasted (a hostile pass:
a 10,000-character name pasted at the desk was saved as its first 200 characters, and
a 1,500-character password as its first 1,024, though passwords are never cut).

What does not fit is refused whole, the field stays as it was, and the field says so."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QToolTip
from test_review import open_review
from uikit import password, type_text

from trustdesk.ui.length_limit import too_long

LEFT = Qt.MouseButton.LeftButton


def paste(qtbot: Any, edit: QLineEdit, text: str) -> None:
    """Paste ``text`` into ``edit`` with Ctrl+V, as a person does."""
    QGuiApplication.clipboard().setText(text)
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(20)  # the field is put back once the insertion is over


def test_a_pasted_name_too_long_for_the_field_is_refused_whole_not_cut(
    make_window: Any, qtbot: Any
) -> None:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    name = page.person.name
    type_text(qtbot, name, "José ")
    paste(qtbot, name, "Nuñez " * 2000)  # 12,000 characters
    assert name.text() == "José "
    assert QToolTip.text() == too_long(200) and name.statusTip() == too_long(200)
    paste(qtbot, name, "Nuñez")  # what fits is taken as ever
    assert name.text() == "José Nuñez"
    qtbot.keyClicks(page.person.booking, "NH-2026-1187")
    qtbot.mouseClick(page.next_button, LEFT)
    assert page.current_id() == "detainer"
    assert page.review.raw["person"]["name"] == "José Nuñez"


def test_a_pasted_password_is_never_cut_to_the_fields_length(make_window: Any, qtbot: Any) -> None:
    window = make_window()
    page = window.sign_in
    page.acknowledge.setChecked(True)
    qtbot.keyClicks(page.username, "officer")
    paste(qtbot, page.password, password("officer") + "x" * 1500)
    # Cut to 1,024 characters, it would have been tried (and counted as a failed
    # sign-in) as a password nobody typed.
    assert page.password.text() == ""
    assert QToolTip.text() == too_long(1024)
    paste(qtbot, page.password, password("officer"))
    with qtbot.waitSignal(window.signed_in, timeout=5000):
        qtbot.keyClick(page.password, Qt.Key.Key_Return)

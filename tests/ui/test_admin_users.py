"""User administration in the Administration tab, and what auditors see of it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from uikit import Answers, password

from trustdesk.services.errors import PermissionDenied

LEFT = Qt.MouseButton.LeftButton


def users_tab(window: Any) -> Any:
    admin = window.workspace.admin
    window.workspace.tabs.setCurrentWidget(admin)
    admin.tabs.setCurrentWidget(admin.users)
    return admin.users


def row_of(tab: Any, username: str) -> dict[str, str]:
    for row in range(tab.table.rowCount()):
        if tab.table.item(row, 0).text() == username:
            return {
                tab.table.horizontalHeaderItem(c).text(): tab.table.item(row, c).text()
                for c in range(tab.table.columnCount())
            }
    raise KeyError(username)


def type_into(qtbot: Any, field: QLineEdit, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def sign_in(window: Any, qtbot: Any, username: str, secret: str) -> None:
    page = window.sign_in
    page.acknowledge.setChecked(True)
    type_into(qtbot, page.username, username)
    type_into(qtbot, page.password, secret)
    with qtbot.waitSignal(window.signed_in, timeout=5000):
        qtbot.keyClick(page.password, Qt.Key.Key_Return)


def test_add_a_user_through_the_dialog_and_sign_in_as_them(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    window = make_window(sign_in="administrator")
    tab = users_tab(window)
    assert tab.table.accessibleName() == "User accounts"
    qtbot.mouseClick(tab.add_button, LEFT)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.username, "jdoe")
    qtbot.keyClicks(dialog.full_name, "Jane Doe")
    qtbot.keyClicks(dialog.badge, "S-22")
    qtbot.keyClicks(dialog.role, "s")  # typing selects: supervisor
    assert dialog.role.currentText() == "supervisor"
    qtbot.keyClicks(dialog.password, "tidal birch window 64")
    qtbot.keyClicks(dialog.repeat, "tidal birch window 6")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert dialog.isVisible() and "differ" in dialog.error.text()
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.repeat, "short")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert dialog.isVisible() and "too short" in dialog.error.text()
    with pytest.raises(Exception, match="jdoe"):
        gui_desk.store.users.get("jdoe")
    type_into(qtbot, dialog.password, "tidal birch window 64")
    type_into(qtbot, dialog.repeat, "tidal birch window 64")
    qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert answers.errors == []
    shown = row_of(tab, "jdoe")
    assert shown["Full name"] == "Jane Doe" and shown["Badge"] == "S-22"
    assert shown["Role"] == "supervisor" and shown["Active"] == "Yes"
    assert shown["Last log-on"] == "never"
    assert tab.selected_name() == "jdoe"

    window.sign_out()
    sign_in(window, qtbot, "jdoe", "tidal birch window 64")
    assert window.context.role == "supervisor"
    assert gui_desk.store.users.get("jdoe").full_name == "Jane Doe"


def test_change_a_role(make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers) -> None:
    window = make_window(sign_in="administrator")
    tab = users_tab(window)
    tab.select("officer2")
    assert tab.editor.title() == "Selected account: officer2"
    answers.confirm = False
    qtbot.keyClick(tab.role, Qt.Key.Key_Down)  # officer → supervisor
    qtbot.mouseClick(tab.change_role, LEFT)
    assert gui_desk.store.users.get("officer2").role == "officer"
    assert tab.role.currentText() == "officer"
    answers.confirm = True
    qtbot.keyClick(tab.role, Qt.Key.Key_Down)
    qtbot.mouseClick(tab.change_role, LEFT)
    assert "from officer to supervisor" in answers.questions[-1]
    assert gui_desk.store.users.get("officer2").role == "supervisor"
    assert row_of(tab, "officer2")["Role"] == "supervisor"
    assert gui_desk.store.audit.of_events("user.role_changed")[-1].actor == "admin"


def test_unlock_a_locked_user(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    accounts = gui_desk.services.accounts
    for _ in range(5):
        with pytest.raises(Exception, match=r"password|locked"):
            accounts.log_on("officer", "not the password")
    window = make_window(sign_in="administrator")
    tab = users_tab(window)
    assert row_of(tab, "officer")["Locked"].startswith("Locked since")
    tab.select("supervisor")
    assert not tab.unlock_button.isEnabled()
    tab.select("officer")
    assert tab.unlock_button.isEnabled()
    qtbot.mouseClick(tab.unlock_button, LEFT)
    assert gui_desk.store.users.get("officer").locked_at is None
    assert row_of(tab, "officer")["Locked"] == "No"
    assert not tab.unlock_button.isEnabled()
    accounts.log_on("officer", password("officer"))


def test_details_password_and_refusals(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    window = make_window(sign_in="administrator")
    tab = users_tab(window)
    tab.select("officer")
    type_into(qtbot, tab.full_name, "Pat Officer")
    type_into(qtbot, tab.badge, "12 34")
    qtbot.mouseClick(tab.save_details, LEFT)
    assert answers.errors[-1].startswith("Badge number '12 34' is not valid")
    assert tab.full_name.text() == "Pat Officer"  # kept for correcting
    type_into(qtbot, tab.badge, "1187")
    qtbot.mouseClick(tab.save_details, LEFT)
    user = gui_desk.store.users.get("officer")
    assert (user.full_name, user.badge) == ("Pat Officer", "1187")

    qtbot.mouseClick(tab.reset_button, LEFT)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.password, "amber field lighthouse 5")
    qtbot.keyClicks(dialog.repeat, "amber field lighthouse")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert dialog.isVisible() and "differ" in dialog.error.text()
    assert dialog.password.text() == dialog.repeat.text() == ""  # cleared to type again
    qtbot.keyClicks(dialog.password, "amber field lighthouse 5")
    qtbot.keyClicks(dialog.repeat, "amber field lighthouse 5")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert not dialog.isVisible()
    gui_desk.services.accounts.log_on("officer", "amber field lighthouse 5")

    qtbot.mouseClick(tab.toggle_active, LEFT)
    assert "Disable officer?" in answers.questions[-1]
    assert row_of(tab, "officer")["Active"] == "No (disabled)"
    assert tab.toggle_active.text() == "E&nable"
    qtbot.mouseClick(tab.toggle_active, LEFT)
    assert gui_desk.store.users.get("officer").active

    tab.select("admin")
    qtbot.mouseClick(tab.toggle_active, LEFT)
    assert answers.errors[-1] == "You cannot disable your own account."
    assert gui_desk.store.users.get("admin").active


def test_an_administrator_s_own_password_needs_the_current_one(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    """Reset password on one's own row asked only for a new password: whoever found the
    desk open took the administrator's account with it."""
    window = make_window(sign_in="administrator")
    tab = users_tab(window)
    tab.select("officer")
    qtbot.mouseClick(tab.reset_button, LEFT)
    assert tab.dialog.current is None  # another's password: no current one to give
    tab.dialog.reject()
    tab.select("admin")
    qtbot.mouseClick(tab.reset_button, LEFT)
    dialog = tab.dialog
    assert dialog.current is not None and dialog.current.isVisible()
    qtbot.keyClicks(dialog.current, "not the password")
    qtbot.keyClicks(dialog.password, "the intruder's own words")
    qtbot.keyClicks(dialog.repeat, "the intruder's own words")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert dialog.isVisible() and "wrong" in dialog.error.text().lower()
    gui_desk.services.accounts.log_on("admin", password("administrator"))
    type_into(qtbot, dialog.current, password("administrator"))
    type_into(qtbot, dialog.password, "a new phrase of mine")
    type_into(qtbot, dialog.repeat, "a new phrase of mine")
    qtbot.mouseClick(dialog.ok, LEFT)
    assert not dialog.isVisible()
    gui_desk.services.accounts.log_on("admin", "a new phrase of mine")
    assert answers.errors == []


def test_a_password_of_zero_width_spaces_is_refused_in_the_dialog_saying_why(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers
) -> None:
    """Eight zero-width spaces (pasted from a document) made a password nobody could see
    or type again, and the reset was taken."""
    from PySide6.QtWidgets import QApplication

    window = make_window(sign_in="administrator")
    tab = users_tab(window)
    tab.select("officer")
    qtbot.mouseClick(tab.reset_button, LEFT)
    dialog = tab.dialog
    invisible = "\u200b" * 8
    QApplication.clipboard().setText(invisible)
    for field in (dialog.password, dialog.repeat):
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert dialog.password.text() == invisible
    qtbot.mouseClick(dialog.ok, LEFT)
    assert dialog.isVisible()
    shown = dialog.error.text()
    assert "contains U+200B, a control or invisible character" in shown, shown
    assert "use letters, digits, symbols and spaces" in shown
    gui_desk.services.accounts.log_on("officer", password("officer"))  # unchanged
    assert answers.errors == []


def test_auditors_see_administration_read_only(
    make_window: Any, gui_desk: Any, answers: Answers, tmp_path: Any
) -> None:
    window = make_window(sign_in="auditor")
    admin = window.workspace.admin
    assert admin is not None
    assert admin.users.editor is None and admin.users.table.rowCount() == 6
    assert admin.agency.name.isReadOnly() and not admin.agency.zone.isEnabled()
    assert not hasattr(admin.agency, "save_button")
    assert admin.packs.import_button is None and admin.packs.table.rowCount() == 3
    assert admin.records.backup_button is None
    assert admin.records.verify_button.isVisibleTo(admin.records)
    assert admin.records.export_button.isVisibleTo(admin.records)
    # The services refuse them whatever the screen shows.
    session = window.context.session
    services = gui_desk.services
    with pytest.raises(PermissionDenied):
        services.accounts.add_user(session, "mallory", "administrator", "long enough pass 1")
    with pytest.raises(PermissionDenied):
        services.agency.update(session, services.agency.profile())
    with pytest.raises(PermissionDenied):
        services.records.backup(session, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert len(gui_desk.store.audit.of_events("permission.denied")) == 3


@pytest.mark.parametrize("role", ["administrator", "auditor"])
def test_every_control_has_an_accessible_name(make_window: Any, qtbot: Any, role: str) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QProgressBar,
        QTabBar,
        QWidget,
    )

    window = make_window(sign_in=role)
    admin = window.workspace.admin
    tab = users_tab(window)
    if role == "administrator":
        qtbot.mouseClick(tab.add_button, LEFT)  # its dialog counts too
    controls = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QProgressBar)

    def internal(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if isinstance(parent, QComboBox | QAbstractItemView | QTabBar):
                return True  # a part Qt builds inside a control
            parent = parent.parentWidget()
        return False

    unnamed = [
        f"{type(widget).__name__} {widget.objectName()!r} {getattr(widget, 'text', str)()!r}"
        for widget in admin.findChildren(QWidget)
        if isinstance(widget, controls) and not internal(widget) and not widget.accessibleName()
    ]
    assert unnamed == []
    assert admin.tabs.accessibleName()

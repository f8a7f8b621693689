"""The Users tab: every account, and (for administrators) adding and changing them.

Every change goes through ``services.accounts``, which checks the role, the input and
the last-administrator rule and records the change; a refusal is shown in its words.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services.accounts import FULL_NAME_MAX, ONLY_ADMINISTRATOR, check_badge
from trustdesk.services.errors import ServiceError
from trustdesk.services.fields import clean_text
from trustdesk.services.permissions import ADMINISTRATOR, ROLES
from trustdesk.store.errors import StoreError
from trustdesk.store.records import User
from trustdesk.ui.admin_common import button, combo, local_time, show_message, warning_label
from trustdesk.ui.admin_user_dialogs import AddUserDialog, ResetPasswordDialog
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.gate import sentence_case
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.session import sentence

COLUMNS = ("User name", "Full name", "Badge", "Role", "Active", "Locked", "Last log-on")


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _only_administrator(users: list[User]) -> str:
    """The warning shown above the accounts while only one administrator is active."""
    active = [user for user in users if user.role == ADMINISTRATOR and user.active]
    return sentence_case(ONLY_ADMINISTRATOR) if len(active) == 1 else ""


class UsersTab(QWidget):
    def __init__(self, context: UiContext, *, editable: bool) -> None:
        super().__init__()
        self.setObjectName("users_tab")
        self.context = context
        self.users: list[User] = []
        self.dialog: AddUserDialog | ResetPasswordDialog | None = None
        layout = QVBoxLayout(self)
        self.admin_warning = warning_label("only_administrator_warning")
        layout.addWidget(self.admin_warning)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("users_table")
        self.table.setAccessibleName("User accounts")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.editor: QGroupBox | None = None
        if editable:
            layout.addWidget(self._build_editor())
            self.table.itemSelectionChanged.connect(self._selected)
        self.refresh()

    # -- building -----------------------------------------------------------------------

    def _build_editor(self) -> QGroupBox:
        box = QGroupBox("Selected account")
        self.editor = box
        form = QFormLayout(box)
        self.full_name = QLineEdit()
        keep_within(self.full_name, FULL_NAME_MAX)
        self.full_name.setAccessibleName("Full name of the selected user")
        self.badge = QLineEdit()
        keep_within(self.badge, 20)
        self.badge.setAccessibleName("Badge number of the selected user")
        self.save_details = button("&Save name and badge", "Save full name and badge number")
        details = QHBoxLayout()
        details.addWidget(self.full_name, 2)
        details.addWidget(_label("Badg&e:", self.badge))
        details.addWidget(self.badge, 1)
        details.addWidget(self.save_details)
        form.addRow(_label("Full na&me:", self.full_name), details)
        self.role = combo("Role of the selected user", ROLES)
        self.change_role = button("&Change role", "Change the role of the selected user")
        role_row = QHBoxLayout()
        role_row.addWidget(self.role, 1)
        role_row.addWidget(self.change_role)
        form.addRow(_label("Ro&le:", self.role), role_row)
        self.add_button = button("New accoun&t…", "Add a user account")
        self.toggle_active = button("&Disable", "Disable or enable the selected account")
        self.unlock_button = button("Unloc&k", "Unlock the selected account")
        self.reset_button = button("Reset pass&word…", "Reset the selected user's password")
        actions = QHBoxLayout()
        for widget in (self.add_button, self.toggle_active, self.unlock_button, self.reset_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        form.addRow(actions)
        self.add_button.clicked.connect(self.add_user)
        self.save_details.clicked.connect(self._save_details)
        self.change_role.clicked.connect(self._change_role)
        self.toggle_active.clicked.connect(self._toggle_active)
        self.unlock_button.clicked.connect(self._unlock)
        self.reset_button.clicked.connect(self.reset_password)
        return box

    # -- showing ------------------------------------------------------------------------

    def refresh(self, keep: str | None = None) -> None:
        keep = keep or self.selected_name()
        try:
            self.users = self.context.services.accounts.list_users(self.context.session)
        except (ServiceError, StoreError) as error:
            Ask.error(self, "User accounts", sentence(error))
            return
        show_message(self.admin_warning, _only_administrator(self.users))
        self.table.setRowCount(len(self.users))
        for row, user in enumerate(self.users):
            locked = (
                f"Locked since {local_time(user.locked_at, self.context.zone)}"
                if user.locked_at
                else "No"
            )
            values = (
                user.username,
                user.full_name,
                user.badge,
                user.role,
                "Yes" if user.active else "No (disabled)",
                locked,
                local_time(user.last_logon_at, self.context.zone),
            )
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))
        names = [user.username for user in self.users]
        if keep in names:
            self.table.selectRow(names.index(keep))
        self._selected()

    def selected_user(self) -> User | None:
        rows = self.table.selectionModel().selectedRows()
        return self.users[rows[0].row()] if rows else None

    def selected_name(self) -> str | None:
        user = self.selected_user()
        return None if user is None else user.username

    def select(self, username: str) -> None:
        names = [user.username for user in self.users]
        self.table.selectRow(names.index(username))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _selected(self) -> None:
        if self.editor is None:
            return
        user = self.selected_user()
        for widget in (
            self.full_name,
            self.badge,
            self.save_details,
            self.role,
            self.change_role,
            self.toggle_active,
            self.reset_button,
        ):
            widget.setEnabled(user is not None)
        self.unlock_button.setEnabled(user is not None and user.locked_at is not None)
        if user is None:
            self.editor.setTitle("Selected account: none (choose one in the table)")
            return
        self.editor.setTitle(f"Selected account: {user.username}")
        self.full_name.setText(user.full_name)
        self.badge.setText(user.badge)
        self.role.setCurrentText(user.role)
        self.toggle_active.setText("&Disable" if user.active else "E&nable")

    # -- changing -----------------------------------------------------------------------

    def _change(self, title: str, call: Callable[[str], object]) -> None:
        """Run one account change on the selected user; a refusal is shown as said."""
        name = self.selected_name()
        if name is None:
            return
        try:
            call(name)
        except (ServiceError, StoreError) as error:
            Ask.error(self, title, sentence(error))  # what was typed stays, to be corrected
            return
        self.refresh(keep=name)

    def _save_details(self) -> None:
        accounts, session = self.context.services.accounts, self.context.session
        full_name, badge = self.full_name.text(), self.badge.text()
        self._change(
            "Name and badge", lambda name: accounts.set_details(session, name, full_name, badge)
        )

    def _change_role(self) -> None:
        user, role = self.selected_user(), self.role.currentText()
        if user is None or role == user.role:
            return
        if not Ask.confirm(
            self, "Change role", f"Change {user.username}'s role from {user.role} to {role}?"
        ):
            self.role.setCurrentText(user.role)
            return
        accounts, session = self.context.services.accounts, self.context.session
        self._change("Change role", lambda name: accounts.set_role(session, name, role))

    def _toggle_active(self) -> None:
        user = self.selected_user()
        if user is None:
            return
        if user.active and not Ask.confirm(
            self, "Disable account", f"Disable {user.username}? They can no longer sign in."
        ):
            return
        accounts, session, active = (
            self.context.services.accounts,
            self.context.session,
            not user.active,
        )
        self._change("Account", lambda name: accounts.set_active(session, name, active))

    def _unlock(self) -> None:
        accounts, session = self.context.services.accounts, self.context.session
        self._change("Unlock", lambda name: accounts.unlock(session, name))

    def add_user(self) -> None:
        self.dialog = AddUserDialog(self, self._add)
        self.dialog.open()

    def _add(self, values: dict[str, str]) -> str:
        accounts, session = self.context.services.accounts, self.context.session
        try:
            # Checked before the account exists, so a bad badge cannot leave half an account.
            check_badge(values["badge"])
            clean_text(
                values["full_name"], "the full name", max_length=FULL_NAME_MAX, required=False
            )
            user = accounts.add_user(
                session, values["username"], values["role"], values["password"]
            )
            if values["full_name"].strip() or values["badge"].strip():
                accounts.set_details(session, user.username, values["full_name"], values["badge"])
        except (ServiceError, StoreError) as error:
            return sentence(error)
        self.refresh(keep=user.username)
        return ""

    def reset_password(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        accounts, session = self.context.services.accounts, self.context.session

        def submit(values: dict[str, str]) -> str:
            try:
                accounts.reset_password(
                    session, name, values["password"], current=values.get("current")
                )
            except (ServiceError, StoreError) as error:
                return sentence(error)
            self.refresh(keep=name)
            return ""

        own = name == session.username
        self.dialog = ResetPasswordDialog(self, name, submit, own=own)
        self.dialog.open()

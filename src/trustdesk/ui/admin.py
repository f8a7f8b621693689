"""Administration: users, agency settings, rule packs, the records (verify, export, backup)
and the machine settings IT set (read-only).

Administrators change things; auditors see the same pages read-only (the buttons that
change anything are not built for them, and the services refuse them regardless).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from trustdesk.services.permissions import ADMINISTRATOR
from trustdesk.ui.context import UiContext


class AdminPage(QWidget):
    #: A rule pack was imported: the rule set in force has been replaced.
    rules_changed = Signal()

    def __init__(self, context: UiContext) -> None:
        super().__init__()
        self.setObjectName("admin_page")
        self.context = context
        editable = context.role == ADMINISTRATOR
        from trustdesk.config import current
        from trustdesk.ui.admin_agency import AgencyTab
        from trustdesk.ui.admin_machine import MachineTab
        from trustdesk.ui.admin_packs import PacksTab
        from trustdesk.ui.admin_records import RecordsTab
        from trustdesk.ui.admin_users import UsersTab

        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin_tabs")
        self.tabs.setAccessibleName("Administration sections")
        self.users = UsersTab(context, editable=editable)
        self.agency = AgencyTab(context, editable=editable)
        self.packs = PacksTab(context, editable=editable)
        self.records = RecordsTab(context, can_back_up=editable)
        self.machine = MachineTab(current())
        self.tabs.addTab(self.users, "&Users")
        self.tabs.addTab(self.agency, "Agenc&y settings")
        self.tabs.addTab(self.packs, "Rule &packs")
        self.tabs.addTab(self.records, "Rec&ords")
        self.tabs.addTab(self.machine, "M&achine settings")
        self.packs.rules_changed.connect(self.rules_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

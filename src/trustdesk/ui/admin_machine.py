"""The Machine settings tab: every machine-wide setting, its value and where it came from.

Read-only: the settings belong to the computer (trustdesk.config), set by IT in the machine
config file or the environment; the app shows them, and which are locked, and changes none.
"""

from __future__ import annotations

import os

from PySide6.QtWidgets import (
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.config import Settings, config_path
from trustdesk.ui.admin_common import read_only_table

COLUMNS = ("Setting", "Value", "Source")

#: How each key reads to a person.
LABELS = {
    "data_dir": "Data folder",
    "agency_name": "Agency name (first set-up)",
    "agency_ori": "ORI (first set-up)",
    "jurisdiction": "Jurisdiction (whose law applies)",
    "idle_lock_minutes": "Lock after minutes without use",
    "default_printer": "Default printer",
    "log_level": "Log level",
    "database": "Database server",
    "trusted_publishers": "Trusted rule-pack publishers (public keys set by IT)",
}


class MachineTab(QWidget):
    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.setObjectName("machine_tab")
        layout = QVBoxLayout(self)
        self.intro = QLabel(self._intro(settings))
        self.intro.setObjectName("machine_intro")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.table = read_only_table("machine_table", "Machine settings", COLUMNS)
        layout.addWidget(self.table, 1)
        rows = list(settings)
        self.table.setRowCount(len(rows))
        for row, setting in enumerate(rows):
            values = (
                LABELS.get(setting.key.name, setting.key.name),
                setting.shown(),
                setting.describe(),
            )
            for column, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{setting.key.name} in the config file; {setting.key.env}")
                self.table.setItem(row, column, item)

    @staticmethod
    def _intro(settings: Settings) -> str:
        if settings.file is not None:
            where = f"IT sets them in {settings.file}"
        else:
            missing = config_path(os.environ)[0]
            where = f"there is no machine config file ({missing}), so defaults apply"
        return (
            "These settings apply to every user of this computer; " + where + ". Settings "
            "marked locked cannot be changed in TrustDesk. Check them from a command prompt "
            "with: trustdesk config check"
        )

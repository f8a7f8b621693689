"""The first-run page: the agency profile and the first administrator, on an empty folder.

Its own module, imported only when a data folder needs it (its widgets cost start-up time
on every other start).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from trustdesk.services.jurisdiction import choices, home_zone, machine_setting
from trustdesk.ui.admin_common import choose_logo, error_label, lock_field
from trustdesk.ui.gate import centred_column, page_title, right_aligned, show_error
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.tooltips import plain_tip

ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "UTC")


class FirstRunPage(QWidget):
    """Creates the agency profile and the first administrator on an empty data folder."""

    setup_requested = Signal(dict)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("first_run_page")
        self.logo: bytes | None = None
        layout = centred_column(self)
        layout.addWidget(page_title("Set up TrustDesk"))
        intro = QLabel(
            "This data folder is new. Enter your agency's details as they should print on "
            "every decision memo, and create the first administrator account."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.facility = QLineEdit()
        self.ori = QLineEdit()
        keep_within(self.ori, 9)
        self.zone = QComboBox()
        self.zone.addItems(ZONES)
        # Whose law the decisions follow: the packs and the offense catalog of that state.
        self.jurisdiction = QComboBox()
        for code, name in choices():
            self.jurisdiction.addItem(f"{name} ({code})", code)
        self.jurisdiction.setToolTip(
            "The state whose detainer law applies to your agency's decisions; an "
            "administrator can change it later (for new decisions only)."
        )
        self.logo_button = QPushButton("Choose &logo… (optional)")
        self.admin = QLineEdit()
        self.admin_password = QLineEdit()
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_repeat = QLineEdit()
        self.admin_repeat.setEchoMode(QLineEdit.EchoMode.Password)
        for label, widget in (
            ("Agency &name:", self.name),
            ("&Facility:", self.facility),
            ("&ORI number:", self.ori),
            ("&Jurisdiction:", self.jurisdiction),
            ("&Time zone:", self.zone),
            ("Logo:", self.logo_button),
            ("&Administrator user name:", self.admin),
            ("Administrator &password:", self.admin_password),
            ("&Repeat password:", self.admin_repeat),
        ):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        layout.addLayout(form)
        self.locked_note = QLabel()
        self.locked_note.setObjectName("first_run_locked")
        self.locked_note.setWordWrap(True)
        self.locked_note.setAccessibleName("Settings set by IT")
        self.locked_note.hide()
        layout.addWidget(self.locked_note)
        # The zone follows the jurisdiction (its packs' zone) until the user picks one.
        self._zone_picked = False
        self.zone.activated.connect(self._pick_zone)
        self._seed_from_machine_settings()
        self._show_ori_example()
        self.jurisdiction.currentIndexChanged.connect(self._show_ori_example)
        self.error = error_label("first_run_error")
        layout.addWidget(self.error)
        self.button = QPushButton("&Create agency and administrator")
        self.button.setDefault(True)
        layout.addLayout(right_aligned(self.button))
        layout.addStretch(1)
        self.button.clicked.connect(self._submit)
        self.logo_button.clicked.connect(self._choose_logo)
        # Enter in any field submits the form, as the default button of a dialog would (a
        # QWidget page has no default button of its own).
        for line in (self.name, self.facility, self.ori, self.admin):
            line.returnPressed.connect(self.button.click)
        self.admin_password.returnPressed.connect(self.button.click)
        self.admin_repeat.returnPressed.connect(self.button.click)

    def _seed_from_machine_settings(self) -> None:
        """Agency name and ORI from the machine config: filled in, and locked if IT set them."""
        from trustdesk.config import current

        settings = current()
        notes = []
        for field, key, label in (
            (self.name, "agency_name", "Agency name"),
            (self.ori, "agency_ori", "ORI number"),
        ):
            setting = settings[key]
            if setting.value:
                field.setText(str(setting.value))
            if setting.locked:
                lock_field(field, setting.describe())
                notes.append(f"{label}: {setting.describe()}.")
        machine = machine_setting()
        if machine is not None:
            code, where = machine
            self.jurisdiction.setCurrentIndex(self.jurisdiction.findData(code))
            self.jurisdiction.setEnabled(False)
            self.jurisdiction.setToolTip(plain_tip(where))
            notes.append(f"Jurisdiction: {where}.")
        self.locked_note.setText(" ".join(notes))
        self.locked_note.setVisible(bool(notes))

    def _pick_zone(self) -> None:
        self._zone_picked = True

    def _show_ori_example(self) -> None:
        # An ORI starts with the state's two letters, those of the chosen jurisdiction.
        code = self.jurisdiction.currentData()
        self.ori.setPlaceholderText(f"{code}0000000")
        # A California agency starts on Pacific time, as its packs count it (data, not a
        # state name here); a zone the user picked is left alone.
        zone = home_zone(str(code))
        if not self._zone_picked and zone is not None:
            if self.zone.findText(zone) < 0:
                self.zone.addItem(zone)
            self.zone.setCurrentText(zone)

    def _choose_logo(self) -> None:
        data = choose_logo(self)
        if isinstance(data, str):
            show_error(self.error, data)
        elif data is not None:
            self.logo = data
            self.logo_button.setText("Logo chosen — choose another…")

    def _submit(self) -> None:
        if self.admin_password.text() != self.admin_repeat.text():
            show_error(self.error, "The two passwords differ; type them again.")
            self.admin_password.clear()
            self.admin_repeat.clear()
            self.admin_password.setFocus()
            return
        self.setup_requested.emit(
            {
                "name": self.name.text(),
                "facility": self.facility.text(),
                "ori": self.ori.text(),
                "timezone": self.zone.currentText(),
                "jurisdiction": self.jurisdiction.currentData(),
                "logo": self.logo,
                "username": self.admin.text(),
                "password": self.admin_password.text(),
            }
        )

    def failed(self, message: str) -> None:
        show_error(self.error, message)

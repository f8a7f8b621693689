"""The Agency settings tab: the name, facility, ORI, time zone and logo printed on memos.

The services check and clean every field (``services.agency``) and record the change;
this page only gathers what was typed and shows their answer inline.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from trustdesk.services.agency import NAME_MAX
from trustdesk.services.errors import ServiceError
from trustdesk.services.jurisdiction import CHANGE_WARNING, choices
from trustdesk.store.errors import StoreError
from trustdesk.store.records import DEFAULT_TIMEZONE, AgencyProfile
from trustdesk.ui.admin_common import (
    button,
    choose_logo,
    combo,
    error_label,
    lock_field,
    show_message,
)
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.firstrun import ZONES
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.session import sentence

PREVIEW_HEIGHT = 64


class AgencyTab(QWidget):
    def __init__(self, context: UiContext, *, editable: bool) -> None:
        super().__init__()
        self.setObjectName("agency_tab")
        self.context = context
        self.editable = editable
        self.logo: bytes | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit()
        keep_within(self.name, NAME_MAX)
        self.facility = QLineEdit()
        keep_within(self.facility, NAME_MAX)
        self.ori = QLineEdit()
        keep_within(self.ori, 9)
        self.ori.setToolTip("NCIC Originating Agency Identifier: 2 letters, then 7 characters")
        self.zone = combo("Time zone", ZONES, editable=True)
        self.preview = QLabel()
        self.preview.setObjectName("logo_preview")
        self.preview.setMinimumHeight(PREVIEW_HEIGHT)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.preview, 1)
        for label, widget in (
            ("Agency &name:", self.name),
            ("Fa&cility:", self.facility),
            ("OR&I number:", self.ori),
            ("&Time zone:", self.zone),
        ):
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            form.addRow(label, widget)
        form.addRow("Logo:", logo_row)
        # The jurisdiction has its own button: it changes which law applies, so it is
        # confirmed on its own, never saved in passing with a new logo.
        self.jurisdiction = combo("Jurisdiction")
        for code, name in choices():
            self.jurisdiction.addItem(f"{name} ({code})", code)
        self.jurisdiction_source = QLabel()
        self.jurisdiction_source.setObjectName("jurisdiction_source")
        self.jurisdiction_source.setWordWrap(True)
        jurisdiction_row = QHBoxLayout()
        jurisdiction_row.addWidget(self.jurisdiction, 1)
        form.addRow("&Jurisdiction:", jurisdiction_row)
        form.addRow("", self.jurisdiction_source)
        layout.addLayout(form)
        # Where the record and this machine's config disagree (services.agency words it).
        self.notes = QLabel()
        self.notes.setObjectName("agency_notes")
        self.notes.setAccessibleName("Agency settings warnings")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setVisible(False)
        layout.addWidget(self.notes)
        self.error = error_label("agency_error")
        layout.addWidget(self.error)
        self.saved = QLabel()
        self.saved.setObjectName("agency_saved")
        self.saved.setAccessibleName("Save result")
        layout.addWidget(self.saved)
        layout.addStretch(1)
        if editable:
            self.choose_logo = button("Choose &logo…", "Choose a logo image (PNG or JPEG)")
            self.remove_logo = button("Re&move logo", "Remove the logo")
            logo_row.addWidget(self.choose_logo)
            logo_row.addWidget(self.remove_logo)
            self.save_button = button("&Save agency settings", "Save the agency settings")
            layout.addWidget(self.save_button, alignment=Qt.AlignmentFlag.AlignRight)
            self.choose_logo.clicked.connect(self._choose_logo)
            self.remove_logo.clicked.connect(lambda: self._set_logo(None))
            self.save_button.clicked.connect(self.save)
            self.change_jurisdiction = button(
                "Change &jurisdiction…", "Change the jurisdiction", CHANGE_WARNING
            )
            jurisdiction_row.addWidget(self.change_jurisdiction)
            self.change_jurisdiction.clicked.connect(self.save_jurisdiction)
        else:
            for field in (self.name, self.facility, self.ori):
                field.setReadOnly(True)
            self.zone.setEnabled(False)
            self.jurisdiction.setEnabled(False)
        self.load()

    def _lock_machine_settings(self) -> None:
        """The name and ORI IT set for the machine: shown, not editable (saved as IT set them)."""
        from trustdesk.config import current

        settings = current()
        for field, key in ((self.name, "agency_name"), (self.ori, "agency_ori")):
            setting = settings[key]
            if setting.locked:
                field.setText(str(setting.value))
                lock_field(field, setting.describe())

    def load(self) -> None:
        profile = self.context.services.agency.profile()
        if profile is None:
            profile = AgencyProfile("", "", "", DEFAULT_TIMEZONE)
        self.name.setText(profile.name)
        self.facility.setText(profile.facility)
        self.ori.setText(profile.ori)
        self.zone.setCurrentText(profile.timezone)
        self._set_logo(profile.logo)
        self._lock_machine_settings()
        self._show_jurisdiction()
        self._show_notes()

    def _show_notes(self) -> None:
        try:
            notes = self.context.services.agency.machine_notes()
        except (ServiceError, StoreError) as error:
            notes = [sentence(error)]
        self.notes.setText("\n\n".join(f"⚠ {note}" for note in notes))
        self.notes.setVisible(bool(notes))

    def _show_jurisdiction(self) -> None:
        now = self.context.services.jurisdiction.current()
        self.ori.setPlaceholderText(f"{now.code}0000000")  # the state's two letters first
        self.jurisdiction.setCurrentIndex(self.jurisdiction.findData(now.code))
        self.jurisdiction_source.setText(f"{now.name}: {now.source}. {CHANGE_WARNING}")
        if now.locked:
            lock_field(self.jurisdiction, now.source)
            if self.editable:
                self.change_jurisdiction.setEnabled(False)

    def save_jurisdiction(self) -> None:
        """The administrator's change of jurisdiction, after the warning; audited."""
        self.saved.clear()
        code = str(self.jurisdiction.currentData())
        now = self.context.services.jurisdiction.current()
        if code == now.code:
            show_message(self.error, f"The jurisdiction is already {now.name}.")
            return
        name = self.jurisdiction.currentText()
        if not Ask.confirm(
            self, "Change jurisdiction", f"Apply the law of {name} from now on?\n\n{CHANGE_WARNING}"
        ):
            self._show_jurisdiction()
            return
        try:
            changed = self.context.services.jurisdiction.change(self.context.session, code)
        except (ServiceError, StoreError) as error:
            show_message(self.error, sentence(error))
            return
        show_message(self.error, "")
        # The rules in force are those of the new jurisdiction from the next decision on.
        self.context.rules_holder.reload()
        self._show_jurisdiction()
        self._show_notes()
        self.saved.setText(
            f"✔ Jurisdiction now {changed.name}; the change is recorded in the audit trail."
        )

    def _set_logo(self, data: bytes | None) -> None:
        self.logo = data
        if data is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No logo")
            self.preview.setAccessibleName("Logo preview: no logo")
            return
        pixmap = QPixmap()
        if pixmap.loadFromData(data):
            self.preview.setPixmap(
                pixmap.scaledToHeight(PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation)
            )
            self.preview.setAccessibleName(
                f"Logo preview: {pixmap.width()} × {pixmap.height()} pixels"
            )
        else:
            self.preview.setText("This file cannot be shown as an image.")
            self.preview.setAccessibleName("Logo preview: not an image")

    def _choose_logo(self) -> None:
        data = choose_logo(self)
        if isinstance(data, str):
            show_message(self.error, data)
        elif data is not None:
            show_message(self.error, "")
            self._set_logo(data)

    def profile(self) -> AgencyProfile:
        return AgencyProfile(
            name=self.name.text(),
            facility=self.facility.text(),
            ori=self.ori.text(),
            timezone=self.zone.currentText(),
            logo=self.logo,
            logo_type=None,  # judged from the bytes by the services
        )

    def save(self) -> None:
        self.saved.clear()
        try:
            saved = self.context.services.agency.update(self.context.session, self.profile())
        except (ServiceError, StoreError) as error:
            show_message(self.error, sentence(error))
            return
        show_message(self.error, "")
        self.ori.setText(saved.ori)
        self._show_notes()
        self.zone.setCurrentText(saved.timezone)
        note = (
            " The time zone applies from the next sign-in."
            if (saved.timezone != self.context.zone_name)
            else ""
        )
        self.saved.setText("✔ Saved; the change is recorded in the audit trail." + note)

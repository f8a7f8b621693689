"""Input widgets of the review: yes/no/unknown choices and local date-times that may be unknown."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QWidget,
)

YES, NO, UNKNOWN = "yes", "no", "unknown"
DATETIME_FORMAT = "ddd dd MMM yyyy HH:mm"


class TriChoice(QWidget):
    """Yes / No / Unknown — not verified, or nothing chosen yet. Value: True, False, None."""

    changed = Signal()

    def __init__(self, name: str) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.buttons = {
            YES: QRadioButton("&Yes"),
            NO: QRadioButton("N&o"),
            UNKNOWN: QRadioButton("&Unknown / not verified"),
        }
        for button in self.buttons.values():
            button.setAccessibleName(f"{name}: {button.text().replace('&', '')}")
            self.group.addButton(button)
            layout.addWidget(button)
            button.toggled.connect(self._toggled)
        layout.addStretch(1)
        self.setAccessibleName(name)

    def _toggled(self, on: bool) -> None:
        if on:
            self.changed.emit()

    def chosen(self) -> bool:
        return self.group.checkedButton() is not None

    def value(self) -> bool | None:
        if self.buttons[YES].isChecked():
            return True
        if self.buttons[NO].isChecked():
            return False
        return None

    def set_value(self, value: bool | None, *, answered: bool = True) -> None:
        if not answered:
            self.group.setExclusive(False)
            for button in self.buttons.values():
                button.setChecked(False)
            self.group.setExclusive(True)
            return
        key = UNKNOWN if value is None else (YES if value else NO)
        self.buttons[key].setChecked(True)


class LocalDateTime(QWidget):
    """A wall-clock date and time in the agency's zone, with an optional "not known yet"."""

    changed = Signal()

    def __init__(self, name: str, *, unknown_text: str | None = None) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateTimeEdit()
        self.edit.setDisplayFormat(DATETIME_FORMAT)
        self.edit.setCalendarPopup(True)
        self.edit.setAccessibleName(name)
        layout.addWidget(self.edit)
        self.unknown: QCheckBox | None = None
        if unknown_text:
            self.unknown = QCheckBox(unknown_text)
            self.unknown.setAccessibleName(f"{name}: {unknown_text}")
            self.unknown.toggled.connect(lambda on: self.edit.setEnabled(not on))
            self.unknown.toggled.connect(lambda _on: self.changed.emit())
            layout.addWidget(self.unknown)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning, 1)
        self.edit.dateTimeChanged.connect(lambda _v: self.changed.emit())

    def is_unknown(self) -> bool:
        return self.unknown is not None and self.unknown.isChecked()

    def naive(self) -> datetime | None:
        if self.is_unknown():
            return None
        value: datetime = self.edit.dateTime().toPython()  # type: ignore[assignment]
        return value.replace(second=0, microsecond=0, tzinfo=None)

    def set_local(self, value: datetime | None) -> None:
        if value is None:
            if self.unknown is not None:
                self.unknown.setChecked(True)
            return
        if self.unknown is not None:
            self.unknown.setChecked(False)
        naive = value.replace(tzinfo=None)
        self.edit.setDateTime(
            QDateTime(naive.year, naive.month, naive.day, naive.hour, naive.minute, 0)
        )

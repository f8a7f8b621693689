"""Input widgets of the review: yes/no/unknown choices, local date-times that may be
unknown, and the choice of the second of a time that happens twice."""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QDate, QDateTime, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QWidget,
)

from trustdesk.core.wall_time import repeated_wall_time

YES, NO, UNKNOWN = "yes", "no", "unknown"


def wall_time_edit(edit: QDateTimeEdit) -> None:
    """Make ``edit`` hold a wall time as typed: in UTC, which has no clock changes, so
    Qt never moves a time the machine's own zone skips (02:30 on the spring change read
    as 03:30 before TrustDesk could refuse it) or repeats. The agency's zone is applied
    by TrustDesk, to the wall time read back (``wall_time``)."""
    edit.setTimeZone(QTimeZone.utc())


def wall_time(year: int, month: int, day: int, hour: int, minute: int) -> QDateTime:
    """A wall time for a ``wall_time_edit`` field."""
    return QDateTime(QDate(year, month, day), QTime(hour, minute), QTimeZone.utc())


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


class SecondHour(QCheckBox):
    """Beside a date-time field in the agency's zone: shown only while the time in the
    field happens twice (the hour repeated when the clocks go back), saying which offset
    the second one has; ticked, the time is the second of the two. Without it a time
    typed in that hour could only be the first, an hour early for an event in the second
    (and a record made in the second hour, opened again, moved an hour back unseen)."""

    def __init__(self, zone: tzinfo, name: str) -> None:
        super().__init__()
        self.zone = zone
        self.name = name
        self.repeated = False
        self.setObjectName("second_hour")
        self.hide()

    def follow(self, naive: datetime) -> None:
        """Show or hide the box for the wall time now in the field."""
        self.repeated = repeated_wall_time(naive, self.zone)
        if self.repeated:
            first = naive.replace(tzinfo=self.zone, fold=0)
            second = naive.replace(tzinfo=self.zone, fold=1)
            self.setText(
                f"The second {naive:%H:%M} ({second:%Z}, after the clocks went back; "
                f"unticked: the first, {first:%Z})"
            )
            self.setAccessibleName(
                f"{self.name}: the second {naive:%H:%M}, after the clocks went back"
            )
        self.setVisible(self.repeated)

    def fold(self) -> int:
        """0 for the first of two repeated times (or any other time), 1 for the second."""
        return 1 if self.repeated and self.isChecked() else 0


class LocalDateTime(QWidget):
    """A wall-clock date and time in the agency's zone, with an optional "not known yet",
    and, given the zone, the choice of the second of a time that happens twice."""

    changed = Signal()

    def __init__(
        self, name: str, *, unknown_text: str | None = None, zone: tzinfo | None = None
    ) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateTimeEdit()
        wall_time_edit(self.edit)
        self.edit.setDisplayFormat(DATETIME_FORMAT)
        self.edit.setCalendarPopup(True)
        self.edit.setAccessibleName(name)
        layout.addWidget(self.edit)
        self.second: SecondHour | None = None
        if zone is not None:
            self.second = SecondHour(zone, name)
            self.second.toggled.connect(lambda _on: self.changed.emit())
            layout.addWidget(self.second)
            self.edit.dateTimeChanged.connect(lambda _v: self._follow())
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

    def is_second(self) -> bool:
        """Whether the time shown is the second of two repeated times (ticked so)."""
        return self.second is not None and self.second.fold() == 1

    def _follow(self) -> None:
        if self.second is not None:
            value: datetime = self.edit.dateTime().toPython()  # type: ignore[assignment]
            self.second.follow(value.replace(second=0, microsecond=0, tzinfo=None))

    def set_local(self, value: datetime | None) -> None:
        if value is None:
            if self.unknown is not None:
                self.unknown.setChecked(True)
            return
        if self.unknown is not None:
            self.unknown.setChecked(False)
        naive = value.replace(tzinfo=None)
        self.edit.setDateTime(
            wall_time(naive.year, naive.month, naive.day, naive.hour, naive.minute)
        )
        if self.second is not None:  # an aware time says which of two repeated ones it is
            self._follow()
            self.second.setChecked(value.tzinfo is not None and value.fold == 1)

"""When a contact with ICE happened, as the officer gives it: typed or picked.

A date-and-time field in the agency's time zone (named beside it, with its offset on
that date, so a desk on the other side of a clock change is not misled), with a calendar
that opens from the keyboard (Alt+Down or F4 in the field, or the Calendar button) or
the mouse, and a **Now** button. It starts at now. (Qt's own calendar popup of a
date-time field opens only with the mouse, so the calendar here is one of our own.)
Whether a time is acceptable (not in the future) is said by the dialog, which names the
field and the fix; the service checks again before recording.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from trustdesk.ui.clock import Clock
from trustdesk.ui.fields import SecondHour, wall_time, wall_time_edit

#: Typed as year-month-day hour:minute, the order the rest of the contact log writes.
DISPLAY_FORMAT = "yyyy-MM-dd HH:mm"


def zone_text(zone: tzinfo, when: datetime) -> str:
    """'America/New_York, EST (UTC−05:00)' for the agency's zone on that date."""
    local = when.astimezone(zone)
    offset = local.utcoffset()
    minutes = 0 if offset is None else int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    name = str(getattr(zone, "key", "")) or str(local.tzname())
    return f"{name}, {local.tzname()} (UTC{sign}{hours:02d}:{rest:02d})"


class ContactTime(QWidget):
    """The contact's time, as an aware datetime in the agency's zone (``when``)."""

    changed = Signal()

    def __init__(self, zone: tzinfo, clock: Clock) -> None:
        super().__init__()
        self.zone = zone
        self.clock = clock
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateTimeEdit()
        self.edit.setObjectName("contact_time")
        wall_time_edit(self.edit)
        self.edit.setDisplayFormat(DISPLAY_FORMAT)
        self.edit.setAccessibleName("When the contact happened (agency time)")
        self.edit.setAccessibleDescription(
            "Type the date and time, or press Alt+Down for the calendar"
        )
        self.edit.installEventFilter(self)
        row.addWidget(self.edit)
        self.calendar_button = QPushButton("Ca&lendar…")
        self.calendar_button.setObjectName("contact_time_calendar")
        self.calendar_button.setAccessibleName("Pick the contact's date on a calendar")
        self.calendar_button.setAutoDefault(False)
        self.calendar_button.clicked.connect(self.open_calendar)
        row.addWidget(self.calendar_button)
        self.calendar = QCalendarWidget(self)
        self.calendar.setWindowFlags(Qt.WindowType.Popup)
        self.calendar.setObjectName("contact_time_calendar_popup")
        self.calendar.setAccessibleName("Calendar: the contact's date")
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        self.setFocusProxy(self.edit)  # the form's Alt+T lands in the field itself
        self.now_button = QPushButton("No&w")
        self.now_button.setObjectName("contact_time_now")
        self.now_button.setAccessibleName("Set the contact's time to now")
        self.now_button.setAutoDefault(False)  # Return in the dialog records, always
        self.now_button.clicked.connect(self.set_now)
        row.addWidget(self.now_button)
        # In the hour repeated when the clocks go back: which of the two (``set_when``
        # ticks it for the second; the officer may tick or untick it).
        self.second = SecondHour(zone, "When the contact happened")
        self.second.setObjectName("contact_time_second")
        self.second.toggled.connect(self._second_toggled)
        row.addWidget(self.second)
        self.zone_label = QLabel()
        self.zone_label.setObjectName("contact_time_zone")
        row.addWidget(self.zone_label, 1)
        self.edit.dateTimeChanged.connect(self._changed)
        self.set_now()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Alt+Down or F4 in the field opens the calendar, as in a drop-down list."""
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            alt_down = event.key() == Qt.Key.Key_Down and bool(
                event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if alt_down or event.key() == Qt.Key.Key_F4:
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    def open_calendar(self) -> None:
        """Show the calendar under the field, on the date shown; arrows move, Return or
        a click picks, Escape leaves it unchanged."""
        self.calendar.setSelectedDate(self.edit.date())
        self.calendar.adjustSize()
        self.calendar.move(self.edit.mapToGlobal(self.edit.rect().bottomLeft()))
        self.calendar.show()
        self.calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, day: QDate) -> None:
        # The day changes, the time of day stays as typed.
        self.edit.setDate(day)
        self.calendar.hide()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    def _changed(self, _value: QDateTime) -> None:
        self.second.follow(self._shown())
        self._show_zone()
        self.changed.emit()

    def _second_toggled(self, _on: bool) -> None:
        self._show_zone()
        self.changed.emit()

    def _show_zone(self) -> None:
        text = zone_text(self.zone, self.when())
        self.zone_label.setText(text)
        self.zone_label.setAccessibleName(f"Time zone: {text}")

    def set_now(self) -> None:
        self.set_when(self.clock.now())

    def set_when(self, value: datetime) -> None:
        local = value.astimezone(self.zone)
        self.edit.setDateTime(
            wall_time(local.year, local.month, local.day, local.hour, local.minute)
        )
        # In the hour repeated when the clocks go back the wall time is ambiguous: the
        # box beside it says which of the two this is.
        self.second.follow(self._shown())
        self.second.setChecked(local.fold == 1)
        self._show_zone()

    def _shown(self) -> datetime:
        value: datetime = self.edit.dateTime().toPython()  # type: ignore[assignment]
        return value.replace(second=0, microsecond=0, tzinfo=None)

    def when(self) -> datetime:
        """The time shown, in the agency's zone, to the minute. In the hour the clocks
        repeat it is the first of the two unless the box beside it is ticked for the
        second (set so by Now, or the dialog's own time, in the second); the zone beside
        the field shows which offset it is."""
        return self._shown().replace(tzinfo=self.zone, fold=self.second.fold())

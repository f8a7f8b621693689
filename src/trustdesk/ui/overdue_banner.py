"""The overdue alarm as the desk shows and sounds it: a red banner naming each overdue hold
and a beep, once per hold (``services.overdue_alarm`` decides when), until acknowledged.

The beep is the platform's own (``QApplication.beep``: PySide6-Essentials has no
multimedia module), and the window asks for attention (a flashing task-bar entry), so a
desk whose TrustDesk is behind another program notices too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QPushButton, QWidget

from trustdesk.services.overdue_alarm import OverdueAlarm
from trustdesk.ui.countdown import expiry_text

STYLE = "background: #c62828; color: #ffffff; padding: 6px; font-weight: bold;"


def alarm_text(alarms: Sequence[OverdueAlarm], zone: tzinfo) -> str:
    """'‼ Hold overdue: booking NH-1 — hold overdue since Tue 24 Nov 15:00. …'"""
    parts = [
        f"booking {alarm.booking_number or '(no number)'} — hold overdue since "
        f"{expiry_text(alarm.overdue_since, zone)}"
        for alarm in alarms
    ]
    noun = "Hold overdue" if len(alarms) == 1 else f"{len(alarms)} holds overdue"
    return (
        f"‼ {noun}: {'; '.join(parts)}. Release the person or record that ICE took "
        "custody (board: C, E or O)."
    )


class OverdueBanner(QWidget):
    """Hidden while nothing rings; ``ring`` shows it and beeps, Acknowledge hides it."""

    acknowledged = Signal()

    def __init__(self, zone: tzinfo) -> None:
        super().__init__()
        self.setObjectName("overdue_banner")
        self.zone = zone
        self.setStyleSheet(STYLE)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("overdue_text")
        self.label.setWordWrap(True)
        self.label.setStyleSheet(STYLE)
        row.addWidget(self.label, 1)
        self.button = QPushButton("Ac&knowledge")
        self.button.setObjectName("acknowledge_overdue")
        self.button.setAccessibleName("Acknowledge the overdue alarm")
        self.button.clicked.connect(self.acknowledged.emit)
        row.addWidget(self.button)
        self.hide()

    def ring(self, new: Sequence[OverdueAlarm], ringing: Sequence[OverdueAlarm]) -> None:
        """``new`` just became overdue (sound once); ``ringing`` is everything to show."""
        self.show_ringing(ringing)
        if new:
            QApplication.beep()
            window = self.window()
            if window is not None:
                QApplication.alert(window)

    def show_ringing(self, ringing: Sequence[OverdueAlarm]) -> None:
        if not ringing:
            self.hide()
            return
        text = alarm_text(ringing, self.zone)
        if text != self.label.text():
            self.label.setText(text)
            self.label.setAccessibleName(text)
        self.show()

"""The history search form: booking number, name, dates, outcome and officer.

It only reads its fields into a ``history_query.SearchForm``; the page runs the search.
"""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from trustdesk.ui.history_query import OUTCOME_CHOICES, SearchForm
from trustdesk.ui.length_limit import keep_within

DEFAULT_DAYS = 30


def _line(name: str, accessible: str, placeholder: str, limit: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    keep_within(edit, limit)
    edit.setClearButtonEnabled(True)
    return edit


def _date(name: str, accessible: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("ddd d MMM yyyy")
    inner = edit.findChild(QLineEdit)
    if inner is not None:  # the text field inside takes the focus: it is what is read out
        inner.setAccessibleName(accessible)
    return edit


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class SearchFormWidget(QWidget):
    search_requested = Signal()

    def __init__(self, today: date) -> None:
        super().__init__()
        self.setObjectName("search_form")
        self.today = today
        self.booking = _line("search_booking", "Booking number", "e.g. NH-2026-0412", 40)
        self.name = _line("search_name", "Name", "any part of the name; accents optional", 200)
        self.use_dates = QCheckBox("Limit to &dates")
        self.use_dates.setObjectName("search_use_dates")
        self.use_dates.setAccessibleName("Limit the search to decision dates")
        self.first_day = _date("search_from", "Decided from (first day)")
        self.last_day = _date("search_to", "Decided until (last day)")
        self.outcome = QComboBox()
        self.outcome.setObjectName("search_outcome")
        self.outcome.setAccessibleName("Outcome")
        for key, text in OUTCOME_CHOICES:
            self.outcome.addItem(text, key)
        self.officer = _line("search_officer", "Officer (user name)", "user name", 64)
        self.search_button = QPushButton("&Search")
        self.search_button.setObjectName("search_button")
        self.search_button.setAccessibleName("Search the history")
        self.search_button.setDefault(True)
        self.clear_button = QPushButton("C&lear")
        self.clear_button.setObjectName("clear_search")
        self.clear_button.setAccessibleName("Clear the search form")
        self._lay_out()
        self.use_dates.toggled.connect(self._dates_enabled)
        self.search_button.clicked.connect(self.search_requested.emit)
        self.clear_button.clicked.connect(self.clear)
        for edit in (self.booking, self.name, self.officer):
            edit.returnPressed.connect(self.search_requested.emit)
        self.clear()

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        fields = (
            (QLabel("Boo&king no.:"), self.booking, QLabel("&Name:"), self.name),
            (self.use_dates, self.first_day, QLabel("&To:"), self.last_day),
            (QLabel("O&utcome:"), self.outcome, QLabel("Offi&cer:"), self.officer),
        )
        for row, line in enumerate(fields):
            for column, widget in enumerate(line):
                grid.addWidget(widget, row, column)
            for label, field in ((line[0], line[1]), (line[2], line[3])):
                if isinstance(label, QLabel):
                    label.setBuddy(field)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.search_button)
        grid.addLayout(buttons, len(fields), 0, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        order = (
            self.booking,
            self.name,
            self.use_dates,
            self.first_day,
            self.last_day,
            self.outcome,
            self.officer,
            self.clear_button,
            self.search_button,
        )
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

    def _dates_enabled(self, on: bool) -> None:
        self.first_day.setEnabled(on)
        self.last_day.setEnabled(on)

    def clear(self) -> None:
        for edit in (self.booking, self.name, self.officer):
            edit.clear()
        self.outcome.setCurrentIndex(0)
        self.first_day.setDate(qdate(self.today - timedelta(days=DEFAULT_DAYS)))
        self.last_day.setDate(qdate(self.today))
        self.use_dates.setChecked(False)
        self._dates_enabled(False)

    def form(self) -> SearchForm:
        dated = self.use_dates.isChecked()
        return SearchForm(
            booking_number=self.booking.text(),
            name=self.name.text(),
            first_day=pydate(self.first_day.date()) if dated else None,
            last_day=pydate(self.last_day.date()) if dated else None,
            outcome=str(self.outcome.currentData()),
            officer=self.officer.text(),
        )

"""Entering convictions and pending charges: a catalog search as you type, then a table.

The search runs on every keystroke in the GUI thread; the catalog index answers in well
under a frame (see bench/gui_typing.py). What the section can carry limits the classes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from trustdesk.config.keys import DEFAULT_JURISDICTION
from trustdesk.core.class_periods import Form
from trustdesk.core.statute import normalize_section
from trustdesk.rules.catalog import OffenseCatalog, OffenseEntry
from trustdesk.rules.offense_search import search
from trustdesk.services.offense_inputs import (
    ALWAYS_ASKED,
    TRI_QUESTIONS,
    OffenseInputs,
    flag_label,
    tri_question,
)
from trustdesk.services.review import check_short_text
from trustdesk.ui.length_limit import keep_within

LEVELS = ("felony", "misdemeanor")
CLASSES = ("A", "B", "C", "D", "E", "unclassified")
_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP"
)
NO_DATE_TEXT = "Not given"
TRI_TEXT = ("Unknown / not verified", "Yes", "No")
TRI_VALUES = (None, True, False)


def jurisdictions(home: str) -> tuple[str, ...]:
    """Where an offense was charged: the catalog's own state first, then federal, then
    the other states (a Connecticut desk starts on CT, a California one on CA)."""
    states = sorted({*_STATES.split(), home})
    return (home, "federal", *[s for s in states if s != home])


class OffenseList(QWidget):
    """The offenses of one question (convictions or pending charges) as case JSON items."""

    changed = Signal()

    def __init__(
        self,
        catalog: OffenseCatalog,
        *,
        pending: bool,
        inputs: OffenseInputs | None = None,
        home: str = DEFAULT_JURISDICTION,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.pending = pending
        #: What the pack's conditions test beyond section, level and date: the offense
        #: flags to tick (preset from the catalog) and the yes/no/unknown facts to ask.
        self.inputs = inputs or OffenseInputs((), ALWAYS_ASKED, ALWAYS_ASKED)
        self.items: list[dict[str, Any]] = []
        self._results: dict[str, OffenseEntry] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Section or words of the charge, or a record line")
        self.search.setAccessibleName("Offense: search the catalog")
        keep_within(self.search, 120)
        self.suggestions = QStringListModel(self)
        self.completer = QCompleter(self.suggestions, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.setCompleter(self.completer)
        self.title = QLabel("—")
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Offense title")
        self.level = QComboBox()
        self.level.addItems(LEVELS)
        self.level.setAccessibleName("Level")
        self.klass = QComboBox()
        self.klass.setAccessibleName("Class")
        self.jurisdiction = QComboBox()
        self.jurisdiction.addItems(jurisdictions(home))
        self.jurisdiction.setAccessibleName("Jurisdiction")
        self.date = QDateEdit()
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setSpecialValueText(NO_DATE_TEXT)
        self.date.setMinimumDate(self.date.minimumDate())
        self.date.setDate(self.date.minimumDate())
        self.date.setAccessibleName("Date of judgment or charge")
        flags = QHBoxLayout()
        self.under_appeal = QCheckBox("Under a&ppeal or habeas")
        self.bond = QComboBox()
        self.bond.addItems(["Bond: unknown", "Bond posted", "Bond not posted"])
        self.bond.setAccessibleName("Bond posted")
        flags.addWidget(self.under_appeal)
        if pending:
            flags.addWidget(self.bond)
        flags.addStretch(1)
        form.addRow("&Offense:", self.search)
        form.addRow("Title:", self.title)
        form.addRow("Le&vel:", self.level)
        form.addRow("Cl&ass:", self.klass)
        form.addRow("J&urisdiction:", self.jurisdiction)
        form.addRow("Da&te:", self.date)
        form.addRow("", flags)
        self.flag_boxes: dict[str, QCheckBox] = {}
        if self.inputs.flags:
            row = QHBoxLayout()
            for flag in self.inputs.flags:
                box = QCheckBox(flag_label(flag))
                box.setAccessibleName(flag_label(flag))
                self.flag_boxes[flag] = box
                row.addWidget(box)
            row.addStretch(1)
            form.addRow("Flags:", row)
        self.tri_boxes: dict[str, QComboBox] = {}
        for name in self.inputs.tri:
            question = tri_question(name, home)
            choice = QComboBox()
            choice.addItems(TRI_TEXT)
            choice.setAccessibleName(question)
            choice.setCurrentIndex(self._tri_start(name))
            self.tri_boxes[name] = choice
            form.addRow(("&" if name == "juvenile" else "") + question + ":", choice)
        layout.addLayout(form)
        self.warning = QLabel()
        self.warning.setObjectName("offense_warning")
        self.warning.setWordWrap(True)
        layout.addWidget(self.warning)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("A&dd to the list")
        self.remove_button = QPushButton("&Remove selected")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        headers = ["Section", "Title", "Level", "Class", "Jurisdiction", "Date"]
        if self.flag_boxes or self.tri_boxes:
            headers.append("Flags")
        self.table = QTableWidget(0, len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Offenses entered")
        layout.addWidget(self.table)
        self.search.textEdited.connect(self._searched)
        self.completer.activated.connect(self._picked)
        self.search.editingFinished.connect(self._resolve_typed)
        self.level.currentTextChanged.connect(self._limit_classes)
        self.date.dateChanged.connect(self._date_changed)
        self.add_button.clicked.connect(self.add_current)
        self.remove_button.clicked.connect(self.remove_selected)
        self.entry: OffenseEntry | None = None
        self._limit_classes()

    # -- search -------------------------------------------------------------------------

    def _searched(self, text: str) -> None:
        as_of = self._as_of()
        results = search(self.catalog, text, limit=8, as_of=as_of) if len(text.strip()) >= 2 else []
        self._results = {}
        lines = []
        for result in results:
            line = f"§ {result.entry.section} — {result.entry.title}"
            self._results[line] = result.entry
            lines.append(line)
        self.suggestions.setStringList(lines)

    def _picked(self, line: str) -> None:
        entry = self._results.get(line)
        if entry is not None:
            self.choose(entry)

    def _resolve_typed(self) -> None:
        text = self.search.text().strip()
        if not text or (self.entry is not None and text.startswith(f"§ {self.entry.section}")):
            return
        entry = self.catalog.get(text)
        if entry is not None:
            self.choose(entry)
            return
        self.entry = None
        self.title.setText("—")
        section = normalize_section(text)
        if section is not None:
            self.warning.setText(
                f"⚠ § {section} is not in the offense catalog. You can still add it: enter "
                "the level and class exactly as the record shows; the decision will be "
                "flagged for review."
            )
        else:
            self.warning.setText("")

    def _as_of(self) -> date | None:
        """The conviction date entered: the day whose classes a conviction carries.

        None when no date is given, and for a pending charge (its class is today's law).
        """
        if self.pending or self.date.date() == self.date.minimumDate():
            return None
        day = self.date.date().toPython()
        return day if isinstance(day, date) else None

    def _forms_on_date(self) -> tuple[Form, ...] | None:
        """The chosen section's levels and classes on the conviction date, when known."""
        day = self._as_of()
        if self.entry is None or day is None:
            return None
        history = self.entry.class_history()
        return history.on(day) if history is not None else None

    def _date_changed(self) -> None:
        forms = self._forms_on_date()
        if forms:
            self.level.setCurrentText(forms[0][0])
        self._limit_classes()

    def choose(self, entry: OffenseEntry) -> None:
        self.entry = entry
        self.search.setText(f"§ {entry.section} — {entry.title}")
        note = entry.shown_note
        self.title.setText(entry.title + (f" ({note})" if note else ""))
        self.warning.setText("")
        # A reclassified section starts at the level of the conviction date, not today's.
        forms = self._forms_on_date()
        if forms:
            self.level.setCurrentText(forms[0][0])
        elif entry.levels:
            self.level.setCurrentText(entry.levels[0])
        # The catalog's flags preset the boxes; the officer corrects them from the record.
        known = set(getattr(entry, "flags", ()) or ())
        for flag, box in self.flag_boxes.items():
            box.setChecked(flag in known)
        self._limit_classes()

    def _limit_classes(self) -> None:
        level = self.level.currentText()
        allowed: list[str] = list(
            CLASSES if level == "felony" else ("A", "B", "C", "D", "unclassified")
        )
        if self.entry is not None:
            fits = [k for k in allowed if self.entry.can_carry(level, k)]
            allowed = fits or allowed
        current = self.klass.currentText()
        # Every class the section ever carried stays on offer (the judgment decides); the
        # one in force on the conviction date, when the sources tell, is preselected.
        on_date = [
            k
            for lv, classes in self._forms_on_date() or ()
            if lv == level
            for k in classes
            if k in allowed
        ]
        self.klass.clear()
        self.klass.addItems(allowed)
        if on_date:
            self.klass.setCurrentText(on_date[0])
        elif current in allowed:
            self.klass.setCurrentText(current)

    # -- the list -----------------------------------------------------------------------

    def current_item(self) -> dict[str, Any] | str:
        """The offense in the form as a case item, or what is wrong with it."""
        if self.entry is not None:
            statute = self.entry.section
        else:
            statute = self.search.text().strip()
            if not statute:
                return "Search for the offense, or type its statute section."
            problem = check_short_text(statute, 40, "The statute section")
            if problem:
                return problem
        item: dict[str, Any] = {
            "statute": statute,
            "level": self.level.currentText(),
            "class": self.klass.currentText(),
            "jurisdiction": self.jurisdiction.currentText(),
        }
        if self.date.date() != self.date.minimumDate():
            item["date"] = self.date.date().toString("yyyy-MM-dd")
        if self.under_appeal.isChecked():
            item["under_appeal"] = True
        if self.pending:
            item["bond_posted"] = {0: None, 1: True, 2: False}[self.bond.currentIndex()]
        if self.flag_boxes:
            item["flags"] = [flag for flag, box in self.flag_boxes.items() if box.isChecked()]
        for name, choice in self.tri_boxes.items():
            value = TRI_VALUES[choice.currentIndex()]
            if value is False and name in self.inputs.presumed_no:
                continue  # left out, as a case file leaves it: the format reads "no"
            item[name] = value
        return item

    def _tri_start(self, name: str) -> int:
        """Where a yes/no/unknown question starts: at "No" for a fact the pack tests
        only to send an entry to review (the case format's reading of it left out), at
        "Unknown / not verified" for one that decides whether the entry counts."""
        return TRI_VALUES.index(False) if name in self.inputs.presumed_no else 0

    def add_current(self) -> None:
        item = self.current_item()
        if isinstance(item, str):
            self.warning.setText("⚠ " + item)
            return
        self.items.append(item)
        self._refill()
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()
        self.suggestions.setStringList([])
        self.entry = None
        self.search.clear()
        self.title.setText("—")
        self.under_appeal.setChecked(False)
        for box in self.flag_boxes.values():
            box.setChecked(False)
        for name, choice in self.tri_boxes.items():
            choice.setCurrentIndex(self._tri_start(name))
        self.search.setFocus()
        self.changed.emit()

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            del self.items[row]
        if rows:
            self._refill()
            self.changed.emit()

    def set_items(self, items: list[dict[str, Any]]) -> None:
        self.items = [dict(item) for item in items]
        self._refill()

    def _refill(self) -> None:
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            entry = self.catalog.get(str(item["statute"]))
            title = entry.title if entry is not None else "⚠ not in the catalog"
            values = [
                str(item["statute"]),
                title,
                str(item["level"]),
                str(item["class"]),
                str(item["jurisdiction"]),
                str(item.get("date") or ""),
            ]
            if self.flag_boxes or self.tri_boxes:
                values.append(flags_text(item))
            for column, text in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(text))


def flags_text(item: dict[str, Any]) -> str:
    """The item's flags and yes/no facts, for its row of the table."""
    parts = [flag_label(str(flag)) for flag in item.get("flags") or ()]
    for name, question in TRI_QUESTIONS.items():
        if name in item:
            answer = {True: "yes", False: "no", None: "unknown"}[item[name]]
            parts.append(f"{question.split(' (')[0]}: {answer}")
    return "; ".join(parts)

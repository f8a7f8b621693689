"""The counsel sign-off form of the Rule packs tab: pick items, name the source, attest.

The form only gathers what counsel attests and hands it to the services
(``services.signoff``), which check it, make the new revision of the pack, put it in
force and record it; the tab runs that off the GUI thread, as it does an import.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from trustdesk.rules.registry import RuleSet
from trustdesk.rules.revision import MAX_TEXT, Attestation
from trustdesk.services.signoff import pack_item_rows
from trustdesk.ui.admin_common import error_label
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.tooltips import plain_tip

ITEM_ID = Qt.ItemDataRole.UserRole


class SignoffForm(QGroupBox):
    """Emits ``signoff_requested(pack id, attestation)`` once the form is complete."""

    signoff_requested = Signal(str, object)

    def __init__(self) -> None:
        super().__init__("Counsel sign-off")
        self.setObjectName("signoff_form")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Record that the agency's counsel checked items of a rule pack against the "
            "enacted text. Tick the items counsel verified, name the source and counsel, "
            "and attest. A new revision of the pack comes into force for new decisions; "
            "decisions already made keep the revision they were made under."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.pack = QComboBox()
        self.pack.setObjectName("signoff_pack")
        self.pack.setAccessibleName("Rule pack to sign off")
        form.addRow("Rule pac&k:", self.pack)
        self.items = QListWidget()
        self.items.setObjectName("signoff_items")
        self.items.setAccessibleName("Items of the pack; tick those counsel verified")
        form.addRow("Ite&ms:", self.items)
        self.source = self._line("signoff_source", "Source counsel checked against")
        form.addRow("&Source (public act and section, or official text):", self.source)
        self.counsel = self._line("signoff_by", "Counsel's name")
        form.addRow("Counsel's &name:", self.counsel)
        self.counsel_title = self._line("signoff_title", "Counsel's title")
        form.addRow("Counsel's tit&le:", self.counsel_title)
        self.day = QDateEdit()
        self.day.setObjectName("signoff_date")
        self.day.setAccessibleName("Date counsel checked the items")
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setCalendarPopup(True)
        self.day.lineEdit().setAccessibleName("Date counsel checked the items (YYYY-MM-DD)")
        form.addRow("&Checked on:", self.day)
        self.note = self._line("signoff_note", "Note from counsel (optional)")
        form.addRow("Not&e (optional):", self.note)
        layout.addLayout(form)
        self.attest = QCheckBox(
            "I attest that the counsel named above &verified every ticked item against "
            "the source named."
        )
        self.attest.setObjectName("signoff_attest")
        self.attest.setAccessibleName("Attest counsel's verification")
        layout.addWidget(self.attest)
        self.error = error_label("signoff_error")
        layout.addWidget(self.error)
        self.button = QPushButton("&Record sign-off")
        self.button.setObjectName("signoff_button")
        self.button.setAccessibleName("Record counsel's sign-off")
        self.button.clicked.connect(self._submit)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.pack.currentIndexChanged.connect(self._show_items)
        self._rules: RuleSet | None = None

    @staticmethod
    def _line(name: str, accessible: str) -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(name)
        line.setAccessibleName(accessible)
        keep_within(line, MAX_TEXT)
        return line

    def load(self, rules: RuleSet, today: date) -> None:
        """Show the packs of ``rules``; the pack chosen stays chosen when it still exists."""
        chosen = self.pack.currentText()
        self._rules = rules
        self.pack.blockSignals(True)
        self.pack.clear()
        self.pack.addItems([loaded.pack.id for loaded in rules.packs])
        index = self.pack.findText(chosen)
        self.pack.setCurrentIndex(index if index >= 0 else self.pack.count() - 1)
        self.pack.blockSignals(False)
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        self.day.setDate(QDate(today.year, today.month, today.day))
        self._show_items()

    def _show_items(self) -> None:
        self.items.clear()
        if self._rules is None or not self.pack.currentText():
            return
        pack = self._rules.pack(self.pack.currentText()).pack
        rows = sorted(pack_item_rows(pack), key=lambda row: row.verified)
        for row in rows:
            state = "verified" if row.verified else "UNVERIFIED"
            item = QListWidgetItem(f"[{state}] {row.label}")
            item.setData(ITEM_ID, row.id)
            item.setToolTip(plain_tip(f"{row.id}: {row.verification.describe()}"))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.items.addItem(item)

    def item_row(self, item_id: str) -> QListWidgetItem:
        """The list row of item ``item_id`` (for tests and accessibility tools)."""
        for index in range(self.items.count()):
            row = self.items.item(index)
            if row.data(ITEM_ID) == item_id:
                return row
        raise KeyError(item_id)

    def ticked(self) -> tuple[str, ...]:
        rows = (self.items.item(i) for i in range(self.items.count()))
        return tuple(
            str(row.data(ITEM_ID)) for row in rows if row.checkState() == Qt.CheckState.Checked
        )

    def _submit(self) -> None:
        problem = self._problem()
        if problem:
            self.show_error(problem)
            return
        self.error.hide()
        qdate = self.day.date()
        attestation = Attestation(
            self.ticked(),
            self.source.text(),
            self.counsel.text(),
            self.counsel_title.text(),
            date(qdate.year(), qdate.month(), qdate.day()),
            self.note.text(),
        )
        self.signoff_requested.emit(self.pack.currentText(), attestation)

    def _problem(self) -> str:
        if not self.ticked():
            return "Tick at least one item that counsel verified."
        for field, what in (
            (self.source, "the source counsel checked against"),
            (self.counsel, "counsel's name"),
            (self.counsel_title, "counsel's title"),
        ):
            if not field.text().strip():
                return f"Give {what}."
        if not self.attest.isChecked():
            return "Tick the attestation: the sign-off is recorded in your name."
        return ""

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def clear(self) -> None:
        """Empty the form after a sign-off was recorded."""
        for field in (self.source, self.counsel, self.counsel_title, self.note):
            field.clear()
        self.attest.setChecked(False)

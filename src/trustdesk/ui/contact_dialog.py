"""Recording a contact with ICE: a few keystrokes from the board or a decision.

Before anything is given, the dialog shows what the law in force allows for this person
(the service's advice, from the decision on record or from the grounds answered here),
the part ICE asked about first, confidential information always named as never to be
shared; it follows the kind and the grounds as they change. Ticking something that was
not allowed opens the reason field and says that a supervisor will review the contact.
The service checks and records; nothing here decides what is lawful.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from trustdesk.core.characters import shown
from trustdesk.core.contacts import ALLOWED, ALLOWED_WITH_CONDITIONS, DISCLOSURES, ContactAdvice
from trustdesk.core.errors import CoreError
from trustdesk.rules.errors import RulesError
from trustdesk.services.contact_input import LIMITS
from trustdesk.services.contact_wording import (
    CHANNEL_TEXT,
    DIRECTION_TEXT,
    DISCLOSURE_TEXT,
    KIND_TEXT,
    VERDICT_MARK,
    VERDICT_WORDS,
    advice_lines,
    judged_by_text,
)
from trustdesk.services.contacts import ContactInput, ContactService
from trustdesk.services.errors import ServiceError
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.errors import StoreError
from trustdesk.ui.contact_time import ContactTime
from trustdesk.ui.context import UiContext
from trustdesk.ui.countdown import stamp_text
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.session import sentence

if TYPE_CHECKING:
    from trustdesk.core.pack import RulePack

TIME_FORMAT = "%Y-%m-%d %H:%M"
GATE_ANSWERS = (("not yet known", None), ("yes", True), ("no", False))
_EXPECTED = (ServiceError, StoreError, CoreError, RulesError)


@dataclass(frozen=True, slots=True)
class ContactTarget:
    """Whom the contact is about: a decision, a person on record, or a booking number
    (all None: the officer types the booking number in the dialog)."""

    decision_id: int | None = None
    person_id: int | None = None
    booking_number: str | None = None
    name: str | None = None

    def describe(self) -> str:
        parts = [shown(self.name)] if self.name else []
        if self.booking_number:
            parts.append(f"booking {self.booking_number}")
        if self.decision_id is not None:
            parts.append(f"decision {self.decision_id}")
        return ", ".join(parts)


def _combo(name: str, accessible: str, items: dict[str, str]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    for key, text in items.items():
        combo.addItem(text, key)
    return combo


def _line(name: str, accessible: str, limit: int) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    keep_within(edit, limit)
    return edit


class ContactDialog(QDialog):
    """The contact form; ``recorded`` carries the stored contact."""

    recorded = Signal(object)

    def __init__(
        self, context: UiContext, target: ContactTarget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contact_dialog")
        self.setWindowTitle("Record a contact with ICE")
        self.context = context
        self.target = target
        self.service = ContactService(context.services.ctx, context.rules_holder)
        self.advice: ContactAdvice | None = None
        self.saved: ContactRecord | None = None
        self._build()
        self._refresh_advice()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        about = self.target.describe()
        self.about = QLabel(f"About: {about}" if about else "About: the person booked as")
        self.about.setObjectName("contact_about")
        layout.addWidget(self.about)
        form = QFormLayout()
        self.booking = _line("contact_booking", "Booking number", LIMITS["booking_number"])
        if self.target.booking_number is None and self.target.decision_id is None:
            form.addRow("&Booking no.:", self.booking)
        else:
            self.booking.hide()
        self.kind = _combo("contact_kind", "Kind of contact", KIND_TEXT)
        self.direction = _combo("contact_direction", "Direction", DIRECTION_TEXT)
        self.time = ContactTime(self.context.zone, self.context.clock)
        self.channel = _combo("contact_channel", "Channel", CHANNEL_TEXT)
        self.ice_office = _line("ice_office", "ICE office", LIMITS["ice_office"])
        self.ice_officer = _line("ice_officer", "ICE officer", LIMITS["ice_officer"])
        self.asked = _line("contact_asked", "What ICE asked", LIMITS["asked"])
        for label, widget in (
            ("&Kind:", self.kind),
            ("&Direction:", self.direction),
            ("&Time:", self.time),
            ("C&hannel:", self.channel),
            ("ICE o&ffice:", self.ice_office),
            ("ICE offic&er:", self.ice_officer),
            ("&Asked:", self.asked),
        ):
            form.addRow(label, widget)
        layout.addLayout(form)
        layout.addWidget(self._gates_box())
        self.advice_label = QLabel()
        self.advice_label.setObjectName("contact_advice")
        self.advice_label.setAccessibleName("What the law allows for this person")
        self.advice_label.setWordWrap(True)
        self.advice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.advice_label.setStyleSheet("background: #fff8e1; color: black; padding: 6px;")
        layout.addWidget(self.advice_label)
        layout.addWidget(self._given_box())
        self.warning = QLabel()
        self.warning.setObjectName("contact_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.warning.hide()
        layout.addWidget(self.warning)
        lower = QFormLayout()
        self.reason = _line("unlawful_reason", "Why it was given", LIMITS["unlawful_reason"])
        self.reason.setEnabled(False)
        self.note = _line("contact_note", "Note", LIMITS["note"])
        lower.addRow("Rea&son:", self.reason)
        lower.addRow("&Note:", self.note)
        layout.addLayout(lower)
        self.error = QLabel()
        self.error.setObjectName("contact_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b71c1c;")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.record_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.record_button.setText("&Record")
        self.record_button.setObjectName("record_contact")
        self.record_button.setDefault(True)
        # Tabbing past Cancel must not make Enter in a later field cancel the contact
        # (an auto-default button stays the default after focus leaves it).
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self._show_advice())
        self.time.changed.connect(self._refresh_advice)
        self.booking.editingFinished.connect(self._refresh_advice)

    def _gates_box(self) -> QGroupBox:
        """The grounds the officer can answer now (shown when no decision is on record)."""
        self.gates_box = QGroupBox("&Grounds known now (no decision on record)")
        grid = QGridLayout(self.gates_box)
        self.gates: dict[str, QComboBox] = {}
        pack = self._pack()
        contacts = None if pack is None else pack.contacts
        for row, gate in enumerate(() if contacts is None else contacts.gates):
            combo = QComboBox()
            combo.setObjectName(f"gate_{gate.criterion}")
            combo.setAccessibleName(gate.present)
            for text, value in GATE_ANSWERS:
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(lambda _i: self._refresh_advice())
            grid.addWidget(QLabel(gate.present[0].upper() + gate.present[1:] + ":"), row, 0)
            grid.addWidget(combo, row, 1)
            self.gates[gate.criterion] = combo
        return self.gates_box

    def _given_box(self) -> QGroupBox:
        box = QGroupBox("What was &given to ICE or done for it")
        grid = QGridLayout(box)
        self.given: dict[str, QCheckBox] = {}
        for index, disclosure in enumerate(DISCLOSURES):
            check = QCheckBox(DISCLOSURE_TEXT[disclosure])
            check.setObjectName(f"given_{disclosure}")
            check.toggled.connect(lambda _on: self._update_warning())
            grid.addWidget(check, index // 2, index % 2)
            self.given[disclosure] = check
        return box

    # -- advice ---------------------------------------------------------------------------

    def _pack(self) -> RulePack | None:
        try:
            return self.context.rules_holder.pack_for(self._when())
        except _EXPECTED:
            return None

    def _when(self) -> datetime:
        return self.time.when()

    def contact_input(self) -> ContactInput:
        """What the form says now, as the service takes it."""
        when = self._when()
        now = self.context.clock.now()
        if when > now:
            # Said here, naming the field and the fix; the service refuses it as well.
            zone = self.context.zone
            raise _FormError(
                # With the zone's offset named: in the hour repeated when the clocks go
                # back, 01:30 EST is later than 01:35 EDT.
                f"Time: {when:{TIME_FORMAT} %Z} is later than now "
                f"({now.astimezone(zone):%H:%M %Z} agency time); a contact is recorded after "
                "it happens: pick when it did happen, or press Now."
            )
        booking = self.target.booking_number or self.booking.text().strip() or None
        decision_known = self.advice is not None and self.advice.basis == "decision"
        pack = self._pack()
        # Only the grounds of the pack in force on that time (an older law has fewer).
        grounds = set() if pack is None else {c.id for c in pack.criteria}
        gates = {
            k: c.currentData() for k, c in self.gates.items() if not decision_known and k in grounds
        }
        return ContactInput(
            kind=str(self.kind.currentData()),
            direction=str(self.direction.currentData()),
            occurred_at=when,
            channel=str(self.channel.currentData()),
            person_id=self.target.person_id,
            booking_number=booking,
            decision_id=self.target.decision_id,
            ice_office=self.ice_office.text(),
            ice_officer=self.ice_officer.text(),
            asked=self.asked.text(),
            given=tuple(d for d, check in self.given.items() if check.isChecked()),
            note=self.note.text(),
            unlawful_reason=self.reason.text() if self.reason.isEnabled() else None,
            gates=gates,
        )

    def _refresh_advice(self) -> None:
        """Ask the service again (the time, the person or the grounds changed)."""
        try:
            form = self.contact_input()
            self.advice = self.service.advice(self.context.session, form)
        except _FormError as problem:
            self._show_error(str(problem))
            return
        except _EXPECTED as error:
            self.advice = None
            self._show_error(sentence(error))
        else:
            self._show_error("")
        self.gates_box.setVisible(self.advice is None or self.advice.basis != "decision")
        self._show_advice()

    def _show_advice(self) -> None:
        advice = self.advice
        if advice is None:
            self.advice_label.setText("What the law allows cannot be shown: see below.")
            self._update_warning()
            return
        # Which decision and version judge the contact (the one in force at its time),
        # in the words the command line and the review queue use.
        basis = "judged by " + judged_by_text(
            advice.decision,
            advice.basis,
            lambda moment: stamp_text(moment, self.context.zone),
            advice.also_in_force,
            advice.also_not_allowed,
        )
        lines = [f"Before you answer ICE — rule pack {advice.pack_id}, {basis}:"]
        kind = str(self.kind.currentData())
        lines += [
            f"{VERDICT_MARK.get(a.verdict, '?')} {a.text}" for a in advice_lines(advice, kind)
        ]
        self.advice_label.setText("\n".join(lines))
        later = advice.also_in_force
        for disclosure, check in self.given.items():
            verdict = advice.advice_for(disclosure).verdict
            words = VERDICT_WORDS.get(verdict, verdict)
            if later is not None and disclosure in advice.also_not_allowed:
                # Not plain "allowed": the ⚠ line above says why.
                words = f"⚠ {words} by the decision named, not by decision {later.decision_id}"
            check.setText(f"{DISCLOSURE_TEXT[disclosure]} ({words})")
        self._update_warning()

    def not_allowed_given(self) -> list[str]:
        if self.advice is None:
            return [d for d, check in self.given.items() if check.isChecked()]
        later = self.advice.also_not_allowed
        return [
            d
            for d, check in self.given.items()
            if check.isChecked() and (self.advice.advice_for(d).verdict != ALLOWED or d in later)
        ]

    def _against_later(self, disclosure: str) -> bool:
        """Allowed by the decision named, not by a later one about the person also in
        force (``ContactAdvice.also_in_force``): given, it needs a reason and a review."""
        return self.advice is not None and disclosure in self.advice.also_not_allowed

    def _conditions(self, disclosure: str) -> tuple[str, ...]:
        """What must come first for a disclosure allowed only with conditions."""
        if self.advice is None:
            return ()
        item = self.advice.advice_for(disclosure)
        return item.conditions if item.verdict == ALLOWED_WITH_CONDITIONS else ()

    def _update_warning(self) -> None:
        refused = self.not_allowed_given()
        self.reason.setEnabled(bool(refused))
        if refused:
            conditional = [d for d in refused if self._conditions(d)]
            # A disclosure both conditional and not allowed by the later decision is
            # named under both: the conditions alone would hide the later decision.
            against = [d for d in refused if self._against_later(d)]
            plain = [d for d in refused if d not in conditional and d not in against]
            lines = []
            if against and self.advice is not None and self.advice.also_in_force is not None:
                names = ", ".join(DISCLOSURE_TEXT[d].lower() for d in against)
                later = self.advice.also_in_force.decision_id
                lines.append(
                    f"⚠ Giving {names} is allowed by the decision named, but not by decision "
                    f"{later}, made later about this person and also in force. Say in Reason "
                    "why it was given on the decision named; this contact goes to a "
                    "supervisor's review."
                )
            if plain:
                names = ", ".join(DISCLOSURE_TEXT[d].lower() for d in plain)
                lines.append(
                    f"✖ Giving {names} was not allowed for this person. The record must be "
                    "true: say why in Reason; this contact will be flagged for a supervisor's "
                    "review."
                )
            for d in conditional:
                lines.append(
                    f"⚠ {DISCLOSURE_TEXT[d]} is allowed only when: "
                    f"{'; '.join(self._conditions(d))}. Say in Reason how that was met; "
                    "this contact goes to a supervisor to confirm it."
                )
            self.warning.setText("\n".join(lines))
        self.warning.setVisible(bool(refused))

    # -- recording ------------------------------------------------------------------------

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def record(self) -> None:
        """Record through the service; a refusal stays in the dialog, nothing recorded."""
        try:
            self.saved = self.service.record(self.context.session, self.contact_input())
        except _FormError as problem:
            self._show_error(str(problem))
            self.time.edit.setFocus()
            return
        except _EXPECTED as error:
            self._show_error(f"Nothing was recorded: {sentence(error)}")
            return
        self.recorded.emit(self.saved)
        self.accept()


class _FormError(Exception):
    """A field of the form that cannot be read (the service never saw it)."""


def open_contact_dialog(
    parent: QWidget, context: UiContext, target: ContactTarget
) -> ContactDialog:
    """Open the dialog over ``parent`` (window-modal, not blocking); the caller keeps it."""
    dialog = ContactDialog(context, target, parent)
    dialog.open()
    dialog.kind.setFocus(Qt.FocusReason.OtherFocusReason)
    return dialog

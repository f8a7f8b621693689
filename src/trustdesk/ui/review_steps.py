"""The pages of the review wizard: each copies its widgets into the case, or says what is wrong.

A page never decides anything: ``Review`` (services/review.py) holds the case and asks the
engine; a page only shows and collects.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from trustdesk.config.keys import DEFAULT_JURISDICTION
from trustdesk.core.pack import Question, RulePack
from trustdesk.services.offense_inputs import offense_inputs
from trustdesk.services.review import (
    FORMS,
    Review,
    check_birth_date,
    check_booking_number,
    check_name,
    check_risk_reason,
    check_short_text,
    local_instant,
)
from trustdesk.ui.fields import LocalDateTime, TriChoice
from trustdesk.ui.length_limit import keep_within
from trustdesk.ui.offenses import OffenseList
from trustdesk.ui.theme import error_style
from trustdesk.ui.tooltips import plain_tip


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


def problem_label() -> QLabel:
    label = QLabel()
    label.setObjectName("step_problems")
    label.setWordWrap(True)
    label.setAccessibleName("What must be fixed")
    label.setStyleSheet(error_style())
    return label


def why_text(question: Question, criteria: dict[str, tuple[str, str]]) -> str:
    """The help of a question and the criteria (with citations) its answer feeds."""
    feeds = "\n".join(
        f"• {criteria[c][0]} — {criteria[c][1]}" for c in question.feeds if c in criteria
    )
    return f"{question.help}\n\nThis answer feeds:\n{feeds}"


class StepList(QListWidget):
    """The steps of the review, the current one marked. A click never moves the mark by
    itself (the page shown would no longer be the step marked, and Next or Back would
    check and store the wrong page): it asks the review to go there (``step_clicked``)."""

    step_clicked = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("step_list")
        self.setAccessibleName("Steps of the review")
        self.setMaximumWidth(300)
        self.setWordWrap(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            row = self.indexAt(event.position().toPoint()).row()
            if row >= 0:
                self.step_clicked.emit(row)
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        event.accept()


class Step(QWidget):
    changed = Signal()

    def load(self, review: Review) -> None:
        raise NotImplementedError

    def store(self, review: Review) -> list[str]:
        raise NotImplementedError


class PersonStep(Step):
    def __init__(self, today: date) -> None:
        super().__init__()
        self.today = today
        layout = QVBoxLayout(self)
        layout.addWidget(heading("The person in custody"))
        form = QFormLayout()
        self.name = QLineEdit()
        keep_within(self.name, 200)
        self.name.setAccessibleName("Full name as booked")
        self.booking = QLineEdit()
        keep_within(self.booking, 32)
        self.booking.setAccessibleName("Booking number")
        self.birth = QDateEdit()
        self.birth.setDisplayFormat("yyyy-MM-dd")
        self.birth.setMinimumDate(QDate(1900, 1, 1))
        self.birth.setSpecialValueText("Not known")
        self.birth.setDate(self.birth.minimumDate())
        self.birth.setAccessibleName("Date of birth")
        form.addRow("Full na&me:", self.name)
        form.addRow("&Booking number:", self.booking)
        form.addRow("Date of bir&th:", self.birth)
        layout.addLayout(form)
        self.problems = problem_label()
        layout.addWidget(self.problems)
        layout.addStretch(1)
        for edit in (self.name, self.booking):
            edit.textEdited.connect(lambda _t: self.changed.emit())

    def load(self, review: Review) -> None:
        self.name.setText(str(review.get("person.name") or ""))
        self.booking.setText(str(review.get("person.booking_number") or ""))
        born = review.get("person.date_of_birth")
        if born:
            value = date.fromisoformat(born)
            self.birth.setDate(QDate(value.year, value.month, value.day))

    def birth_date(self) -> date | None:
        if self.birth.date() == self.birth.minimumDate():
            return None
        value: date = self.birth.date().toPython()  # type: ignore[assignment]
        return value

    def store(self, review: Review) -> list[str]:
        review.set("person.name", self.name.text().strip())
        review.set("person.booking_number", self.booking.text().strip())
        born = self.birth_date()
        review.set("person.date_of_birth", born.isoformat() if born else None)
        problems = [
            p
            for p in (
                check_name(self.name.text()),
                check_booking_number(self.booking.text()),
                check_birth_date(born, self.today),
            )
            if p
        ]
        self.problems.setText("\n".join("⚠ " + p for p in problems))
        return problems


class DetainerStep(Step):
    """The detainer, the decision time and the release time the hold clock starts from."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__()
        self.zone = zone
        layout = QVBoxLayout(self)
        layout.addWidget(heading("The detainer"))
        form = QFormLayout()
        self.form_kind = QComboBox()
        self.form_kind.addItems(FORMS)
        self.form_kind.setAccessibleName("Detainer form")
        self.received = LocalDateTime("Detainer received at", zone=zone)
        self.office = QLineEdit()
        keep_within(self.office, 200)
        self.office.setAccessibleName("Issuing office")
        self.subject = QLineEdit()
        keep_within(self.subject, 40)
        self.subject.setAccessibleName("Subject ID or A-number")
        self.admin_warrant = QComboBox()
        self.admin_warrant.addItems(["None attached", "I-200", "I-205"])
        self.admin_warrant.setAccessibleName("Administrative warrant attached")
        self.decided = LocalDateTime("Decision time", zone=zone)
        self.release = LocalDateTime(
            "Would otherwise be released at", unknown_text="Not known yet", zone=zone
        )
        form.addRow("Detainer for&m:", self.form_kind)
        form.addRow("&Received at:", self.received)
        form.addRow("&Issuing office:", self.office)
        form.addRow("&Subject ID / A-number:", self.subject)
        form.addRow("Administrative &warrant:", self.admin_warrant)
        form.addRow("&Decision time:", self.decided)
        form.addRow("Release &time (hold clock start):", self.release)
        self.questions: dict[str, TriChoice] = {}
        self.why: dict[str, QPushButton] = {}
        self.why_labels: dict[str, QLabel] = {}
        self._fields: dict[str, str] = {}
        self.form = form
        layout.addLayout(form)
        note = QLabel(
            "ICE forms I-200 and I-205 are signed by immigration officers, not judges: they "
            "are never a judicial warrant. Times are in the agency's time zone."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.problems = problem_label()
        layout.addWidget(self.problems)
        layout.addStretch(1)
        self.decided.changed.connect(self.changed.emit)

    def set_questions(
        self,
        questions: tuple[Question, ...],
        criteria: dict[str, tuple[str, str]],
        review: Review,
    ) -> None:
        """The pack's own questions about the detainer (the judicial warrant), and only
        those: a question of another version of the law is taken off the page (its answer
        stays in the case, shown again if that version applies again)."""
        asked = {q.id for q in questions}
        for qid in [q for q in self.questions if q not in asked]:
            for widget in (self.questions.pop(qid), self.why.pop(qid), self.why_labels.pop(qid)):
                self.form.removeRow(widget)
        for question in questions:
            if question.id in self.questions:
                continue
            choice = TriChoice(question.prompt)
            choice.setToolTip(plain_tip(question.help))
            choice.changed.connect(self.changed.emit)
            self.questions[question.id] = choice
            label = QLabel(question.prompt)
            label.setWordWrap(True)
            self.form.addRow(label, choice)
            why_button = QPushButton("Why is this &asked?")
            why_button.setCheckable(True)
            why_button.setAccessibleName(f"Why is this asked: {question.prompt}")
            why = QLabel(why_text(question, criteria))
            why.setObjectName(f"why_{question.id}")
            why.setWordWrap(True)
            why.setFrameShape(QLabel.Shape.Box)
            why.setMargin(6)
            why.hide()
            why_button.toggled.connect(why.setVisible)
            self.why[question.id] = why_button
            self.why_labels[question.id] = why
            self.form.addRow("", why_button)
            self.form.addRow("", why)
            field = question.field
            choice.set_value(review.get(field), answered=review.has(field))
        self._fields = {q.id: q.field for q in questions}

    def _local(self, text: Any) -> datetime | None:
        if not text:
            return None
        return datetime.fromisoformat(str(text)).astimezone(self.zone)

    def load(self, review: Review) -> None:
        self.form_kind.setCurrentText(str(review.get("detainer.form") or "I-247A"))
        self.received.set_local(self._local(review.get("detainer.received_at")))
        self.office.setText(str(review.get("detainer.issuing_office") or ""))
        self.subject.setText(str(review.get("detainer.subject_id") or ""))
        self.admin_warrant.setCurrentText(
            str(review.get("detainer.administrative_warrant") or "None attached")
        )
        decided = self._local(review.get("decision_time"))
        self.decided.set_local(decided)
        # Until the release time is known, its field waits at the decision time.
        self.release.set_local(decided)
        self.release.set_local(self._local(review.get("releasable_at")))
        for qid, choice in self.questions.items():
            field = self._fields[qid]
            choice.set_value(review.get(field), answered=review.has(field))

    def _instant(self, widget: LocalDateTime, what: str, problems: list[str]) -> str | None:
        naive = widget.naive()
        if naive is None:
            return None
        try:
            value, warning = local_instant(naive, self.zone.key, second=widget.is_second())
        except ValueError as error:
            problems.append(f"{what}: {error}.")
            return None
        widget.warning.setText("⚠ " + warning if warning else "")
        return value.isoformat()

    def store(self, review: Review) -> list[str]:
        problems: list[str] = []
        review.set("detainer.form", self.form_kind.currentText())
        review.set("detainer.received_at", self._instant(self.received, "Received at", problems))
        for key, edit, limit, what in (
            ("issuing_office", self.office, 200, "The issuing office"),
            ("subject_id", self.subject, 40, "The subject ID"),
        ):
            problem = check_short_text(edit.text(), limit, what)
            if problem:
                problems.append(problem)
            review.set(f"detainer.{key}", edit.text().strip() or None)
        warrant = self.admin_warrant.currentText()
        review.set(
            "detainer.administrative_warrant", None if warrant.startswith("None") else warrant
        )
        decided = self._instant(self.decided, "Decision time", problems)
        if decided is not None:
            review.set("decision_time", decided)
        review.set("releasable_at", self._instant(self.release, "Release time", problems))
        for qid, choice in self.questions.items():
            if choice.chosen():
                review.set(self._fields[qid], choice.value())
        self.problems.setText("\n".join("⚠ " + p for p in problems))
        return problems


class QuestionStep(Step):
    """One question of the rule pack, with why it is asked."""

    def __init__(
        self,
        question: Question,
        criteria: dict[str, tuple[str, str]],
        catalog: Any,
        pack: RulePack | None = None,
    ) -> None:
        super().__init__()
        self.question = question
        layout = QVBoxLayout(self)
        layout.addWidget(heading(question.prompt))
        self.relevance = QLabel()
        self.relevance.setObjectName("relevance")
        self.relevance.setWordWrap(True)
        layout.addWidget(self.relevance)
        self.why_button = QPushButton("&Why is this asked?")
        self.why_button.setCheckable(True)
        self.why_button.setAccessibleName("Why is this asked?")
        layout.addWidget(self.why_button)
        self.why = QLabel(why_text(question, criteria))
        self.why.setObjectName("why")
        self.why.setWordWrap(True)
        self.why.setFrameShape(QLabel.Shape.Box)
        self.why.setMargin(6)
        self.why.hide()
        layout.addWidget(self.why)
        self.why_button.toggled.connect(self.why.setVisible)
        self.choice: TriChoice | None = None
        self.offenses: OffenseList | None = None
        self.reason: QPlainTextEdit | None = None
        if question.kind == "offense_list":
            pending = question.field == "pending_charges"
            inputs = None if pack is None else offense_inputs(pack, pending=pending)
            home = str(getattr(pack, "jurisdiction", "") or DEFAULT_JURISDICTION)
            self.offenses = OffenseList(catalog, pending=pending, inputs=inputs, home=home)
            self.offenses.changed.connect(self.changed.emit)
            layout.addWidget(self.offenses)
            self.none_label = QLabel(
                "If the record shows none, leave the list empty: an empty list is recorded as "
                "“none on the record”."
            )
            self.none_label.setWordWrap(True)
            layout.addWidget(self.none_label)
        else:
            self.choice = TriChoice(question.prompt)
            self.choice.changed.connect(self.changed.emit)
            layout.addWidget(self.choice)
            if question.kind == "risk_assertion":
                layout.addWidget(QLabel("Reason (required when Yes):"))
                self.reason = QPlainTextEdit()
                self.reason.setAccessibleName("Reason for the public safety determination")
                # Tab moves on, as in every other field (a tab typed here is refused).
                self.reason.setTabChangesFocus(True)
                layout.addWidget(self.reason)
        self.problems = problem_label()
        layout.addWidget(self.problems)
        layout.addStretch(1)

    def show_relevance(self, matters: bool, settled_by: tuple[str, ...]) -> None:
        if matters:
            self.relevance.setText("")
        else:
            self.relevance.setText(
                "ℹ This answer can no longer change the outcome: the hold is already permitted "
                f"by {', '.join(settled_by)}. You may still record it for the file."
            )

    def load(self, review: Review) -> None:
        q = self.question
        if self.offenses is not None:
            self.offenses.set_items(list(review.get(q.field) or []))
        elif self.choice is not None:
            field = "public_safety_risk.asserted" if q.kind == "risk_assertion" else q.field
            self.choice.set_value(review.get(field), answered=review.has(field))
            if self.reason is not None:
                self.reason.setPlainText(str(review.get("public_safety_risk.reason") or ""))

    def store(self, review: Review) -> list[str]:
        q = self.question
        problems: list[str] = []
        if self.offenses is not None:
            review.set(q.field, list(self.offenses.items))
        elif self.choice is not None and self.choice.chosen():
            if q.kind == "risk_assertion":
                reason = self.reason.toPlainText().strip() if self.reason else ""
                value: dict[str, Any] = {"asserted": self.choice.value()}
                if reason:
                    value["reason"] = reason
                problem = check_risk_reason(reason, value["asserted"])
                if problem:
                    problems.append(problem)
                review.raw["public_safety_risk"] = value
            else:
                review.set(q.field, self.choice.value())
        self.problems.setText("\n".join("⚠ " + p for p in problems))
        return problems

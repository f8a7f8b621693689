"""The review wizard: steps generated from the rule pack in force, autosaved as a draft.

Every answer goes into a ``Review`` (plain case JSON); the result is the engine's decision
of exactly that JSON, and saving hands the same JSON to the decision service, as the CLI
does. The page only moves between steps, shows messages and keeps the draft.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from trustdesk.core.characters import shown
from trustdesk.core.errors import CoreError
from trustdesk.core.model import Case
from trustdesk.rules.errors import InputError, RulesError
from trustdesk.services.errors import ServiceError
from trustdesk.services.permissions import SUPERVISOR
from trustdesk.services.review import DETAINER, PERSON, RESULT, Review, blank_case
from trustdesk.services.sync import AnswerLost, KeptDecision, KeptElsewhere, RecordUnreachable
from trustdesk.store.case_records import SavedDecision
from trustdesk.store.errors import (
    DraftGone,
    JurisdictionChanged,
    NotFound,
    ServerUnavailable,
    StoreError,
)
from trustdesk.ui.context import UiContext
from trustdesk.ui.dialogs import Ask
from trustdesk.ui.memo_actions import MemoActions
from trustdesk.ui.result_view import ResultStep
from trustdesk.ui.review_steps import DetainerStep, PersonStep, QuestionStep, Step, StepList
from trustdesk.ui.session import sentence

log = logging.getLogger("trustdesk.ui")
AUTOSAVE_DELAY_MS = 1500
#: What the officer is told to do with an amendment the lost server refused.
KEEP_REVIEW = (
    "Everything you typed stays in this review: leave it open (or note the reason) and "
    "press Save again."
)


class ReviewPage(QWidget):
    decision_saved = Signal(int)
    closed = Signal()

    def __init__(
        self, context: UiContext, draft_id: int | None = None, amend_of: int | None = None
    ) -> None:
        super().__init__()
        self.setObjectName("review_page")
        self.context = context
        self.draft_id = draft_id
        self.saved_id: int | None = None
        #: When amending: the decision, the version it corrects, and whether as its reviewer.
        self.amend_of = amend_of
        self.amend_record: int | None = None
        self.as_reviewer = False
        #: A refused kept decision this review decides again (its id), named when saved.
        self.replaces_kept: str | None = None
        raw: dict[str, Any] = blank_case(context.clock.now().astimezone(context.zone))
        start_step = 0
        if draft_id is not None:
            draft = context.services.drafts.load_review(context.session, draft_id)
            raw = dict(draft.case or raw)
            start_step = draft.step
            self.amend_of = draft.amend_of
            self.amend_record = draft.amend_record
            self.as_reviewer = draft.as_reviewer
            self.replaces_kept = draft.replaces_kept
        elif amend_of is not None:
            view = context.services.decisions.view(context.session, amend_of)
            raw = dict(view.latest.case())
            self.amend_record = view.latest.id
            self.as_reviewer = (
                view.awaiting_review
                and context.role == SUPERVISOR
                and view.latest.officer_id != context.session.user_id
            )
        self.review = Review(context.rules_holder, raw)
        layout = QHBoxLayout(self)
        self.step_list = StepList()
        self.step_list.step_clicked.connect(self._step_clicked)
        layout.addWidget(self.step_list)
        right = QVBoxLayout()
        self.layout_right = right
        self.kept: KeptDecision | None = None
        self.pack_label = QLabel()
        self.pack_label.setObjectName("pack_label")
        self.pack_label.setWordWrap(True)
        right.addWidget(self.pack_label)
        self.stack = QStackedWidget()
        right.addWidget(self.stack, 1)
        self.memo = MemoActions(context)
        self.memo.hide()
        right.addWidget(self.memo, 3)
        buttons = QHBoxLayout()
        self.discard_button = QPushButton("Dis&card draft")
        self.close_button = QPushButton("C&lose (keeps the draft)")
        self.back_button = QPushButton("< &Back")
        self.next_button = QPushButton("&Next >")
        self.save_button = QPushButton("&Save decision")
        self.next_button.setDefault(True)
        for button in (self.discard_button, self.close_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.back_button, self.next_button, self.save_button):
            buttons.addWidget(button)
        right.addLayout(buttons)
        layout.addLayout(right, 1)

        today = context.clock.now().astimezone(context.zone).date()
        self.person = PersonStep(today)
        self.detainer = DetainerStep(context.zone)
        self.result = ResultStep(amending=self.amend_of is not None)
        if self.amend_of is not None:
            self.result.title.setText(f"Result — amending decision {self.amend_of}")
        self.pages: dict[str, QWidget] = {PERSON: self.person, DETAINER: self.detainer}
        self.step_ids: list[str] = []
        for page in (self.person, self.detainer, self.result):
            self.stack.addWidget(page)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_DELAY_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.person.changed.connect(self._edited)
        self.detainer.changed.connect(self._detainer_edited)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close_review)
        self.discard_button.clicked.connect(self.discard)
        self.result.attest.toggled.connect(self._update_buttons)
        # The preview takes the place of the result's details (the decision stays on top).
        self.memo.preview_shown.connect(self.result.details.hide)
        self.result.reason.textChanged.connect(self._update_buttons)
        self._rebuild_steps()
        self.person.load(self.review)
        self.detainer.load(self.review)
        for step in self._question_steps():
            step.load(self.review)
        self.go_to(min(start_step, len(self.step_ids) - 1))

    # -- steps --------------------------------------------------------------------------

    def _question_steps(self) -> list[QuestionStep]:
        return [p for p in self.pages.values() if isinstance(p, QuestionStep)]

    def _rebuild_steps(self) -> None:
        """The steps of the pack in force at the decision time (rebuilt if it changes)."""
        try:
            pack = self.review.pack()
            steps = self.review.steps()
        except CoreError as error:
            self.pack_label.setText("⚠ " + sentence(error))
            steps = ()
            pack = None
        if pack is not None:
            self.pack_label.setText(
                f"Law in force at the decision time: {pack.title} ({pack.statute}) — rule pack "
                f"{pack.id}"
            )
            criteria = {c.id: (c.title, c.citation) for c in pack.criteria}
            self.detainer.set_questions(self.review.detainer_questions(), criteria, self.review)
            wanted = {s.id for s in steps}
            for key in [k for k in self.pages if k.startswith("question:") and k not in wanted]:
                page = self.pages.pop(key)
                self.stack.removeWidget(page)
                page.deleteLater()
            for step in steps:
                if step.question is not None and step.id not in self.pages:
                    page = QuestionStep(step.question, criteria, self.context.rules.catalog, pack)
                    page.changed.connect(self._edited)
                    page.load(self.review)
                    self.pages[step.id] = page
                    self.stack.insertWidget(self.stack.count() - 1, page)
        self.pages[RESULT] = self.result
        self.step_ids = [s.id for s in steps] or [PERSON, DETAINER, RESULT]
        titles = {s.id: s.title for s in steps}
        self.step_list.clear()
        for number, step_id in enumerate(self.step_ids, start=1):
            self.step_list.addItem(f"{number}. {titles.get(step_id, step_id.title())}")

    def current_id(self) -> str:
        return self.step_ids[self.step_list.currentRow()]

    def go_to(self, index: int) -> None:
        index = max(0, min(index, len(self.step_ids) - 1))
        self.step_list.setCurrentRow(index)
        step_id = self.step_ids[index]
        page = self.pages[step_id]
        self.stack.setCurrentWidget(page)
        if isinstance(page, QuestionStep):
            question = page.question
            page.show_relevance(
                self.review.still_matters(question), self.review.settled_by(question)
            )
        if step_id == RESULT:
            self._show_result()
        self._update_buttons()
        page.setFocus()
        next_field = page.nextInFocusChain()
        if next_field is not None:
            next_field.setFocus()

    def _store_current(self) -> list[str]:
        page = self.pages[self.current_id()]
        if isinstance(page, Step):
            return page.store(self.review)
        return []

    def back(self) -> None:
        self._store_current()
        self.go_to(self.step_list.currentRow() - 1)

    def _step_clicked(self, row: int) -> None:
        """A step clicked in the list: an earlier one is gone back to, as by Back; a later
        one only by Next, which checks each step on the way."""
        if row < self.step_list.currentRow() and self.back_button.isEnabled():
            self._store_current()
            self.go_to(row)

    def next(self) -> None:
        problems = self._store_current()
        if problems:
            return
        page = self.pages[self.current_id()]
        if (
            isinstance(page, QuestionStep)
            and page.choice is not None
            and not page.choice.chosen()
            and self.review.still_matters(page.question)
        ):
            page.problems.setText(
                "⚠ Choose an answer. If it cannot be verified now, choose "
                "“Unknown / not verified” (the decision then goes to review)."
            )
            return
        index = self.step_list.currentRow()
        if isinstance(page, DetainerStep):
            self._rebuild_steps()
        self._schedule_autosave()
        self.go_to(index + 1)

    def _show_result(self) -> None:
        for page in (self.person, self.detainer, *self._question_steps()):
            page.store(self.review)
        missing = self.review.missing_answers() if self.saved_id is None else ()
        changes = None
        try:
            decision = None if missing else self.review.decide()
            problem = "Answer first: " + "; ".join(q.prompt for q in missing) if missing else ""
            if decision is not None:
                changes = self.review.what_would_change(decision)
        except (RulesError, CoreError) as error:  # an InputError is a RulesError
            decision, problem = None, f"Fix this first: {error}"
            if isinstance(error, InputError):  # said where, in the words of the pages
                problem = f"Fix this first — {self.review.where(error.pointer)}: {error.reason}"
        self.result.show_decision(decision, self.context.zone, problem, changes)

    def _update_buttons(self) -> None:
        on_result = bool(self.step_ids) and self.current_id() == RESULT
        done = self.saved_id is not None
        self.back_button.setEnabled(self.step_list.currentRow() > 0 and not done)
        self.next_button.setEnabled(not on_result)
        self.save_button.setEnabled(
            on_result
            and not done
            and self.result.decision is not None
            and self.result.attest.isChecked()
            and (self.amend_of is None or bool(self.result.reason.text().strip()))
        )
        self.discard_button.setEnabled(not done)

    # -- drafts -------------------------------------------------------------------------

    def _edited(self) -> None:
        self._schedule_autosave()

    def _detainer_edited(self) -> None:
        self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        if self.saved_id is None:
            self.autosave_timer.start()

    def autosave(self) -> StoreError | ServiceError | None:
        """Keep what has been entered so far as a draft (called on a timer, lock and close);
        why it could not be kept, or None."""
        if self.saved_id is not None:
            return None
        self.autosave_timer.stop()
        if self.step_ids:
            self._store_current()
        payload = {
            "case": self.review.raw,
            "step": self.step_list.currentRow(),
            "amend_of": self.amend_of,
            "amend_record": self.amend_record,
            "as_reviewer": self.as_reviewer,
            "replaces_kept": self.replaces_kept,
        }
        try:
            self.draft_id = self.context.services.drafts.save(
                self.context.session, self.draft_id, self._label(), payload
            )
        except (ServiceError, StoreError) as error:
            log.warning("draft not saved: %s", type(error).__name__)
            return error
        return None

    def _label(self) -> str:
        label = self.review.label()
        return label if self.amend_of is None else f"Amendment of decision {self.amend_of}: {label}"

    def discard(self) -> None:
        if not Ask.confirm(
            self, "Discard draft", "Discard this review? What was entered will be lost."
        ):
            return
        self.autosave_timer.stop()
        if self.draft_id is not None:
            try:
                self.context.services.drafts.discard(self.context.session, self.draft_id)
            except NotFound:
                pass  # gone already (discarded, or its decision saved, elsewhere): as asked
            except (ServiceError, StoreError) as error:
                Ask.error(self, "Discard draft", sentence(error))
                return
        self.draft_id = None
        self.saved_id = -1  # nothing more to autosave
        self.closed.emit()

    def close_review(self) -> None:
        """Close, keeping the draft; when it cannot be kept the review stays open, saying
        why (closed, everything typed would be gone with no word)."""
        problem = self.autosave()
        if problem is None:
            self.closed.emit()
            return
        if isinstance(problem, NotFound):
            fix = (
                "Look the booking number up in History (Ctrl+F): if the decision is "
                "recorded there, press Discard draft; if not, save the decision from here."
            )
        else:
            fix = (
                "Save the decision, or press Close again once the record can be reached; "
                "Discard draft closes the review without keeping it."
            )
        Ask.error(
            self,
            "The review was not closed",
            "The review could not be kept as a draft, so it stays open with everything you "
            f"typed; nothing was changed. {self.not_kept_because(problem)} {fix}",
        )

    def not_kept_because(self, problem: StoreError | ServiceError) -> str:
        """Why the draft could not be kept (``problem`` from ``autosave``), as a sentence."""
        if isinstance(problem, NotFound):
            return (
                f"Its draft {self.draft_id} is no longer in the record: it was discarded, or "
                "its decision saved, on another desk or from the board."
            )
        return sentence(problem)

    # -- saving -------------------------------------------------------------------------

    def save(self) -> None:
        if self.saved_id is not None or not self.save_button.isEnabled():
            return
        try:
            case, raw = self.review.recorded_case()
            session = self.context.session
            if self.amend_of is None:
                # The sync service records it, or keeps it here if the server is lost.
                result = self.context.services.sync.decide(
                    session,
                    case,
                    raw,
                    draft_id=self.draft_id,
                    replaces_kept=self.replaces_kept,
                )
                if isinstance(result, KeptDecision):
                    self._show_kept(result)
                    return
                saved = result
            else:
                saved = self._amend(case, raw)
        except AnswerLost as error:
            Ask.error(self, "The save's answer was lost", str(error))
            return
        except RecordUnreachable as error:
            Ask.error(self, "Not recorded: the record server cannot be reached", str(error))
            return
        except KeptElsewhere as error:
            Ask.error(self, "The decision was not saved", sentence(error))
            return
        except DraftGone as error:
            self._draft_gone(error)
            return
        except JurisdictionChanged as error:  # its words say what to do: sign in again
            Ask.error(self, "Not saved: the agency's jurisdiction changed", sentence(error))
            return
        except (InputError, CoreError, ServiceError, StoreError) as error:
            Ask.error(
                self,
                "The decision was not saved",
                f"{sentence(error)} Nothing was recorded; fix it and save again.",
            )
            return
        self._saved(saved)

    def _draft_gone(self, error: DraftGone) -> None:
        """The review's draft went with a save elsewhere (or was discarded): said, and
        the next Save, the officer having looked, records it without the draft."""
        self.draft_id = None
        booking = shown(str(self.review.get("person.booking_number") or "").strip())
        Ask.error(
            self,
            "Not saved: this review may be recorded already",
            f"{sentence(error)} Look booking {booking or 'number'} up in History (Ctrl+F): "
            "if the decision is recorded there, press Discard draft; if it is not, press "
            "Save again to record it.",
        )

    def _amend(self, case: Case, raw: dict[str, Any]) -> SavedDecision:
        """Record the amendment (or a reviewer's amendment); while the record server is
        lost it is refused plainly and everything typed stays in this review (0026)."""
        decisions, session = self.context.services.decisions, self.context.session
        sync = self.context.services.sync
        what = "review" if self.as_reviewer else "amendment"
        sync.require_record(what, KEEP_REVIEW)
        assert self.amend_of is not None
        try:
            if self.as_reviewer:
                saved, _review = decisions.review_amend(
                    session,
                    self.amend_of,
                    case,
                    raw,
                    self.result.reason.text(),
                    record_id=self.amend_record,
                )
                return saved
            return decisions.amend(
                session,
                self.amend_of,
                case,
                raw,
                self.result.reason.text(),
                expected_record_id=self.amend_record,
            )
        except ServerUnavailable:
            raise sync.unreachable(what, KEEP_REVIEW) from None

    def _saved(self, saved: SavedDecision) -> None:
        self.saved_id = saved.record.decision_id
        self.autosave_timer.stop()
        # A new decision's draft went in its save's own transaction; an amendment's here.
        if self.draft_id is not None and self.amend_of is not None:
            try:
                self.context.services.drafts.discard(self.context.session, self.draft_id)
            except (ServiceError, StoreError):
                log.warning("saved decision %s; its draft could not be removed", self.saved_id)
        self.draft_id = None
        self.result.attest.setEnabled(False)
        self.result.title.setText(
            f"Saved as decision {self.saved_id}, version {saved.record.version}"
        )
        self.memo.set_decision(self.saved_id)
        self.memo.show()
        self._update_buttons()
        self.close_button.setText("C&lose")
        self.decision_saved.emit(self.saved_id)

    def _show_kept(self, kept: KeptDecision) -> None:
        """The decision on screen, kept on this workstation until the server is back."""
        from trustdesk.ui.kept_memo import KeptMemo

        self.saved_id = -1  # done here: nothing more to autosave or save
        self.autosave_timer.stop()
        self.kept = kept
        self.result.attest.setEnabled(False)
        if kept.why:  # the server answered; its record could not take the save
            self.result.title.setText(
                f"NOT YET RECORDED — the record cannot be used now ({kept.why.rstrip('.')}). "
                f"The decision is kept on this workstation (draft {kept.pending.short_id}) "
                "and recorded as soon as the record takes it."
            )
        else:
            self.result.title.setText(
                f"NOT YET RECORDED — the record server cannot be reached. The decision is kept "
                f"on this workstation (draft {kept.pending.short_id}) and recorded as soon as "
                "the server is back."
            )
        self.kept_memo = KeptMemo(self.context)
        self.kept_memo.set_kept(kept)
        self.layout_right.insertWidget(self.layout_right.indexOf(self.memo), self.kept_memo, 3)
        self._update_buttons()
        self.close_button.setText("C&lose")

    def print_current(self) -> None:
        if self.saved_id is not None and self.saved_id > 0:
            self.memo.print_memo()

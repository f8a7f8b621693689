"""Deciding and recording: evaluate a case under the law in force, store it with its audit.

The service, not the caller, runs the engine: it picks the rule pack for the decision
date, evaluates, and stores the full case input, the pack id and its SHA-256, the app
version, the decision with its trace, the officer and the times (UTC). Discretionary
grounds and decisions flagged ``needs_review`` wait for a supervisor's review.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from trustdesk import __version__
from trustdesk.core.decision import HONOR, MET, Decision
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import Case, Tri
from trustdesk.core.pack import RulePack
from trustdesk.core.record import decision_to_json
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.permissions import Operation
from trustdesk.store.case_records import (
    DecisionDraft,
    DecisionRecord,
    DecisionSummary,
    DetainerFacts,
    Hold,
    PersonFacts,
    Review,
    SavedDecision,
)
from trustdesk.store.encoding import document_json
from trustdesk.store.errors import StoreError
from trustdesk.store.jurisdiction_choice import LawCheck
from trustdesk.store.records import AuditEntry
from trustdesk.store.search import SearchQuery

MAX_REASON = 2000


class RulesSource(Protocol):
    """What the service needs of the loaded rules (``rules.registry.RuleSet`` fits)."""

    @property
    def sections(self) -> Container[str]: ...

    def pack_for(self, decision_time: datetime) -> RulePack: ...


@dataclass(frozen=True, slots=True)
class DecisionView:
    """Everything about one decision: every version, its reviews and its hold."""

    versions: tuple[DecisionRecord, ...]
    reviews: tuple[Review, ...]
    hold: Hold | None

    @property
    def latest(self) -> DecisionRecord:
        return self.versions[-1]

    @property
    def awaiting_review(self) -> bool:
        latest = self.latest
        return latest.review_required and not any(
            latest.id in (review.record_id, review.result_record_id) for review in self.reviews
        )


def _answer(value: Tri) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def requires_review(decision: Decision) -> bool:
    """Flagged by the engine, or resting on the officer's own judgement (discretionary)."""
    return decision.needs_review or any(
        result.discretionary and result.status == MET for result in decision.trace
    )


def check_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise InvalidRequest("an amendment needs a reason, in words (--reason)")
    return _checked_words(text, "the reason")


def check_note(note: str | None) -> str | None:
    """A supervisor's optional note on an approval: None when blank."""
    text = (note or "").strip()
    return _checked_words(text, "the note") if text else None


def _checked_words(text: str, what: str) -> str:
    from trustdesk.core.characters import unsafe_character

    if len(text) > MAX_REASON:
        raise InvalidRequest(f"{what} is longer than {MAX_REASON} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidRequest(f"{what} must not contain control characters")
    # As a contact's reason: no C1 control, lone surrogate (bytes that were not UTF-8:
    # "internal error" at the insert) or text-direction control, printed raw later.
    problem = unsafe_character(text.replace("\n", " ").replace("\t", " "))
    if problem is not None:
        raise InvalidRequest(f"{what} {problem}")
    return text


#: How far a recorded decision's time may be ahead of this workstation's clock: a jail
#: management system's clock and the workstation's may differ by a few minutes.
CLOCK_SLACK = timedelta(minutes=15)


def check_not_future(decision_time: datetime, now: datetime) -> None:
    """A decision is recorded when it is made, never before: refuse a time ahead of now."""
    if decision_time > now + CLOCK_SLACK:
        raise InvalidRequest(
            f"/decision_time: the decision time ({decision_time.isoformat()}) is later than "
            f"now on this workstation ({now.replace(microsecond=0).isoformat()}); a decision "
            "is recorded when it is made: correct the decision time (or the computer's clock)"
        )


def make_draft(rules: RulesSource, case: Case, raw_case: Mapping[str, Any]) -> DecisionDraft:
    """Evaluate ``case`` under the pack in force on its date and prepare its record."""
    from trustdesk.rules.caseio import parse_case

    if parse_case(raw_case, "the case input", rules.sections) != case:
        raise InvalidRequest("the case and its JSON input disagree; give the JSON as read")
    pack = rules.pack_for(case.decision_time)
    decision = evaluate(pack, case)
    if decision.rule_pack_sha256 != pack.sha256:
        raise InvalidRequest("the decision does not carry its rule pack's SHA-256")
    detainer = case.detainer
    answers = {
        "detainer.judicial_warrant": detainer.judicial_warrant,
        "outstanding_ct_warrant": case.outstanding_ct_warrant,
        "gang_member": case.gang_member,
        "security_risk_group": case.security_risk_group,
        "tsdb_match": case.tsdb_match,
        "final_removal_order": case.final_removal_order,
        "public_safety_risk.asserted": case.public_safety_risk.asserted,
    }
    return DecisionDraft(
        decision_time=case.decision_time,
        outcome=decision.decision,
        needs_review=decision.needs_review,
        review_required=requires_review(decision),
        releasable_at=case.releasable_at,
        hold_expires_at=decision.hold_expires_at,
        opens_hold=decision.decision == HONOR and detainer.form not in pack.notification_only_forms,
        rule_pack=pack.id,
        rule_pack_sha256=pack.sha256,
        app_version=__version__,
        person=PersonFacts(case.person.booking_number, case.person.name, case.person.date_of_birth),
        detainer=DetainerFacts(
            detainer.form,
            detainer.received_at,
            _answer(detainer.judicial_warrant),
            detainer.administrative_warrant,
            detainer.issuing_office,
            detainer.subject_id,
        ),
        answers=tuple(sorted((key, _answer(value)) for key, value in answers.items())),
        case_json=document_json(raw_case),
        decision_json=document_json(decision_to_json(decision)),
    )


class DecisionService:
    def __init__(self, ctx: ServiceContext, rules: RulesSource) -> None:
        self.ctx = ctx
        self.rules = rules
        self.store = ctx.store

    def draft(self, case: Case, raw_case: Mapping[str, Any]) -> DecisionDraft:
        check_not_future(case.decision_time, self.ctx.now())
        self._check_offsets(case)
        return make_draft(self.rules, case, raw_case)

    def _check_offsets(self, case: Case) -> None:
        """Refuse a time whose UTC offset neither the agency's zone (the desk's clock)
        nor the law's (its pack's) had then: which of its two readings was meant cannot
        be told, and the hold clock counts from it (decision 0085)."""
        from trustdesk.core.offsets import offset_mismatch

        zones = [self._agency_zone(), self.rules.pack_for(case.decision_time).timezone]
        problem = offset_mismatch(case, [zone for zone in zones if zone])
        if problem is not None:
            raise InvalidRequest(f"{problem.pointer}: {problem.message}")

    def _agency_zone(self) -> str | None:
        try:
            profile = self.store.agency.get()
        except StoreError:
            return None
        return None if profile is None else profile.timezone

    def law(self, case: Case) -> LawCheck | None:
        """The jurisdiction ``case`` is evaluated under on this desk (its pack's, from the
        rules read at sign-in), for the save to check against the record's in its own
        transaction: an administrator may have changed it on another desk since. None
        when IT set it for this machine (the record's choice does not apply here)."""
        from trustdesk.config.keys import DEFAULT_JURISDICTION, JURISDICTIONS
        from trustdesk.services.jurisdiction import machine_setting

        if machine_setting() is not None:
            return None
        code = self.rules.pack_for(case.decision_time).jurisdiction
        if code not in JURISDICTIONS:
            return None  # a test pack of no real state: no agency can choose it
        return LawCheck(code, JURISDICTIONS, DEFAULT_JURISDICTION)

    def create(
        self,
        session: Session,
        case: Case,
        raw_case: Mapping[str, Any],
        *,
        extra: Mapping[str, Any] | None = None,
        draft_id: int | None = None,
    ) -> SavedDecision:
        """Record a new decision; ``extra`` goes into its audit entry (what it replaces).
        ``draft_id``: the officer's review draft it was decided in, deleted with the save;
        DraftGone (nothing recorded) when it is no longer there (decision 0087)."""
        user = self.ctx.authorize(session, Operation.DECISION_CREATE)
        draft = self.draft(case, raw_case)
        return self.store.decisions.add(
            draft,
            self.ctx.actor(session),
            self.ctx.now(),
            extra=extra,
            law=self.law(case),
            draft_of=None if draft_id is None else (user.id, draft_id),
        )

    def amend(
        self,
        session: Session,
        decision_id: int,
        case: Case,
        raw_case: Mapping[str, Any],
        reason: str,
        *,
        expected_record_id: int | None = None,
    ) -> SavedDecision:
        """A corrected version (e.g. the hold start became known), linked to the last one."""
        self.ctx.authorize(session, Operation.DECISION_AMEND, {"decision": decision_id})
        text = check_reason(reason)
        draft = self.draft(case, raw_case)
        return self.store.decisions.amend(
            decision_id,
            draft,
            reason=text,
            author=self.ctx.actor(session),
            at=self.ctx.now(),
            expected_record_id=expected_record_id,
            law=self.law(case),
        )

    def _reviewable(self, session: Session, decision_id: int, record_id: int | None) -> int:
        self.ctx.authorize(session, Operation.DECISION_REVIEW, {"decision": decision_id})
        current = self.store.decisions.latest(decision_id)
        # Any version of one's own, not only the latest: an officer's routine amendment
        # (a release time added) carries the supervisor's judgement on, and the supervisor
        # could then approve it (a hostile pass).
        own = [
            r.version
            for r in self.store.decisions.history(decision_id)
            if r.officer_id == session.user_id
        ]
        if own:
            which = (
                f"version {current.version} of decision {decision_id} is your own"
                if own[-1] == current.version
                else f"decision {decision_id} holds a version of your own (version "
                f"{own[-1]}), whose judgement the later ones carry on"
            )
            self.ctx.deny(
                session,
                Operation.DECISION_REVIEW,
                "own decision",
                f"{which}; another supervisor must review it",
                decision=decision_id,
            )
        return current.id if record_id is None else record_id

    def approve(
        self,
        session: Session,
        decision_id: int,
        *,
        record_id: int | None = None,
        note: str | None = None,
    ) -> Review:
        """Approve the decision's current version (or ``record_id``, if still current),
        with an optional ``note`` from the supervisor."""
        expected = self._reviewable(session, decision_id, record_id)
        return self.store.reviews.approve(
            decision_id,
            expected_record_id=expected,
            reviewer=self.ctx.actor(session),
            at=self.ctx.now(),
            note=check_note(note),
        )

    def review_amend(
        self,
        session: Session,
        decision_id: int,
        case: Case,
        raw_case: Mapping[str, Any],
        reason: str,
        *,
        record_id: int | None = None,
    ) -> tuple[SavedDecision, Review]:
        expected = self._reviewable(session, decision_id, record_id)
        text = check_reason(reason)
        draft = self.draft(case, raw_case)
        return self.store.reviews.amend(
            decision_id,
            draft,
            reason=text,
            expected_record_id=expected,
            reviewer=self.ctx.actor(session),
            at=self.ctx.now(),
            law=self.law(case),
        )

    def view(self, session: Session, decision_id: int) -> DecisionView:
        """Every version of a decision; the viewing is recorded in the audit."""
        self.ctx.authorize(session, Operation.DECISION_VIEW, {"decision": decision_id})
        versions = self.store.decisions.view(decision_id, self.ctx.actor(session), self.ctx.now())
        return DecisionView(
            versions,
            self.store.reviews.of_decision(decision_id),
            self.store.holds.of_decision(decision_id),
        )

    def trail(self, session: Session, decision_id: int) -> list[AuditEntry]:
        """The audit entries naming a decision, in chain order, read through an index.

        Authorized like ``view``; it records nothing itself: it is shown beside a view,
        and the view's own ``decision.viewed`` entry is on record (and in the trail).
        """
        self.ctx.authorize(session, Operation.DECISION_VIEW, {"decision": decision_id})
        return self.store.audit.of_decision(decision_id)

    def search(self, session: Session, query: SearchQuery) -> list[DecisionSummary]:
        """History search; the audit records which filters were used and what was shown."""
        self.ctx.authorize(session, Operation.DECISION_LIST)
        results = self.store.search.decisions(query)
        used = sorted(key for key, value in vars_of(query).items() if value is not None)
        self.ctx.audit(
            "decisions.searched",
            session,
            filters=[key for key in used if key != "limit"],
            shown=[row.decision_id for row in results],
        )
        return results

    def awaiting_review(self, session: Session) -> list[DecisionSummary]:
        self.ctx.authorize(session, Operation.DECISION_LIST)
        results = self.store.search.awaiting_review()
        self.ctx.audit(
            "decisions.listed",
            session,
            list="awaiting_review",
            shown=[row.decision_id for row in results],
        )
        return results


def vars_of(query: SearchQuery) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__slots__}

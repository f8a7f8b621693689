"""The decision-side values the store takes and returns (decisions, reviews, holds,
drafts): frozen dataclasses, never rows. Apart from store.records so that signing in,
which needs only accounts and the audit, does not define them all."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from trustdesk.store.hold_due import asks_no_hold
from trustdesk.store.records import AuditEntry


@dataclass(frozen=True, slots=True)
class PersonFacts:
    booking_number: str
    name: str
    date_of_birth: date | None = None


@dataclass(frozen=True, slots=True)
class DetainerFacts:
    form: str
    received_at: datetime | None = None
    judicial_warrant: str = "unknown"  # yes | no | unknown
    administrative_warrant: str | None = None
    issuing_office: str | None = None
    subject_id: str | None = None


@dataclass(frozen=True, slots=True)
class DecisionDraft:
    """A decision as the service hands it to the store, before it has an id."""

    decision_time: datetime
    outcome: str  # honor | decline
    needs_review: bool
    review_required: bool
    releasable_at: datetime | None
    hold_expires_at: datetime | None
    opens_hold: bool
    rule_pack: str
    rule_pack_sha256: str
    app_version: str
    person: PersonFacts
    detainer: DetainerFacts
    answers: tuple[tuple[str, str], ...]
    case_json: str
    decision_json: str


@dataclass(frozen=True, slots=True)
class DecisionRecord:
    """One stored version of a decision."""

    id: int
    decision_id: int
    version: int
    amends: int | None
    reason: str | None
    officer_id: int
    officer: str
    recorded_at: datetime
    decision_time: datetime
    outcome: str
    needs_review: bool
    review_required: bool
    releasable_at: datetime | None
    hold_expires_at: datetime | None
    rule_pack: str
    rule_pack_sha256: str
    app_version: str
    person_id: int
    person: PersonFacts
    detainer: DetainerFacts
    answers: tuple[tuple[str, str], ...]
    case_json: str
    decision_json: str
    record_sha256: str
    audit_seq: int | None = None

    def case(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.case_json)
        return value

    def decision(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.decision_json)
        return value

    @property
    def asks_no_hold(self) -> bool:
        """Honored, but the detainer's form asks only to be told of the release (its
        document records ``"hold_requested": false``): nobody is held on it."""
        return asks_no_hold(self.outcome, self.decision_json)


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    decision_id: int
    record_id: int
    reviewer_id: int
    reviewer: str
    reviewed_at: datetime
    verdict: str  # approved | amended
    result_record_id: int | None
    reason: str | None
    audit_seq: int | None = None


@dataclass(frozen=True, slots=True)
class HoldClosure:
    hold_id: int
    outcome: str
    ended_at: datetime
    recorded_at: datetime
    officer_id: int
    officer: str
    note: str | None


@dataclass(frozen=True, slots=True)
class Hold:
    id: int
    decision_id: int
    record_id: int
    opened_at: datetime
    opened_by: int
    closure: HoldClosure | None = None


@dataclass(frozen=True, slots=True)
class HoldStatus:
    """An open hold as the desk sees it: who, and when release is due."""

    hold_id: int
    decision_id: int
    record_id: int
    booking_number: str
    name: str
    outcome: str
    releasable_at: datetime | None
    release_due_at: datetime | None
    #: The latest version honors a detainer whose form asks for no hold (an I-247N,
    #: amended from one that did): release is due at once, because of the amendment.
    asks_no_hold: bool = False


@dataclass(frozen=True, slots=True)
class DecisionSummary:
    """The latest version of a decision, as a history or search row."""

    decision_id: int
    record_id: int
    version: int
    decision_time: datetime
    recorded_at: datetime
    outcome: str
    booking_number: str
    name: str
    officer: str
    review_required: bool
    reviewed: bool


@dataclass(frozen=True, slots=True)
class SavedDecision:
    record: DecisionRecord
    hold_id: int | None
    audit: AuditEntry


#: The agency's zone when none is set (Connecticut).
@dataclass(frozen=True, slots=True)
class DraftInfo:
    """A saved review in progress, as listed (its payload is loaded separately)."""

    id: int
    label: str
    created_at: datetime
    updated_at: datetime

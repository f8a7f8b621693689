"""The values the store takes and returns: frozen dataclasses, never rows."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from trustdesk.store.encoding import parse_utc


@dataclass(frozen=True, slots=True)
class Actor:
    """Who does something, from where: recorded with every audit entry."""

    user_id: int | None
    username: str | None
    workstation: str


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """What to record: an event name, its outcome and the ids it concerns (no names)."""

    event: str
    outcome: str = "success"  # success | failure | denied
    objects: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One link of the audit chain, exactly as stored (text forms are what is hashed)."""

    seq: int
    at: str
    workstation: str
    actor: str | None
    actor_id: int | None
    event: str
    outcome: str
    objects: str
    prev_hash: str
    hash: str

    @property
    def when(self) -> datetime:
        return parse_utc(self.at)

    def objects_dict(self) -> dict[str, Any]:
        """The objects as a dict; empty when a tampered entry holds something else."""
        try:
            value = json.loads(self.objects)
        except (ValueError, TypeError):
            return {}
        return value if isinstance(value, dict) else {}


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
class User:
    id: int
    username: str
    role: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    last_logon_at: datetime | None
    locked_at: datetime | None
    full_name: str = ""  # printed in memo sign-off blocks; "" when not given
    badge: str = ""


@dataclass(frozen=True, slots=True)
class Credential:
    """A user with the stored password hash (only the account service sees this)."""

    user: User
    password_hash: str
    unlocked_at: datetime | None


@dataclass(frozen=True, slots=True)
class SavedDecision:
    record: DecisionRecord
    hold_id: int | None
    audit: AuditEntry


#: The agency's zone when none is set (Connecticut).
DEFAULT_TIMEZONE = "America/New_York"


@dataclass(frozen=True, slots=True)
class AgencyProfile:
    """The agency's settings: printed in every memo header, shown at sign-in."""

    name: str
    facility: str
    ori: str
    timezone: str = DEFAULT_TIMEZONE
    logo: bytes | None = None
    logo_type: str | None = None  # image/png | image/jpeg


@dataclass(frozen=True, slots=True)
class DraftInfo:
    """A saved review in progress, as listed (its payload is loaded separately)."""

    id: int
    label: str
    created_at: datetime
    updated_at: datetime

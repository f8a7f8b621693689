"""The values the contact log takes and returns: a contact as the service hands it over,
a stored version of it, and a supervisor's review of a flagged one. Frozen dataclasses,
never rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """One contact with ICE, checked by the service, before the store gives it an id.

    ``given`` holds disclosure ids (core.contacts.DISCLOSURES), empty when nothing was
    given; ``advice_json`` is the legality advice shown before the answer (canonical
    JSON); ``allowed`` says whether everything given was allowed by it.
    """

    person_id: int | None
    booking_number: str | None
    decision_id: int | None
    kind: str
    direction: str
    occurred_at: datetime
    channel: str
    ice_office: str
    ice_officer: str
    asked: str
    given: tuple[str, ...]
    note: str
    pack_id: str
    advice_json: str
    allowed: bool
    unlawful_reason: str | None
    review_needed: bool
    app_version: str


@dataclass(frozen=True, slots=True)
class ContactRecord:
    """One stored version of a contact (``contact_id`` names the contact across versions)."""

    id: int
    contact_id: int
    version: int
    amends: int | None
    reason: str | None
    person_id: int | None
    booking_number: str | None
    decision_id: int | None
    kind: str
    direction: str
    occurred_at: datetime
    channel: str
    ice_office: str
    ice_officer: str
    asked: str
    given: tuple[str, ...]
    note: str
    user_id: int
    user: str
    recorded_at: datetime
    pack_id: str
    advice_json: str
    allowed: bool
    unlawful_reason: str | None
    review_needed: bool
    app_version: str
    audit_seq: int
    #: The person's name when the contact names a person on record (None otherwise).
    person_name: str | None = None


@dataclass(frozen=True, slots=True)
class ContactReview:
    """A supervisor's review of one flagged contact version."""

    id: int
    contact_id: int
    record_id: int
    reviewer_id: int
    reviewer: str
    reviewed_at: datetime
    verdict: str  # accepted | referred
    note: str | None


@dataclass(frozen=True, slots=True)
class ContactFilter:
    """What ``contacts between`` narrows to; None: any."""

    kind: str | None = None
    user_id: int | None = None
    allowed: bool | None = None
    review_needed: bool | None = None
    latest_only: bool = True


@dataclass(frozen=True, slots=True)
class DecisionVersionTimes:
    """One stored version of a decision, by its times only (not its JSON): what the
    contact log needs to find the version in force when a contact happened.

    ``decision_time``: when the decision, as this version states it, was made (the case's
    time); ``recorded_at``: when this version was written to the record.
    """

    decision_id: int
    record_id: int
    version: int
    person_id: int
    decision_time: datetime
    recorded_at: datetime

"""What a memo prints besides the record: the agency header, the signers' names and badges,
and the history of contacts with ICE about the person."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from trustdesk.core.wall_time import local_text
from trustdesk.services.errors import InvalidRequest
from trustdesk.store.case_records import DecisionRecord
from trustdesk.store.errors import NotFound

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from trustdesk.memo.viewmodel import AgencyHeader, ContactRow, GivenToIce, Signer, VersionNote
    from trustdesk.store.contact_records import ContactRecord, ContactReview
    from trustdesk.store.store import Store


def memo_header(store: Store, fallback: AgencyHeader | None) -> AgencyHeader:
    """The stored agency profile; ``fallback`` (the CLI's flags) only while none is stored."""
    from trustdesk.memo.viewmodel import AgencyHeader

    profile = store.agency.get()
    if profile is not None:
        return AgencyHeader(profile.name, profile.facility, profile.ori, profile.logo)
    if fallback is None:
        raise InvalidRequest(
            "no agency profile is stored: an administrator sets it (trustdesk agency set), "
            "or give the memo header (--agency, --facility, --ori)"
        )
    return fallback


def signer(store: Store, user_id: int, username: str, at: datetime) -> Signer:
    """The printed name (the user name until an administrator sets one) and badge."""
    from trustdesk.memo.viewmodel import Signer

    try:
        user = store.users.by_id(user_id)
    except NotFound:
        return Signer(username, "", at)
    return Signer(user.full_name or user.username, user.badge, at)


def signers(store: Store, record: DecisionRecord) -> tuple[Signer, Signer | None]:
    """The officer who recorded ``record`` and the supervisor who approved or amended it."""
    officer = signer(store, record.officer_id, record.officer, record.recorded_at)
    supervisor = None
    for review in store.reviews.of_decision(record.decision_id):
        approved = review.verdict == "approved" and review.record_id == record.id
        if approved or review.result_record_id == record.id:
            supervisor = signer(store, review.reviewer_id, review.reviewer, review.reviewed_at)
            if approved and review.reason:
                supervisor = replace(supervisor, note=review.reason)
    return officer, supervisor


def version_notes(
    store: Store, record: DecisionRecord, upto_seq: int | None
) -> tuple[VersionNote | None, VersionNote | None]:
    """``record``'s own amendment (None for version 1), and the newest version that
    replaces it as the record stood at audit entry ``upto_seq`` (the chain head the memo
    prints; None: every version), or None while ``record`` is the version in force. A memo
    of a replaced version must say so on its face: the paper alone is read years later."""
    history = store.decisions.history(record.decision_id)
    later = [
        other
        for other in history
        if other.version > record.version
        and (upto_seq is None or (other.audit_seq is not None and other.audit_seq <= upto_seq))
    ]
    newest = max(later, key=lambda other: other.version, default=None)
    return _note(store, record), None if newest is None else _note(store, newest)


def _note(store: Store, record: DecisionRecord) -> VersionNote | None:
    from trustdesk.memo.viewmodel import VersionNote

    if record.version == 1:
        return None
    who = signer(store, record.officer_id, record.officer, record.recorded_at).name
    return VersionNote(
        record.version, record.version - 1, who, record.recorded_at, record.reason or ""
    )


def memo_contacts(
    store: Store, decision_id: int, upto_seq: int, zone_name: str
) -> tuple[ContactRow, ...]:
    """The contacts with ICE about the person of decision ``decision_id`` as the record
    stood at audit entry ``upto_seq`` (the chain head the memo prints), so a memo
    regenerated with the same head lists the same contacts, byte for byte. About the
    person under every name the decision's versions gave them by then (a corrected name
    or date of birth is a person row of its own), and those recorded by booking number
    before the person was on record (``ContactRepository.for_person``)."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(zone_name)
    found = store.contacts.for_person(decision_id=decision_id, upto_seq=upto_seq)
    reviewed = {
        record.id: store.contacts.reviews_of(record.contact_id, upto_seq=upto_seq)
        for record in found
        if record.review_needed
    }
    return tuple(_row(record, zone, reviewed.get(record.id, ())) for record in found)


def given_to_ice(store: Store, record: DecisionRecord, upto_seq: int) -> tuple[GivenToIce, ...]:
    """What the contact log says was given to ICE on the decision of ``record``, as the
    record stood at audit entry ``upto_seq`` (the chain head the memo prints): the latest
    version of each contact filed under the decision, or about its person (under any
    name its versions gave them, or by booking number before they were on record) and
    filed under no decision, that gave something. It chooses the notices due on giving
    (the release date told, Gov. Code § 7283.1(b)): an amendment that takes the release
    date back out takes the notice out; one flagged as not allowed still counts (ICE was
    told)."""
    from trustdesk.memo.viewmodel import GivenToIce

    found = store.contacts.for_person(decision_id=record.decision_id, upto_seq=upto_seq)
    return tuple(
        GivenToIce(contact.occurred_at, contact.given)
        for contact in found
        if contact.given and contact.decision_id in (None, record.decision_id)
    )


def _row(record: ContactRecord, zone: ZoneInfo, reviews: tuple[ContactReview, ...]) -> ContactRow:
    from trustdesk.memo.viewmodel import ContactRow
    from trustdesk.services.contact_wording import (
        CHANNEL_TEXT,
        DIRECTION_TEXT,
        KIND_TEXT,
        given_text,
    )

    local = record.occurred_at.astimezone(zone)
    who = ", ".join(part for part in (record.ice_officer, record.ice_office) if part) or "ICE"
    flag = ""
    if not record.allowed:
        done = [r for r in reviews if r.record_id == record.id]
        state = (
            f"Reviewed by {done[0].reviewer}: {done[0].verdict}"
            + (f" ({done[0].note})" if done[0].note else "")
            if done
            else "Awaiting a supervisor's review"
        )
        flag = f"Officer's reason: {record.unlawful_reason}. {state}."
    return ContactRow(
        when=local_text(local, zone),
        kind=KIND_TEXT.get(record.kind, record.kind),
        ice=(
            f"{who} ({DIRECTION_TEXT.get(record.direction, record.direction).lower()}, "
            f"{CHANNEL_TEXT.get(record.channel, record.channel).lower()})"
        ),
        asked=record.asked or "—",
        given=given_text(record.given),
        recorded_by=record.user,
        allowed=record.allowed,
        flag=flag,
        amended="" if record.version == 1 else f"version {record.version}: {record.reason}",
    )

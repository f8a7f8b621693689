"""What a memo prints besides the record: the agency header, the signers' names and badges,
and the history of contacts with ICE about the person."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from trustdesk.core.wall_time import local_text
from trustdesk.services.errors import InvalidRequest, ServiceError
from trustdesk.store.case_records import DecisionRecord
from trustdesk.store.errors import NotFound

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from trustdesk.memo.viewmodel import AgencyHeader, ContactRow, GivenToIce, Signer, VersionNote
    from trustdesk.store.contact_records import ContactRecord, ContactReview
    from trustdesk.store.memo_history import AsOf
    from trustdesk.store.store import Store


class MemoFactsRefused(ServiceError):
    """The kept memo header or signers are not those the audit entry vouches for."""


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


def _kept_signer(name: str, badge: str, at: datetime) -> Signer:
    from trustdesk.memo.viewmodel import Signer

    return Signer(name, badge, at)


def signer(store: Store, user_id: int, username: str, at: datetime) -> Signer:
    """The printed name (the user name until an administrator sets one) and badge."""
    from trustdesk.memo.viewmodel import Signer

    try:
        user = store.users.by_id(user_id)
    except NotFound:
        return Signer(username, "", at)
    return Signer(user.full_name or user.username, user.badge, at)


def _signers(store: Store, record: DecisionRecord) -> tuple[Signer, Signer | None, list[str]]:
    """The signers as they were when they signed, where the record kept them (schema 15,
    store/memo_history.py), and the parts printed as they are now because it did not."""
    now: list[str] = []
    facts = _kept(store, record.audit_seq, record.officer_id)
    kept_officer = None if facts is None else facts.signers.get(record.officer_id)
    if kept_officer is not None:
        officer = _kept_signer(
            kept_officer.name or record.officer, kept_officer.badge, record.recorded_at
        )
    else:
        officer = signer(store, record.officer_id, record.officer, record.recorded_at)
        now.append("the officer's name and badge")
    supervisor = None
    supervisor_now = False
    for review in store.reviews.of_decision(record.decision_id):
        approved = review.verdict == "approved" and review.record_id == record.id
        if approved or review.result_record_id == record.id:
            history = _kept(store, review.audit_seq, review.reviewer_id)
            kept = None if history is None else history.signers.get(review.reviewer_id)
            if kept is not None:
                supervisor = _kept_signer(
                    kept.name or review.reviewer, kept.badge, review.reviewed_at
                )
                supervisor_now = False
            else:
                supervisor = signer(store, review.reviewer_id, review.reviewer, review.reviewed_at)
                supervisor_now = True
            if approved and review.reason:
                supervisor = replace(supervisor, note=review.reason)
    if supervisor_now:
        now.append("the supervisor's name and badge")
    return officer, supervisor, now


def as_recorded(
    store: Store, record: DecisionRecord, fallback: AgencyHeader | None
) -> tuple[AgencyHeader, Signer, Signer | None]:
    """The memo header and the signers of ``record`` as they were when it was recorded
    and reviewed (store/memo_history.py), not as they are at printing.

    Where the history does not reach back to the record (a change made before schema
    15 kept them), they print as they are now, and the header's ``note`` says so plainly:
    the record does not hold those in force then, and nothing is guessed. The logo is
    kept by its digest only: when it was changed since, none is printed and the note
    says why (docs/decisions/0084).
    """
    from trustdesk.memo.viewmodel import AgencyHeader

    officer, supervisor, now = _signers(store, record)
    facts = _kept(store, record.audit_seq, record.officer_id)
    logo_note = ""
    if facts is not None and facts.agency is not None:
        kept = facts.agency
        profile = store.agency.get()
        logo = None
        current = None if profile is None or profile.logo is None else profile.logo
        if current is not None and hashlib.sha256(current).hexdigest() == kept.logo_sha256:
            logo = current  # the same image as at the decision
        if kept.logo_sha256 is not None and logo is None:
            logo_note = (
                " The agency's logo was changed after this decision was recorded; the logo "
                "in force then is not kept, so none is printed."
            )
        header = AgencyHeader(kept.name, kept.facility, kept.ori, logo)
    else:
        header = memo_header(store, fallback)
        now.insert(0, "the agency name, facility, ORI and logo at the top of each page")
    note = ""
    if now:
        why = (
            "no agency profile was stored when it was recorded"
            if facts is not None and facts.no_agency and len(now) == 1
            else "the record does not hold those in force when the decision was recorded "
            "and reviewed (they were changed before TrustDesk kept their history)"
        )
        note = f"{_sentence(_listed(now))} are as they stand at printing: {why}."
    note = (note + logo_note).strip()
    return replace(header, note=note), officer, supervisor


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _kept(store: Store, seq: int | None, user_id: int) -> AsOf | None:
    """The header and the printed name of ``user_id`` in force before audit entry
    ``seq``; a kept row that is not the one its entry vouches for is not printed as if it
    were sound."""
    from trustdesk.store.memo_history import MemoFactsBroken

    if seq is None:
        return None
    try:
        return store.memo_history(seq, (user_id,))
    except MemoFactsBroken as error:
        raise MemoFactsRefused(
            f"{error}; the memo would not show who signed, and for which agency, as "
            "recorded, so nothing was printed"
        ) from None


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
    facts = _kept(store, record.audit_seq, record.officer_id)
    kept = None if facts is None else facts.signers.get(record.officer_id)
    who = (
        (kept.name or record.officer)
        if kept is not None
        else signer(store, record.officer_id, record.officer, record.recorded_at).name
    )
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

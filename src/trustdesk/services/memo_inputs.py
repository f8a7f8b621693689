"""What a memo prints besides the record: the agency header and the signers' names and badges."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from trustdesk.services.errors import InvalidRequest
from trustdesk.store.case_records import DecisionRecord
from trustdesk.store.errors import NotFound

if TYPE_CHECKING:
    from trustdesk.memo.viewmodel import AgencyHeader, Signer
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

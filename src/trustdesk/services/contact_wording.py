"""Contacts with ICE in words: the labels of the contract's ids, the advice ordered for
what ICE asked, and one line per contact for lists, the decision detail and the memo.

Plain text, no Qt and no PDF: the desktop app and the memo's view-model both use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from trustdesk.core.contacts import NEVER, ContactAdvice, DisclosureAdvice
from trustdesk.store.contact_records import ContactRecord

KIND_TEXT = {
    "detainer_received": "Detainer or warrant received",
    "release_info_request": "Request for release date or custody status",
    "interview_request": "Request to interview or access the person",
    "inquiry": "Phone or e-mail inquiry",
    "transfer_arrival": "ICE arrival for transfer",
    "other": "Other",
}
DIRECTION_TEXT = {"from_ice": "From ICE", "to_ice": "To ICE"}
CHANNEL_TEXT = {
    "phone": "Phone",
    "email": "E-mail",
    "fax": "Fax",
    "in_person": "In person",
    "system": "System (e.g. a database)",
    "other": "Other",
}
DISCLOSURE_TEXT = {
    "release_date": "Release date",
    "custody_status": "Custody status",
    "interview_access": "Interview or access to the person",
    "hold": "Held the person for ICE",
    "transfer": "Handed the person to ICE",
    "confidential": "Confidential information",
}
VERDICT_MARK = {"allowed": "✔", "not_allowed": "✖", "never": "✖", "unknown": "?"}


@dataclass(frozen=True, slots=True)
class AdviceLine:
    disclosure: str
    verdict: str
    text: str  # the pack's words with their citation


def advice_lines(advice: ContactAdvice, kind: str) -> list[AdviceLine]:
    """The advice for what a contact of ``kind`` is usually about, first; then what is
    never to be shared (confidential information), named whatever ICE asked."""
    first = advice.for_kind(kind)
    chosen = [item.disclosure for item in first]
    rest = [
        item for item in advice.items if item.verdict == NEVER and item.disclosure not in chosen
    ]
    return [_line(item) for item in (*first, *rest)]


def _line(item: DisclosureAdvice) -> AdviceLine:
    return AdviceLine(item.disclosure, item.verdict, item.reason)


def given_text(given: tuple[str, ...]) -> str:
    return ", ".join(DISCLOSURE_TEXT.get(g, g).lower() for g in given) or "nothing"


def contact_line(record: ContactRecord, when: Callable[[datetime], str]) -> str:
    """One line: when, what kind, which way, who at ICE, what was given, and a flag."""
    who = ", ".join(part for part in (record.ice_officer, record.ice_office) if part) or "ICE"
    line = (
        f"{when(record.occurred_at)} — {KIND_TEXT.get(record.kind, record.kind)} "
        f"({DIRECTION_TEXT.get(record.direction, record.direction).lower()}, "
        f"{CHANNEL_TEXT.get(record.channel, record.channel).lower()}; {who}); "
        f"given: {given_text(record.given)}; recorded by {record.user}"
    )
    if record.version > 1:
        line += f"; amended (version {record.version}): {record.reason}"
    if not record.allowed:
        line += f". NOT ALLOWED by {record.pack_id} — officer's reason: {record.unlawful_reason}"
    return line

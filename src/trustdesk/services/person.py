"""A person's page: their whole history (decisions with every version and review, holds,
ICE contacts, memos printed), for roles that may view decisions; each viewing audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.permissions import Operation
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.encoding import parse_utc
from trustdesk.store.person_history import PersonHistory, PersonHistoryRepository

MEMO_PRINTED = "memo.printed"


@dataclass(frozen=True, slots=True)
class PrintedCopy:
    """A memo or notice that left the app, as the audit recorded it."""

    decision_id: int
    version: int
    at: datetime
    by: str
    document: str  # memo | notice
    destination: str  # file | printer
    pdf_sha256: str
    audit_seq: int


@dataclass(frozen=True, slots=True)
class PersonView:
    history: PersonHistory
    printed: tuple[PrintedCopy, ...]  # newest first
    #: ICE contacts about the person or under the booking number (latest versions,
    #: newest first).
    contacts: tuple[ContactRecord, ...] = ()


def printed_copies(history: PersonHistory) -> tuple[PrintedCopy, ...]:
    found = []
    for decision in history.decisions:
        for entry in decision.trail:
            if entry.event != MEMO_PRINTED or entry.outcome != "success":
                continue
            objects = json.loads(entry.objects)
            found.append(
                PrintedCopy(
                    decision_id=int(objects["decision"]),
                    version=int(objects.get("version", 0)),
                    at=parse_utc(entry.at),
                    by=entry.actor or "",
                    document=str(objects.get("document", "memo")),
                    destination=str(objects.get("destination", "file")),
                    pdf_sha256=str(objects.get("pdf_sha256", "")),
                    audit_seq=entry.seq,
                )
            )
    found.sort(key=lambda copy: copy.audit_seq, reverse=True)
    return tuple(found)


def view_person(
    ctx: ServiceContext, session: Session, booking_number: str, *, record_view: bool = True
) -> PersonView:
    """Everything recorded under ``booking_number``; the viewing is recorded (ids only).

    ``record_view=False`` when a page already open is read again (another desk's change,
    or a contact recorded from the page): the same viewing, not a new one in the audit."""
    ctx.authorize(session, Operation.DECISION_VIEW)
    history = PersonHistoryRepository(ctx.store.db).of_booking(booking_number)
    # The contact log's own reading of "this booking number" (store/contacts.py).
    contacts = ctx.store.contacts.for_person(booking_number=history.booking_number)
    contacts.sort(key=lambda record: (record.occurred_at, record.contact_id), reverse=True)
    if not record_view:
        return PersonView(history, printed_copies(history), tuple(contacts))
    ctx.audit(
        "person.viewed",
        session,
        people=list(history.person_ids),
        decisions=[item.latest.decision_id for item in history.decisions],
        contacts=[record.contact_id for record in contacts],
    )
    return PersonView(history, printed_copies(history), tuple(contacts))

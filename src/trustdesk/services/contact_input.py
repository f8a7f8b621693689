"""Checking a contact with ICE as the officer typed it: ids from the contract, lengths,
times. Every refusal is one line naming the field and how to fix it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from trustdesk.core.characters import unsafe_character
from trustdesk.core.contacts import CHANNELS, CONTACT_KINDS, DIRECTIONS, DISCLOSURES, NOTHING_GIVEN
from trustdesk.services.decisions import CLOCK_SLACK
from trustdesk.services.errors import InvalidRequest

#: Longest accepted text per field (characters).
LIMITS = {
    "ice_office": 200,
    "ice_officer": 200,
    "asked": 2000,
    "note": 4000,
    "unlawful_reason": 2000,
    "reason": 2000,
    "booking_number": 40,
}


@dataclass(frozen=True, slots=True)
class ContactInput:
    """One contact with ICE as recorded at the desk (ids as in core.contacts).

    The person: ``person_id`` (a person on record), ``decision_id`` (a decision; its
    person is taken), or only ``booking_number`` (no decision yet). ``given``: what was
    given to or done for ICE (disclosure ids; empty or ("none",) when nothing).
    ``gates``: with no decision on record, the gates the officer can answer now, by the
    pack's criterion id (True, False or None for not known). ``unlawful_reason``: needed
    when something given was not allowed.
    """

    kind: str
    direction: str
    occurred_at: datetime
    channel: str
    person_id: int | None = None
    booking_number: str | None = None
    decision_id: int | None = None
    ice_office: str = ""
    ice_officer: str = ""
    asked: str = ""
    given: tuple[str, ...] = ()
    note: str = ""
    unlawful_reason: str | None = None
    gates: Mapping[str, bool | None] = field(default_factory=dict)


def one_of(value: str, allowed: Iterable[str], what: str) -> str:
    choices = tuple(allowed)
    if value not in choices:
        raise InvalidRequest(f"{what} {value!r} is not known; use one of: {', '.join(choices)}")
    return value


def words(value: str | None, name: str, *, required: bool = False) -> str:
    """A free-text field, trimmed: no control characters but new lines and tabs."""
    text = (value or "").strip()
    if required and not text:
        raise InvalidRequest(f"{name.replace('_', ' ')} is empty: say it in words")
    limit = LIMITS.get(name, 2000)
    if len(text) > limit:
        raise InvalidRequest(
            f"{name.replace('_', ' ')} is longer than {limit} characters; shorten it"
        )
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in text):
        raise InvalidRequest(f"{name.replace('_', ' ')} must not contain control characters")
    # What case texts refuse (direction overrides, C1 controls, DEL…) is refused here too:
    # a name shown reversed in the record is as misleading in a contact as in a case.
    unsafe = unsafe_character(text.replace("\n", " ").replace("\t", " "))
    if unsafe is not None:
        raise InvalidRequest(f"{name.replace('_', ' ')} {unsafe}")
    return text


def given_ids(given: Iterable[str]) -> tuple[str, ...]:
    """What was given, in DISCLOSURES order, without repeats; () when nothing was."""
    chosen = set()
    for item in given:
        if item != NOTHING_GIVEN:
            one_of(item, DISCLOSURES, "what was given:")
        chosen.add(item)
    if NOTHING_GIVEN in chosen and len(chosen) > 1:
        raise InvalidRequest(
            f"what was given: {NOTHING_GIVEN!r} cannot go with anything else; drop one"
        )
    return tuple(item for item in DISCLOSURES if item in chosen)


def checked(contact: ContactInput, now: datetime) -> ContactInput:
    """``contact`` with its ids checked and its texts trimmed (or InvalidRequest)."""
    one_of(contact.kind, CONTACT_KINDS, "kind")
    one_of(contact.direction, DIRECTIONS, "direction")
    one_of(contact.channel, CHANNELS, "channel")
    when = contact.occurred_at
    if when.tzinfo is None or when.utcoffset() is None:
        raise InvalidRequest("time: give the contact's time with its zone (or leave it: now)")
    if when > now + CLOCK_SLACK:
        raise InvalidRequest(
            f"time: {when.isoformat()} is later than now on this workstation "
            f"({now.replace(microsecond=0).isoformat()}); a contact is recorded after it happens"
        )
    booking = words(contact.booking_number, "booking_number") or None
    if contact.person_id is None and contact.decision_id is None and booking is None:
        raise InvalidRequest(
            "the person is not named: give a booking number, a person or a decision"
        )
    for name, value in (("person", contact.person_id), ("decision", contact.decision_id)):
        if value is not None and (type(value) is not int or value < 1):
            raise InvalidRequest(f"{name} {value!r} is not a record number")
    for gate, answer in contact.gates.items():
        if answer not in (True, False, None):
            raise InvalidRequest(f"gate {gate!r}: answer yes, no or unknown")
    return ContactInput(
        kind=contact.kind,
        direction=contact.direction,
        occurred_at=when,
        channel=contact.channel,
        person_id=contact.person_id,
        booking_number=booking,
        decision_id=contact.decision_id,
        ice_office=words(contact.ice_office, "ice_office"),
        ice_officer=words(contact.ice_officer, "ice_officer"),
        asked=words(contact.asked, "asked"),
        given=given_ids(contact.given),
        note=words(contact.note, "note"),
        unlawful_reason=words(contact.unlawful_reason, "unlawful_reason") or None,
        gates=dict(contact.gates),
    )

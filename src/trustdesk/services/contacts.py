"""The contact log: record, amend, list and review the contacts the desk has with ICE.

Before the officer answers ICE, ``advice`` says what the law in force allows for this
person (core.contacts.advise, with the pack in force on the contact's time and the
person's decision on record, or the gates answered now). A contact is recorded as it
happened: giving something that was not allowed is recorded too, but only with the
officer's reason, and it waits for a supervisor's review. Officers and supervisors
record; supervisors review (never their own); whoever may view decisions may list.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import groupby
from typing import Any

from trustdesk import __version__
from trustdesk.core.contacts import (
    ALLOWED,
    ALLOWED_WITH_CONDITIONS,
    ContactAdvice,
    DecisionUsed,
    advise,
)
from trustdesk.core.decision import Decision
from trustdesk.core.errors import CoreError
from trustdesk.core.record import decision_from_json
from trustdesk.services.contact_input import ContactInput, checked, one_of, words
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.decisions import RulesSource
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.permissions import ADMINISTRATOR, SUPERVISOR, Operation
from trustdesk.store.contact_records import (
    ContactDraft,
    ContactFilter,
    ContactRecord,
    ContactReview,
    DecisionVersionTimes,
)
from trustdesk.store.encoding import canonical_json, utc_text
from trustdesk.store.schema import CONTACT_REVIEW_VERDICTS

__all__ = [
    "ContactHistory",
    "ContactInput",
    "ContactService",
    "advice_json",
    "advice_of",
    "amend_contact",
    "contacts_between",
    "contacts_for_person",
    "pending_contact_reviews",
    "record_contact",
    "review_contact",
]


def advice_json(advice: ContactAdvice) -> str:
    """The advice as stored with the contact (canonical JSON), so the record shows what
    the officer was told; with a decision, which version it rested on and since when
    (``decision``; contacts recorded before it was kept do not have it)."""
    value: dict[str, Any] = {
        "pack": advice.pack_id,
        "basis": advice.basis,
    }
    used = advice.decision
    if used is not None:
        value["decision"] = {
            "id": used.decision_id,
            "version": used.version,
            "in_force_from": utc_text(used.in_force_from),
            "named": used.named,
        }
    also = advice.also_in_force
    if also is not None:  # only then: older contacts' stored advice is unchanged
        value["also_in_force"] = {
            "id": also.decision_id,
            "version": also.version,
            "in_force_from": utc_text(also.in_force_from),
            "not_allowed": list(advice.also_not_allowed),
        }
    return canonical_json(
        {
            **value,
            "items": [
                {
                    "disclosure": item.disclosure,
                    "verdict": item.verdict,
                    "reason": item.reason,
                    "citations": list(item.citations),
                }
                for item in advice.items
            ],
        }
    )


def advice_of(record: ContactRecord) -> dict[str, Any]:
    """The advice stored with a contact, as a plain value."""
    value: dict[str, Any] = json.loads(record.advice_json)
    return value


def in_force_from(version: DecisionVersionTimes) -> datetime:
    """From when a decision version judges contacts: a contact at or after this moment
    (and before the next version's) is judged by it; one before it, not. To the minute:
    contact times are kept to the minute (the desk's time field has no seconds), so a
    version counts from the start of the minute it came in force, and a call logged
    "now" in the minute of a correction is judged by the correction.

    Version 1: its ``decision_time``, or its ``recorded_at`` if that is earlier. The
    decision was made at its decision time, whenever it reached the record: a decision
    kept offline while the server was down is recorded later with its original decision
    time (docs/decisions/0017), one made on paper is typed in afterwards, and the officer
    answering ICE in between had it. A decision time ahead of the clock (accepted within
    the clock slack) does not make a decision already on record count later than that.

    An amendment (version 2 on): its ``recorded_at``. An amendment is a correction made
    when it is recorded; its decision time is the case's, usually the first version's
    copied over, and says when the decision was first made, not when it was corrected.
    Until the amendment was recorded the record said what the version before it said,
    and a contact in between was answered under that; judging it by the correction would
    judge it by what nobody knew yet.
    """
    if version.version == 1:
        start = min(version.decision_time, version.recorded_at)
    else:
        start = version.recorded_at
    return start.replace(second=0, microsecond=0)


def version_in_force(
    versions: Iterable[DecisionVersionTimes], at: datetime
) -> DecisionVersionTimes | None:
    """Of one decision's versions, the latest in force at ``at``; None if it had not been
    made by then."""
    return max(
        (v for v in versions if in_force_from(v) <= at), key=lambda v: v.version, default=None
    )


def latest_in_force(
    versions: Iterable[DecisionVersionTimes],
    at: datetime,
    people: Collection[int] | None = None,
) -> DecisionVersionTimes | None:
    """Of a person's decisions (their versions by decision then version), the one made
    latest by ``at`` (as person_history orders decisions), in its version in force then;
    None when nothing had been decided by then. ``people``: the person's rows; a decision
    whose version in force then names someone else (a wrong person, not yet corrected
    back, or corrected away) is not theirs then."""
    in_force = [
        found
        for _decision, group in groupby(versions, key=lambda v: v.decision_id)
        if (found := version_in_force(group, at)) is not None
        and (people is None or found.person_id in people)
    ]
    return max(in_force, key=lambda v: (v.decision_time, v.decision_id), default=None)


def _moment(value: datetime, zone_of: datetime) -> str:
    """An instant in the zone the officer gave the contact's time in."""
    return value.astimezone(zone_of.tzinfo).isoformat(timespec="minutes")


@dataclass(frozen=True, slots=True)
class _Judged:
    """What a contact is judged by (``_decision_for``)."""

    person_id: int | None
    used: DecisionUsed | None = None
    decision: Decision | None = None
    #: With a named decision: the person's later decision also in force then, if any.
    later: DecisionUsed | None = None
    later_decision: Decision | None = None


def _decision_for(ctx: ServiceContext, contact: ContactInput) -> _Judged:
    """What the contact is judged by: what had been decided about the person when the
    contact happened (``occurred_at``), never a decision or an amendment made after it.

    A decision the officer names must have been made by then (else InvalidRequest, with
    both times); it is judged by that decision's version in force then, and the person's
    latest decision in force then, if it is another (two detainers, or an earlier honor
    named after a later decline), is kept beside it (``later``). Otherwise the person's
    decision made latest by then, in its version in force then; none when nothing had
    been decided yet (the contact is judged as with no decision: by the grounds the
    officer answers). The person is every row their decisions name (``linked_people``).
    """
    contacts = ctx.store.contacts
    at = contact.occurred_at
    person_id, decision_id = contact.person_id, contact.decision_id
    used: DecisionVersionTimes | None = None
    named = decision_id is not None
    if decision_id is not None:
        versions = contacts.decision_versions(decision_id=decision_id)
        if not versions:
            raise InvalidRequest(f"there is no decision {decision_id}; check the number")
        # A version that corrected the name or the date of birth is filed under another
        # person row: the decision is about each person its versions name.
        if person_id is not None and person_id not in {v.person_id for v in versions}:
            raise InvalidRequest(f"decision {decision_id} is not about person {person_id}")
        if person_id is None:  # the person as the decision now names them
            person_id = versions[-1].person_id
        used = version_in_force(versions, at)
        if used is None:
            made = min(in_force_from(v) for v in versions)
            raise InvalidRequest(
                f"decision {decision_id} was made at {_moment(made, at)}, after this contact "
                f"({_moment(at, at)}): the contact cannot be judged by a decision that did "
                "not exist yet. Record it about the person, by booking or person number, "
                "without naming the decision: it is then judged by what had been decided by "
                "its time; or, if the contact's time is wrong, correct it"
            )
    else:
        if person_id is None and contact.booking_number is not None:
            person_id = _person_booked(ctx, contact.booking_number)
        if person_id is not None:
            versions = contacts.decision_versions(person_id=person_id)
            if not versions and not contacts.person_exists(person_id):
                raise InvalidRequest(f"there is no person {person_id}; check the number")
            used = latest_in_force(versions, at, contacts.linked_people(person_id))
    if used is None:
        return _Judged(person_id)
    judged = _Judged(person_id, _used(used, named), _decision_of(ctx, used))
    if named and person_id is not None:
        people = contacts.linked_people(person_id)
        latest = latest_in_force(contacts.decision_versions(person_id=person_id), at, people)
        if latest is not None and latest.decision_id != used.decision_id:
            judged = replace(
                judged, later=_used(latest, False), later_decision=_decision_of(ctx, latest)
            )
    return judged


def _used(version: DecisionVersionTimes, named: bool) -> DecisionUsed:
    return DecisionUsed(version.decision_id, version.version, in_force_from(version), named)


def _decision_of(ctx: ServiceContext, version: DecisionVersionTimes) -> Decision:
    return decision_from_json(
        json.loads(ctx.store.contacts.decision_version_json(version.record_id))
    )


def _person_booked(ctx: ServiceContext, booking_number: str) -> int | None:
    """The person a booking number names, for a contact recorded by number: None when
    nobody is on record under it; the one person row there; or, where a decision's
    amendment corrected the name or the date of birth (each such version names a person
    row of its own, under the same number), the person as the latest version names them
    — every row there is named by the same decisions. Rows named by different decisions
    (two people under one number, or a number typed for another) are not guessed at: the
    officer names the person or the decision (InvalidRequest, listing them)."""
    contacts = ctx.store.contacts
    people = contacts.people_with_booking(booking_number)
    if len(people) <= 1:
        return people[0][0] if people else None
    rows = {pid for pid, _name in people}
    if rows <= contacts.linked_people(people[0][0]):  # one person under several names
        # The latest name under this number (a version naming someone under another
        # number, a wrong person, is not theirs).
        every = [
            v for v in contacts.decision_versions(person_id=people[0][0]) if v.person_id in rows
        ]
        if not every:
            return max(rows)
        latest = max(every, key=lambda v: (v.decision_time, v.decision_id, v.version))
        return latest.person_id
    listed = "; ".join(f"person {pid}, {name}" for pid, name in people)
    raise InvalidRequest(
        f"booking number {booking_number} names several people on record ({listed}): "
        "say which one the contact is about, by the person's number or the decision's"
    )


def _advise(
    ctx: ServiceContext, rules: RulesSource, contact: ContactInput
) -> tuple[int | None, ContactAdvice]:
    judged = _decision_for(ctx, contact)
    pack = rules.pack_for(contact.occurred_at)
    try:
        advice = advise(pack, decision=judged.decision, answers=dict(contact.gates))
        advice = replace(advice, decision=judged.used)
        if judged.later is not None:
            later = advise(pack, decision=judged.later_decision, answers=dict(contact.gates))
            allowed = {ALLOWED, ALLOWED_WITH_CONDITIONS}
            advice = replace(
                advice,
                also_in_force=judged.later,
                also_not_allowed=tuple(
                    item.disclosure
                    for item in advice.items
                    if item.verdict in allowed
                    and later.advice_for(item.disclosure).verdict not in allowed
                ),
            )
    except CoreError as error:  # a gate the pack in force does not have
        raise InvalidRequest(str(error)) from None
    return judged.person_id, advice


def _draft(
    ctx: ServiceContext, rules: RulesSource, contact: ContactInput
) -> tuple[ContactDraft, ContactAdvice]:
    contact = checked(contact, ctx.now())
    person_id, advice = _advise(ctx, rules, contact)
    refused = advice.not_allowed(contact.given)
    # Allowed only once its conditions are met (California: the person told in writing):
    # lawful, so counted as allowed, but the officer says how they were met and a
    # supervisor confirms it.
    conditional = [
        item
        for item in advice.items
        if item.disclosure in contact.given and item.verdict == ALLOWED_WITH_CONDITIONS
    ]
    # Allowed by the decision named, not by a later one also in force then: the officer
    # says why it was given on the one named, and a supervisor reviews it.
    against_later = [d for d in advice.also_not_allowed if d in contact.given]
    reason = contact.unlawful_reason if refused or conditional or against_later else None
    if against_later and not reason and not refused:
        later = advice.also_in_force
        assert later is not None
        names = ", ".join(d.replace("_", " ") for d in against_later)
        named = advice.decision.decision_id if advice.decision is not None else "named"
        raise InvalidRequest(
            f"{names} is allowed by decision {named} but not by decision "
            f"{later.decision_id}, made later about this person and also in force then: give "
            "the reason it was given on the decision named (--unlawful-reason on the command "
            "line), and a supervisor reviews it"
        )
    if refused and not reason:
        names = ", ".join(item.disclosure.replace("_", " ") for item in refused)
        raise InvalidRequest(
            f"{names} was not allowed for this person ({refused[0].reason}): recording that "
            "it was given needs your reason (--unlawful-reason), and it goes to a supervisor"
        )
    if conditional and not reason:
        names = ", ".join(item.disclosure.replace("_", " ") for item in conditional)
        met = "; ".join(c for item in conditional for c in item.conditions)
        raise InvalidRequest(
            f"{names} is allowed only when its conditions are met ({met}): say how they "
            "were met (--unlawful-reason), and a supervisor confirms it"
        )
    draft = ContactDraft(
        person_id=person_id,
        booking_number=contact.booking_number,
        # The decision the advice rests on, or none: never one made after the contact.
        decision_id=None if advice.decision is None else advice.decision.decision_id,
        kind=contact.kind,
        direction=contact.direction,
        occurred_at=contact.occurred_at,
        channel=contact.channel,
        ice_office=contact.ice_office,
        ice_officer=contact.ice_officer,
        asked=contact.asked,
        given=contact.given,
        note=contact.note,
        pack_id=advice.pack_id,
        advice_json=advice_json(advice),
        allowed=not refused,
        unlawful_reason=reason,
        review_needed=bool(refused or conditional or against_later),
        app_version=__version__,
    )
    return draft, advice


def advice_for(
    ctx: ServiceContext, session: Session, rules: RulesSource, contact: ContactInput
) -> ContactAdvice:
    """What the law in force allows for the contact's person, before anything is given."""
    ctx.authorize(session, Operation.CONTACT_RECORD)
    checked_contact = checked(replace(contact, given=()), ctx.now())
    return _advise(ctx, rules, checked_contact)[1]


def record_contact(
    ctx: ServiceContext, session: Session, rules: RulesSource, contact: ContactInput
) -> ContactRecord:
    """Record a contact with its audit entry; flagged for review if something given was
    not allowed (then ``unlawful_reason`` is required)."""
    ctx.authorize(session, Operation.CONTACT_RECORD)
    draft, _advice = _draft(ctx, rules, contact)
    return ctx.store.contacts.add(draft, ctx.actor(session), ctx.now())


def amend_contact(
    ctx: ServiceContext,
    session: Session,
    rules: RulesSource,
    contact_id: int,
    contact: ContactInput,
    reason: str,
    *,
    expected_record_id: int | None = None,
) -> ContactRecord:
    """A corrected version of a contact, with the reason; checked again like a new one."""
    user = ctx.authorize(session, Operation.CONTACT_RECORD, {"contact": contact_id})
    why = words(reason, "reason", required=True)
    versions = ctx.store.contacts.history(contact_id)  # NotFound before anything else
    if versions[0].user_id != user.id and user.role not in (SUPERVISOR, ADMINISTRATOR):
        ctx.deny(
            session,
            Operation.CONTACT_RECORD,
            "another officer's contact",
            f"contact {contact_id} was recorded by {versions[0].user}: only they, or a "
            "supervisor, may amend it",
            contact=contact_id,
        )
    draft, _advice = _draft(ctx, rules, contact)
    waiting = _awaiting_review(ctx, contact_id, versions)
    if waiting is not None and not draft.review_needed:
        # An amendment does not take a flagged version out of the supervisor's queue: it
        # waits, with its history, until a supervisor has reviewed it.
        draft = replace(draft, review_needed=True)
    return ctx.store.contacts.amend(
        contact_id,
        draft,
        reason=why,
        author=ctx.actor(session),
        at=ctx.now(),
        expected_record_id=expected_record_id,
    )


def _awaiting_review(
    ctx: ServiceContext, contact_id: int, versions: tuple[ContactRecord, ...]
) -> ContactRecord | None:
    """The latest version of the contact flagged for review that no supervisor has
    reviewed (no review of it or of a later version), or None."""
    reviewed = {review.record_id for review in ctx.store.contacts.reviews_of(contact_id)}
    for index in range(len(versions) - 1, -1, -1):
        if any(v.id in reviewed for v in versions[index:]):
            return None
        if versions[index].review_needed:
            return versions[index]
    return None


def contacts_for_person(
    ctx: ServiceContext,
    session: Session,
    *,
    person_id: int | None = None,
    booking_number: str | None = None,
) -> list[ContactRecord]:
    """The contacts about one person (latest versions, oldest first); the viewing is
    audited with the ids shown."""
    ctx.authorize(session, Operation.DECISION_VIEW)
    if person_id is None and not (booking_number or "").strip():
        raise InvalidRequest("name the person: a person number or a booking number")
    found = ctx.store.contacts.for_person(person_id=person_id, booking_number=booking_number)
    about: dict[str, Any] = {"shown": [record.contact_id for record in found]}
    if person_id is not None:
        about["person"] = person_id
    ctx.audit("contacts.viewed", session, **about)
    return found


@dataclass(frozen=True, slots=True)
class ContactHistory:
    """Every version of one contact, oldest first, and its reviews."""

    versions: tuple[ContactRecord, ...]
    reviews: tuple[ContactReview, ...]

    @property
    def latest(self) -> ContactRecord:
        return self.versions[-1]


def contact_history(ctx: ServiceContext, session: Session, contact_id: int) -> ContactHistory:
    """Every version of one contact and its reviews; the viewing is audited."""
    ctx.authorize(session, Operation.DECISION_VIEW, {"contact": contact_id})
    versions = ctx.store.contacts.history(contact_id)
    reviews = ctx.store.contacts.reviews_of(contact_id)
    ctx.audit("contact.viewed", session, contact=contact_id, records=[v.id for v in versions])
    return ContactHistory(versions, reviews)


def contacts_between(
    ctx: ServiceContext,
    session: Session,
    start: datetime,
    end: datetime,
    **filters: Any,
) -> Iterator[ContactRecord]:
    """Contacts that occurred in [start, end), oldest first, streamed. ``filters``: those
    of store.contact_records.ContactFilter (kind, user_id, allowed, review_needed,
    latest_only). The listing is audited with its period and filters."""
    ctx.authorize(session, Operation.DECISION_LIST)
    if end <= start:
        raise InvalidRequest("the period ends before it starts; swap --from and --to")
    try:
        where = ContactFilter(**filters)
    except TypeError:
        raise InvalidRequest(f"unknown filter among {', '.join(sorted(filters))}") from None
    if where.kind is not None:
        from trustdesk.core.contacts import CONTACT_KINDS

        one_of(where.kind, CONTACT_KINDS, "kind")
    ctx.audit(
        "contacts.listed",
        session,
        period=[start.isoformat(), end.isoformat()],
        filters=sorted(key for key, value in filters.items() if value is not None),
    )
    return ctx.store.contacts.between(start, end, where)


def pending_contact_reviews(ctx: ServiceContext, session: Session) -> list[ContactRecord]:
    """Flagged contacts waiting for a supervisor (the contact review queue)."""
    ctx.authorize(session, Operation.DECISION_LIST)
    found = ctx.store.contacts.pending_reviews()
    ctx.audit_listing(
        "contacts.listed", session, "awaiting_review", [record.contact_id for record in found]
    )
    return found


def review_contact(
    ctx: ServiceContext,
    session: Session,
    contact_id: int,
    *,
    verdict: str = "accepted",
    note: str | None = None,
    expected_record_id: int | None = None,
) -> ContactReview:
    """A supervisor's review of a flagged contact: ``accepted`` (the officer's reason
    stands, with an optional note) or ``referred`` (passed on for follow-up; a note
    saying to whom and why is required). Never one's own contact."""
    ctx.authorize(session, Operation.CONTACT_REVIEW, {"contact": contact_id})
    one_of(verdict, CONTACT_REVIEW_VERDICTS, "verdict")
    text = words(note, "note", required=verdict == "referred") or None
    current = ctx.store.contacts.latest(contact_id)
    if not current.review_needed:
        raise InvalidRequest(
            f"contact {contact_id} gave ICE nothing that was not allowed: it needs no review"
        )
    # Any version of one's own, not only the latest: another supervisor's amendment (the
    # channel corrected) carries on what the first one told ICE (as for decisions).
    own = [
        r.version for r in ctx.store.contacts.history(contact_id) if r.user_id == session.user_id
    ]
    if own:
        ctx.deny(
            session,
            Operation.CONTACT_REVIEW,
            "own contact",
            f"contact {contact_id} (version {current.version}) is your own; another "
            "supervisor must review it"
            if own[-1] == current.version
            else f"contact {contact_id} holds a version of your own (version {own[-1]}), "
            "whose account the later ones carry on; another supervisor must review it",
            contact=contact_id,
        )
    return ctx.store.contacts.review(
        contact_id,
        expected_record_id=current.id if expected_record_id is None else expected_record_id,
        verdict=verdict,
        note=text,
        reviewer=ctx.actor(session),
        at=ctx.now(),
    )


class ContactService:
    """The functions above over one context and one set of rules (for the CLI and GUI)."""

    def __init__(self, ctx: ServiceContext, rules: RulesSource) -> None:
        self.ctx = ctx
        self.rules = rules

    def advice(self, session: Session, contact: ContactInput) -> ContactAdvice:
        return advice_for(self.ctx, session, self.rules, contact)

    def record(self, session: Session, contact: ContactInput) -> ContactRecord:
        return record_contact(self.ctx, session, self.rules, contact)

    def amend(
        self,
        session: Session,
        contact_id: int,
        contact: ContactInput,
        reason: str,
        *,
        expected_record_id: int | None = None,
    ) -> ContactRecord:
        return amend_contact(
            self.ctx,
            session,
            self.rules,
            contact_id,
            contact,
            reason,
            expected_record_id=expected_record_id,
        )

    def for_person(
        self, session: Session, *, person_id: int | None = None, booking_number: str | None = None
    ) -> list[ContactRecord]:
        return contacts_for_person(
            self.ctx, session, person_id=person_id, booking_number=booking_number
        )

    def history(self, session: Session, contact_id: int) -> ContactHistory:
        return contact_history(self.ctx, session, contact_id)

    def between(
        self, session: Session, start: datetime, end: datetime, **filters: Any
    ) -> Iterator[ContactRecord]:
        return contacts_between(self.ctx, session, start, end, **filters)

    def pending(self, session: Session) -> list[ContactRecord]:
        return pending_contact_reviews(self.ctx, session)

    def review(
        self,
        session: Session,
        contact_id: int,
        *,
        verdict: str = "accepted",
        note: str | None = None,
        expected_record_id: int | None = None,
    ) -> ContactReview:
        return review_contact(
            self.ctx,
            session,
            contact_id,
            verdict=verdict,
            note=note,
            expected_record_id=expected_record_id,
        )


def as_input(record: ContactRecord) -> ContactInput:
    """A stored contact as input again (the start of an amendment).

    The decision stays named only if the officer named it: one found as the person's
    decision at the contact's time is found again for the amended time (an amendment
    moving the contact before it is judged by what had been decided then). A contact
    stored without saying which (before the advice kept it) keeps its decision named."""
    used = advice_of(record).get("decision")
    # A contact stored before the advice said whether the officer named its decision is
    # taken as not named: most were found by the person, and the decision is found again
    # for the contact's time (an amendment then judges it as a new contact would be).
    named = record.decision_id is not None and isinstance(used, dict) and used.get("named") is True
    return ContactInput(
        kind=record.kind,
        direction=record.direction,
        occurred_at=record.occurred_at,
        channel=record.channel,
        person_id=record.person_id,
        booking_number=record.booking_number,
        decision_id=record.decision_id if named else None,
        ice_office=record.ice_office,
        ice_officer=record.ice_officer,
        asked=record.asked,
        given=record.given,
        note=record.note,
        unlawful_reason=record.unlawful_reason,
    )

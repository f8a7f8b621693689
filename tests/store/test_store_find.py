"""Find any record: decisions, holds (and contacts) by booking number, name (partial, any
case, accents optional), dates and outcome; and a person's whole history. Both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from storekit import T0, actor, add_user, draft

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import NotFound
from trustdesk.store.person_history import person_history
from trustdesk.store.search import RecordQuery
from trustdesk.store.store import Store

DAY = timedelta(days=1)


@pytest.fixture
def record(store: Store) -> dict[str, Any]:
    """Three people; José has two decisions (one amended), a hold closed by ICE custody."""
    ann = actor(add_user(store, "ann", "officer"))
    sam = actor(add_user(store, "sam", "supervisor"))
    jose = PersonFacts("NH-7", "José Nuñez", date(1988, 1, 2))
    first = store.decisions.add(
        draft(person=jose, decision_time=T0, outcome="honor", opens_hold=True), ann, T0
    )
    second = store.decisions.add(
        draft(person=jose, decision_time=T0 + 3 * DAY, outcome="decline", opens_hold=False),
        ann,
        T0 + 3 * DAY,
    )
    store.decisions.amend(
        second.record.decision_id,
        draft(
            person=PersonFacts("NH-7", "José Núñez Ruiz", date(1988, 1, 2)),
            decision_time=T0 + 3 * DAY,
            outcome="decline",
            opens_hold=False,
        ),
        reason="second surname",
        author=sam,
        at=T0 + 4 * DAY,
    )
    assert first.hold_id is not None
    store.holds.close(
        first.hold_id,
        outcome="ice_took_custody",
        ended_at=T0 + 5 * DAY,
        note=None,
        officer=ann,
        at=T0 + 5 * DAY,
    )
    muller = store.decisions.add(
        draft(
            person=PersonFacts("hfd-26-1", "Zoë Müller"),
            decision_time=T0 + 10 * DAY,
            outcome="honor",
            opens_hold=True,
        ),
        ann,
        T0 + 10 * DAY,
    )
    store.decisions.add(
        draft(person=PersonFacts("BR-9", "Joseph Brown"), decision_time=T0 + DAY),
        ann,
        T0 + DAY,
    )
    return {"jose": (first, second), "muller": muller}


def hits(store: Store, **query: Any) -> list[tuple[str, str, str]]:
    found = store.search.records(RecordQuery(**query))
    return [(hit.kind, hit.name, hit.outcome) for hit in found.records]


@pytest.mark.parametrize(
    ("fragment", "names"),
    [
        ("jose", {"José Nuñez", "José Núñez Ruiz", "Joseph Brown"}),  # partial
        ("JOSÉ nunez", {"José Nuñez", "José Núñez Ruiz"}),
        ("MULLER", {"Zoë Müller"}),
        ("zoe", {"Zoë Müller"}),
        ("ruiz", {"José Núñez Ruiz"}),  # only the amended decision has it
        ("nobody", set()),
    ],
)
def test_name_is_partial_and_folds_case_and_accents(
    record: dict[str, Any], store: Store, fragment: str, names: set[str]
) -> None:
    assert {name for _kind, name, _outcome in hits(store, name=fragment)} == names


def test_every_kind_of_record_is_found_newest_first(record: dict[str, Any], store: Store) -> None:
    first, second = record["jose"]
    found = store.search.records(RecordQuery(booking_number="nh-7")).records
    assert [(hit.kind, hit.decision_id, hit.outcome) for hit in found] == [
        ("decision", second.record.decision_id, "decline"),
        ("decision", first.record.decision_id, "honor"),
        ("hold", first.record.decision_id, "ice_took_custody"),
    ]
    # Each record shows its latest version's name, whatever version matched.
    assert [hit.name for hit in found] == ["José Núñez Ruiz", "José Nuñez", "José Nuñez"]
    assert found[-1].record_id == first.hold_id


def test_dates_and_outcomes(record: dict[str, Any], store: Store) -> None:
    on_day_3 = hits(store, start=T0 + 3 * DAY, end=T0 + 4 * DAY)
    assert on_day_3 == [("decision", "José Núñez Ruiz", "decline")]
    # A hold is found on the day it ended as well as the day it began.
    assert hits(store, start=T0 + 5 * DAY, end=T0 + 6 * DAY) == [
        ("hold", "José Nuñez", "ice_took_custody")
    ]
    assert hits(store, outcome="open") == [
        ("hold", "Zoë Müller", "open"),
        ("hold", "Joseph Brown", "open"),
    ]
    assert hits(store, outcome="ice_took_custody", name="nunez") == [
        ("hold", "José Nuñez", "ice_took_custody")
    ]
    assert [name for _k, name, _o in hits(store, outcome="honor")] == [
        "Zoë Müller",
        "Joseph Brown",
        "José Nuñez",
    ]
    assert hits(store, name="muller", outcome="decline") == []
    assert len(hits(store, limit=2)) == 2
    with pytest.raises(ValueError, match="unknown outcome"):
        store.search.records(RecordQuery(outcome="maybe"))


def test_person_history_has_every_version_and_the_hold(
    record: dict[str, Any], store: Store
) -> None:
    first, second = record["jose"]
    with store.db.reading() as conn:
        history = person_history(conn, " nh-7 ")
    assert history.booking_number == "NH-7"
    assert [facts.name for facts in history.names] == ["José Nuñez", "José Núñez Ruiz"]
    assert [item.latest.decision_id for item in history.decisions] == [
        second.record.decision_id,
        first.record.decision_id,
    ]
    newest, oldest = history.decisions
    assert [v.version for v in newest.versions] == [1, 2]
    assert newest.versions[1].reason == "second surname"
    assert newest.hold is None
    assert oldest.hold is not None and oldest.hold.closure is not None
    assert oldest.hold.closure.outcome == "ice_took_custody"
    assert oldest.trail and all(entry.seq > 0 for entry in oldest.trail)
    with store.db.reading() as conn, pytest.raises(NotFound, match="booking number 'XX-1'"):
        person_history(conn, "XX-1")


def test_utc_dates_are_compared_as_instants(store: Store) -> None:
    ann = actor(add_user(store, "ann", "officer"))
    late = datetime(2026, 3, 6, 3, 30, tzinfo=UTC)  # 22:30 on 5 March in Connecticut
    store.decisions.add(
        draft(person=PersonFacts("L-1", "Late Entry"), decision_time=late, opens_hold=False),
        ann,
        T0,
    )
    minute = timedelta(minutes=1)
    assert hits(store, start=late - minute, end=late + minute) == [
        ("decision", "Late Entry", "honor")
    ]
    assert hits(store, start=late + timedelta(seconds=1)) == []


def test_ice_contacts_are_found_by_person_booking_number_date_and_legality(
    record: dict[str, Any], store: Store
) -> None:
    from storekit import contact_draft

    ann = actor(store.users.get("ann"))
    first, _second = record["jose"]
    about_jose = store.contacts.add(
        contact_draft(
            person_id=first.record.person_id,
            booking_number=None,
            decision_id=first.record.decision_id,
            occurred_at=T0 + 6 * DAY,
        ),
        ann,
        T0 + 6 * DAY,
    )
    # Recorded under José's booking number only, and allowed (nothing given).
    store.contacts.add(
        contact_draft(
            booking_number="nh-7",  # compared by booking_key
            occurred_at=T0 + 7 * DAY,
            given=(),
            allowed=True,
            unlawful_reason=None,
            review_needed=False,
        ),
        ann,
        T0 + 7 * DAY,
    )
    # Under a booking number nobody on record has.
    store.contacts.add(contact_draft(booking_number="ZZ-1", occurred_at=T0), ann, T0)
    found = store.search.records(RecordQuery(name="núñez")).records
    contacts = [
        (hit.record_id, hit.booking_number, hit.outcome) for hit in found if hit.kind == "contact"
    ]
    assert contacts == [
        (about_jose.contact_id + 1, "nh-7", "allowed"),
        (about_jose.contact_id, "NH-7", "not_allowed"),
    ]
    assert found[0].kind == "contact"  # the newest record first
    assert hits(store, outcome="not_allowed") == [
        ("contact", "José Nuñez", "not_allowed"),
        ("contact", "", "not_allowed"),  # ZZ-1: nobody on record
    ]
    assert hits(store, booking_number="zz-1") == [("contact", "", "not_allowed")]
    # Under the booking number only: the name last recorded under it.
    assert hits(store, start=T0 + 7 * DAY, end=T0 + 8 * DAY) == [
        ("contact", "José Núñez Ruiz", "allowed")
    ]
    # An amended contact is found once, as its latest version.
    store.contacts.amend(
        about_jose.contact_id,
        contact_draft(
            person_id=first.record.person_id,
            booking_number=None,
            occurred_at=T0 + 6 * DAY,
            given=(),
            allowed=True,
            unlawful_reason=None,
            review_needed=False,
        ),
        reason="nothing was given after all",
        author=ann,
        at=T0 + 8 * DAY,
    )
    assert hits(store, booking_number="NH-7", outcome="allowed") == [
        ("contact", "José Núñez Ruiz", "allowed"),
        ("contact", "José Nuñez", "allowed"),
    ]

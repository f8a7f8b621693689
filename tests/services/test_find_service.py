"""Find any record from one line of text, and a person's page: what the line is read as,
who may search and view, what the audit records (ids only). Both backends."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import servicekit  # noqa: F401  (puts tests/store on the path, for storekit)
from storekit import T0, actor, contact_draft, draft

from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.services.person import view_person
from trustdesk.services.search import find, read_query
from trustdesk.store.case_records import PersonFacts

ZONE = ZoneInfo("America/New_York")


def test_a_line_is_read_word_by_word() -> None:
    read = read_query("declined  jose 2026-03-05 nh-7", ZONE)
    query = read.query
    assert (query.name, query.booking_number, query.outcome) == ("jose", "nh-7", "decline")
    # The day in Connecticut, as UTC instants (EST is UTC-5).
    assert query.start == datetime(2026, 3, 5, 5, tzinfo=UTC)
    assert query.end == datetime(2026, 3, 6, 5, tzinfo=UTC)
    assert read.words == ("on 2026-03-05", "booking number nh-7", "name jose", "outcome decline")
    month = read_query("2026-02 custody", ZONE).query
    assert (month.start, month.end, month.outcome) == (
        datetime(2026, 2, 1, 5, tzinfo=UTC),
        datetime(2026, 3, 1, 5, tzinfo=UTC),
        "ice_took_custody",
    )
    period = read_query("3/31/2026 3/1/2026", ZONE).query  # either order; both days included
    assert (period.start, period.end) == (
        datetime(2026, 3, 1, 5, tzinfo=UTC),
        datetime(2026, 4, 1, 4, tzinfo=UTC),  # daylight time began on 8 March
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "type a booking number, a name, a date"),
        ("2026-02-30", "'2026-02-30' is not a real date"),
        ("honored declined", "one outcome at a time"),
        ("NH-1 NH-2", "NH-1 and NH-2: type one booking number at a time"),
        ("x" * 201, "at most 200"),
    ],
)
def test_a_line_that_cannot_be_read_says_why(text: str, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        read_query(text, ZONE)


@pytest.fixture
def recorded(desk: Any) -> Any:
    officer = actor(desk.store.users.get("officer"))
    saved = desk.store.decisions.add(
        draft(person=PersonFacts("NH-7", "José Nuñez", date(1988, 1, 2)), outcome="decline"),
        officer,
        T0,
    )
    desk.store.decisions.add(draft(person=PersonFacts("BR-1", "Ann Other")), officer, T0)
    desk.store.contacts.add(
        contact_draft(booking_number="NH-7", occurred_at=T0 - timedelta(hours=1)), officer, T0
    )
    return saved


def test_officers_find_and_view_administrators_do_not(desk: Any, recorded: Any) -> None:
    session = desk.session("officer")
    _read, found = find(desk.services.ctx, session, "JOSE")
    assert [(hit.kind, hit.booking_number) for hit in found.records] == [
        ("decision", "NH-7"),
        ("hold", "NH-7"),
        ("contact", "NH-7"),
    ]
    entry = desk.store.audit.latest(1)[0]
    assert entry.event == "records.searched"
    objects = json.loads(entry.objects)
    assert objects["filters"] == ["name"]
    assert objects["shown"] == [
        f"decision:{recorded.record.decision_id}",
        f"hold:{recorded.hold_id}",
        "contact:1",
    ]
    assert "jos" not in entry.objects.casefold()  # what was typed is not kept
    view = view_person(desk.services.ctx, session, "nh-7")
    assert [item.latest.decision_id for item in view.history.decisions] == [
        recorded.record.decision_id
    ]
    assert [(c.contact_id, c.kind, c.allowed) for c in view.contacts] == [
        (1, "release_info_request", False)
    ]
    viewed = desk.store.audit.latest(1)[0]
    assert viewed.event == "person.viewed" and "NH-7" not in viewed.objects
    assert json.loads(viewed.objects)["contacts"] == [1]
    # An open page read again (another desk's change) is the same viewing: no new entry.
    again = view_person(desk.services.ctx, session, "nh-7", record_view=False)
    assert [c.contact_id for c in again.contacts] == [1]
    assert desk.store.audit.latest(1)[0].seq == viewed.seq
    admin = desk.session("admin")
    with pytest.raises(PermissionDenied):
        find(desk.services.ctx, admin, "jose")
    with pytest.raises(PermissionDenied):
        view_person(desk.services.ctx, admin, "NH-7")
    auditor = desk.session("auditor")
    assert find(desk.services.ctx, auditor, "nh-7 declined")[1].records[0].outcome == "decline"

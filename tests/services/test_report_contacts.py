"""The contact figures of a report against contacts whose true counts are known, written
through the contact log's own repository (store/contacts.py), on both backends: by kind,
those the law did not allow, what was given, by month, with the officer and desk filters
(officer and desk of a contact: those of its first version)."""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from trustdesk.services.report_figures import CONTACT_KIND_WORDS, DISCLOSURE_WORDS, RELEASE_INFO
from trustdesk.services.reports import ReportRequest, build_report
from trustdesk.store.contact_records import ContactDraft
from trustdesk.store.encoding import utc_text
from trustdesk.store.records import Actor

KINDS = tuple(CONTACT_KIND_WORDS)
GIVEN = ("release_date", "custody_status", "interview_access", "transfer", "confidential")
START, END = datetime(2026, 1, 1, 5, tzinfo=UTC), datetime(2026, 5, 1, 4, tzinfo=UTC)


def _draft(**fields: Any) -> ContactDraft:
    """A call from ICE about a booking number, with ``fields`` as given."""
    values: dict[str, Any] = {
        "person_id": None,
        "decision_id": None,
        "direction": "from_ice",
        "channel": "phone",
        "ice_office": "ICE ERO Hartford",
        "ice_officer": "Agent",
        "asked": "release date",
        "note": "",
        "pack_id": "ct-2025",
        "advice_json": "{}",
        "app_version": "0.1.0",
    }
    return ContactDraft(**{**values, **fields})


@pytest.fixture
def contacts(desk: Any) -> list[dict[str, Any]]:
    rng = random.Random(5)
    users = {u.username: u.id for u in desk.store.users.all()}
    planned = []
    for number in range(70):
        occurred = datetime(2025, 12, 20, tzinfo=UTC) + timedelta(hours=rng.randrange(24 * 150))
        given = tuple(sorted(rng.sample(GIVEN, rng.choice((0, 1, 1, 2)))))
        allowed = not {"confidential", "interview_access"} & set(given)
        item = {
            "kind": rng.choice(KINDS),
            "occurred": occurred,
            "given": given,
            "allowed": allowed,
            "user": ("officer", "officer2")[number % 2],
            "desk": ("desk-a", "desk-b")[number % 3 == 0],
        }
        draft = _draft(
            booking_number=f"NH-{number:05d}",
            kind=item["kind"],
            occurred_at=occurred,
            given=given,
            allowed=allowed,
            unlawful_reason=None if allowed else "it happened",
            review_needed=not allowed,
        )
        author = Actor(users[item["user"]], item["user"], item["desk"])
        saved = desk.store.contacts.add(draft, author, occurred + timedelta(minutes=3))
        if number % 10 == 0:
            # Amended by the other officer at the other desk: the kind of the latest
            # version counts, the officer and desk of the first.
            item["kind"] = KINDS[(KINDS.index(item["kind"]) + 1) % len(KINDS)]
            other = ("officer2", "officer")[number % 2]
            desk.store.contacts.amend(
                saved.contact_id,
                replace(draft, kind=item["kind"]),
                reason="wrong kind",
                author=Actor(users[other], other, "desk-c"),
                at=occurred + timedelta(hours=1),
            )
        planned.append(item)
    return planned


def _truth(planned: list[dict[str, Any]], **only: str) -> tuple[Counter[str], ...]:
    kinds: Counter[str] = Counter()
    not_allowed: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for item in planned:
        if not START <= item["occurred"] < END:
            continue
        if any(item[key] != value for key, value in only.items()):
            continue
        kinds[item["kind"]] += 1
        not_allowed[item["kind"]] += not item["allowed"]
        for thing in item["given"]:
            given[DISCLOSURE_WORDS[thing]] += 1
        if {"release_date", "custody_status"} & set(item["given"]):
            given[RELEASE_INFO] += 1
    return kinds, not_allowed, given


@pytest.mark.parametrize("only", [{}, {"user": "officer2"}, {"desk": "desk-b"}])
def test_contact_figures_match_the_contacts(
    desk: Any, contacts: list[dict[str, Any]], only: dict[str, str]
) -> None:
    filters = {"officer": only.get("user"), "desk": only.get("desk")}
    made = build_report(
        desk.services.ctx,
        ReportRequest(desk.session("supervisor"), date(2026, 1, 1), date(2026, 4, 30), **filters),
    )
    kinds, not_allowed, given = _truth(contacts, **only)
    assert sum(kinds.values()) > 5
    rows = {row[0]: row[1:] for row in made.figure("contacts_by_kind").rows}
    assert rows == {
        **{CONTACT_KIND_WORDS[k]: (kinds[k], not_allowed[k]) for k in kinds},
        "Total": (sum(kinds.values()), sum(not_allowed.values())),
    }
    shown = {row[0]: row[1] for row in made.figure("contacts_given").rows}
    assert shown == dict(given)
    by_month = [row[4] for row in made.figure("by_month").rows]
    assert sum(by_month) == sum(kinds.values())
    assert "keeps no log of contacts" not in " ".join(made.notes)


def _also_in_force(later: int, refused: tuple[str, ...]) -> str:
    """A stored advice naming a later decision also in force, as the contact log stores
    one (services/contacts.py)."""
    return json.dumps(
        {
            "decision": {
                "id": 1,
                "version": 1,
                "in_force_from": utc_text(datetime(2026, 2, 1, 10, tzinfo=UTC)),
            },
            "also_in_force": {
                "id": later,
                "version": 1,
                "in_force_from": utc_text(datetime(2026, 2, 1, 12, tzinfo=UTC)),
                "not_allowed": list(refused),
            },
        }
    )


def test_contacts_allowed_against_a_later_decision_are_named_in_a_note(desk: Any) -> None:
    # Allowed by the decision they were recorded under, not by a later one also in force:
    # counted as allowed (the decision named allowed them), and a note says how many (the
    # report said nothing of them). A reviewed contact under conditions, one that gave
    # only what the later decision allowed, and one outside the period are not counted.
    users = {u.username: u.id for u in desk.store.users.all()}
    author = Actor(users["officer"], "officer", "desk-a")
    at = datetime(2026, 2, 1, 18, tzinfo=UTC)
    cases = [
        (("release_date",), _also_in_force(7, ("release_date",)), at),
        (("release_date", "custody_status"), _also_in_force(9, ("custody_status",)), at),
        (("custody_status",), _also_in_force(7, ("release_date",)), at),  # not what it refused
        (("release_date",), json.dumps({"decision": None}), at),  # conditions met, reviewed
        (("release_date",), _also_in_force(7, ("release_date",)), datetime(2025, 6, 1, tzinfo=UTC)),
    ]
    for number, (given, advice, occurred) in enumerate(cases):
        draft = _draft(
            booking_number=f"NH-9{number}",
            kind=KINDS[0],
            occurred_at=occurred,
            given=given,
            advice_json=advice,
            allowed=True,
            unlawful_reason="asked under the judicial warrant of the decision named",
            review_needed=True,
        )
        desk.store.contacts.add(draft, author, occurred + timedelta(minutes=3))
    made = build_report(
        desk.services.ctx,
        ReportRequest(desk.session("supervisor"), date(2026, 1, 1), date(2026, 4, 30)),
    )
    rows = {row[0]: row[1:] for row in made.figure("contacts_by_kind").rows}
    assert rows["Total"] == (4, 0)  # all four of the period counted, none as not allowed
    notes = [note for note in made.notes if "later decision" in note]
    assert len(notes) == 1 and notes[0].startswith("2 contacts counted as allowed"), made.notes


def test_rows_changed_behind_trustdesks_back_are_counted_not_crashed_on() -> None:
    # A disclosure column that is not JSON stopped the report ("internal error"); an
    # advice whose later decision's number is 1e400 (no integer) stopped the note's count.
    from trustdesk.services.report_figures import (
        UNREADABLE,
        contacts_against_later,
        contacts_given,
    )
    from trustdesk.store.reports_query import ContactData

    unreadable = json.dumps({"also_in_force": {"id": 1e400, "version": 1}})
    unreadable = unreadable.replace("Infinity", "1e400")
    data = ContactData(
        by_kind=(),
        given=(("not json", 1, 2), ('["release_date"]', 1, 1), ("[" * 100_000, 0, 1)),
        allowed_reviewed=(
            ('["release_date"]', unreadable),
            ("not json", _also_in_force(7, ("release_date",))),
            ('["release_date"]', "[" * 100_000),
        ),
    )
    rows = {row[0]: row[1:] for row in contacts_given(data).rows}
    assert rows[UNREADABLE] == (3, 1)
    assert rows[DISCLOSURE_WORDS["release_date"]] == (1, 0)
    assert contacts_against_later(data) == 0

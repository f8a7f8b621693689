"""The contact figures of a report against contacts whose true counts are known.

The contact log (issue 14 §1) is another helper's work; until it is merged, this test
builds the table with the columns the helpers' contract fixes (contracts-14 §C:
``contact_id``/``version``/``amends`` like decisions, ``kind``, ``occurred_at``,
``given`` as a JSON list, ``allowed``, ``user_id``, and the ``audit_seq`` of the entry
that recorded it), so the report's queries are proved on the shape they will meet.
SQLite only: the table is made with the sqlite3 module on the store's file.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from trustdesk.services.report_figures import CONTACT_KIND_WORDS, DISCLOSURE_WORDS
from trustdesk.services.reports import ReportRequest, build_report
from trustdesk.store.encoding import utc_text
from trustdesk.store.records import Actor, AuditEvent

KINDS = tuple(CONTACT_KIND_WORDS)
GIVEN = ("release_date", "custody_status", "interview_access", "transfer", "confidential")
CONTRACT_TABLE = """CREATE TABLE contacts (
    id INTEGER PRIMARY KEY, contact_id INTEGER NOT NULL, version INTEGER NOT NULL,
    amends INTEGER UNIQUE, reason TEXT, person_id INTEGER, booking_number TEXT,
    decision_id INTEGER, kind TEXT NOT NULL, direction TEXT NOT NULL,
    occurred_at TEXT NOT NULL, channel TEXT NOT NULL, ice_office TEXT, ice_officer TEXT,
    asked TEXT, given TEXT NOT NULL, note TEXT, user_id INTEGER NOT NULL,
    recorded_at TEXT NOT NULL, pack_id TEXT NOT NULL, allowed INTEGER NOT NULL,
    unlawful_reason TEXT, review_needed INTEGER NOT NULL, app_version TEXT NOT NULL,
    audit_seq INTEGER NOT NULL
)"""


@pytest.fixture
def contacts(desk: Any) -> Any:
    rng = random.Random(5)
    users = {u.username: u.id for u in desk.store.users.all()}
    planned = []
    start = datetime(2025, 12, 20, tzinfo=UTC)
    for number in range(90):
        occurred = start + timedelta(hours=rng.randrange(24 * 150))
        given = sorted(rng.sample(GIVEN, rng.choice((0, 1, 1, 2))))
        planned.append(
            {
                "kind": rng.choice(KINDS),
                "occurred": occurred,
                "given": given,
                "allowed": int(not {"confidential", "interview_access"} & set(given)),
                "user": ("officer", "officer2")[number % 2],
                "desk": ("desk-a", "desk-b")[number % 3 == 0],
                "amended_kind": rng.choice(KINDS) if number % 10 == 0 else None,
            }
        )
    rows = []
    next_id = 1
    for item in planned:
        versions = [item["kind"]] + ([item["amended_kind"]] if item["amended_kind"] else [])
        first = next_id
        for version, kind in enumerate(versions, start=1):
            entry = desk.store.audit.record(
                AuditEvent("contact.recorded", "success", {"contact": first}),
                Actor(users[item["user"]], item["user"], item["desk"]),
                item["occurred"],
            )
            rows.append(
                (
                    next_id,
                    first,
                    version,
                    None if version == 1 else next_id - 1,
                    kind,
                    utc_text(item["occurred"]),
                    json.dumps(item["given"]),
                    users[item["user"]],
                    item["allowed"],
                    entry.seq,
                )
            )
            next_id += 1
        item["kind"] = versions[-1]
    conn = sqlite3.connect(desk.store.path)
    with conn:
        conn.execute(CONTRACT_TABLE)
        conn.executemany(
            "INSERT INTO contacts (id, contact_id, version, amends, reason, kind, direction, "
            "occurred_at, channel, given, user_id, recorded_at, pack_id, allowed, "
            "review_needed, app_version, audit_seq) VALUES (?, ?, ?, ?, 'r', ?, 'from_ice', ?, "
            "'phone', ?, ?, '2026-01-01T00:00:00.000000Z', 'ct-2025', ?, 0, '0.1.0', ?)",
            rows,
        )
    conn.close()
    return planned


def _truth(
    planned: list[dict[str, Any]], **only: str
) -> tuple[Counter[str], Counter[str], Counter[str]]:
    start = datetime(2026, 1, 1, 5, tzinfo=UTC)
    end = datetime(2026, 5, 1, 4, tzinfo=UTC)
    kinds: Counter[str] = Counter()
    not_allowed: Counter[str] = Counter()
    given: Counter[str] = Counter()
    for item in planned:
        if not start <= item["occurred"] < end:
            continue
        if any(item[key] != value for key, value in only.items()):
            continue
        kinds[item["kind"]] += 1
        not_allowed[item["kind"]] += 1 - item["allowed"]
        for thing in item["given"]:
            given[thing] += 1
        if {"release_date", "custody_status"} & set(item["given"]):
            given["Release date or custody status"] += 1
    return kinds, not_allowed, given


@pytest.mark.parametrize("only", [{}, {"user": "officer2"}, {"desk": "desk-b"}])
def test_contact_figures_match_the_contacts(desk: Any, contacts: Any, only: dict[str, str]) -> None:
    filters = {"officer": only.get("user"), "desk": only.get("desk")}
    made = build_report(
        desk.services.ctx,
        ReportRequest(desk.session("supervisor"), date(2026, 1, 1), date(2026, 4, 30), **filters),
    )
    kinds, not_allowed, given = _truth(contacts, **only)
    assert sum(kinds.values()) > 10
    rows = {row[0]: row[1:] for row in made.figure("contacts_by_kind").rows}
    assert rows == {
        **{CONTACT_KIND_WORDS[k]: (kinds[k], not_allowed[k]) for k in kinds},
        "Total": (sum(kinds.values()), sum(not_allowed.values())),
    }
    shown = {row[0]: row[1] for row in made.figure("contacts_given").rows}
    assert shown == {DISCLOSURE_WORDS.get(k, k): n for k, n in given.items()}
    by_month = [row[4] for row in made.figure("by_month").rows]
    assert sum(by_month) == sum(kinds.values())

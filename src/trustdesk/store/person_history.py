"""Everything on record about one person, read in one snapshot: their decisions with
every version, the reviews, the holds, and the audit entries naming those decisions.

A person is who was booked under one booking number (compared by ``booking_key``): a
booking number is the one identifier the desk always has and never guesses. People
with the same name and date of birth under other booking numbers are not merged in,
because two people may share both and a history must never show someone else's record.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from trustdesk.store.audit import entries_of_decision
from trustdesk.store.case_records import DecisionRecord, Hold, PersonFacts, Review
from trustdesk.store.errors import NotFound
from trustdesk.store.folding import booking_key
from trustdesk.store.holds import hold_of
from trustdesk.store.records import AuditEntry
from trustdesk.store.reviews import reviews_of
from trustdesk.store.versions import history

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

#: A person's page shows at most this many decisions (newest first); a booking has a few.
MAX_DECISIONS = 500


@dataclass(frozen=True, slots=True)
class DecisionHistory:
    versions: tuple[DecisionRecord, ...]  # version 1 first
    reviews: tuple[Review, ...]
    hold: Hold | None
    trail: tuple[AuditEntry, ...]  # every audit entry naming the decision, in chain order

    @property
    def latest(self) -> DecisionRecord:
        return self.versions[-1]


@dataclass(frozen=True, slots=True)
class PersonHistory:
    booking_number: str  # as first recorded
    names: tuple[PersonFacts, ...]  # every name/date of birth recorded under the number
    person_ids: tuple[int, ...]
    decisions: tuple[DecisionHistory, ...]  # newest decision first


def person_history(conn: sqlite3.Connection, booking_number: str) -> PersonHistory:
    key = booking_key(booking_number)
    people = list(
        conn.execute(
            "SELECT id, booking_number, name, date_of_birth FROM people "
            "WHERE booking_key = ? ORDER BY id",
            (key,),
        )
    )
    if not people:
        raise NotFound(f"nothing is recorded under booking number {booking_number.strip()!r}")
    ids = [row[0] for row in people]
    marks = ", ".join("?" for _ in ids)
    decision_ids = [
        row[0]
        for row in conn.execute(
            f"SELECT DISTINCT decision_id FROM decisions WHERE person_id IN ({marks}) "
            f"ORDER BY decision_id DESC LIMIT {MAX_DECISIONS}",
            ids,
        )
    ]
    decisions = []
    for decision_id in decision_ids:
        try:
            hold: Hold | None = hold_of(conn, decision_id=decision_id)
        except NotFound:
            hold = None
        decisions.append(
            DecisionHistory(
                history(conn, decision_id),
                reviews_of(conn, decision_id),
                hold,
                tuple(entries_of_decision(conn, decision_id)),
            )
        )
    decisions.sort(key=lambda item: (item.latest.decision_time, item.latest.decision_id))
    decisions.reverse()
    names = tuple(
        PersonFacts(row[1], row[2], None if row[3] is None else date.fromisoformat(row[3]))
        for row in people
    )
    return PersonHistory(people[0][1], names, tuple(ids), tuple(decisions))


class PersonHistoryRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def of_booking(self, booking_number: str) -> PersonHistory:
        with self._db.reading() as conn:
            return person_history(conn, booking_number)

"""Find any record: one line of text (booking number, name, dates, outcome) read into a
store query, run under the caller's role, and recorded in the audit.

The line is read word by word, in any order:

* a date (2026-03-05, 3/5/2026) or a month (2026-03) is the day or month in the
  agency's time zone; two of them are a range, both ends included;
* an outcome word (honored, declined, open, custody, expiry, released, allowed,
  not-allowed…) keeps only records with that outcome;
* a word with a digit in it is a booking number (compared without case);
* every other word is part of the name (partial, without case or accents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.permissions import Operation
from trustdesk.store.records import DEFAULT_TIMEZONE
from trustdesk.store.search import FoundRecords, RecordQuery

MAX_TEXT = 200
#: The outcome words a person may type, and the record outcome each stands for.
OUTCOME_WORDS = {
    "honor": "honor",
    "honored": "honor",
    "honour": "honor",
    "honoured": "honor",
    "decline": "decline",
    "declined": "decline",
    "open": "open",
    "custody": "ice_took_custody",
    "ice_took_custody": "ice_took_custody",
    "expiry": "released_at_expiry",
    "expired": "released_at_expiry",
    "released_at_expiry": "released_at_expiry",
    "released": "released_other",
    "released_other": "released_other",
    "allowed": "allowed",
    "not-allowed": "not_allowed",
    "not_allowed": "not_allowed",
    "unlawful": "not_allowed",
    "flagged": "not_allowed",
}
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_US_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class ReadQuery:
    """What the line was read as, for the screen to say back ("name jose, in March 2026")."""

    query: RecordQuery
    words: tuple[str, ...]


def _period(word: str) -> tuple[date, date] | None:
    """The first and last day ``word`` names, or None if it is no date."""
    try:
        if match := _ISO_DAY.match(word):
            day = date(int(match[1]), int(match[2]), int(match[3]))
            return day, day
        if match := _US_DAY.match(word):
            day = date(int(match[3]), int(match[1]), int(match[2]))
            return day, day
        if match := _MONTH.match(word):
            first = date(int(match[1]), int(match[2]), 1)
            following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, following - timedelta(days=1)
    except ValueError:
        raise InvalidRequest(f"{word!r} is not a real date; write it as 2026-03-05") from None
    return None


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def read_query(text: str, zone: ZoneInfo, limit: int = 200) -> ReadQuery:
    """``text`` as a store query; a clear ``InvalidRequest`` when it cannot be one."""
    if len(text) > MAX_TEXT:
        raise InvalidRequest(f"the search is {len(text)} characters long; use at most {MAX_TEXT}")
    days: list[date] = []
    outcomes: list[str] = []
    bookings: list[str] = []
    names: list[str] = []
    said: list[str] = []
    for word in text.split():
        period = _period(word)
        if period is not None:
            days.extend(period)
        elif word.casefold() in OUTCOME_WORDS:
            outcomes.append(OUTCOME_WORDS[word.casefold()])
        elif any(char.isdigit() for char in word):
            bookings.append(word)
        else:
            names.append(word)
    if not (days or outcomes or bookings or names):
        raise InvalidRequest(
            "type a booking number, a name, a date (2026-03-05) or an outcome (declined)"
        )
    if len(set(outcomes)) > 1:
        raise InvalidRequest("type one outcome at a time (for example honored or declined)")
    if len(bookings) > 1:
        raise InvalidRequest(
            f"{' and '.join(bookings[:2])}: type one booking number at a time "
            "(a word with a digit in it is read as a booking number)"
        )
    if len(days) > 4:
        raise InvalidRequest("type one date, or two for a period (2026-03-01 2026-03-31)")
    start = end = None
    if days:
        first, last = min(days), max(days)
        start, end = _midnight(first, zone), _midnight(last + timedelta(days=1), zone)
        said.append(
            f"on {first.isoformat()}"
            if first == last
            else f"{first.isoformat()} to {last.isoformat()}"
        )
    if bookings:
        said.append(f"booking number {bookings[0]}")
    if names:
        said.append(f"name {' '.join(names)}")
    if outcomes:
        said.append(f"outcome {outcomes[0].replace('_', ' ')}")
    query = RecordQuery(
        booking_number=bookings[0] if bookings else None,
        name=" ".join(names) or None,
        start=start,
        end=end,
        outcome=outcomes[0] if outcomes else None,
        limit=limit,
    )
    return ReadQuery(query, tuple(said))


def agency_zone(ctx: ServiceContext) -> ZoneInfo:
    profile = ctx.store.agency.get()
    return ZoneInfo(profile.timezone if profile is not None else DEFAULT_TIMEZONE)


def find_records(ctx: ServiceContext, session: Session, query: RecordQuery) -> FoundRecords:
    """Records matching ``query`` for roles that may list records; the audit records which
    parts were used and which records were shown (ids only, never the names typed)."""
    ctx.authorize(session, Operation.DECISION_LIST)
    found = ctx.store.search.records(query)
    used = [
        name
        for name in ("booking_number", "name", "start", "end", "outcome")
        if getattr(query, name) is not None
    ]
    ctx.audit(
        "records.searched",
        session,
        filters=used,
        shown=[f"{hit.kind}:{hit.record_id}" for hit in found.records],
    )
    return found


def find(ctx: ServiceContext, session: Session, text: str) -> tuple[ReadQuery, FoundRecords]:
    """Read ``text`` in the agency's zone and find what it names."""
    read = read_query(text, agency_zone(ctx))
    return read, find_records(ctx, session, read.query)

"""What the history form and the board ask the store for: dates in the agency's zone.

No Qt here: the search form reads its fields into plain values and this module turns
them into a ``SearchQuery`` (calendar days in the agency's zone become UTC instants).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from trustdesk.store.search import SearchQuery

#: The outcome choices of the form; "any" means no filter.
OUTCOME_CHOICES = (("any", "Any outcome"), ("honor", "Honor"), ("decline", "Decline"))
RESULT_LIMIT = 500


def day_start(day: date, zone: tzinfo) -> datetime:
    """Midnight at the start of ``day`` in ``zone``, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def day_range(first: date, last: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """From the start of ``first`` to the start of the day after ``last`` (inclusive days)."""
    if last < first:
        first, last = last, first
    return day_start(first, zone), day_start(last + timedelta(days=1), zone)


def today_range(now: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    today = now.astimezone(zone).date()
    return day_range(today, today, zone)


@dataclass(frozen=True, slots=True)
class SearchForm:
    """The form's fields as typed; blank text and "any" mean "no filter"."""

    booking_number: str = ""
    name: str = ""
    first_day: date | None = None
    last_day: date | None = None
    outcome: str = "any"
    officer: str = ""

    def query(self, zone: tzinfo, limit: int = RESULT_LIMIT) -> SearchQuery:
        decided_from = decided_before = None
        if self.first_day is not None and self.last_day is not None:
            decided_from, decided_before = day_range(self.first_day, self.last_day, zone)
        elif self.first_day is not None:
            decided_from = day_start(self.first_day, zone)
        elif self.last_day is not None:
            decided_before = day_start(self.last_day + timedelta(days=1), zone)
        return SearchQuery(
            booking_number=self.booking_number.strip() or None,
            name=self.name.strip() or None,
            decided_from=decided_from,
            decided_before=decided_before,
            outcome=None if self.outcome == "any" else self.outcome,
            officer=self.officer.strip() or None,
            limit=limit,
        )


def today_query(now: datetime, zone: tzinfo, limit: int = RESULT_LIMIT) -> SearchQuery:
    decided_from, decided_before = today_range(now, zone)
    return SearchQuery(decided_from=decided_from, decided_before=decided_before, limit=limit)

"""What a report asks the store for (``ReportQuery``) and the contact counts it gets back
(``ContactData``): shared by reports.py and reports_contacts.py, so neither imports the
other's module back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """Which decisions a report counts; instants are UTC, ``end`` excluded."""

    start: datetime
    end: datetime
    by: str = "decided"
    #: UTC instants where each calendar month (in the agency's zone) after the first starts.
    month_starts: tuple[datetime, ...] = ()
    officer: str | None = None  # user name
    desk: str | None = None  # workstation name
    #: "Now", for holds still open: overdue if their release was due before it.
    now: datetime | None = None


@dataclass(frozen=True, slots=True)
class ContactData:
    #: (kind, allowed 1/0, month index, count).
    by_kind: tuple[tuple[str, int, int, int], ...]
    #: (disclosures given, as their JSON list; allowed 1/0; count).
    given: tuple[tuple[str, int, int], ...]
    #: The contacts counted as allowed that went to a supervisor's review and whose
    #: stored advice names a later decision also in force: (disclosures given, as their
    #: JSON list; the advice). The service reads which gave what the later decision did
    #: not allow (decision 0074).
    allowed_reviewed: tuple[tuple[str, str], ...] = ()

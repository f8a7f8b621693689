"""Record numbers, days and times as the command line accepts them: the ranges the record
holds, each refused with one message saying what to type instead.

A number of 2**63 or more cannot be looked up (SQLite's and PostgreSQL's integers stop
below it), and a day near year 1 or 9999 cannot be turned into a local time or have a
day added to it; both used to end in "internal error". Days and times take the years a
case file takes (rules/caseio: 1900 to 2199).
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

#: Record numbers (decisions, holds, contacts, people): what the databases can hold.
LAST_NUMBER = 2**63 - 1
#: The years a case file may carry (rules/caseio.FIRST_YEAR and LAST_YEAR).
FIRST_YEAR = 1900
LAST_YEAR = 2199


def record_number(text: str) -> int:
    """The argparse type of every record number (``decisions show 42``, ``--person 7``)."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit()):
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a record number: give a whole number such as 42"
        )
    if len(cleaned) > len(str(LAST_NUMBER)) or not 1 <= int(cleaned) <= LAST_NUMBER:
        raise argparse.ArgumentTypeError(
            f"there is no record number {cleaned[:40]}{'…' if len(cleaned) > 40 else ''}: "
            f"record numbers run from 1 to {LAST_NUMBER}; check the number (the lists show "
            "them)"
        )
    return int(cleaned)


#: The name that means standard output to most command-line programs.
STANDARD_OUTPUT = "-"


def new_file(text: str) -> Path:
    """The argparse type of a file a command writes (a report, a memo, a backup, a key):
    ``-`` is refused, not taken for a file of that name. Each of these commands records or
    prints where its file went (a report's place and digest go into the audit trail), so
    there is no standard output to write to."""
    if text.strip() == STANDARD_OUTPUT:
        raise argparse.ArgumentTypeError(
            "'-' (standard output) is not taken here: this command writes a new file and "
            "says where it went; give the file's name instead (a file really "
            "named - is written as ./-)"
        )
    return Path(text)


def file_or_standard_output(text: str) -> Path | None:
    """The argparse type of an output that defaults to standard output (``audit export
    --output``): ``-`` is standard output, as the option's help says, not a file."""
    return None if text.strip() == STANDARD_OUTPUT else Path(text)


def decision_ref(text: str) -> tuple[int, int | None]:
    """The argparse type of ``memo``'s decision: 42, or 42v2 for a version of it."""
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.memos import parse_decision_ref

    try:
        number, version = parse_decision_ref(text[:100])
    except InvalidRequest as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    for value, what in ((number, "decision"), (version, "version")):
        if value is not None and value > LAST_NUMBER:
            raise argparse.ArgumentTypeError(
                f"there is no {what} {value}: numbers run from 1 to {LAST_NUMBER}; check the "
                "number (decisions list)"
            )
    return number, version


def _years(flag: str, year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest(
            f"{flag} is in the year {year}; give a date in the years {FIRST_YEAR} to {LAST_YEAR}"
        )


def day(text: str, flag: str) -> date:
    """A day given as ``2026-11-20`` in the years a case may carry; InvalidRequest if not."""
    try:
        value = date.fromisoformat(text)
    except ValueError:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest(f"{flag} must be a date like 2026-11-20, not {text[:40]!r}") from None
    _years(flag, value.year)
    return value


def moment(text: str, flag: str) -> datetime:
    """A time with its UTC offset (``2026-11-24T15:00-05:00``) in the years a case may carry."""
    from trustdesk.services.errors import InvalidRequest

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"{flag} must be a time like 2026-11-24T15:00-05:00, not {text[:40]!r}"
        ) from None
    if value.tzinfo is None:
        raise InvalidRequest(f"{flag} needs its UTC offset, e.g. 2026-11-24T15:00-05:00")
    _years(flag, value.year)
    return value

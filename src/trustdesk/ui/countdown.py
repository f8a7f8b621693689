"""Hold countdowns as the board shows them: the arithmetic and the words, without Qt.

The board takes one reading of (wall clock, monotonic clock) and from then on measures
elapsed time on the monotonic clock alone, so a change of the computer's clock (by hand,
or a bad time server) cannot make an overdue hold look as if it still had time left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from trustdesk.core.wall_time import local_text

#: A hold this close to its expiry is shown in amber.
SOON = timedelta(hours=4)
UNKNOWN_TEXT = "release time not yet known"


class Urgency(StrEnum):
    OVERDUE = "overdue"
    SOON = "soon"
    OK = "ok"
    UNKNOWN = "unknown"


#: The status column's words, each with a sign, so colour is never the only signal.
STATUS_TEXT = {
    Urgency.OVERDUE: "‼ OVERDUE",
    Urgency.SOON: "⚠ < 4 h",
    Urgency.OK: "✓ OK",
    Urgency.UNKNOWN: "? NOT KNOWN",
}

#: Order of urgency for sorting (most urgent first).
RANK = {Urgency.OVERDUE: 0, Urgency.SOON: 1, Urgency.OK: 2, Urgency.UNKNOWN: 3}


@dataclass(frozen=True, slots=True)
class Anchor:
    """One simultaneous reading of the wall and the monotonic clock."""

    wall: datetime
    monotonic: float

    def now(self, monotonic_now: float) -> datetime:
        """The wall time now, as the monotonic clock has measured it since the reading."""
        return self.wall + timedelta(seconds=monotonic_now - self.monotonic)

    def remaining(self, expiry: datetime | None, monotonic_now: float) -> timedelta | None:
        """Time left until ``expiry`` (negative once past); None when it is not known."""
        if expiry is None:
            return None
        return expiry - self.now(monotonic_now)


def urgency(remaining: timedelta | None) -> Urgency:
    if remaining is None:
        return Urgency.UNKNOWN
    if remaining <= timedelta(0):
        return Urgency.OVERDUE
    if remaining <= SOON:
        return Urgency.SOON
    return Urgency.OK


def span_text(span: timedelta) -> str:
    """A duration in whole units, rounded down: "2 d 4 h 12 m", "5 h 12 m", "42 m 10 s"."""
    seconds = int(abs(span).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h {minutes} m"
    if hours:
        return f"{hours} h {minutes} m"
    return f"{minutes} m {secs} s"


def expiry_text(expiry: datetime, zone: tzinfo) -> str:
    """'Tue 24 Nov 2026 15:00 EST' in the agency's zone, as the memo and the services
    write it (``core.wall_time.local_text``): with the year, and with the zone's
    abbreviation, without which 01:30 on the night the clocks go back is two times an
    hour apart (EDT, then EST), and a deadline in another year reads as this year's."""
    return local_text(expiry, zone)


def stamp_text(moment: datetime, zone: tzinfo, *, seconds: bool = False) -> str:
    """'Fri 20 Nov 2026 11:00 EST' in the agency's zone, for records and the audit, as
    the board writes its deadlines (``core.wall_time.local_text``): without the zone's
    abbreviation two records made an hour apart in the hour repeated when the clocks go
    back (01:30 EDT, then 01:30 EST) read as made at the same time."""
    return local_text(moment, zone, seconds=seconds)


#: Why release is due on a hold that did not run out (``countdown_text``'s ``amended``).
AMENDED_TO_DECLINE = "decision amended to decline"
AMENDED_TO_NO_HOLD = "decision amended: the form asks for no hold"


def countdown_text(
    expiry: datetime | None, remaining: timedelta | None, zone: tzinfo, amended: str = ""
) -> str:
    """'expires Tue 24 Nov 2026 15:00 EST — in 5 h 12 m' or 'expired … — overdue by 1 h 3 m'.

    ``amended``: the hold's decision was amended so that nobody may be held (release is
    due from the amendment, not from an expiry): 'release now — decision amended to
    decline Tue 24 Nov 2026 15:00 EST — overdue by 3 m'. Saying "expired" there led the desk to
    "released at expiry", which the record refuses for such a hold.
    """
    if expiry is None or remaining is None:
        return UNKNOWN_TEXT
    when = expiry_text(expiry, zone)
    if amended:
        late = "overdue by" if remaining <= timedelta(0) else "due in"
        return f"release now — {amended} {when} — {late} {span_text(remaining)}"
    if remaining <= timedelta(0):
        return f"expired {when} — overdue by {span_text(remaining)}"
    return f"expires {when} — in {span_text(remaining)}"

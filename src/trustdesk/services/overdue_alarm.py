"""When a desk sounds the overdue alarm: once for each hold that became overdue, until
someone at that desk acknowledges it. No Qt and no clock of its own: the caller passes
the active holds (from the shared record, so another desk's hold counts the same) and
the time it has measured; the desktop app beeps and shows a banner for what this returns.

A board refreshes every 30 s and on every change of the record, and its countdowns move
every second; none of that may ring again for a hold already announced. A hold that is
closed (or whose release time moves back into the future, after an amendment) is
forgotten, so if it becomes overdue again it rings again; so does one whose overdue time
changed while it stayed overdue (amended at another desk to decline, or to a release
time already past): an acknowledgement covers the overdue it was given for.

Acknowledgements are on the shared record (``services.alarm_acks``, decision 0034): the
caller passes those it read with the holds, so an alarm acknowledged at another desk
falls silent here too; ``acknowledge`` covers this desk until its record is read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from trustdesk.store.case_records import HoldStatus


@dataclass(frozen=True, slots=True)
class OverdueAlarm:
    """One hold past its release time, as the alarm names it."""

    hold_id: int
    booking_number: str
    overdue_since: datetime
    decision_id: int


class OverdueAlarms:
    """The alarm state of one desk (one signed-in window)."""

    def __init__(self) -> None:
        #: Overdue holds announced and not yet acknowledged, by hold id.
        self._ringing: dict[int, OverdueAlarm] = {}
        #: Overdue holds announced and acknowledged, with the release time they were
        #: overdue from: they stay quiet while overdue from that very time.
        self._acknowledged: dict[int, datetime] = {}
        #: The overdue release times acknowledged on the record, by hold id.
        self._on_record: dict[int, frozenset[datetime]] = {}

    def update(
        self,
        holds: Iterable[HoldStatus],
        now: datetime,
        acknowledged: Mapping[int, frozenset[datetime]] | None = None,
    ) -> list[OverdueAlarm]:
        """The holds that are overdue at ``now`` and were not announced before: ring for
        these (an empty list: stay quiet). ``holds`` is every active hold;
        ``acknowledged`` (when given) is what the record says was acknowledged at any
        desk, by hold: the overdue release times seen. It is kept until the next one."""
        if acknowledged is not None:
            self._on_record = dict(acknowledged)
        overdue = {
            hold.hold_id: OverdueAlarm(
                hold.hold_id, hold.booking_number, hold.release_due_at, hold.decision_id
            )
            for hold in holds
            if hold.release_due_at is not None and hold.release_due_at <= now
        }
        # Acknowledged on the record (here or at another desk) for this very overdue.
        for hold_id, alarm in overdue.items():
            if alarm.overdue_since in self._on_record.get(hold_id, frozenset()):
                self._acknowledged[hold_id] = alarm.overdue_since
                self._ringing.pop(hold_id, None)
        # Closed, no longer overdue, or overdue from another time now (amended at another
        # desk): forgotten, so the overdue it is now rings.
        for hold_id, known in list(self._ringing.items()):
            if hold_id not in overdue or overdue[hold_id].overdue_since != known.overdue_since:
                del self._ringing[hold_id]
        self._acknowledged = {
            hold_id: since
            for hold_id, since in self._acknowledged.items()
            if hold_id in overdue and overdue[hold_id].overdue_since == since
        }
        new = [
            alarm
            for hold_id, alarm in overdue.items()
            if hold_id not in self._ringing and hold_id not in self._acknowledged
        ]
        for alarm in new:
            self._ringing[alarm.hold_id] = alarm
        return sorted(new, key=_order)

    @property
    def ringing(self) -> list[OverdueAlarm]:
        """Announced and not acknowledged, longest overdue first."""
        return sorted(self._ringing.values(), key=_order)

    def acknowledge(self) -> list[OverdueAlarm]:
        """Someone at the desk has seen every ringing alarm; returns them."""
        seen = self.ringing
        self._acknowledged.update((alarm.hold_id, alarm.overdue_since) for alarm in seen)
        self._ringing.clear()
        return seen


def _order(alarm: OverdueAlarm) -> tuple[datetime, int]:
    return (alarm.overdue_since, alarm.hold_id)

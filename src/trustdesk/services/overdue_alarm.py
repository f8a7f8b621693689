"""When a desk sounds the overdue alarm: once for each hold that became overdue, until
someone at that desk acknowledges it. No Qt and no clock of its own: the caller passes
the active holds (from the shared record, so another desk's hold counts the same) and
the time it has measured; the desktop app beeps and shows a banner for what this returns.

A board refreshes every 30 s and on every change of the record, and its countdowns move
every second; none of that may ring again for a hold already announced. A hold that is
closed (or whose release time moves back into the future, after an amendment) is
forgotten, so if it becomes overdue again it rings again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from trustdesk.store.case_records import HoldStatus


@dataclass(frozen=True, slots=True)
class OverdueAlarm:
    """One hold past its release time, as the alarm names it."""

    hold_id: int
    booking_number: str
    overdue_since: datetime


class OverdueAlarms:
    """The alarm state of one desk (one signed-in window)."""

    def __init__(self) -> None:
        #: Overdue holds announced and not yet acknowledged, by hold id.
        self._ringing: dict[int, OverdueAlarm] = {}
        #: Overdue holds announced and acknowledged: they stay quiet while overdue.
        self._acknowledged: set[int] = set()

    def update(self, holds: Iterable[HoldStatus], now: datetime) -> list[OverdueAlarm]:
        """The holds that are overdue at ``now`` and were not announced before: ring for
        these (an empty list: stay quiet). ``holds`` is every active hold."""
        overdue = {
            hold.hold_id: OverdueAlarm(hold.hold_id, hold.booking_number, hold.release_due_at)
            for hold in holds
            if hold.release_due_at is not None and hold.release_due_at <= now
        }
        # Closed, or no longer overdue: forgotten (a later overdue rings again).
        for hold_id in [known for known in self._ringing if known not in overdue]:
            del self._ringing[hold_id]
        self._acknowledged &= overdue.keys()
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
        self._acknowledged.update(alarm.hold_id for alarm in seen)
        self._ringing.clear()
        return seen


def _order(alarm: OverdueAlarm) -> tuple[datetime, int]:
    return (alarm.overdue_since, alarm.hold_id)

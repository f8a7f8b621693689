"""Helpers for the live-board tests: collect what a change feed reports, wait for it.

A wait has a generous ceiling (the promise is 2 s; a loaded CI machine may be slower);
the real delays are measured by bench/board_sync.py, never asserted here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.store.changes import Change

#: How long a test waits for a change to arrive before it fails.
CEILING = 10.0
DECIDED = "2026-11-20T11:00:00-05:00"


class Collector:
    """The changes and reachability reports a feed delivered, in order (thread-safe)."""

    def __init__(self) -> None:
        self.changes: list[Change] = []
        self.reachable: list[bool] = []
        self.board: int = 0
        self._cond = threading.Condition()

    def on_changes(self, changes: Sequence[Change]) -> None:
        with self._cond:
            self.changes.extend(changes)
            self._cond.notify_all()

    def on_board(self) -> None:
        with self._cond:
            self.board += 1
            self._cond.notify_all()

    def on_reachable(self, up: bool) -> None:
        with self._cond:
            self.reachable.append(up)
            self._cond.notify_all()

    def events(self) -> list[str]:
        with self._cond:
            return [change.event for change in self.changes]

    def wait_for(self, what: Callable[[Collector], bool], ceiling: float = CEILING) -> None:
        deadline = time.monotonic() + ceiling
        with self._cond:
            while not what(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"not seen within {ceiling} s: changes {self.changes}, "
                        f"reachable {self.reachable}, board {self.board}"
                    )
                self._cond.wait(left)


def honored(rules: Any, booking: str = "NH-2026-0412", name: str = "María Peña") -> Any:
    """A case whose detainer is honoured (a hold opens), decided at the desks' T0."""
    raw = make_case(
        decision_time=DECIDED,
        releasable_at="2026-11-20T15:00:00-05:00",
        convictions=[conviction("53a-134", "felony", "B")],
        person={"name": name, "date_of_birth": "1990-04-17", "booking_number": booking},
    )
    return parse_case(raw, "test", rules.sections), raw

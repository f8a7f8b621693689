"""Wall time for records and monotonic time for timers, injectable for tests.

Countdowns and the inactivity lock run on the monotonic clock, which a wall-clock change
cannot move; a jump of the wall clock against it is noticed and reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

JUMP_TOLERANCE = timedelta(minutes=1)


def _steady() -> Callable[[], float]:
    """A monotonic clock that keeps counting while the computer sleeps.

    Linux's CLOCK_MONOTONIC stops during suspend, so a countdown would fall behind by the
    length of every sleep; CLOCK_BOOTTIME does not. (Windows' monotonic clock already
    counts sleep.)
    """
    boottime = getattr(time, "CLOCK_BOOTTIME", None)
    if boottime is not None:
        return lambda: time.clock_gettime(boottime)
    return time.monotonic


class Clock:
    def __init__(
        self,
        wall: Callable[[], datetime] | None = None,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._wall = wall or (lambda: datetime.now(UTC))
        self._monotonic = monotonic or _steady()

    def now(self) -> datetime:
        return self._wall().astimezone(UTC)

    def monotonic(self) -> float:
        return self._monotonic()


class JumpDetector:
    """Compares wall-clock progress with monotonic progress between two looks."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._wall = clock.now()
        self._mono = clock.monotonic()

    def check(self) -> timedelta | None:
        """The jump since the last look if it exceeds a minute, else None."""
        wall, mono = self.clock.now(), self.clock.monotonic()
        jump = (wall - self._wall) - timedelta(seconds=mono - self._mono)
        self._wall, self._mono = wall, mono
        return jump if abs(jump) > JUMP_TOLERANCE else None

"""The app's clocks: a steady clock that counts through sleep, and wall-clock jumps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trustdesk.ui.clock import Clock, JumpDetector


def test_the_steady_clock_counts_through_sleep_where_the_system_can() -> None:
    import time

    clock = Clock()
    first = clock.monotonic()
    assert clock.monotonic() >= first
    if hasattr(time, "CLOCK_BOOTTIME"):  # Linux: the clock that includes suspend
        assert abs(clock.monotonic() - time.clock_gettime(time.CLOCK_BOOTTIME)) < 1.0


def test_a_wall_clock_jump_is_noticed_and_ordinary_time_is_not() -> None:
    wall = [datetime(2026, 11, 20, 16, 0, tzinfo=UTC)]
    mono = [100.0]
    detector = JumpDetector(Clock(lambda: wall[0], lambda: mono[0]))
    wall[0] += timedelta(seconds=30)
    mono[0] += 30
    assert detector.check() is None
    wall[0] += timedelta(minutes=10)  # someone set the clock forward
    mono[0] += 5
    jump = detector.check()
    assert jump is not None and timedelta(minutes=9) < jump < timedelta(minutes=10)

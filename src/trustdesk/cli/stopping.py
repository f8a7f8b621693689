"""SIGTERM and SIGHUP end a command as Ctrl-C does, so its clean-up runs.

Python's default for them is to die on the spot: ``finally`` blocks never run, so a
backup stopped by ``kill``, a service manager or a closed terminal left its hidden
partial copy (``.NAME.<hex>.tmp`` and its journal) beside the target. Raised as a
``KeyboardInterrupt`` they unwind through the same paths as Ctrl-C.
"""

from __future__ import annotations

import contextlib
import signal
import threading

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

#: The signals that stop a command, where this system has them (Windows has no SIGHUP).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """The command was asked to stop by ``signum``; it exits 128 + ``signum``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextlib.contextmanager
def stop_as_ctrl_c(wanted: bool = True) -> Iterator[None]:
    """While the command runs, its stop signals raise ``Stopped``; the handlers found
    before are put back after (tests run many commands in one process)."""
    if not wanted or threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; it is the one signals reach
        return
    before = {signum: signal.signal(signum, _stop) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)

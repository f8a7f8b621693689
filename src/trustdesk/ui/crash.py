"""What the app does with an error nobody expected: keep the work, log a report, say so plainly.

Installed as ``sys.excepthook``, which Qt calls for an exception escaping a slot or an
event handler. The window stays open and nothing typed is cleared: the review in progress
is saved as a draft first (in case the person closes the app after the message), the
report goes to the log (types and frames only: ``applog`` withholds exception messages,
which may quote case data), and the dialog says what happened in plain words.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("trustdesk.ui")

TITLE = "Unexpected problem"
MESSAGE = (
    "TrustDesk hit an unexpected problem and did not finish what you asked. What you have "
    "typed is still on the screen and has been kept as a draft. Try again; if it happens "
    "again, tell your IT administrator (a report is in the TrustDesk log file)."
)


class CrashHandler:
    """The excepthook; ``keep_work`` saves the drafts (``MainWindow.keep_work``)."""

    def __init__(self, keep_work: Callable[[], None]) -> None:
        self.keep_work = keep_work
        self.handling = False

    def __call__(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("unexpected error (report follows)", exc_info=(kind, value, tb))
        if self.handling:
            return  # raised while the dialog was up: logged, one dialog is enough
        self.handling = True
        try:
            try:
                self.keep_work()
            except Exception:
                log.exception("the work in progress could not be kept after the error")
            from trustdesk.ui.dialogs import Ask

            Ask.error(None, TITLE, MESSAGE)
        finally:
            self.handling = False


def install(keep_work: Callable[[], None]) -> CrashHandler:
    handler = CrashHandler(keep_work)
    sys.excepthook = handler
    return handler

"""The composition root of the desktop app: store, rules, clock and log, handed to the window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from trustdesk import __version__
from trustdesk.ui.applog import set_up_logging
from trustdesk.ui.context import RulesHolder
from trustdesk.ui.startup import start_up_done

log = logging.getLogger("trustdesk.ui")


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("TrustDesk")
    app.setOrganizationName("TrustDesk")
    app.setApplicationVersion(__version__)
    return app


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    # The details go to the log (which holds no case data: messages carry ids only);
    # the person at the desk gets a plain message, never a traceback.
    log.error("unexpected error", exc_info=(kind, value, tb))
    from trustdesk.ui.dialogs import Ask

    Ask.error(
        None,
        "Unexpected problem",
        "TrustDesk hit an unexpected problem and did not finish what you asked. Nothing "
        "half-done was saved. Try again; if it happens again, tell your IT administrator "
        "(the details are in the TrustDesk log file).",
    )


def no_display() -> str | None:
    """Why no window can be shown here, or None. (Qt itself would abort the process.)"""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no display to show the app on (neither DISPLAY nor WAYLAND_DISPLAY is set); "
        "start TrustDesk from a desktop session, or use the command line (trustdesk --help)"
    )


def run_app(data_dir: str | Path | None, *, exit_when_ready: bool = False) -> int:
    """Open the app on ``data_dir`` (default: the per-user data folder); the exit code."""
    reason = no_display()
    if reason is not None:
        print(f"trustdesk: {reason}", file=sys.stderr)
        return 2
    app = application()
    log_path = set_up_logging()
    from trustdesk.services.bundle import open_services
    from trustdesk.store.errors import StoreError

    rules = RulesHolder()
    try:
        services = open_services(data_dir, rules)
    except StoreError as error:
        log.warning("could not open the data folder: %s", type(error).__name__)
        if not exit_when_ready:
            from trustdesk.ui.dialogs import Ask

            Ask.error(None, "TrustDesk cannot start", str(error))
        else:
            print(f"trustdesk: {error}", file=sys.stderr)
        return 2
    from trustdesk.ui.mainwindow import MainWindow

    sys.excepthook = _excepthook
    window = MainWindow(services, rules)
    if exit_when_ready:
        # Ready means shown and idle: quit from the first turn of an empty event queue.
        window.ready.connect(lambda: QTimer.singleShot(0, app.quit))
    log.info("TrustDesk %s started; log file %s", __version__, log_path)
    window.ready.connect(start_up_done)
    window.start()
    try:
        code = app.exec()
    finally:
        services.close()
    return int(code)

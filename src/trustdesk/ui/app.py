"""The composition root of the desktop app: store, rules, clock and log, handed to the window."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from trustdesk import __version__
from trustdesk.config.logs import log_dir_problem
from trustdesk.ui.applog import set_up_logging
from trustdesk.ui.context import RulesHolder

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


def run_app(
    data_dir: str | Path | None,
    *,
    exit_when_ready: bool = False,
    when_ready: Callable[[], None] | None = None,
    database: str | None = None,
) -> int:
    """Open the app on ``data_dir`` and ``database`` (the --data-dir and --database flags;
    default: the machine settings' data folder and database, see trustdesk.config); the
    exit code. ``when_ready`` runs once the first
    window is ready (``ui.startup`` passes its garbage-collector step: handed in, so this
    module does not import the one that imports it)."""
    reason = no_display()
    if reason is not None:
        print(f"trustdesk: {reason}", file=sys.stderr)
        return 2
    app = application()
    from trustdesk.config import ConfigError, start

    try:
        # Both flags: --database dropped here opened a new local record instead of the
        # facility's server (a hostile pass).
        settings = start(data_dir, database)
    except ConfigError as error:
        # Bad machine settings: say which file, key and fix, before touching any record.
        if not exit_when_ready:
            from trustdesk.ui.dialogs import Ask

            advice = "Ask IT to correct this (trustdesk config check lists every setting)."
            Ask.error(None, "TrustDesk cannot start", "\n\n".join([*error.problems, advice]))
        print("\n".join(f"trustdesk: {p}" for p in error.problems), file=sys.stderr)
        return 2
    data_dir = settings.data_dir
    log_path = set_up_logging(data_dir, settings.log_level)
    if log_path is None:  # said where IT looks when starting the app from a shell
        why = log_dir_problem(data_dir) or "its folder cannot be written"
        print(f"trustdesk: no log is kept: {why}", file=sys.stderr)
    from trustdesk.services.bundle import open_services
    from trustdesk.store.errors import StoreError

    rules = RulesHolder()
    try:
        services = open_services(data_dir, rules, window=True)
    except StoreError as error:
        log.warning("could not open the data folder: %s", type(error).__name__)
        if not exit_when_ready:
            from trustdesk.ui.dialogs import Ask

            Ask.error(None, "TrustDesk cannot start", str(error))
        else:
            print(f"trustdesk: {error}", file=sys.stderr)
        return 2
    from trustdesk.ui.mainwindow import MainWindow

    window = MainWindow(services, rules)
    from trustdesk.ui.crash import install

    install(window.keep_work)
    if exit_when_ready:
        # Ready means shown and idle: quit from the first turn of an empty event queue.
        window.ready.connect(lambda: QTimer.singleShot(0, app.quit))
    log.info("TrustDesk %s started; log file %s", __version__, log_path)
    if when_ready is not None:
        window.ready.connect(when_ready)
    window.start()
    try:
        code = app.exec()
    finally:
        services.close()
    return int(code)

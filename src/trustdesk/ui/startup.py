"""Starting the desktop app: what is done before Qt is loaded, and when collection resumes.

``launch`` is what ``trustdesk [gui]`` runs; ``ui/app.py`` (the composition root) does the
rest. The order matters for how soon the sign-in window appears (docs/decisions/0008,
measured by bench/gui_startup.py). No Qt at this module's top: it runs before Qt loads.
"""

from __future__ import annotations

import gc
import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

#: What the sign-in window needs that does not use Qt, imported before Qt is: once PySide6
#: is loaded, its import hook reads the source file of every module imported after it
#: (to see whether the module uses PySide6), about 5 ms for these and the standard
#: library modules they bring.
BEFORE_QT = (
    "trustdesk.config",
    "trustdesk.store.errors",
    "trustdesk.services.bundle",
    "trustdesk.services.accounts",
    "trustdesk.services.agency",
    "trustdesk.ui.applog",
    "trustdesk.ui.context",
    "trustdesk.ui.session",
)


def launch(
    data_dir: str | Path | None, *, exit_when_ready: bool = False, database: str | None = None
) -> int:
    """Open the desktop app on ``data_dir`` and ``database`` (the --data-dir and
    --database flags; see ``ui.app.run_app``); the exit code."""
    # No cyclic garbage collection until the first window is ready: start-up makes many
    # objects and no cyclic garbage, and the collector's passes over them (Qt's import
    # above all) cost the first window about 5 ms. ``start_up_done`` turns it back on.
    gc.disable()
    try:
        for name in BEFORE_QT:
            importlib.import_module(name)
        from trustdesk.ui.app import run_app

        return run_app(
            data_dir, exit_when_ready=exit_when_ready, when_ready=start_up_done, database=database
        )
    finally:
        gc.enable()


def start_up_done() -> None:
    """Once the first window is ready: what start-up made (modules, classes, the window)
    lives as long as the app, so it is moved out of the collector's sight for good, which
    keeps later collections short and spares the full one at exit."""
    gc.freeze()
    gc.enable()

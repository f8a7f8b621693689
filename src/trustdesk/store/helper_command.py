"""How ``audit verify`` starts its helper process (``verify_worker``), from a checkout, a
wheel or an installed build.

From a checkout or a wheel the helper is this interpreter running the worker module. An
installed build (PyInstaller's frozen program, in the Debian package and the MSI) has no
interpreter that could run a module: it starts its own program again with
``HELPER_ARGUMENT`` as the only argument, and ``trustdesk.cli.main`` hands that call to
the worker before reading anything else (decision 0054). Either way the request comes on
standard input, never on the command line (a PostgreSQL URL may carry a password).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: The one argument that makes the program a verification helper. It is not a command
#: of the CLI (not in its help): only ``verify_worker.Helper`` passes it.
HELPER_ARGUMENT = "--verification-helper"


def helper_command() -> list[str]:
    """The command line of a helper process for this program."""
    if getattr(sys, "frozen", False):
        return [sys.executable, HELPER_ARGUMENT]
    return [sys.executable, "-m", "trustdesk.store.verify_worker"]


def is_helper_call(argv: Sequence[str]) -> bool:
    """Whether the program's arguments ``argv`` start it as a verification helper."""
    return list(argv) == [HELPER_ARGUMENT]

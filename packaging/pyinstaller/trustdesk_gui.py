"""Entry point of the frozen windowed ``TrustDesk`` app (Windows): the desktop app only.

It takes the same ``[--data-dir DIR] [gui [--exit-when-ready]]`` as ``trustdesk``; a
windowed program has no console, so other subcommands belong to ``trustdesk.exe``. The
one exception is the verification helper's argument: the desktop app's own
audit trail check (the Records tab's "Verify audit trail") starts this program again
as its helper.
"""

import sys

from trustdesk.cli import desktop_arguments, main
from trustdesk.store.helper_command import is_helper_call

if __name__ == "__main__":
    arguments = sys.argv[1:]
    wanted = desktop_arguments(arguments) is not None or is_helper_call(arguments)
    sys.exit(main(arguments if wanted else []))

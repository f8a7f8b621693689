"""Entry point of the frozen windowed ``TrustDesk`` app (Windows): the desktop app only.

It takes the same ``[--data-dir DIR] [gui [--exit-when-ready]]`` as ``trustdesk``; a
windowed program has no console, so other subcommands belong to ``trustdesk.exe``.
"""

import sys

from trustdesk.cli import desktop_arguments, main

if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(main(arguments if desktop_arguments(arguments) is not None else []))

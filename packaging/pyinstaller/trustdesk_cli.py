"""Entry point of the frozen ``trustdesk`` command (console): the same as the venv's."""

import sys

from trustdesk.entry import main

if __name__ == "__main__":
    sys.exit(main())

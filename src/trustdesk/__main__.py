"""Allows ``python -m trustdesk``: the same entry point as the ``trustdesk`` command."""

import sys

from trustdesk.entry import main

sys.exit(main())

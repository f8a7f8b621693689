"""Allows ``python -m trustdesk``."""

import sys

from trustdesk.cli import main

sys.exit(main())

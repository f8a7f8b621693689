"""``trustdesk gui``: the desktop app (also what ``trustdesk`` alone starts)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("gui", help="open the desktop app (the default)")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="exit 0 once the first window is shown and idle (smoke tests, benchmarks)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from trustdesk.ui.startup import launch

    return launch(args.data_dir, exit_when_ready=args.exit_when_ready, database=args.database)

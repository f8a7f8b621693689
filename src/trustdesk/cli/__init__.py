"""The ``trustdesk`` command line: the same layers as the app, without Qt.

Exit codes: 0 success (a decision was made), 2 bad input with one line on stderr
naming the file, the JSON pointer and what is wrong, 3 a check that found a problem
(failing rule-pack tests), 1 only for a bug in TrustDesk.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from trustdesk import __version__

EXIT_OK = 0
EXIT_BUG = 1
EXIT_INPUT = 2
EXIT_CHECK_FAILED = 3


def build_parser() -> argparse.ArgumentParser:
    from trustdesk.cli import evaluate, offenses, rules_cmd

    parser = argparse.ArgumentParser(
        prog="trustdesk",
        description="Decision support for Connecticut TRUST Act (§ 54-192h) immigration detainers.",
    )
    parser.add_argument("--version", action="version", version=f"trustdesk {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="folder of the TrustDesk database (default: the per-user data folder)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    evaluate.add_parser(commands)
    rules_cmd.add_parser(commands)
    offenses.add_parser(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    from trustdesk.core.errors import CoreError
    from trustdesk.rules.errors import RulesError

    try:
        code: int = args.func(args)
    except (RulesError, CoreError) as exc:
        print(f"trustdesk: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print("trustdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, keep the detail for developers
        print(
            f"trustdesk: internal error ({type(exc).__name__}); this is a bug in TrustDesk. "
            "Set TRUSTDESK_DEBUG=1 to see the details.",
            file=sys.stderr,
        )
        if os.environ.get("TRUSTDESK_DEBUG"):
            traceback.print_exc()
        return EXIT_BUG
    return code

"""The ``trustdesk`` command line: the same layers as the app, without Qt.

Exit codes: 0 success (a decision was made), 2 bad input with one line on stderr
naming the file, the JSON pointer and what is wrong, 3 a check that found a problem
(failing rule-pack tests), 1 only for a bug in TrustDesk.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

from trustdesk.store.helper_command import is_helper_call

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from trustdesk.cli.output import Output

EXIT_OK = 0
EXIT_BUG = 1
EXIT_INPUT = 2
EXIT_CHECK_FAILED = 3


#: Which module defines each command. Only the module of the command being run is
#: imported, so ``trustdesk evaluate`` never loads the store, the catalog search or Qt.
COMMANDS = {
    "evaluate": "evaluate",
    "demo": "evaluate",
    "rules": "rules_cmd",
    "offenses": "offenses",
    "decisions": "decisions",
    "holds": "holds",
    "contacts": "contacts",
    "users": "users",
    "audit": "audit",
    "backup": "backup",
    "restore": "backup",
    "memo": "memo",
    "verify": "memo",
    "agency": "agency",
    "gui": "gui",
    "config": "config_cmd",
    "store": "store_cmd",
    "report": "report",
}


def _requested_command(argv: list[str]) -> str | None:
    """The command named in ``argv``, or None when every command must be known (help)."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("--data-dir", "--database"):
            next(tokens, None)
        elif token.startswith(("--data-dir=", "--database=")):
            continue
        elif token.startswith("-"):
            return None
        else:
            return token
    return None


class _HelpFormatter(argparse.HelpFormatter):
    # argparse asks shutil for the terminal width whenever an argument is added, and
    # shutil drags in the compression modules; the width only matters for --help.
    def __init__(self, prog: str) -> None:
        try:
            width = int(os.environ.get("COLUMNS", "")) - 2
        except ValueError:
            width = 98
        super().__init__(prog, width=max(width, 40))


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose sub-command parsers share the light help formatter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        super().__init__(*args, **kwargs)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``command`` only that command's module is loaded."""
    parser = _Parser(
        prog="trustdesk",
        description=(
            "Decision support for immigration detainers under the detainer law of the "
            "agency's jurisdiction (Connecticut or California), from the rule pack in force."
        ),
    )
    parser.add_argument(
        "--version",
        action="store_true",
        help="show the version, the build and the rule packs in force (of --data-dir and "
        "--database where given, wherever they stand)",
    )
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=None,
        help="folder of the TrustDesk database (default: data_dir of the machine config file, "
        "else the per-user data folder)",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        default=None,
        help="the facility's database server, postgresql://HOST/DATABASE or "
        "postgresql:///?service=NAME (default: database of the machine config file, else "
        "the data folder's own database); never with a password in it",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    wanted = [COMMANDS[command]] if command in COMMANDS else list(dict.fromkeys(COMMANDS.values()))
    for name in wanted:
        importlib.import_module(f"trustdesk.cli.{name}").add_parser(commands)
    return parser


def _expected_errors() -> tuple[type[Exception], ...]:
    # Imported only once something has gone wrong: the success path stays light.
    from trustdesk.config import ConfigError
    from trustdesk.core.errors import CoreError
    from trustdesk.rules.errors import RulesError
    from trustdesk.services.errors import ServiceError
    from trustdesk.store.errors import StoreError

    return (RulesError, CoreError, StoreError, ServiceError, ConfigError)


def desktop_arguments(argv: list[str]) -> tuple[str | None, bool] | None:
    """(data folder, exit when ready) when ``argv`` only opens the desktop app, else None.

    ``trustdesk [--data-dir DIR] [gui [--exit-when-ready]]`` is read without argparse,
    whose import and parser building would delay the first window; anything else (help,
    a typo) goes through argparse as usual.
    """
    rest = list(argv)
    data_dir: str | None = None
    if rest and rest[0].startswith("--data-dir="):
        data_dir = rest.pop(0).split("=", 1)[1]
    elif len(rest) >= 2 and rest[0] == "--data-dir" and not rest[1].startswith("-"):
        data_dir = rest[1]
        rest = rest[2:]
    if rest[:1] == ["gui"]:
        rest = rest[1:]
    elif rest:
        return None
    if rest in ([], ["--exit-when-ready"]):
        return data_dir, bool(rest)
    return None


def _command(arguments: list[str]) -> int:
    """Run the command ``arguments`` name (argparse's help and refusals included)."""
    parser = build_parser(_requested_command(arguments))
    args = parser.parse_args(arguments)
    from trustdesk.cli.arguments import undecodable_text

    undecodable = undecodable_text(parser, args)
    if undecodable is not None:
        print(f"trustdesk: {undecodable}", file=sys.stderr)
        return EXIT_INPUT
    if args.version:
        # After the whole line is read: --data-dir and --database count wherever they
        # stand (the report printed as argparse met --version, before the options
        # after it, and listed another folder's or state's packs).
        from trustdesk.cli.version import print_version

        return print_version(args)
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_INPUT
    if args.command != "config":  # which reports bad settings itself, in full
        from trustdesk.config import ConfigError, start

        try:
            start(args.data_dir, args.database)
        except ConfigError as error:
            print("\n".join(f"trustdesk: {p}" for p in error.problems), file=sys.stderr)
            return EXIT_INPUT
    from trustdesk.cli.stopping import stop_as_ctrl_c

    if args.command == "gui":
        # The desktop app keeps its own streams: a windowed build has no standard output,
        # and print() to a None one is rightly silent there, where a watched one raises.
        from trustdesk.cli import output as watched

        if isinstance(sys.stdout, watched.Output):
            watched.unwatch(sys.stdout)
    # (The desktop app, also when started as `gui` with options, keeps Qt's ways.)
    with stop_as_ctrl_c(args.command != "gui"):
        code: int = args.func(args)
    return code


def _say(line: str) -> None:
    """``line`` on stderr, if stderr takes it (print to a None stderr writes stdout)."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError):
            print(line, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from trustdesk.cli.console import tolerate_standard_streams

    tolerate_standard_streams()
    arguments = sys.argv[1:] if argv is None else argv
    desktop = desktop_arguments(arguments)
    output = None
    if is_helper_call(arguments):  # started by `audit verify` of an installed build

        def run() -> int:
            from trustdesk.store.verify_worker import main as helper

            return helper()

    elif desktop is not None:

        def run() -> int:
            from trustdesk.ui.startup import launch

            return launch(desktop[0], exit_when_ready=desktop[1])

    else:
        # A command's output is watched (cli.output); the desktop app's and the helper's
        # are not (a windowed app has no stdout, and print() there is rightly silent).
        from trustdesk.cli import output as watched

        output = watched.watch()

        def run() -> int:
            code = _command(arguments)
            if sys.stdout is output:  # (the desktop app has taken its own back)
                output.flush()  # a buffered write fails here, while it can still be said
            return code

    try:
        return _finish(run, output)
    finally:
        if output is not None:
            watched.unwatch(output)


def _finish(run: Callable[[], int], output: Output | None) -> int:
    """``run()``'s exit code, every failure worded: one line on stderr, never a traceback."""
    try:
        code = run()
    except SystemExit:
        # argparse's --help and refusals; a failed write of its help it swallows itself.
        if output is None or output.failure is None:
            raise
        return _output_failed(output)
    except KeyboardInterrupt as stop:
        signum = getattr(stop, "signum", None)  # cli.stopping.Stopped: SIGTERM, SIGHUP
        if signum is not None:
            _say(f"trustdesk: stopped ({stop})")
            return 128 + int(signum)
        _say("trustdesk: interrupted")
        return 130
    except BrokenPipeError:
        if output is not None:
            output.settle()
        return EXIT_OK
    except Exception as exc:
        if isinstance(exc, _expected_errors()):
            _say(f"trustdesk: {exc}")
            if output is not None and output.failure is not None:
                output.settle()
            return EXIT_INPUT
        if output is not None and output.failure is not None:
            return _output_failed(output)
        # A bug: say so plainly and keep the detail for developers.
        _say(
            f"trustdesk: internal error ({type(exc).__name__}); this is a bug in TrustDesk. "
            "Set TRUSTDESK_DEBUG=1 to see the details."
        )
        if os.environ.get("TRUSTDESK_DEBUG"):
            import traceback

            traceback.print_exc()
        return EXIT_BUG
    if output is not None and output.failure is not None:  # a failure someone swallowed
        return _output_failed(output)
    return code


def _output_failed(output: Output) -> int:
    _say(f"trustdesk: {output.message()}")
    output.settle()
    return EXIT_INPUT

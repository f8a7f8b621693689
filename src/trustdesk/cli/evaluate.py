"""``trustdesk evaluate`` and ``trustdesk demo``: decide cases from JSON files.

Both apply the rules of the data folder (``--data-dir``, else the per-user one): the
bundled packs and the agency's imported ones, as the desktop app does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from trustdesk.cli.arguments import jurisdiction_code
from trustdesk.cli.console import json_for
from trustdesk.cli.rulesource import data_folder_rules
from trustdesk.core.decision import Decision
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import Case
from trustdesk.core.record import decision_to_json
from trustdesk.rules import strict_json
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from trustdesk.cli.signon import LazyRules
    from trustdesk.rules.registry import RuleSet


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "evaluate",
        help="decide a case given as JSON (see schemas/case.schema.json)",
        description="Decide a detainer case under the rule pack in force on its decision date.",
    )
    parser.add_argument("case", help="case file (JSON), or - to read standard input")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.add_argument(
        "--jurisdiction",
        metavar="ID",
        type=str.upper,
        help="decide under the packs of this jurisdiction (CT, CA…); default: the agency's",
    )
    parser.set_defaults(func=run_evaluate)
    demo = commands.add_parser("demo", help="decide the bundled example cases and print them")
    demo.set_defaults(func=run_demo)


def read_case_file(path_text: str, rules: RuleSet | LazyRules) -> tuple[Case, Any]:
    """The case in ``path_text`` (``-`` for standard input) and its JSON as read."""
    if path_text == "-":
        if sys.stdin is None:  # `<&-`, or a service manager's: there is nothing to read
            raise InputError("<stdin>", "", "standard input is closed; give the case file's name")
        raw = strict_json.loads(strict_json.read_limited(sys.stdin.buffer, "<stdin>"), "<stdin>")
        source = "<stdin>"
    elif not path_text.strip():
        # An empty name was read as the current folder: "cannot be read: Permission
        # denied" on Windows, "is not a file" elsewhere.
        raise InputError("<case>", "", "the case file's name is empty; give the case file's name")
    else:
        raw = strict_json.load_path(Path(path_text))
        source = path_text
    return parse_case(raw, source, rules.sections), raw


def read_case(path_text: str, rules: RuleSet) -> Case:
    return read_case_file(path_text, rules)[0]


def decide(case: Case, rules: RuleSet, source: str | None = None) -> Decision:
    """The decision on ``case``; with ``source`` (a case file taken in), a time whose
    UTC offset the law's zone did not have then is refused first (decision 0085)."""
    pack = rules.pack_for(case.decision_time)
    if source is not None:
        from trustdesk.core.offsets import offset_mismatch

        problem = offset_mismatch(case, [pack.timezone])
        if problem is not None:
            raise InputError(source, problem.pointer, problem.message)
    return evaluate(pack, case)


def run_evaluate(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import command_rules

    # As the desktop app decides: under the packs of the agency's own jurisdiction (or
    # the one asked for) and the imports its record puts in force.
    rules = command_rules(args, jurisdiction_code(args.jurisdiction))
    case = read_case(args.case, rules)
    decision = decide(case, rules, "<stdin>" if args.case == "-" else args.case)
    if args.format == "json":
        sys.stdout.write(json_for(decision_to_json(decision)))
        sys.stdout.write("\n")
    else:
        from trustdesk.cli.text import render_decision

        sys.stdout.write(render_decision(case, decision))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from trustdesk import resources
    from trustdesk.cli.text import render_decision

    rules = data_folder_rules(args.data_dir)
    examples = sorted(resources.resource("examples").glob("*.json"))
    if not examples:
        raise InputError(str(resources.resource("examples")), "", "no example cases found")
    print(f"TrustDesk demonstration: {len(examples)} example cases from {examples[0].parent}\n")
    for path in examples:
        case = parse_case(strict_json.load_path(path), str(path), rules.sections)
        print(f"=== {path.name}")
        sys.stdout.write(render_decision(case, decide(case, rules)))
        print()
    return 0

"""``trustdesk decisions add|show|list|amend|review``: recorded decisions, as a user."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from trustdesk.cli.arguments import record_number
from trustdesk.cli.signon import LazyRules, add_actor, log_on, open_services

if TYPE_CHECKING:
    from trustdesk.core.model import Case
    from trustdesk.rules.registry import RuleSet
    from trustdesk.services.bundle import Services


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "decisions", help="record, show, list, amend and review decisions (needs --as)"
    )
    sub = parser.add_subparsers(dest="decisions_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", help="decide a case and record the decision; prints its id")
    add.add_argument("case", help="case file (JSON), or - for standard input")
    add_actor(add)
    add.set_defaults(func=run_add)

    show = sub.add_parser("show", help="show a decision with every version and review")
    show.add_argument("id", type=record_number, help="decision number")
    show.add_argument("--format", choices=("text", "json"), default="text")
    add_actor(show)
    show.set_defaults(func=run_show)

    listing = sub.add_parser("list", help="recent decisions, a search, or the desk's queues")
    which = listing.add_mutually_exclusive_group()
    which.add_argument("--active-holds", action="store_true", help="open holds by expiry")
    which.add_argument("--overdue", action="store_true", help="holds past their release time")
    which.add_argument("--needs-review", action="store_true", help="awaiting a supervisor")
    listing.add_argument("--name", help="part of the name (any case, accents optional)")
    listing.add_argument("--booking", help="booking number")
    listing.add_argument("--from", dest="date_from", metavar="DATE", help="decided on/after")
    listing.add_argument("--to", dest="date_to", metavar="DATE", help="decided on/before")
    listing.add_argument("--outcome", choices=("honor", "decline"))
    listing.add_argument("--officer", metavar="USER", help="recorded by this user")
    listing.add_argument("--limit", type=int, default=50)
    add_actor(listing)
    listing.set_defaults(func=run_list)

    amend = sub.add_parser("amend", help="record a corrected version of a decision")
    amend.add_argument("id", type=record_number, help="decision number")
    amend.add_argument("case", help="the corrected case file (JSON), or -")
    amend.add_argument("--reason", required=True, help="why the decision is amended")
    add_actor(amend)
    amend.set_defaults(func=run_amend)

    review = sub.add_parser("review", help="supervisor review: approve, or amend with reason")
    review.add_argument("id", type=record_number, help="decision number")
    verdict = review.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true", help="approve the latest version")
    verdict.add_argument("--amend", metavar="CASE.json", help="amend it with this case file")
    review.add_argument(
        "--reason", help="why (required with --amend); with --approve, an optional note"
    )
    add_actor(review)
    review.set_defaults(func=run_review)


def read_case(path_text: str, rules: RuleSet | LazyRules) -> tuple[Case, dict[str, Any]]:
    from trustdesk.cli.evaluate import read_case_file

    case, raw = read_case_file(path_text, rules)
    return case, raw


def _agency_rules(args: argparse.Namespace) -> LazyRules:
    """The rules of the data folder (its imported packs included, as the desktop app),
    of the agency's jurisdiction: known once the services are open (see ``_bind``)."""
    return LazyRules(args.data_dir)


def _bind(rules: LazyRules, services: Services) -> None:
    # A case is read and decided under the packs of the agency's own jurisdiction and
    # the imports its record puts in force (on a database server too).
    rules.bind(services)


def _print_number(decision_id: int) -> None:
    from trustdesk.cli.output import recorded

    recorded(f"decision {decision_id} was recorded", "its number")
    print(decision_id)


def run_add(args: argparse.Namespace) -> int:
    rules = _agency_rules(args)
    with open_services(args, rules) as services:
        _bind(rules, services)
        case, raw = read_case(args.case, rules)
        session = log_on(services, args)
        saved = services.decisions.create(session, case, raw)
    from trustdesk.cli.records_text import saved_note

    _print_number(saved.record.decision_id)
    print(saved_note(saved), file=sys.stderr)
    return 0


def run_amend(args: argparse.Namespace) -> int:
    rules = _agency_rules(args)
    with open_services(args, rules) as services:
        _bind(rules, services)
        case, raw = read_case(args.case, rules)
        session = log_on(services, args)
        saved = services.decisions.amend(session, args.id, case, raw, args.reason)
    from trustdesk.cli.records_text import saved_note

    _print_number(saved.record.decision_id)
    print(saved_note(saved), file=sys.stderr)
    return 0


def run_review(args: argparse.Namespace) -> int:
    from trustdesk.cli.output import confirm
    from trustdesk.cli.records_text import saved_note

    if args.approve:
        with open_services(args) as services:
            session = log_on(services, args)
            review = services.decisions.approve(session, args.id, note=args.reason)
        confirm(f"decision {args.id}: record {review.record_id} approved by {review.reviewer}")
        return 0
    if not args.reason:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest("an amending review needs --reason TEXT")
    rules = _agency_rules(args)
    with open_services(args, rules) as services:
        _bind(rules, services)
        case, raw = read_case(args.amend, rules)
        session = log_on(services, args)
        saved, _review = services.decisions.review_amend(session, args.id, case, raw, args.reason)
    _print_number(saved.record.decision_id)
    # Written in review, the new version is reviewed by its author: it does not wait in
    # the queue (it said "a supervisor must review it", which never happened).
    print(saved_note(saved, reviewed_by=session.username), file=sys.stderr)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from trustdesk.cli.records_text import render_view, view_json

    with open_services(args) as services:
        session = log_on(services, args)
        view = services.decisions.view(session, args.id)
    if args.format == "json":
        from trustdesk.cli.console import json_for

        sys.stdout.write(json_for(view_json(view)))
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_view(view))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from trustdesk.cli import records_text as text

    text.check_listing(args)
    with open_services(args) as services:
        session = log_on(services, args)
        if args.active_holds:
            sys.stdout.write(text.render_holds(services.holds.active(session)))
        elif args.overdue:
            sys.stdout.write(text.render_holds(services.holds.overdue(session)))
        elif args.needs_review:
            sys.stdout.write(text.render_summaries(services.decisions.awaiting_review(session)))
        else:
            query = text.search_query(args)
            sys.stdout.write(text.render_summaries(services.decisions.search(session, query)))
    return 0

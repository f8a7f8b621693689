"""``trustdesk holds close ID --outcome …``: record how and when a hold ended."""

from __future__ import annotations

import argparse
from typing import Any

from trustdesk.cli.arguments import moment, record_number
from trustdesk.cli.signon import add_actor, log_on, open_services

OUTCOMES = ("ice_took_custody", "released_at_expiry", "released_other")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("holds", help="close holds (see decisions list --active-holds)")
    sub = parser.add_subparsers(dest="holds_command", metavar="ACTION", required=True)
    close = sub.add_parser("close", help="record how and when a hold ended")
    close.add_argument("id", type=record_number, help="hold number (decisions list --active-holds)")
    close.add_argument("--outcome", required=True, choices=OUTCOMES)
    close.add_argument(
        "--at", metavar="TIME", help="when it ended, e.g. 2026-11-24T15:00-05:00 (default: now)"
    )
    close.add_argument("--note", help="why (required for released_other)")
    add_actor(close)
    close.set_defaults(func=run_close)


def run_close(args: argparse.Namespace) -> int:

    from trustdesk.cli.output import confirm
    from trustdesk.cli.records_text import local

    ended = None
    if args.at is not None:
        ended = moment(args.at, "--at")
    with open_services(args) as services:
        session = log_on(services, args)
        hold = services.holds.close(
            session, args.id, args.outcome, ended_at=ended, note=args.note, typed=ended is not None
        )
    assert hold.closure is not None
    confirm(
        f"hold {hold.id} (decision {hold.decision_id}) closed: {hold.closure.outcome} at "
        f"{local(hold.closure.ended_at)}"
    )
    return 0

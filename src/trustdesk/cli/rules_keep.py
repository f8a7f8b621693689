"""``trustdesk rules keep-ours``: record that the agency keeps its own version of a pack
without a change TrustDesk shipped since it took that pack's place (administrators, with
their password, and a reason). The administrators' alert then stops naming it; the pack
in force does not change. Bad input changes nothing and exits 2 with one line."""

from __future__ import annotations

import argparse
from typing import Any

from trustdesk.cli.signon import add_actor


def add_parser(sub: Any) -> None:
    """Add ``keep-ours`` to the ``rules`` sub-commands ``sub``."""
    keep = sub.add_parser(
        "keep-ours",
        help="keep the agency's version of a pack without the change TrustDesk shipped since "
        "(administrators): the alert about it stops",
    )
    keep.add_argument("--pack", metavar="ID", required=True, help="pack id, e.g. ct-2014")
    keep.add_argument(
        "--reason",
        metavar="TEXT",
        required=True,
        help="why the agency keeps its own version (10 to 500 characters; recorded)",
    )
    add_actor(keep)
    keep.set_defaults(func=run_keep)


def run_keep(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services, store_rules

    with open_services(args) as services:
        rules = store_rules(args, services)
        session = log_on(services, args)
        change = services.rulepacks.keep_agency_version(session, rules, args.pack, args.reason)
    print(
        f"{change.pack_id}: your agency's version {change.agency[:12]}… stays in force without "
        f"the changes of the shipped version {change.shipped[:12]}…; the reason is recorded"
    )
    return 0

"""``trustdesk rules items|signoff``: each datum of a pack and its verification, and
recording counsel's sign-off of chosen items (administrators, with their password).

``signoff`` makes a new revision of the pack (new SHA-256; the old one is kept and
decisions pinned to it still show it), puts it in force for later decisions and records
it in the audit trail. Bad input changes nothing and exits 2 with one line.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from trustdesk.cli.signon import add_actor


def add_parsers(sub: Any) -> None:
    """Add ``items`` and ``signoff`` to the ``rules`` sub-commands ``sub``."""
    items = sub.add_parser(
        "items", help="list every datum of a pack with its verification (unverified first)"
    )
    items.add_argument("--pack", metavar="ID", required=True, help="pack id, e.g. ct-2025")
    items.add_argument("--unverified", action="store_true", help="only the items not yet verified")
    items.set_defaults(func=run_items)

    signoff = sub.add_parser(
        "signoff",
        help="record counsel's verification of pack items (administrators): a new revision",
    )
    signoff.add_argument("--pack", metavar="ID", required=True, help="pack id, e.g. ct-2025")
    signoff.add_argument(
        "--item",
        metavar="ITEM",
        action="append",
        required=True,
        help="an item id from 'rules items' (repeat for several); a bare section such as "
        "53a-71 names that section of the pack's list",
    )
    signoff.add_argument(
        "--source",
        metavar="TEXT",
        required=True,
        help="what counsel checked against: public act and section, or official text",
    )
    signoff.add_argument("--by", metavar="NAME", required=True, help="counsel's name")
    signoff.add_argument(
        "--title", metavar="TEXT", required=True, help="counsel's title, e.g. Town Attorney"
    )
    signoff.add_argument(
        "--date", metavar="YYYY-MM-DD", required=True, help="the day counsel checked the items"
    )
    signoff.add_argument("--note", metavar="TEXT", default="", help="anything counsel added")
    add_actor(signoff)
    signoff.set_defaults(func=run_signoff)


def run_items(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import command_rules
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.signoff import pack_item_rows

    rules = command_rules(args)
    try:
        loaded = rules.pack(args.pack)
    except KeyError:
        known = ", ".join(lp.pack.id for lp in rules.packs)
        raise InvalidRequest(
            f"no rule pack {args.pack!r} is in use; choose one of {known}"
        ) from None
    rows = pack_item_rows(loaded.pack)
    rows.sort(key=lambda row: row.verified)  # unverified first, reading order kept
    print(f"{loaded.pack.id}  sha256 {loaded.pack.sha256}")
    for row in rows:
        if args.unverified and row.verified:
            continue
        mark = "verified  " if row.verified else "UNVERIFIED"
        print(f"{mark}  {row.id}  {row.label}")
        print(f"            {row.verification.describe()}")
    return 0


def _day(text: str) -> date:
    from trustdesk.services.errors import InvalidRequest

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"--date {text!r} is not a date; write it YYYY-MM-DD, e.g. 2026-12-01"
        ) from None


def run_signoff(args: argparse.Namespace) -> int:
    from trustdesk.cli.signon import log_on, open_services, store_rules
    from trustdesk.rules.revision import Attestation

    on = _day(args.date)
    attestation = Attestation(tuple(args.item), args.source, args.by, args.title, on, args.note)

    class _Holder:
        def replace(self, new_rules: Any) -> None:
            pass  # each command loads the rules afresh

    with open_services(args) as services:
        rules = store_rules(args, services)
        session = log_on(services, args)
        done = services.signoff.sign_off(session, rules, args.pack, attestation, _Holder())
    print(f"{done.pack_id}: counsel's sign-off recorded for {len(done.items)} item(s):")
    for item in done.items:
        print(f"  {item}")
    print(f"new revision sha256 {done.sha256} is in force for new decisions;")
    print(f"the previous revision {done.old_sha256} is kept for the decisions made under it")
    return 0

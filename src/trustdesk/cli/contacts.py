"""``trustdesk contacts add|amend|list|show|review``: the log of contacts with ICE.

Every contact is recorded with the legality advice of the law in force for the person;
giving something it did not allow needs ``--unlawful-reason`` and goes to a supervisor
(``contacts review``). Bad input: one line, exit 2, nothing recorded.
"""

from __future__ import annotations

import argparse
from typing import Any

from trustdesk.cli.arguments import day, moment, record_number
from trustdesk.cli.console import json_for
from trustdesk.cli.signon import add_actor, log_on, open_services

TYPE_CHECKING = False
if TYPE_CHECKING:
    from datetime import datetime

    from trustdesk.services.contacts import ContactInput

_IDS = (
    "kinds: detainer_received, release_info_request, interview_request, inquiry, "
    "transfer_arrival, other"
)


def _fields(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--kind", required=required, help=_IDS)
    parser.add_argument("--direction", required=required, help="from_ice or to_ice")
    parser.add_argument(
        "--channel", required=required, help="phone, email, fax, in_person, system or other"
    )
    parser.add_argument(
        "--at", metavar="TIME", help="when it happened, e.g. 2026-11-24T15:00-05:00 (default: now)"
    )
    who = parser.add_mutually_exclusive_group(required=required)
    who.add_argument("--booking", metavar="NUMBER", help="the person's booking number")
    who.add_argument("--person", type=record_number, metavar="ID", help="a person on record")
    who.add_argument(
        "--decision", type=record_number, metavar="ID", help="the decision the contact is about"
    )
    parser.add_argument("--ice-office", metavar="TEXT", help="the ICE office, e.g. ERO Hartford")
    parser.add_argument("--ice-officer", metavar="TEXT", help="the ICE officer's name")
    parser.add_argument("--asked", metavar="TEXT", help="what ICE asked for")
    parser.add_argument(
        "--given",
        metavar="LIST",
        help="what was given, comma-separated: release_date, custody_status, "
        "interview_access, hold, transfer, confidential, or none",
    )
    parser.add_argument("--note", metavar="TEXT", help="anything else worth recording")
    parser.add_argument(
        "--unlawful-reason",
        metavar="TEXT",
        help="why something the law did not allow was given (then a supervisor reviews it)",
    )
    parser.add_argument(
        "--gate",
        action="append",
        default=[],
        metavar="ID=ANSWER",
        help="with no decision on record: a gate answered now (yes, no or unknown), "
        "e.g. --gate judicial_warrant=no; may be repeated",
    )


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("contacts", help="the log of contacts with ICE")
    sub = parser.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="record a contact with ICE")
    _fields(add, required=True)
    add_actor(add)
    add.set_defaults(func=run_add)
    amend = sub.add_parser("amend", help="correct a recorded contact (a new version)")
    amend.add_argument("id", type=record_number, help="contact number (contacts list)")
    amend.add_argument("--reason", required=True, help="why it is corrected")
    _fields(amend, required=False)
    add_actor(amend)
    amend.set_defaults(func=run_amend)
    listing = sub.add_parser("list", help="contacts about a person, in a period, or flagged")
    which = listing.add_mutually_exclusive_group(required=True)
    which.add_argument("--booking", metavar="NUMBER", help="about this booking number")
    which.add_argument("--person", type=record_number, metavar="ID", help="about this person")
    which.add_argument("--from", dest="date_from", metavar="DATE", help="from this day (with --to)")
    which.add_argument(
        "--awaiting-review", action="store_true", help="flagged, waiting for a supervisor"
    )
    listing.add_argument("--to", dest="date_to", metavar="DATE", help="to this day, included")
    listing.add_argument("--kind", help="only this kind (with --from)")
    listing.add_argument(
        "--not-allowed", action="store_true", help="only those the law did not allow (with --from)"
    )
    listing.add_argument("--json", action="store_true", help="as JSON")
    add_actor(listing)
    listing.set_defaults(func=run_list)
    show = sub.add_parser("show", help="one contact, every version and review")
    show.add_argument("id", type=record_number, help="contact number (contacts list)")
    show.add_argument("--json", action="store_true", help="as JSON")
    add_actor(show)
    show.set_defaults(func=run_show)
    review = sub.add_parser("review", help="review a flagged contact (supervisors)")
    review.add_argument(
        "id", type=record_number, help="contact number (contacts list --awaiting-review)"
    )
    review.add_argument(
        "--verdict", default="accepted", help="accepted (default) or referred (needs --note)"
    )
    review.add_argument("--note", metavar="TEXT", help="the supervisor's note")
    add_actor(review)
    review.set_defaults(func=run_review)


def _bad(message: str) -> Exception:
    from trustdesk.services.errors import InvalidRequest

    return InvalidRequest(message)


def _time(text: str | None, flag: str) -> datetime | None:
    return None if text is None else moment(text, flag)


def _gates(pairs: list[str]) -> dict[str, bool | None]:
    answers = {"yes": True, "no": False, "unknown": None}
    gates: dict[str, bool | None] = {}
    for pair in pairs:
        gate, sep, answer = pair.partition("=")
        if not sep or not gate.strip() or answer.strip().lower() not in answers:
            raise _bad(f"--gate {pair[:60]!r}: write ID=yes, ID=no or ID=unknown")
        gates[gate.strip()] = answers[answer.strip().lower()]
    return gates


def _given(text: str | None) -> tuple[str, ...] | None:
    if text is None:
        return None
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _input(args: argparse.Namespace, now: datetime, base: ContactInput | None) -> ContactInput:
    from dataclasses import replace

    from trustdesk.services.contacts import ContactInput

    occurred = _time(args.at, "--at")
    changes: dict[str, Any] = {
        key: value
        for key, value in (
            ("kind", args.kind),
            ("direction", args.direction),
            ("channel", args.channel),
            ("occurred_at", occurred),
            ("ice_office", args.ice_office),
            ("ice_officer", args.ice_officer),
            ("asked", args.asked),
            ("given", _given(args.given)),
            ("note", args.note),
            ("unlawful_reason", args.unlawful_reason),
        )
        if value is not None
    }
    if args.gate:
        changes["gates"] = _gates(args.gate)
    if args.booking is not None or args.person is not None or args.decision is not None:
        changes.update(
            booking_number=args.booking, person_id=args.person, decision_id=args.decision
        )
    if base is None:
        changes.setdefault("occurred_at", now)
        return ContactInput(**changes)
    return replace(base, **changes)


def _say_recorded(record: Any, verb: str) -> None:
    from trustdesk.cli.contacts_text import review_cause
    from trustdesk.cli.output import confirm

    flag = ""
    if not record.allowed:
        flag = " — NOT ALLOWED by the law in force: flagged for a supervisor's review"
    elif record.review_needed:
        cause = review_cause(record)
        flag = (
            " — an earlier version still waits for a supervisor's review"
            if cause is None
            else f" — {cause}: flagged for a supervisor's review"
        )
    confirm(f"contact {record.contact_id} {verb} (version {record.version}){flag}")


def run_add(args: argparse.Namespace) -> int:
    from trustdesk.cli.contacts_text import render_advice
    from trustdesk.services.contacts import ContactService

    with open_services(args) as services:
        session = log_on(services, args)
        contacts = ContactService(services.ctx, services.rules)
        contact = _input(args, services.ctx.now(), None)
        advice = contacts.advice(session, contact)
        record = contacts.record(session, contact)
    from trustdesk.cli.output import recorded

    recorded(f"contact {record.contact_id} was recorded", "the advice and its confirmation")
    print(render_advice(advice), end="")
    _say_recorded(record, "recorded")
    return 0


def run_amend(args: argparse.Namespace) -> int:
    from trustdesk.services.contacts import ContactService, as_input

    with open_services(args) as services:
        session = log_on(services, args)
        contacts = ContactService(services.ctx, services.rules)
        current = services.store.contacts.latest(args.id)
        contact = _input(args, services.ctx.now(), as_input(current))
        record = contacts.amend(
            session, args.id, contact, args.reason, expected_record_id=current.id
        )
    _say_recorded(record, "amended")
    return 0


def _period(args: argparse.Namespace) -> tuple[datetime, datetime]:
    from datetime import datetime, time, timedelta

    from trustdesk.cli.records_text import agency_zone

    if args.date_to is None:
        raise _bad("--from needs --to (the last day, included)")
    days = [day(args.date_from, "--from"), day(args.date_to, "--to")]
    zone = agency_zone()
    start = datetime.combine(days[0], time(), zone)
    end = datetime.combine(days[1] + timedelta(days=1), time(), zone)
    return start, end


def run_list(args: argparse.Namespace) -> int:
    from trustdesk.cli.contacts_text import record_json, render_list
    from trustdesk.services.contacts import ContactService

    if args.date_from is None and (args.date_to or args.kind or args.not_allowed):
        raise _bad("--to, --kind and --not-allowed go with --from")
    with open_services(args) as services:
        session = log_on(services, args)
        contacts = ContactService(services.ctx, services.rules)
        if args.awaiting_review:
            rows = contacts.pending(session)
        elif args.date_from is not None:
            start, end = _period(args)
            rows = list(
                contacts.between(
                    session,
                    start,
                    end,
                    kind=args.kind,
                    allowed=False if args.not_allowed else None,
                )
            )
        else:
            rows = contacts.for_person(session, person_id=args.person, booking_number=args.booking)
    if args.json:
        print(json_for([record_json(row) for row in rows]))
    elif args.awaiting_review and not rows:
        print("no contact with ICE is waiting for a supervisor's review")
    else:
        print(render_list(rows, _none_found(args)), end="")
    return 0


def _none_found(args: argparse.Namespace) -> str:
    """What an empty list says: what was asked for found nothing, not that the log is."""
    if args.date_from is None:
        whom = f"booking {args.booking}" if args.booking else f"person {args.person}"
        return f"no contacts with ICE on record for {whom}"
    matching = [f"--kind {args.kind}"] if args.kind else []
    matching += ["--not-allowed"] if args.not_allowed else []
    period = f"from {args.date_from} to {args.date_to}"
    if not matching:
        return f"no contacts with ICE on record {period}"
    return f"no contacts with ICE {period} match {' and '.join(matching)}"


def run_show(args: argparse.Namespace) -> int:
    from trustdesk.cli.contacts_text import record_json, render_contact, review_json
    from trustdesk.services.contacts import ContactService

    with open_services(args) as services:
        session = log_on(services, args)
        found = ContactService(services.ctx, services.rules).history(session, args.id)
    versions, reviews = found.versions, found.reviews
    if args.json:
        document = {
            "versions": [record_json(v) for v in versions],
            "reviews": [review_json(r) for r in reviews],
        }
        print(json_for(document))
    else:
        print(render_contact(versions, reviews), end="")
    return 0


def run_review(args: argparse.Namespace) -> int:
    from trustdesk.services.contacts import ContactService

    with open_services(args) as services:
        session = log_on(services, args)
        review = ContactService(services.ctx, services.rules).review(
            session, args.id, verdict=args.verdict, note=args.note
        )
    from trustdesk.cli.output import confirm

    confirm(f"contact {review.contact_id} reviewed: {review.verdict} by {review.reviewer}")
    return 0

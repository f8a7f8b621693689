"""``trustdesk report``: the period's figures as PDF (with charts), CSV, XLSX, JSON or the
state's layout, written to a new file; making it and saving it are audited."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from trustdesk.cli.arguments import new_file
from trustdesk.cli.signon import add_actor, log_on, open_services

FORMATS = ("pdf", "csv", "xlsx", "json", "state-csv")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "report",
        help="figures for a period (detainers, decisions, holds, reviews, ICE contacts) "
        "as PDF, CSV, XLSX, JSON or the state's layout",
    )
    parser.add_argument(
        "--from",
        dest="start",
        required=True,
        metavar="DATE",
        help="first day, e.g. 2026-01-01 (the agency's time zone)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        required=True,
        metavar="DATE",
        help="last day, included, e.g. 2026-06-30",
    )
    parser.add_argument(
        "--by",
        choices=("received", "decided"),
        default="decided",
        help="count detainers by when they were received or decided (default: decided)",
    )
    parser.add_argument("--facility", metavar="F", help="only this facility (the store's own)")
    parser.add_argument(
        "--desk", metavar="D", help="only decisions recorded at this desk (workstation name)"
    )
    parser.add_argument(
        "--officer", metavar="U", help="only this officer's decisions (officers: always their own)"
    )
    parser.add_argument("--format", dest="fmt", choices=FORMATS, required=True)
    parser.add_argument(
        "-o",
        "--output",
        type=new_file,
        required=True,
        metavar="FILE",
        help="new file to write (never overwritten)",
    )
    parser.add_argument(
        "--bom",
        action="store_true",
        help="start a CSV with the byte-order mark Excel needs to read UTF-8",
    )
    add_actor(parser)
    parser.set_defaults(func=run_report)


def _day(text: str, option: str) -> date:
    from trustdesk.cli.arguments import day

    return day(text, option)


def run_report(args: argparse.Namespace) -> int:
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.file_kinds import REPORT_FILES, check_named_for
    from trustdesk.services.report_files import BOM_FORMATS, save_report
    from trustdesk.services.reports import ReportRequest, build_report
    from trustdesk.store.files import check_new

    start, end = _day(args.start, "--from"), _day(args.end, "--to")
    if args.bom and args.fmt not in BOM_FORMATS:
        raise InvalidRequest("--bom is for --format csv or state-csv only")
    target = args.output.expanduser().absolute()
    check_new(target)  # before the figures are counted: a taken or impossible name
    check_named_for(target, args.fmt, REPORT_FILES)  # or one ending as another format's
    with open_services(args) as services:
        session = log_on(services, args)
        request = ReportRequest(
            session,
            start,
            end,
            by=args.by,
            facility=args.facility,
            desk=args.desk,
            officer=args.officer,
        )
        report = build_report(services.ctx, request)
        digest = save_report(services.ctx, session, report, args.fmt, target, bom=args.bom)
    from trustdesk.cli.output import confirm

    confirm(f"report written to {target} ({args.fmt}, sha256 {digest})")
    if report.statement:
        print(report.statement)
    print(
        f"period {start.isoformat()} to {end.isoformat()}, counted by {args.by}; audit chain "
        f"head entry {report.head_seq}",
        file=sys.stderr,
    )
    return 0

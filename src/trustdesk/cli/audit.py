"""``trustdesk audit verify|reanchor|export``: check, re-anchor and hand over the audit trail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from trustdesk.cli.arguments import file_or_standard_output
from trustdesk.cli.signon import add_actor, log_on, open_services

#: `audit verify`'s exit status when the chain replays but this workstation keeps no
#: anchor to compare it with: a record put back to an older state would pass as well.
UNANCHORED = 4


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("audit", help="verify or export the audit trail")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify",
        help="replay the hash chain; exit 3 naming the first broken entry, 4 when it "
        "replays but this workstation keeps no anchor to check a rollback against",
    )
    verify.add_argument(
        "--anchors",
        nargs="+",
        type=Path,
        action="extend",
        metavar="DIR|FILE",
        help="also prove that the chain still holds the chain head carried by each memo "
        "PDF, audit export, backup or anchor file (folders are searched)",
    )
    add_actor(verify)
    verify.set_defaults(func=run_verify)
    reanchor = sub.add_parser(
        "reanchor",
        help="accept the records now in place as this workstation's last seen chain head, "
        "after a restore made elsewhere (administrators; recorded)",
    )
    add_actor(reanchor)
    reanchor.set_defaults(func=run_reanchor)
    export = sub.add_parser("export", help="write every audit entry as JSON lines or CSV")
    export.add_argument("--format", choices=("jsonl", "csv"), required=True)
    export.add_argument(
        "--output",
        type=file_or_standard_output,
        metavar="FILE",
        help="new file to write (default, or -: standard output)",
    )
    add_actor(export)
    export.set_defaults(func=run_export)


def run_verify(args: argparse.Namespace) -> int:
    anchors = None
    if args.anchors:
        from trustdesk.services.anchors import read_anchors

        anchors = read_anchors(args.anchors)  # bad paths refused before anything is done
    from trustdesk.store.schema_gone import SchemaChanged

    try:
        services = open_services(args, moved_ok=True)  # the old copy of a moved record too
    except SchemaChanged as changed:  # met while opening (the agency's zone): the finding
        print(f"AUDIT TRAIL BROKEN: {changed}", file=sys.stderr)
        return 3
    with services:
        session = log_on(services, args)
        report = services.records.verify(session)
        proofs = [] if anchors is None else services.records.prove_anchors(session, anchors)
    anchored_ok = _print_anchors(proofs)
    from trustdesk.store.anchor import anchor_dir_problem

    if (unkept := anchor_dir_problem()) is not None:  # said whatever the chain shows
        print(f"WARNING: {unkept}", file=sys.stderr)
    if report.ok:
        print(
            f"audit trail intact: {report.entries} entries, {report.records} decision records; "
            f"head entry {report.head_seq} sha256 {report.head_hash}"
        )
        if not anchored_ok:
            print(
                "AUDIT TRAIL REWRITTEN OR ROLLED BACK: the chain replays, but not every "
                "anchored head is in it (see above)",
                file=sys.stderr,
            )
            return 3
        if unkept is not None:
            # Intact as far as the chain shows, but a rollback to an older state would
            # replay too: a script reading only the exit status must not take it as
            # proven (a hostile pass; it exited 0 beside a warning).
            print(
                "NOT PROVEN: no rollback could be checked on this workstation (see the "
                "warning above); fix the anchor folder, or run audit verify where anchors "
                "are kept",
                file=sys.stderr,
            )
            return UNANCHORED
        return 0
    first = report.first
    print(f"AUDIT TRAIL BROKEN: {first}", file=sys.stderr)
    if first is not None and first.seq is not None:
        print(f"first broken entry: {first.seq}", file=sys.stderr)
    more = len(report.problems) - 1
    if more:
        print(f"and {more} more problem(s):", file=sys.stderr)
        for problem in report.problems[1:21]:
            print(f"  {problem}", file=sys.stderr)
    return 3


def _print_anchors(proofs: list[Any]) -> bool:
    """One line per anchor (found, or what is wrong); True when every one was found."""
    for proof in proofs:
        print(f"anchor {proof}", file=sys.stdout if proof.ok else sys.stderr)
    if proofs:
        failed = sum(1 for proof in proofs if not proof.ok)
        print(f"anchors: {len(proofs) - failed} of {len(proofs)} found in the chain")
    return all(proof.ok for proof in proofs)


def run_reanchor(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        session = log_on(services, args)
        seq, digest = services.records.reanchor(session)
    from trustdesk.cli.output import confirm

    confirm(f"this workstation is now anchored at entry {seq} sha256 {digest}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    with open_services(args, moved_ok=True) as services:
        session = log_on(services, args)
        count = services.records.export(session, args.format, args.output, sys.stdout)
    if args.output is not None:
        print(f"{count} audit entries written to {args.output}", file=sys.stderr)
    return 0

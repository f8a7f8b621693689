"""``trustdesk memo`` prints a recorded decision as a PDF memo; ``trustdesk verify`` checks one.

The memo header is the agency profile stored by ``trustdesk agency set`` (or the
desktop's first run). While none is stored it comes from ``--agency``, ``--facility`` and
``--ori`` (or ``TRUSTDESK_AGENCY``, ``TRUSTDESK_FACILITY``, ``TRUSTDESK_ORI``); what is
missing prints as "not set", never as an invented name.

Exit codes: memo 0 (path printed), 2 refused; verify 0 MATCH, 3 MISMATCH, 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from trustdesk.cli.arguments import decision_ref, new_file
from trustdesk.cli.signon import add_actor, log_on, open_services

EXIT_MISMATCH = 3
AGENCY_DEFAULTS = {
    "agency": ("TRUSTDESK_AGENCY", "Agency name not set (trustdesk memo --agency)"),
    "facility": ("TRUSTDESK_FACILITY", "Facility not set (--facility)"),
    "ori": ("TRUSTDESK_ORI", "not set (--ori)"),
}


def add_parser(commands: Any) -> None:
    memo = commands.add_parser("memo", help="print a recorded decision as a PDF memo (needs --as)")
    memo.add_argument(
        "decision",
        type=decision_ref,
        metavar="DECISION_ID",
        help="decision number, or 42v2 for a version",
    )
    memo.add_argument(
        "-o",
        "--output",
        type=new_file,
        required=True,
        metavar="FILE.pdf",
        help="the PDF to write (never overwritten: a free name like FILE-2.pdf is used)",
    )
    memo.add_argument(
        "--notice",
        metavar="LANGS",
        help="notices to append: en,es, en, es or none (default: en,es when one is required)",
    )
    for name, (env, _default) in AGENCY_DEFAULTS.items():
        memo.add_argument(
            f"--{name}",
            metavar="TEXT",
            help=f"memo header while no agency profile is stored: {name} (default ${env})",
        )
    add_actor(memo)
    memo.set_defaults(func=run_memo)

    verify = commands.add_parser(
        "verify", help="check a memo (PDF file or the code printed on it) against the records"
    )
    what = verify.add_mutually_exclusive_group(required=True)
    what.add_argument("file", nargs="?", metavar="FILE.pdf", help="the memo file")
    what.add_argument("--code", metavar="SHORTCODE", help="the code printed on the memo")
    add_actor(verify)
    verify.set_defaults(func=run_verify)


def _agency(args: argparse.Namespace) -> Any:
    """The header from the flags or variables, each checked as a stored profile's is (a
    direction override or a line break in it, or an ORI that is none, was printed)."""
    from trustdesk.memo.viewmodel import AgencyHeader
    from trustdesk.services.agency import check_header_field

    values: dict[str, str] = {}
    for name, (env, default) in AGENCY_DEFAULTS.items():
        flag = getattr(args, name)
        typed = flag or os.environ.get(env)
        if typed:
            source = f"--{name}" if flag else f"${env}"
            values[name] = check_header_field(name, typed, source)
        else:
            values[name] = default
    return AgencyHeader(values["agency"], values["facility"], values["ori"])


def _check_ori_state(args: argparse.Namespace, ori: str, jurisdiction: str) -> None:
    """A typed ORI must carry the state letters of the record's jurisdiction, as
    ``agency set`` requires; refused before anything is printed or recorded."""
    from trustdesk.config.keys import ori_state_problem
    from trustdesk.services.errors import InvalidRequest

    typed = args.ori or os.environ.get(AGENCY_DEFAULTS["ori"][0])
    if not typed:
        return  # "not set" is printed, never an invented ORI
    problem = ori_state_problem(ori, jurisdiction)
    if problem is not None:
        source = "--ori" if args.ori else f"${AGENCY_DEFAULTS['ori'][0]}"
        raise InvalidRequest(f"{source}: {problem}; nothing was printed")


def _languages(text: str | None) -> list[str] | None:
    if text is None:
        return None
    if text.strip().lower() == "none":
        return []
    languages = text.split(",")
    if not any(language.strip() for language in languages):
        from trustdesk.services.errors import InvalidRequest

        # An empty list meant no notice at all, without a word: the notice the detained
        # person is owed left out of the memo by a blank (a hostile pass).
        raise InvalidRequest(
            f"--notice {text!r} names no language; give en, es or en,es (or none to print "
            "the memo without notices)"
        )
    return languages


def run_memo(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trustdesk.cli.signon import LazyRules

    decision_id, version = args.decision
    agency = _agency(args)  # bad header text is refused before anything is recorded
    # The data folder's rules, with every version it kept: a decision is printed under
    # the exact pack it was made under, even after an import replaced that pack.
    rules = LazyRules(args.data_dir)
    with open_services(args, rules) as services:
        # The packs and catalog of the agency's jurisdiction (a decision made under
        # another jurisdiction's pack is still found by its pack id).
        rules.bind(services)
        rules.load()  # now: a damaged imported pack is named before signing on
        session = log_on(services, args)
        stored = services.agency.profile() is not None
        if not stored:
            _check_ori_state(args, agency.ori, services.jurisdiction.current().code)
        printed = services.memos.print_memo(
            session,
            decision_id,
            Path(args.output),
            agency=agency,
            version=version,
            languages=_languages(args.notice),
        )
    if stored and any(getattr(args, name) for name in AGENCY_DEFAULTS):
        print(
            "trustdesk: note: the stored agency profile was printed; --agency, --facility and "
            "--ori apply only while none is stored",
            file=sys.stderr,
        )
    record = printed.record
    from trustdesk.cli.output import recorded

    recorded(f"the memo was written to {printed.path} and recorded", "its file name")
    print(printed.path)
    notices = ", ".join(printed.notice_languages) or "none"
    print(
        f"memo of decision {record.decision_id} version {record.version} · code "
        f"{printed.short_code} · notices: {notices} · PDF SHA-256 {printed.pdf_sha256} "
        f"recorded at audit entry {printed.audit_seq}",
        file=sys.stderr,
    )
    return 0


def run_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from trustdesk.services.memo_file import read_memo_file

    data = None if args.file is None else read_memo_file(Path(args.file))
    from trustdesk.services.verified_record import record_lines

    with open_services(args, moved_ok=True) as services:  # a moved record's old copy too
        session = log_on(services, args)
        if data is not None:
            check = services.memos.verify_pdf(session, data)
        else:
            check = services.memos.verify_code(session, args.code)
        profile = services.agency.profile() if check.match else None
    print(f"{check.word}: {check.reason}")
    for line in record_lines(check, None if profile is None else profile.timezone):
        print(f"  {line}")
    return 0 if check.match else EXIT_MISMATCH

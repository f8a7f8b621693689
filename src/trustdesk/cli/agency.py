"""``trustdesk agency show|set``: the agency profile printed in every memo header."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from trustdesk.cli.signon import add_actor, log_on, open_services

if TYPE_CHECKING:
    from pathlib import Path

    from trustdesk.store.records import AgencyProfile


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("agency", help="the agency profile printed on memos")
    sub = parser.add_subparsers(dest="agency_command", metavar="ACTION", required=True)

    show = sub.add_parser("show", help="show the stored agency profile")
    show.set_defaults(func=run_show)

    change = sub.add_parser(
        "set",
        help="set or change the agency profile (administrators); what is not given stays",
    )
    change.add_argument("--name", metavar="TEXT", help="agency name, e.g. New Haven Police")
    change.add_argument("--facility", metavar="TEXT", help="facility, e.g. Union Avenue lock-up")
    change.add_argument("--ori", metavar="ORI", help="NCIC ORI: 9 characters, e.g. CT0009300")
    change.add_argument(
        "--timezone", metavar="ZONE", help="IANA time zone (default America/New_York)"
    )
    logo = change.add_mutually_exclusive_group()
    logo.add_argument("--logo", metavar="FILE", help="PNG or JPEG logo, at most 512 KiB")
    logo.add_argument("--no-logo", action="store_true", help="remove the logo")
    add_actor(change)
    change.set_defaults(func=run_set)

    law = sub.add_parser(
        "jurisdiction",
        help="show the state whose law applies, or change it (administrators; new decisions only)",
    )
    law.add_argument("code", nargs="?", metavar="CODE", help="CT (Connecticut) or CA (California)")
    add_actor(law, required=False)
    law.set_defaults(func=run_jurisdiction)


def describe(profile: AgencyProfile) -> list[str]:
    logo = "none"
    if profile.logo is not None:
        kind = "PNG" if profile.logo_type == "image/png" else "JPEG"
        logo = f"{kind}, {len(profile.logo):,} bytes"
    return [
        f"agency     {profile.name}",
        f"facility   {profile.facility}",
        f"ORI        {profile.ori}",
        f"time zone  {profile.timezone}",
        f"logo       {logo}",
    ]


def run_show(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        profile = services.agency.profile()
        warning = services.agency.ori_warning()
    if profile is None:
        print(
            "no agency profile is stored; an administrator sets it with "
            "trustdesk agency set --name ... --facility ... --ori ... --as ADMIN"
        )
        return 0
    print("\n".join(describe(profile)))
    if warning is not None:
        print(f"warning: {warning}")
    return 0


def run_jurisdiction(args: argparse.Namespace) -> int:
    from trustdesk.services.jurisdiction import CHANGE_WARNING

    with open_services(args) as services:
        if args.code is None:
            now = services.jurisdiction.current()
            print(f"jurisdiction  {now.code} ({now.name}), {now.source}")
            return 0
        session = log_on(services, args)
        before = services.jurisdiction.current()
        now = services.jurisdiction.change(session, args.code)
        warning = services.agency.ori_warning()
    if now.code == before.code:
        print(f"jurisdiction  {now.code} ({now.name}) unchanged")
    else:
        print(
            f"jurisdiction  {now.code} ({now.name}), was {before.code}; recorded in the audit trail"
        )
        print(CHANGE_WARNING)
    if warning is not None:
        print(f"warning: {warning} Correct it with trustdesk agency set --ori ...")
    return 0


def read_logo(path: Path) -> bytes:
    from trustdesk.services.errors import InvalidRequest
    from trustdesk.services.logo import read_logo_file
    from trustdesk.store.schema import LOGO_MAX_BYTES

    data = read_logo_file(path)
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidRequest(
            f"the logo {path} is larger than {LOGO_MAX_BYTES // 1024} KiB; use a smaller "
            "PNG or JPEG (600 pixels wide is plenty)"
        )
    return data


def run_set(args: argparse.Namespace) -> int:
    from dataclasses import replace
    from pathlib import Path

    from trustdesk.services.errors import InvalidRequest
    from trustdesk.store.records import AgencyProfile

    if args.timezone is not None and not args.timezone.strip():
        # The service reads a blank zone as the default one: typed on the command line, a
        # blank replaced a stored zone with America/New_York without a word.
        raise InvalidRequest(
            "--timezone is empty; give an IANA time zone such as America/New_York, or leave "
            "the option out to keep the stored one"
        )
    logo = None if args.logo is None else read_logo(Path(args.logo))
    with open_services(args) as services:
        session = log_on(services, args)
        current = services.agency.profile()
        if current is None:
            missing = [f"--{n}" for n in ("name", "facility", "ori") if getattr(args, n) is None]
            if missing:
                raise InvalidRequest(
                    f"no agency profile is stored yet: give {', '.join(missing)} as well"
                )
            current = AgencyProfile(args.name, args.facility, args.ori)
        changes: dict[str, Any] = {
            field: getattr(args, field)
            for field in ("name", "facility", "ori", "timezone")
            if getattr(args, field) is not None
        }
        if logo is not None or args.no_logo:
            changes.update(logo=logo, logo_type=None)
        saved = services.agency.update(session, replace(current, **changes))
    from trustdesk.cli.output import recorded

    recorded("the agency profile was saved", "what it now holds")
    print("agency profile saved:")
    print("\n".join(describe(saved)))
    return 0

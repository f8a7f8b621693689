"""``trustdesk config check|show``: the machine settings in force, each with where it came from.

``check`` also makes sure this user can write the data folder IT set; both exit 2 with one
line per problem (file, key, fix) when the settings are bad, 0 when they are good.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from trustdesk.config import ConfigError, Settings, check_data_dir, config_path, load

EXIT_OK = 0
EXIT_BAD = 2


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("config", help="check or show the machine settings")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check", help="check the machine config file and environment; exit 2 if anything is bad"
    )
    check.set_defaults(func=run_check)
    show = sub.add_parser(
        "show", help="every setting with its value, source and environment variable"
    )
    show.set_defaults(func=run_show)


def _settings(args: argparse.Namespace, *, check_folder: bool) -> Settings | None:
    try:
        settings = load({"data_dir": args.data_dir, "database": args.database})
        if check_folder:
            check_data_dir(settings)
    except ConfigError as error:
        for problem in error.problems:
            print(f"trustdesk: {problem}", file=sys.stderr)
        return None
    return settings


def _file_line(settings: Settings) -> str:
    path, named = config_path(os.environ)
    if settings.file is None:
        return f"config file: {path} (none: built-in defaults apply)"
    how = " (named by TRUSTDESK_CONFIG)" if named else ""
    return f"config file: {settings.file}{how}"


def table(settings: Settings, *, details: bool) -> list[str]:
    rows = [(s.key.name, s.shown(), s.describe(), s.key) for s in settings]
    width = max(len(name) for name, *_ in rows)
    value_width = min(max(len(value) for _, value, *_ in rows), 40)
    lines = []
    for name, value, source, key in rows:
        line = f"{name:<{width}}  {value:<{value_width}}  {source}"
        if details:
            line += f"\n{'':<{width}}  env {key.env}; {key.help}"
        lines.append(line)
    return lines


def run_check(args: argparse.Namespace) -> int:
    from trustdesk.config.logs import log_dir_problem

    settings = _settings(args, check_folder=True)
    if settings is None:
        return EXIT_BAD
    from trustdesk.store.anchor import anchor_dir_problem

    for problem in (log_dir_problem(settings.data_dir), anchor_dir_problem()):
        if problem is not None:
            print(f"trustdesk: {problem}", file=sys.stderr)
            return EXIT_BAD
    problem = _ori_against_record(settings)
    if problem is not None:
        print(f"trustdesk: {problem}", file=sys.stderr)
        return EXIT_BAD
    print(_file_line(settings))
    print("\n".join(table(settings, details=False)))
    print("settings OK")
    return EXIT_OK


def _ori_against_record(settings: Settings) -> str | None:
    """IT's ORI against the jurisdiction the agency chose, recorded in the data folder's
    own database (``load`` already compared it with a jurisdiction IT set); a shared
    PostgreSQL record is not read here: Administration -> Agency settings says it."""
    from trustdesk.config.keys import DEFAULT_JURISDICTION, JURISDICTIONS, ori_state_problem

    ori, law = settings["agency_ori"], settings["jurisdiction"]
    if not ori.value or law.locked or settings["database"].value:
        return None
    from trustdesk.store.errors import StoreError
    from trustdesk.store.jurisdiction_choice import recorded_choice

    try:
        code = recorded_choice(settings.data_dir, JURISDICTIONS) or DEFAULT_JURISDICTION
    except StoreError:
        return None  # the record's own problems are the store's to report
    problem = ori_state_problem(str(ori.value), code)
    if problem is None:
        return None
    return (
        f"agency_ori ({ori.describe()}) does not fit the jurisdiction in force for the "
        f"record in {settings.data_dir} ({JURISDICTIONS[code]}): {problem}; IT corrects "
        "agency_ori in the machine config"
    )


def run_show(args: argparse.Namespace) -> int:
    settings = _settings(args, check_folder=False)
    if settings is None:
        return EXIT_BAD
    print(_file_line(settings))
    print("\n".join(table(settings, details=True)))
    return EXIT_OK

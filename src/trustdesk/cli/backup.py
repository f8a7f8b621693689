"""``trustdesk backup FILE`` and ``trustdesk restore FILE`` (administrators)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from trustdesk.cli.signon import add_actor, current_password, log_on, open_services


def add_parser(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="write a consistent backup of the records to a new FILE"
    )
    backup.add_argument("file", type=Path)
    add_actor(backup)
    backup.set_defaults(func=run_backup)
    restore = commands.add_parser(
        "restore",
        help="replace the records with a backup FILE, after checking it "
        "(the current records are kept as a backup)",
    )
    restore.add_argument("file", type=Path)
    add_actor(restore)
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        session = log_on(services, args)
        info = services.records.backup(session, args.file)
    print(
        f"backup written to {info.path}: {info.decisions} decision records, audit head "
        f"{info.head_seq}; sha256 {info.sha256}"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        if services.accounts.needs_first_administrator():
            replaced = services.records.restore_into_empty(
                args.actor, current_password(args.actor), args.file
            )
        else:
            session = log_on(services, args)
            replaced = services.records.restore(session, args.file)
        head = services.store.audit.head()
    print(
        f"restored {args.file}; audit head now {head[0]}. The records it replaced were kept "
        f"in {replaced.path}"
    )
    return 0

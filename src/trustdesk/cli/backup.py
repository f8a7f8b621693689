"""``trustdesk backup FILE`` and ``trustdesk restore FILE`` (administrators)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from trustdesk.cli.arguments import new_file
from trustdesk.cli.output import confirm
from trustdesk.cli.signon import add_actor, current_password, log_on, open_services


def add_parser(commands: Any) -> None:
    backup = commands.add_parser(
        "backup", help="write a consistent backup of the records to a new FILE"
    )
    backup.add_argument("file", type=new_file)
    add_actor(backup)
    backup.set_defaults(func=run_backup)
    restore = commands.add_parser(
        "restore",
        help="replace the records with a backup FILE, after checking it "
        "(the current records are kept as a backup)",
    )
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--replace-with-other-store",
        action="store_true",
        help="confirm that FILE holds another store's records (another agency's, or of "
        "unknown origin) and is to replace these; without it such a backup is refused",
    )
    restore.add_argument(
        "--discard-newer",
        action="store_true",
        help="confirm that the records the live store holds and FILE does not (decisions, "
        "amendments, memos… recorded after FILE was made) are to leave it; without it an "
        "older backup is refused, saying what would leave",
    )
    add_actor(restore)
    restore.set_defaults(func=run_restore)


def run_backup(args: argparse.Namespace) -> int:
    with open_services(args) as services:
        session = log_on(services, args)
        info = services.records.backup(session, args.file)
    for note in info.notes:
        print(f"trustdesk: warning: {note}", file=sys.stderr)
    confirm(
        f"backup written to {info.path}: {info.decisions} decision records, audit head "
        f"{info.head_seq}; sha256 {info.sha256}"
    )
    return 0


def _show(title: str, lines: list[str]) -> None:
    print(title)
    for line in lines:
        print(f"  {line}")


def run_restore(args: argparse.Namespace) -> int:
    from trustdesk.store.errors import DatabaseCorrupt
    from trustdesk.store.schema_gone import SchemaChanged

    # Damage met anywhere here (opening, logging on, the restore's check of the live
    # database's pages before it writes) is the live database's: the backup's own faults
    # are refused as RestoreRefused. The damage messages advise this very command, so it
    # then restores over the damage. Nothing is written into the live database before
    # that check (the sign-in is proved, not recorded: the restore's entries name who ran
    # it), so a damaged file is set aside as it was found.
    try:
        with open_services(args, may_begin=True) as services:
            if services.accounts.needs_first_administrator():
                replaced = services.records.restore_into_empty(
                    args.actor, current_password(args.actor), args.file
                )
            else:
                session = log_on(services, args, record=False)
                live, check = services.records.plan_restore(session, args.file)
                _show("Replacing these records:", live.lines())
                _show(f"with the backup {check.path}:", check.summary.lines())
                leaving = services.records.would_leave(session, check)
                if leaving is not None:
                    _show(
                        "Leaving the live record (the backup does not hold them):",
                        [leaving.words()],
                    )
                replaced = services.records.restore(
                    session,
                    check,
                    other_store_ok=args.replace_with_other_store,
                    discard_newer=args.discard_newer,
                )
            head = services.store.audit.head()
    except DatabaseCorrupt as damage:
        from trustdesk import config

        if str(config.current()["database"].value):
            raise  # a server's records: restored with the server's tools, not over a file
        return _restore_over_damaged(args, readable=isinstance(damage, SchemaChanged))
    confirm(
        f"restored {args.file}; audit head now {head[0]}. The records it replaced were kept "
        f"in {replaced.path}"
    )
    return 0


def _restore_over_damaged(args: argparse.Namespace, *, readable: bool) -> int:
    from trustdesk.services.records import restore_over_damaged

    print(
        "trustdesk: the database in this data folder is damaged; restoring over it "
        "(the damaged files are kept beside it)",
        file=sys.stderr,
    )
    done = restore_over_damaged(
        args.data_dir,
        args.actor,
        current_password(args.actor),
        args.file,
        other_store_ok=args.replace_with_other_store,
        readable=readable,
        discard_newer=args.discard_newer,
    )
    if done.damaged is not None:
        _show("Replaced damaged records:", done.damaged.lines())
    _show(f"with the backup {done.restored.path}:", done.restored.summary.lines())
    kept = ", ".join(str(path) for path in done.kept) or "nothing (no file was left)"
    print(f"restored {args.file}. The damaged files were kept as {kept}")
    return 0

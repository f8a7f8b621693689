"""``trustdesk store migrate --from DATA_DIR --to URL``: move a desk's record to a server.

Copies the SQLite record of a data folder onto a new, empty PostgreSQL store (made by
``trustdesk store init``), with every id, time and hash as they are, and verifies the
whole chain on the server before committing (store/transfer.py). Exit 0 when copied and
verified; 2 when refused (bad folder, a folder already moved, unreachable server, a
target that is not empty: nothing written); 3 when the desk's record, or the copy, fails
verification (nothing written). The move is recorded on both sides, and the folder is
no longer opened for work (store/moved.py). Run again after a move whose mark in the
folder failed (the server committed, the folder could not record it), it finds this
folder's record already on that server and records the missing mark, copying nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_parser(store_commands: Any) -> None:
    migrate = store_commands.add_parser(
        "migrate",
        help="copy a desk's SQLite record (DATA_DIR) onto an empty PostgreSQL store (URL), "
        "verified end to end, in one transaction",
    )
    migrate.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="DATA_DIR",
        help="the desk's data folder (TrustDesk closed there: it is locked while copied)",
    )
    migrate.add_argument(
        "--to",
        dest="target",
        required=True,
        metavar="URL",
        help="postgresql://… of a store made by `trustdesk store init`, with no records yet "
        "(connect as its owner or a superuser; no password in the URL: use pgpass, a "
        "service file or PGPASSWORD)",
    )
    migrate.set_defaults(func=run_migrate)


def run_migrate(args: argparse.Namespace) -> int:
    from trustdesk.config.dburl import BadDatabaseUrl, refuse_password, server_url
    from trustdesk.store.transfer import ChainBroken, migrate

    try:
        url = server_url(args.target)
        refuse_password(url, "the command line")
    except BadDatabaseUrl as exc:
        from trustdesk.services.errors import InvalidRequest

        raise InvalidRequest(str(exc)) from None

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        report = migrate(args.source, url, say)
    except ChainBroken as problem:
        print(f"trustdesk: {problem}", file=sys.stderr)
        return 3
    if report.repaired:
        say(
            f"repaired: the record of store {report.store_id} was already on the server "
            f"(store.migrated_in at entry {report.head_seq:,}, up to this folder's head, "
            f"entry {report.source_seq:,}), copied by an earlier `store migrate` that could "
            "not mark this folder; nothing was copied again. Recorded now: store.migrated_out "
            f"at entry {report.moved_out_seq:,} in {args.source}, which TrustDesk no longer "
            "opens for work: point the desks at the server (database setting, or --database)"
        )
        return 0
    say(
        f"copied {report.rows('decisions'):,} decision records, "
        f"{report.rows('audit_log'):,} audit entries and {report.rows('users'):,} users "
        f"of store {report.store_id}"
    )
    say(
        f"verified on the target: audit trail intact, entries 1 to {report.head_seq:,}, "
        f"head sha256 {report.head_hash}"
    )
    say(
        f"recorded: store.migrated_in at entry {report.head_seq:,} on the server; "
        f"store.migrated_out at entry {report.moved_out_seq:,} in {args.source}, which "
        "TrustDesk no longer opens for work: point the desks at the server (database "
        "setting, or --database)"
    )
    return 0

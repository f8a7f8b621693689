"""Copying a desk's SQLite record onto a new, empty PostgreSQL store (``store migrate``).

Every row of evidence, account and setting is copied with its own ids, times and
digests, so the audit chain on the server is the very chain of the desk, entry for entry,
and every memo and anchor made on the desk stays valid. The copy runs in one server
transaction: the target is checked empty, the tables are locked against the desks, every
table is streamed in with COPY, the id sequences are moved past the copied ids, and the
whole chain is verified on the server before anything is committed. Any failure rolls
all of it back, leaving the target as empty as it was.

This module reads the SQLite side (one snapshot, inside a write transaction so that no
desk on that folder records anything the server would miss) and runs the move;
``postgresql/copy_in.py`` writes the server. The rows are handed over exactly as stored:
the columns and their meaning are the same on both backends (``store/schema.py``). The
server's decisions also have columns it computes from each document (schema 11,
``postgresql/schema.py`` ``REPORT_COLUMNS``): the copy names the desk's columns only, and
the server fills those itself.
"""

from __future__ import annotations

from pathlib import Path

from trustdesk.store.errors import StoreError
from trustdesk.store.record_copy import ChainBroken, Progress, TransferReport

__all__ = ["ChainBroken", "TransferReport", "migrate"]


def migrate(source_dir: Path, url: str, say: Progress) -> TransferReport:
    """Copy the record of ``source_dir`` onto the empty store at ``url``; see the module."""
    from trustdesk.store.paths import DB_NAME
    from trustdesk.store.store import Store

    if not (source_dir / DB_NAME).is_file():
        raise StoreError(
            f"{source_dir} holds no TrustDesk record ({DB_NAME} not found); name the desk's "
            "data folder with --from"
        )
    # Opening brings an older record up to this version's schema, the one `store init`
    # made on the server.
    try:
        source = Store.open(source_dir)
    except StoreError as exc:  # its words name the flag this command names the folder by
        exc.args = (str(exc).replace("(--data-dir)", "(--from)"),)
        raise
    with source:
        say(f"checking the record in {source_dir} …")
        checked = source.verify()
        if not checked.ok:
            first = checked.problems[0]
            raise ChainBroken(
                f"the record in {source_dir} does not verify ({first}); nothing was copied. "
                "Restore a good backup of the desk first (trustdesk restore)"
            )
        say(f"  intact: {checked.records:,} decision records, {checked.entries:,} audit entries")
        # Read inside a write transaction: one snapshot of the whole record, and no desk
        # on this folder can record anything meanwhile that the server would then miss
        # (it waits, and is told the folder is busy if the copy takes longer).
        from trustdesk.store.postgresql.copy_in import copy_onto

        # And this program alone on the folder: a desk left open on it would go on
        # recording there, where the server never reads (refused, nothing written).
        alone = source.db.alone  # type: ignore[attr-defined] # a SQLite folder's
        with alone("migrate the record onto a server"), source.db.transaction() as conn:
            return copy_onto(conn, url, say)

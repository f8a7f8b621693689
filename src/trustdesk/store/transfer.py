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

The move is recorded on both sides, and the folder closed for work (store/moved.py,
docs/decisions/0082): the server's chain gets ``store.migrated_in`` (the desk's store id
and head, the folder, the workstation, the operating-system account and server role that
moved it) before it is verified; once the server has committed, the folder's chain gets
``store.migrated_out`` (the server, never a password, and the server's entry), in the
same SQLite transaction that held the desks off during the copy. From then on the
folder is refused for work, and a second move of it changes nothing.

If that last entry cannot be written (a full disk, a folder turned read-only), the
server keeps the copy and the folder is left unmarked, still open for work. ``store
migrate`` run again onto the same server repairs it: the server's ``store.migrated_in``
names the folder's store and the head it copied; when that head is still the folder's,
nothing is copied again and the folder's ``store.migrated_out`` is written now. When the
folder recorded more after that head, nothing is written and the entries are named.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from trustdesk.store import audit
from trustdesk.store.errors import StoreError
from trustdesk.store.paths import hostname
from trustdesk.store.record_copy import ChainBroken, Progress, TargetNotEmpty, TransferReport
from trustdesk.store.records import Actor, AuditEvent

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
        source = Store.open(source_dir, moved_ok=True)  # refused below, in its words
    except StoreError as exc:  # its words name the flag this command names the folder by
        exc.args = (str(exc).replace("(--data-dir)", "(--from)"),)
        raise
    with source:
        moved = source.moved()
        if moved is not None:
            from trustdesk.store.errors import RecordMoved
            from trustdesk.store.moved import already_moved

            raise RecordMoved(already_moved(source_dir, moved))
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
        from trustdesk.store.postgresql.connection import describe

        at = datetime.now(UTC)
        actor = Actor(None, None, hostname())
        os_user = _os_user()
        arrival: dict[str, object] = {"from_folder": str(source.data_dir), "os_user": os_user}
        report: TransferReport | None = None
        with alone("migrate the record onto a server"):
            try:
                with source.db.transaction() as conn:
                    try:
                        report = copy_onto(conn, url, say, arrival, actor, at)
                    except TargetNotEmpty:
                        report = _copied_before(conn, source_dir, url)
                        if report is None:
                            raise
                        say(
                            f"the record of {source_dir} is already on {describe(url)} "
                            f"(its entry store.migrated_in {report.head_seq:,}); nothing is "
                            "copied again: recording in the folder that it moved …"
                        )
                    left = _moved_out(report, url, os_user)
                    entry = audit.append(conn, left, actor, at)
            except (Exception, KeyboardInterrupt) as exc:
                if report is None:
                    raise
                raise StoreError(unmarked(source_dir, url, exc)) from exc
        return replace(report, moved_out_seq=entry.seq)


def _copied_before(conn: sqlite3.Connection, folder: Path, url: str) -> TransferReport | None:
    """The server already holds this folder's record: its ``store.migrated_in`` names the
    folder's store and a head that is the folder's head now. Then an earlier ``store
    migrate`` committed there and only the folder's own mark failed (``unmarked``): the
    report of that move, to record the mark from (nothing is copied again). None when the
    server holds no move of this store (the target is then just not empty).

    Refused, nothing written, when the folder recorded entries after the head the server
    copied: work done in the folder since, which the server does not have."""
    from trustdesk.store.postgresql.connection import describe
    from trustdesk.store.postgresql.copy_in import arrival_of
    from trustdesk.store.record_copy import source_meta

    store_id = source_meta(conn).get("store_id")
    if not store_id:
        return None
    arrived = arrival_of(url, store_id)
    if arrived is None:
        return None
    copied = (arrived.get("from_head_seq"), arrived.get("from_head_hash"))
    head = audit.head(conn)
    if head == copied:
        return TransferReport(
            (),
            int(str(arrived["seq"])),
            str(arrived["hash"]),
            store_id,
            head[0],
            head[1],
            str(arrived.get("server_role") or ""),
            repaired=True,
        )
    row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (copied[0],)).fetchone()
    if row is None or row[0] != copied[1]:
        return None  # not this folder's chain that was copied (say, an older backup of it)
    raise StoreError(
        f"the record of {folder} was copied onto {describe(url)} up to its audit entry "
        f"{copied[0]:,} (store.migrated_in at entry {arrived['seq']} there), but the "
        f"folder was not marked as moved and recorded entries {int(str(copied[0])) + 1:,} "
        f"to {head[0]:,} after it, which the server does not have; nothing was done. Keep "
        "the folder as it is (its trustdesk.db holds those records) and have the "
        "administrator and counsel decide how they are carried over"
    )


def _moved_out(report: TransferReport, url: str, os_user: str | None) -> AuditEvent:
    """The folder's entry: where its record now lives, and the head both chains share."""
    from trustdesk.store.moved import MIGRATED_OUT
    from trustdesk.store.postgresql.connection import describe

    return AuditEvent(
        MIGRATED_OUT,
        "success",
        {
            "to": describe(url),
            "store_id": report.store_id,
            "head_seq": report.source_seq,
            "head_hash": report.source_hash,
            "server_seq": report.head_seq,
            "server_hash": report.head_hash,
            "server_role": report.server_role,
            "os_user": os_user,
        },
    )


def unmarked(folder: Path, url: str, exc: BaseException) -> str:
    """The server committed the copy, but the folder could not record that it left."""
    from trustdesk.store.postgresql.connection import describe

    return (
        f"the record of {folder} was copied onto {describe(url)} and verified there, but "
        f"the folder could not record that it moved ({exc or type(exc).__name__}), so "
        "it is still open for work. Use the server from now on: point the desks at it, "
        "and once the folder can be written again (space freed, write access back) run "
        "this same `trustdesk store migrate` again: it copies nothing a second time and "
        "records the move in the folder"
    )


def _os_user() -> str | None:
    """The operating-system account running the move (None if the system cannot say)."""
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None

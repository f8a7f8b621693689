"""The server side of ``store migrate``: a desk's rows into an empty store, in one transaction.

See ``store/transfer.py`` for the whole move and docs/decisions/0018-store-migrate.md for
why it is done this way. Everything here runs in one transaction under the desks' chain
lock: the target is checked empty, triggers are set aside for this transaction only,
``store init``'s own identity entry makes way for the desk's, every table is streamed in
with COPY, the id sequences move past the copied ids, and the store's full verification
runs on the copy before it is committed. Any failure rolls all of it back.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

import psycopg

from trustdesk.store import record_copy
from trustdesk.store.errors import StoreError
from trustdesk.store.postgresql.connection import PgConnection, describe, open_connection
from trustdesk.store.postgresql.schema import CHAIN_LOCK_KEY
from trustdesk.store.record_copy import (
    COPIED,
    META_KEYS,
    ChainBroken,
    CopyFailed,
    Progress,
    TableCopy,
    TargetNotEmpty,
    TransferReport,
)
from trustdesk.store.records import Actor, AuditEvent


def target_columns(cur: psycopg.Cursor[Any], table: str) -> dict[str, str]:
    """Column name → PostgreSQL data type, in table order."""
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s ORDER BY ordinal_position",
        (table,),
    )
    return dict(cur.fetchall())


def occupied(cur: psycopg.Cursor[Any]) -> list[str]:
    """The copied tables that already hold records on the target.

    ``store init`` gives a new store its identity: an entry ``store.created`` (and its
    id in ``meta``). A target holding that alone is empty; the copy replaces it with the
    desk's own identity, whose ``store.created`` opens the desk's chain.
    """
    found = []
    for table in COPIED:
        if table == "audit_log":
            cur.execute("SELECT count(*), bool_and(event = 'store.created') FROM audit_log")
            row = cur.fetchone()
            if row is not None and (row[0] > 1 or (row[0] == 1 and not row[1])):
                found.append(table)
            continue
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        row = cur.fetchone()
        if row is not None and row[0]:
            found.append(table)
    return found


def _converter(kind: str) -> Callable[[Any], Any] | None:
    if kind == "boolean":
        return lambda value: None if value is None else bool(value)
    if kind == "bytea":
        return lambda value: None if value is None else bytes(value)
    return None


def copy_table(
    source: sqlite3.Connection, cur: psycopg.Cursor[Any], table: str, say: Progress
) -> int:
    """Stream one table into the target with COPY; the number of rows."""
    have = record_copy.source_columns(source, table)
    want = target_columns(cur, table)
    missing = [column for column in have if column not in want]
    if missing:
        raise CopyFailed(
            f"the PostgreSQL store has no column {table}.{missing[0]}: it was made by another "
            "version of TrustDesk; run `trustdesk store init` of this version on a new database"
        )
    converters = [_converter(want[column]) for column in have]
    total = record_copy.source_count(source, table)
    say(f"  {table}: {total:,} rows")
    count = 0
    with cur.copy(f"COPY {table} ({', '.join(have)}) FROM STDIN") as copy:
        for stored in record_copy.source_rows(source, table, have):
            row = stored
            if any(converters):
                row = tuple(
                    value if convert is None else convert(value)
                    for value, convert in zip(stored, converters, strict=True)
                )
            copy.write_row(row)
            count += 1
            if count % 200_000 == 0:
                say(f"    {count:,} / {total:,}")
    return count


def advance_sequences(cur: psycopg.Cursor[Any], table: str) -> None:
    """Move each id sequence of ``table`` past the copied ids, so new rows follow them."""
    for column in target_columns(cur, table):
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", (table, column))
        row = cur.fetchone()
        if row is None or row[0] is None:
            continue
        cur.execute(
            f"SELECT setval(%s, coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)",
            (row[0],),
        )


def copy_meta(cur: psycopg.Cursor[Any], meta: dict[str, str]) -> None:
    for key in META_KEYS:
        if key in meta:
            cur.execute("DELETE FROM meta WHERE key = %s", (key,))
            cur.execute("INSERT INTO meta (key, value) VALUES (%s, %s)", (key, meta[key]))


def copy_onto(
    source: sqlite3.Connection,
    url: str,
    say: Progress,
    arrival: dict[str, object],
    actor: Actor,
    at: datetime,
) -> TransferReport:
    """The server side: one transaction, rolled back on any failure (see the module).

    After the desk's chain, the server's records where it came from: an entry
    ``store.migrated_in`` with ``arrival``'s objects, the desk's head copied and the
    server role that wrote it, made by ``actor``; it is verified with the rest."""
    from trustdesk.store import audit
    from trustdesk.store.moved import MIGRATED_IN
    from trustdesk.store.verify import verify

    raw = open_connection(url)
    # Streaming: the verification reads millions of rows a batch at a time.
    target = PgConnection(raw, url, streaming=True)
    try:
        with target.translating():
            raw.execute("BEGIN")
            # The desks' own writers' lock: none of them can write while this runs.
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
            with raw.cursor() as cur:
                _refuse_other_version(cur, url)
                _refuse_occupied(cur, url)
                _bypass_triggers(cur, url)
                # The target's own identity (store init's first entry) makes way for the
                # desk's, which opens the chain being copied.
                cur.execute("DELETE FROM audit_log")
                say(f"copying onto {_where(url)} …")
                copied = []
                for table in COPIED:
                    copied.append(TableCopy(table, copy_table(source, cur, table, say)))
                    advance_sequences(cur, table)
                meta = record_copy.source_meta(source)
                copy_meta(cur, meta)
                # The planner's statistics of the copied rows, before they are verified:
                # a table just filled has none, and with its guesses one statement of the
                # verification of a 1,000,000-decision copy ran over 7 minutes without
                # ending (decision 0056). ANALYZE samples this transaction's own rows.
                for table in COPIED:
                    cur.execute(f"ANALYZE {table}")
                # The server's own entry goes in through its triggers again (linked to
                # the copied head, append-only), like any desk's.
                cur.execute("SET LOCAL session_replication_role = origin")
                role = str((cur.execute("SELECT current_user").fetchone() or ("",))[0])
            source_seq, source_hash = audit.head(source)
            about = {
                **arrival,
                "store_id": meta["store_id"],
                "from_head_seq": source_seq,
                "from_head_hash": source_hash,
                "server_role": role,
            }
            event = AuditEvent(MIGRATED_IN, "success", about)
            audit.append(target, event, actor, at)  # type: ignore[arg-type]
            say("verifying the copy on the server …")
            report = verify(target)  # type: ignore[arg-type]
            if not report.ok:
                raise ChainBroken(
                    f"the copy does not verify on the server ({report.problems[0]}); it was "
                    "rolled back and the target left empty. Please report this"
                )
            target.execute("COMMIT")
    finally:
        if not raw.closed:
            if target.in_transaction:  # anything begun and not committed goes
                with contextlib.suppress(psycopg.Error, StoreError):
                    target.execute("ROLLBACK")
            raw.close()
    return TransferReport(
        tuple(copied),
        report.head_seq,
        report.head_hash,
        meta["store_id"],
        source_seq,
        source_hash,
        role,
    )


def arrival_of(url: str, store_id: str) -> dict[str, object] | None:
    """The server's latest ``store.migrated_in`` entry naming the desk's store ``store_id``
    (its ``seq`` and ``hash`` with its objects), or None: read only, nothing written.

    ``store migrate`` run again on a folder whose mark failed after the server committed
    (``transfer.unmarked``) finds its copy there this way instead of a target "already
    holding records"."""
    import json

    from trustdesk.store.moved import MIGRATED_IN

    raw = open_connection(url)
    try:
        with raw.cursor() as cur:
            cur.execute(
                "SELECT seq, hash, objects FROM audit_log WHERE event = %s ORDER BY seq DESC",
                (MIGRATED_IN,),
            )
            for seq, digest, objects in cur.fetchall():
                try:
                    about = json.loads(objects)
                except ValueError:
                    continue
                if isinstance(about, dict) and about.get("store_id") == store_id:
                    return {**about, "seq": int(seq), "hash": str(digest)}
    finally:
        raw.close()
    return None


def _bypass_triggers(cur: psycopg.Cursor[Any], url: str) -> None:
    """Let the rows in as they are: no append-only, chain-link or foreign-key trigger.

    For this transaction only; what those triggers guard (an unbroken chain, rows that
    match their entries, nothing extra or missing) is checked by the full verification
    that must pass before anything is committed. Needs a superuser.
    """
    try:
        cur.execute("SET LOCAL session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        raise StoreError(
            f"store migrate must connect to {_where(url)} as a database superuser (e.g. "
            "postgres); nothing was written"
        ) from None


def _where(url: str) -> str:
    return describe(url)


def _refuse_other_version(cur: psycopg.Cursor[Any], url: str) -> None:
    """The target's schema is this version's, as `store init` of this TrustDesk leaves
    it: copied under a newer one, no desk of this version would open it, and the newer
    TrustDesk would take the copy for a record of its own schema."""
    from trustdesk.store.postgresql.schema import SCHEMA
    from trustdesk.store.schema import SCHEMA_VERSION

    made = cur.execute("SELECT to_regclass(%s) IS NOT NULL", (f"{SCHEMA}.schema_version",))
    row = None
    if (made.fetchone() or (False,))[0]:
        row = cur.execute(f"SELECT version FROM {SCHEMA}.schema_version WHERE id = 1").fetchone()
    version = None if row is None else int(row[0])
    if version == SCHEMA_VERSION:
        return
    if version is None:
        why = "holds no TrustDesk store"
        fix = "run `trustdesk store init` on it first"
    elif version > SCHEMA_VERSION:
        why = f"was set up by a newer TrustDesk (schema {version}; this one knows {SCHEMA_VERSION})"
        fix = "migrate with that newer TrustDesk instead"
    else:
        why = f"is at schema {version}, not this TrustDesk's {SCHEMA_VERSION}"
        fix = "run `trustdesk store init` on it with this TrustDesk first"
    raise StoreError(f"{_where(url)} {why}; nothing was written. {fix[0].upper()}{fix[1:]}")


def _refuse_occupied(cur: psycopg.Cursor[Any], url: str) -> None:
    found = occupied(cur)
    if found:
        raise TargetNotEmpty(
            f"{_where(url)} already holds records (table {found[0]} is not empty); "
            "nothing was written. `store migrate` copies onto a new store only: run "
            "`trustdesk store init` on a new, empty database and migrate to that"
        )

"""Which records a database holds: its identity (store id, agency) and a short summary.

Every store gets a random store id when it is created; the id is written in ``meta`` and
in the audit chain (``store.created``, or ``store.identity`` for a database made before
identities were recorded, see schema step 7). A plain edit of ``meta`` therefore cannot
make one agency's backup pass for another's: the identity used here is the chained one,
and a ``meta`` that disagrees with it is reported as altered.

A restore shows both summaries (what is replaced, by what) and refuses to put another
store's records in place of these unless the administrator says so explicitly.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from trustdesk.store import audit
from trustdesk.store.sql import scalar

IDENTITY_EVENTS = ("store.created", "store.identity")


@dataclass(frozen=True, slots=True)
class StoreSummary:
    """What one database holds, as a restore shows it."""

    store_id: str | None  # None: not readable, or meta disagrees with the chain
    agency: str | None
    decisions: int
    first_decision: str | None  # decision times, as stored (UTC text)
    last_decision: str | None
    head_seq: int
    head_hash: str
    users: int = 0
    problem: str | None = None  # why store_id is None

    def same_store(self, other: StoreSummary) -> bool:
        return self.store_id is not None and self.store_id == other.store_id

    @property
    def empty(self) -> bool:
        """No account and no decision: nothing a restore could lose."""
        return not self.users and not self.decisions

    def audit_objects(self, prefix: str) -> dict[str, object]:
        """Ids and counts for an audit entry (no personal data; the agency is public)."""
        return {
            f"{prefix}_store_id": self.store_id,
            f"{prefix}_agency": self.agency,
            f"{prefix}_decisions": self.decisions,
            f"{prefix}_head_seq": self.head_seq,
            f"{prefix}_head_hash": self.head_hash,
        }

    def lines(self) -> list[str]:
        span = (
            "no decisions"
            if not self.decisions
            else f"{self.decisions} decision(s), decided {str(self.first_decision)[:10]} to "
            f"{str(self.last_decision)[:10]} (UTC)"
        )
        store = self.store_id or f"unknown ({self.problem or 'not readable'})"
        first = f"agency: {self.agency or 'not set'}; store id: {store}"
        if self.head_seq < 0:  # see unreadable(): only the id was salvaged
            return [first, f"its records cannot be read ({self.problem})"]
        return [
            first,
            f"{span}; audit chain head: entry {self.head_seq}, {self.head_hash[:16]}…",
        ]

    @classmethod
    def unreadable(cls, store_id: str, problem: str) -> StoreSummary:
        """A damaged database of which only the store id could be read."""
        return cls(store_id, None, 0, None, None, -1, "", 0, problem)


def chained_store_id(conn: sqlite3.Connection) -> str | None:
    """The store id as the audit chain recorded it (the first identity entry), if any."""
    for event in IDENTITY_EVENTS:
        for entry in audit.entries_for(conn, event):
            try:
                value = json.loads(entry.objects).get("store_id")
            except (ValueError, AttributeError):
                continue
            if isinstance(value, str) and value:
                return value
    return None


def meta_store_id(conn: sqlite3.Connection) -> str | None:
    value = scalar(conn, "SELECT value FROM meta WHERE key = 'store_id'")
    return None if value is None else str(value)


def summarize(conn: sqlite3.Connection) -> StoreSummary:
    """The summary of the database on ``conn`` (read in the caller's transaction)."""
    in_meta = meta_store_id(conn)
    chained = chained_store_id(conn)
    problem = None
    store_id = in_meta
    # A backup made before schema 7 has its id in meta only: taken as it is (step 7
    # chains it when that backup is restored). Once chained, meta must agree.
    if chained is not None and in_meta != chained:
        store_id, problem = None, "its store id was altered outside TrustDesk"
    elif in_meta is None:
        problem = "it has no store id"
    agency = None
    has_agency = scalar(
        conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'agency'"
    )
    if has_agency:
        agency = scalar(conn, "SELECT name FROM agency WHERE id = 1")
    row = conn.execute(
        "SELECT count(DISTINCT decision_id), min(decision_time), max(decision_time) FROM decisions"
    ).fetchone()
    head_seq, head_hash = audit.head(conn)
    return StoreSummary(
        store_id,
        None if agency is None else str(agency),
        int(row[0]),
        row[1],
        row[2],
        head_seq,
        head_hash,
        int(scalar(conn, "SELECT count(*) FROM users")),
        problem,
    )


def record_identity(conn: sqlite3.Connection) -> None:
    """Schema step 7: put an older database's store id into its audit chain.

    A database being built has no store id yet (``store.created`` records it right
    after the migrations), and one whose chain already holds it needs nothing.
    """
    from datetime import UTC, datetime

    from trustdesk.store.paths import hostname
    from trustdesk.store.records import Actor, AuditEvent

    store_id = meta_store_id(conn)
    if store_id is None or chained_store_id(conn) is not None:
        return
    created = scalar(conn, "SELECT value FROM meta WHERE key = 'created_at'")
    audit.append(
        conn,
        AuditEvent(
            "store.identity",
            "success",
            {"store_id": store_id, "created_at": None if created is None else str(created)},
        ),
        Actor(None, None, hostname()),
        datetime.now(UTC),
    )

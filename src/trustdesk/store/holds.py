"""Holds: opened by a decision to honor a detainer, closed once with how and when they ended."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit
from trustdesk.store.case_records import Hold, HoldClosure, HoldStatus
from trustdesk.store.encoding import optional_parse_utc, parse_utc, row_digest, utc_text
from trustdesk.store.errors import Conflict, NotFound
from trustdesk.store.hold_due import asks_no_hold_sql, backend_of
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.schema import HOLD_OUTCOMES
from trustdesk.store.sql import dict_rows, insert, one_dict

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

CLOSURE_FIELDS = (
    "hold_id",
    "outcome",
    "ended_at",
    "recorded_at",
    "officer_id",
    "note",
    "audit_seq",
)

_STATUS_SELECT = """
    SELECT o.hold_id, o.decision_id, o.record_id, o.release_due_at, d.outcome,
           d.releasable_at, p.booking_number, p.name, {asks_no_hold} AS asks_no_hold
    FROM open_holds o
    CROSS JOIN decisions d ON d.id = o.record_id
    CROSS JOIN people p ON p.id = d.person_id
"""


def _status_select(conn: Any) -> str:
    """The open holds as the board shows them; whether the latest version asks for no
    hold is read on the backend's own terms (``hold_due.asks_no_hold_sql``)."""
    return _STATUS_SELECT.format(asks_no_hold=asks_no_hold_sql(backend_of(conn), "d"))


def _status(row: dict[str, Any]) -> HoldStatus:
    return HoldStatus(
        hold_id=row["hold_id"],
        decision_id=row["decision_id"],
        record_id=row["record_id"],
        booking_number=row["booking_number"],
        name=row["name"],
        outcome=row["outcome"],
        releasable_at=optional_parse_utc(row["releasable_at"]),
        release_due_at=optional_parse_utc(row["release_due_at"]),
        asks_no_hold=bool(row["asks_no_hold"]),
    )


def _status_of(conn: sqlite3.Connection, hold_id: int) -> HoldStatus | None:
    rows = dict_rows(conn, _status_select(conn) + " WHERE o.hold_id = ?", (hold_id,))
    return next((_status(row) for row in rows), None)


def _closure(row: dict[str, Any]) -> HoldClosure:
    return HoldClosure(
        hold_id=row["hold_id"],
        outcome=row["outcome"],
        ended_at=parse_utc(row["ended_at"]),
        recorded_at=parse_utc(row["recorded_at"]),
        officer_id=row["officer_id"],
        officer=row["officer"],
        note=row["note"],
    )


def hold_of(
    conn: sqlite3.Connection, *, hold_id: int | None = None, decision_id: int | None = None
) -> Hold:
    key, value = ("id", hold_id) if hold_id is not None else ("decision_id", decision_id)
    row = one_dict(conn, f"SELECT * FROM holds WHERE {key} = ?", (value,))
    if row is None:
        raise NotFound(
            f"there is no hold {hold_id}; see the active holds (decisions list --active-holds)"
            if hold_id is not None
            else f"decision {decision_id} has no hold"
        )
    closure = one_dict(
        conn,
        "SELECT c.*, u.username AS officer FROM hold_closures c "
        "JOIN users u ON u.id = c.officer_id WHERE c.hold_id = ?",
        (row["id"],),
    )
    return Hold(
        id=row["id"],
        decision_id=row["decision_id"],
        record_id=row["record_id"],
        opened_at=parse_utc(row["opened_at"]),
        opened_by=row["opened_by"],
        closure=None if closure is None else _closure(closure),
    )


def write_closure(
    conn: sqlite3.Connection,
    hold_id: int,
    *,
    outcome: str,
    ended_at: datetime,
    note: str | None,
    officer: Actor,
    at: datetime,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Close an open hold and record it in the audit; inside the caller's transaction.
    ``extra`` adds to the audit entry's objects (a closure recorded late says so)."""
    hold = hold_of(conn, hold_id=hold_id)
    if hold.closure is not None:
        raise Conflict(
            f"hold {hold_id} was already closed ({hold.closure.outcome}, "
            f"{utc_text(hold.closure.ended_at)} UTC)"
        )
    row: dict[str, Any] = {
        "hold_id": hold_id,
        "outcome": outcome,
        "ended_at": utc_text(ended_at),
        "recorded_at": utc_text(at),
        "officer_id": officer.user_id,
        "note": note,
        "audit_seq": audit.head(conn)[0] + 1,
    }
    insert(conn, "hold_closures", row)
    conn.execute("DELETE FROM open_holds WHERE hold_id = ?", (hold_id,))
    objects = {
        "hold": hold_id,
        "decision": hold.decision_id,
        "outcome": outcome,
        "closure_sha256": row_digest("hold_closures", row),
    }
    objects = {**(extra or {}), **objects}
    audit.append(conn, AuditEvent("hold.closed", "success", objects), officer, at)


class HoldRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, hold_id: int) -> Hold:
        with self._db.reading() as conn:
            return hold_of(conn, hold_id=hold_id)

    def of_decision(self, decision_id: int) -> Hold | None:
        with self._db.reading() as conn:
            try:
                return hold_of(conn, decision_id=decision_id)
            except NotFound:
                return None

    def close(
        self,
        hold_id: int,
        *,
        outcome: str,
        ended_at: datetime,
        note: str | None,
        officer: Actor,
        at: datetime,
        extra: Mapping[str, Any] | None = None,
        guard: Callable[[HoldStatus | None], None] | None = None,
    ) -> Hold:
        """Record the hold's one closure. ``guard`` is called inside the write
        transaction, with the writers' turn taken, on the hold as the board shows it (None
        once closed): what it raises leaves nothing written, and no other desk's
        amendment can land between its check and the closure."""
        if outcome not in HOLD_OUTCOMES:
            raise ValueError(outcome)
        if officer.user_id is None:
            raise ValueError("closing a hold needs an officer")
        with self._db.transaction() as conn:
            if guard is not None:
                guard(_status_of(conn, hold_id))
            write_closure(
                conn,
                hold_id,
                outcome=outcome,
                ended_at=ended_at,
                note=note,
                officer=officer,
                at=at,
                extra=extra,
            )
            return hold_of(conn, hold_id=hold_id)

    def status(self, hold_id: int) -> HoldStatus | None:
        """The hold as the board shows it while it is open; None once it is closed."""
        with self._db.reading() as conn:
            return _status_of(conn, hold_id)

    def active(self) -> list[HoldStatus]:
        """Open holds, the soonest release first; holds whose start is unknown last."""
        with self._db.reading() as conn:
            sql = (
                _status_select(conn)
                + " ORDER BY o.release_due_at IS NULL, o.release_due_at, o.hold_id"
            )
            return [_status(row) for row in dict_rows(conn, sql)]

    def overdue(self, now: datetime) -> list[HoldStatus]:
        """Open holds whose release was due at or before ``now``."""
        with self._db.reading() as conn:
            sql = (
                _status_select(conn)
                + " WHERE o.release_due_at <= ? ORDER BY o.release_due_at, o.hold_id"
            )
            return [_status(row) for row in dict_rows(conn, sql, (utc_text(now),))]

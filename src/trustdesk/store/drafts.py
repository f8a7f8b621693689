"""Drafts: reviews in progress, kept so a crash loses nothing; each user sees only their own.

Drafts are not evidence: they are replaced at every save and deleted when discarded
(``secure_delete`` overwrites the freed pages). Creating and discarding one is audited
by id; the many autosaves in between are not, or they would flood the chain.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit
from trustdesk.store.case_records import DraftInfo
from trustdesk.store.encoding import parse_utc, utc_text
from trustdesk.store.errors import DraftGone, NotFound
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.sql import dict_rows, insert, scalar

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

DRAFT_CREATED = "draft.created"
DRAFT_DISCARDED = "draft.discarded"


def _info(row: dict[str, Any]) -> DraftInfo:
    return DraftInfo(
        id=row["id"],
        label=row["label"],
        created_at=parse_utc(row["created_at"]),
        updated_at=parse_utc(row["updated_at"]),
    )


def _missing(draft_id: int) -> NotFound:
    # The same words whether the draft is gone or someone else's: ids reveal nothing.
    return NotFound(f"you have no draft {draft_id}; it may have been discarded")


def take(conn: Any, user_id: int, draft_id: int) -> None:
    """Delete ``user_id``'s draft ``draft_id`` inside the transaction recording its
    decision, or DraftGone (and nothing is recorded): one review is recorded once, even
    when two desks save it (the second waits for the first's row, then finds none)."""
    cursor = conn.execute("DELETE FROM drafts WHERE id = ? AND user_id = ?", (draft_id, user_id))
    if cursor.rowcount != 1:
        raise DraftGone(
            f"this review's draft {draft_id} is no longer in the record: its decision was "
            "saved already (on another desk, or before), or the draft was discarded; "
            "nothing was recorded"
        )


class DraftRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def save(
        self,
        user_id: int,
        draft_id: int | None,
        label: str,
        payload: str,
        *,
        actor: Actor,
        at: datetime,
    ) -> int:
        """Store a new draft (``draft_id`` None) or replace one of ``user_id``'s; its id."""
        when = utc_text(at)
        with self._db.transaction() as conn:
            if draft_id is None:
                new_id = insert(
                    conn,
                    "drafts",
                    {
                        "user_id": user_id,
                        "created_at": when,
                        "updated_at": when,
                        "label": label,
                        "payload": payload,
                    },
                )
                audit.append(
                    conn, AuditEvent(DRAFT_CREATED, "success", {"draft": new_id}), actor, at
                )
                return new_id
            cursor = conn.execute(
                "UPDATE drafts SET label = ?, payload = ?, updated_at = ? "
                "WHERE id = ? AND user_id = ?",
                (label, payload, when, draft_id, user_id),
            )
            if cursor.rowcount != 1:
                raise _missing(draft_id)
            return draft_id

    def of_user(self, user_id: int) -> list[DraftInfo]:
        """The user's drafts, the most recently saved first."""
        with self._db.reading() as conn:
            rows = dict_rows(
                conn,
                "SELECT id, label, created_at, updated_at FROM drafts WHERE user_id = ? "
                "ORDER BY updated_at DESC, id DESC",
                (user_id,),
            )
            return [_info(row) for row in rows]

    def payload(self, user_id: int, draft_id: int) -> str:
        with self._db.reading() as conn:
            text = scalar(
                conn,
                "SELECT payload FROM drafts WHERE id = ? AND user_id = ?",
                (draft_id, user_id),
            )
        if not isinstance(text, str):
            raise _missing(draft_id)
        return text

    def discard(self, user_id: int, draft_id: int, *, actor: Actor, at: datetime) -> None:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM drafts WHERE id = ? AND user_id = ?", (draft_id, user_id)
            )
            if cursor.rowcount != 1:
                raise _missing(draft_id)
            audit.append(
                conn, AuditEvent(DRAFT_DISCARDED, "success", {"draft": draft_id}), actor, at
            )

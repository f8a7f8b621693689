"""Supervisor reviews: approve a version, or amend it with a reason; each its own audit entry."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit
from trustdesk.store.case_records import DecisionDraft, Review, SavedDecision
from trustdesk.store.decisions import write_version
from trustdesk.store.encoding import parse_utc, row_digest, utc_text
from trustdesk.store.errors import Conflict
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.sql import dict_rows, insert, one_dict, scalar
from trustdesk.store.versions import latest

if TYPE_CHECKING:
    from trustdesk.store.backend import Database
    from trustdesk.store.jurisdiction_choice import LawCheck

REVIEW_FIELDS = (
    "id",
    "decision_id",
    "record_id",
    "reviewer_id",
    "reviewed_at",
    "verdict",
    "result_record_id",
    "reason",
    "audit_seq",
)


def write_review(
    conn: sqlite3.Connection,
    *,
    decision_id: int,
    record_id: int,
    verdict: str,
    result_record_id: int | None,
    reason: str | None,
    reviewer: Actor,
    at: datetime,
) -> int:
    if reviewer.user_id is None:
        raise ValueError("a review needs a reviewer")
    if scalar(conn, "SELECT 1 FROM reviews WHERE record_id = ?", (record_id,)):
        version = scalar(conn, "SELECT version FROM decisions WHERE id = ?", (record_id,))
        raise Conflict(f"version {version} of decision {decision_id} is already reviewed")
    row: dict[str, Any] = {
        "decision_id": decision_id,
        "record_id": record_id,
        "reviewer_id": reviewer.user_id,
        "reviewed_at": utc_text(at),
        "verdict": verdict,
        "result_record_id": result_record_id,
        "reason": reason,
        "audit_seq": audit.head(conn)[0] + 1,
    }
    review_id = insert(conn, "reviews", row)
    conn.execute("DELETE FROM pending_reviews WHERE decision_id = ?", (decision_id,))
    objects: dict[str, Any] = {
        "decision": decision_id,
        "record": record_id,
        "review": review_id,
        "verdict": verdict,
        "review_sha256": row_digest("reviews", {"id": review_id, **row}),
    }
    if result_record_id is not None:
        objects["result_record"] = result_record_id
    audit.append(conn, AuditEvent("decision.reviewed", "success", objects), reviewer, at)
    return review_id


def _review(row: dict[str, Any]) -> Review:
    return Review(
        id=row["id"],
        decision_id=row["decision_id"],
        record_id=row["record_id"],
        reviewer_id=row["reviewer_id"],
        reviewer=row["reviewer"],
        reviewed_at=parse_utc(row["reviewed_at"]),
        verdict=row["verdict"],
        result_record_id=row["result_record_id"],
        reason=row["reason"],
        audit_seq=row["audit_seq"],
    )


def reviews_of(conn: sqlite3.Connection, decision_id: int) -> tuple[Review, ...]:
    return tuple(
        _review(row)
        for row in dict_rows(
            conn,
            "SELECT r.*, u.username AS reviewer FROM reviews r "
            "JOIN users u ON u.id = r.reviewer_id "
            "WHERE r.decision_id = ? ORDER BY r.id",
            (decision_id,),
        )
    )


class ReviewRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def approve(
        self,
        decision_id: int,
        *,
        expected_record_id: int,
        reviewer: Actor,
        at: datetime,
        note: str | None = None,
    ) -> Review:
        """Approve the current version, with the supervisor's ``note`` if any."""
        with self._db.transaction() as conn:
            current = latest(conn, decision_id)
            _check_current(current.id, expected_record_id, decision_id)
            review_id = write_review(
                conn,
                decision_id=decision_id,
                record_id=current.id,
                verdict="approved",
                result_record_id=None,
                reason=note,
                reviewer=reviewer,
                at=at,
            )
            return self._one(conn, review_id)

    def amend(
        self,
        decision_id: int,
        draft: DecisionDraft,
        *,
        reason: str,
        expected_record_id: int,
        reviewer: Actor,
        at: datetime,
        law: LawCheck | None = None,
    ) -> tuple[SavedDecision, Review]:
        """The supervisor's corrected version and the review that made it, together."""
        with self._db.transaction() as conn:
            current = latest(conn, decision_id)
            _check_current(current.id, expected_record_id, decision_id)
            record_id, hold_id, entry = write_version(
                conn,
                draft,
                author=reviewer,
                at=at,
                previous=current,
                reason=reason,
                extra={"via_review": True},
                law=law,
            )
            review_id = write_review(
                conn,
                decision_id=decision_id,
                record_id=current.id,
                verdict="amended",
                result_record_id=record_id,
                reason=reason,
                reviewer=reviewer,
                at=at,
            )
            saved = SavedDecision(latest(conn, decision_id), hold_id, entry)
            return saved, self._one(conn, review_id)

    def of_decision(self, decision_id: int) -> tuple[Review, ...]:
        with self._db.reading() as conn:
            return reviews_of(conn, decision_id)

    @staticmethod
    def _one(conn: sqlite3.Connection, review_id: int) -> Review:
        row = one_dict(
            conn,
            "SELECT r.*, u.username AS reviewer FROM reviews r "
            "JOIN users u ON u.id = r.reviewer_id "
            "WHERE r.id = ?",
            (review_id,),
        )
        assert row is not None
        return _review(row)


def _check_current(current: int, expected: int, decision_id: int) -> None:
    if current != expected:
        raise Conflict(
            f"decision {decision_id} was amended meanwhile; show it again and review "
            "the latest version"
        )

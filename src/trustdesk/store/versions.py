"""Reading decision versions back as records: one version, the latest, or all of them."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from typing import Any

from trustdesk.store.case_records import DecisionRecord, DetainerFacts, PersonFacts
from trustdesk.store.encoding import optional_parse_utc, parse_utc
from trustdesk.store.errors import NotFound
from trustdesk.store.sql import dict_rows, one_dict

_RECORD_SELECT = """
    SELECT d.*, u.username AS officer, p.booking_number, p.name, p.date_of_birth,
           t.form, t.received_at, t.judicial_warrant, t.administrative_warrant,
           t.issuing_office, t.subject_id
    FROM decisions d
    JOIN users u ON u.id = d.officer_id
    JOIN people p ON p.id = d.person_id
    JOIN detainers t ON t.id = d.detainer_id
"""


_ANSWERS_SELECT = "SELECT field, value FROM decision_answers WHERE record_id = ? ORDER BY field"


def _record(conn: sqlite3.Connection, row: dict[str, Any]) -> DecisionRecord:
    answers = tuple((field, value) for field, value in conn.execute(_ANSWERS_SELECT, (row["id"],)))
    return _built(row, answers)


def _built(row: dict[str, Any], answers: tuple[tuple[str, str], ...]) -> DecisionRecord:
    dob = row["date_of_birth"]
    return DecisionRecord(
        id=row["id"],
        decision_id=row["decision_id"],
        version=row["version"],
        amends=row["amends"],
        reason=row["reason"],
        officer_id=row["officer_id"],
        officer=row["officer"],
        recorded_at=parse_utc(row["recorded_at"]),
        decision_time=parse_utc(row["decision_time"]),
        outcome=row["outcome"],
        needs_review=bool(row["needs_review"]),
        review_required=bool(row["review_required"]),
        releasable_at=optional_parse_utc(row["releasable_at"]),
        hold_expires_at=optional_parse_utc(row["hold_expires_at"]),
        rule_pack=row["rule_pack"],
        rule_pack_sha256=row["rule_pack_sha256"],
        app_version=row["app_version"],
        person_id=row["person_id"],
        person=PersonFacts(
            row["booking_number"], row["name"], None if dob is None else date.fromisoformat(dob)
        ),
        detainer=DetainerFacts(
            row["form"],
            optional_parse_utc(row["received_at"]),
            row["judicial_warrant"],
            row["administrative_warrant"],
            row["issuing_office"],
            row["subject_id"],
        ),
        answers=answers,
        case_json=row["case_json"],
        decision_json=row["decision_json"],
        record_sha256=row["record_sha256"],
        audit_seq=row["audit_seq"],
    )


def latest(conn: sqlite3.Connection, decision_id: int) -> DecisionRecord:
    row = one_dict(
        conn,
        _RECORD_SELECT + " WHERE d.decision_id = ? ORDER BY d.version DESC LIMIT 1",
        (decision_id,),
    )
    if row is None:
        raise NotFound(f"there is no decision {decision_id}; check the number (decisions list)")
    return _record(conn, row)


def version_later(conn: sqlite3.Connection, record_id: int) -> Callable[[], DecisionRecord]:
    """One version, by its record id: its queries are sent now, their rows read when the
    returned function is called. On a server in pipeline mode that can be after the
    commit, which then brings the rows back with it: nothing waited for in the writers'
    turn (decision 0024)."""
    rows = conn.execute(_RECORD_SELECT + " WHERE d.id = ?", (record_id,))
    answers = conn.execute(_ANSWERS_SELECT, (record_id,))

    def read() -> DecisionRecord:
        found = rows.fetchone()
        if found is None:
            raise NotFound(f"there is no decision record {record_id}")
        names = [column[0] for column in rows.description]
        row = dict(zip(names, found, strict=True))
        return _built(row, tuple((field, value) for field, value in answers.fetchall()))

    return read


def history(conn: sqlite3.Connection, decision_id: int) -> tuple[DecisionRecord, ...]:
    rows = list(
        dict_rows(
            conn, _RECORD_SELECT + " WHERE d.decision_id = ? ORDER BY d.version", (decision_id,)
        )
    )
    if not rows:
        raise NotFound(f"there is no decision {decision_id}; check the number (decisions list)")
    return tuple(_record(conn, row) for row in rows)

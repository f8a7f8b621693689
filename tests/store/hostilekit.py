"""What the hostile verification tests share (test_verify_hostile*.py, jsonb_probes.py):
reading one row, asserting what a report says, the report of the general checks alone,
and a forged later version of a decision."""

from __future__ import annotations

from typing import Any

import pytest
from test_verify_split import _NeverMatches

from trustdesk.store.decisions import RECORD_FIELDS
from trustdesk.store.store import Store

#: The first decision of one version whose hold is closed (its outcome enters no open
#: hold's due time).
CLOSED_LATEST = (
    "SELECT d.id FROM decisions d JOIN holds h ON h.decision_id = d.decision_id "
    "JOIN hold_closures c ON c.hold_id = h.id WHERE d.version = 1 "
    "AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = d.id) ORDER BY d.id"
)


def one(store: Store, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with store.db.reading() as conn:
        return conn.execute(sql, params).fetchone()


def says(report: Any, text: str) -> None:
    """``report`` is not OK, and one of its problems says ``text``."""
    said = [str(problem) for problem in report.problems]
    assert any(text in line for line in said), said


def general_report(store: Store, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The report with every fast candidate refused: only the general checks decide."""
    with monkeypatch.context() as patch:
        patch.setattr("trustdesk.store.checks._sha256", _NeverMatches)
        patch.setattr("trustdesk.store.checks.entry_hash_fast", lambda *a, **k: None)
        patch.setattr("trustdesk.store.checks.record_digest_fast", lambda *a, **k: "never")
        patch.setattr(
            "trustdesk.store.checks.row_digest_fast_of", lambda *a, **k: lambda row: "never"
        )
        return store.verify()


def forge_latest_version(store: Store, conn: Any, *, reason: str, audit_seq: int) -> int:
    """Through the attacker's ``conn``: a version 2 of ``CLOSED_LATEST``'s decision with
    the outcome 'decline', on a copy of its detainer row, filed at ``audit_seq`` (its
    record id is returned; the desk then shows it as the decision's latest)."""
    target = one(store, CLOSED_LATEST)[0]
    new_id = one(store, "SELECT max(id) FROM decisions")[0] + 100
    detainer = one(store, "SELECT max(id) FROM detainers")[0] + 100
    values = {
        "id": str(new_id),
        "version": "2",
        "amends": "id",
        "reason": "'" + reason.replace("'", "''") + "'",
        "outcome": "'decline'",
        "detainer_id": str(detainer),
        "audit_seq": str(int(audit_seq)),
    }
    fields = (*RECORD_FIELDS, "record_sha256")
    chosen = ", ".join(values.get(field, field) for field in fields)
    conn.execute(
        f"INSERT INTO detainers SELECT {detainer}, form, received_at, judicial_warrant, "
        "administrative_warrant, issuing_office, subject_id FROM detainers "
        "WHERE id = (SELECT detainer_id FROM decisions WHERE id = ?)",
        (target,),
    )
    conn.execute(
        f"INSERT INTO decisions ({', '.join(fields)}) SELECT {chosen} FROM decisions WHERE id = ?",
        (target,),
    )
    return new_id

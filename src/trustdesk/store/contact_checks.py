"""``audit verify`` for the contact log: each contact version and review against the
audit entry that wrote it, and no row missing or added behind TrustDesk's back.

Kept apart from checks.py (the decision tables' checks) on purpose: it only uses the
Checker's general row check (``digest_rows``), so the two evolve independently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trustdesk.store.contacts import (
    CONTACT_EVENTS,
    CONTACT_FIELDS,
    CONTACT_REVIEW_EVENTS,
    CONTACT_REVIEW_FIELDS,
)

if TYPE_CHECKING:
    from trustdesk.store.checks import Checker

#: table → (events creating its rows, object key naming the row, its id column, label).
_TABLES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "contacts": (CONTACT_EVENTS, "contact_record", "contact_sha256"),
    "contact_reviews": (CONTACT_REVIEW_EVENTS, "contact_review", "contact_review_sha256"),
}


def _contact_label(row: dict[str, Any]) -> str:
    return f"contact {row['contact_id']} version {row['version']} (record {row['id']})"


def _review_label(row: dict[str, Any]) -> str:
    return f"review {row['id']} of contact {row['contact_id']}"


def check_contacts(checker: Checker) -> int:
    """Check the contact tables against the chain; the number of contact versions."""
    contacts = checker.digest_rows(
        "contacts",
        CONTACT_EVENTS,
        _contact_label,
        CONTACT_FIELDS,
        "contact_sha256",
        "contact_record",
        "id",
    )
    reviews = checker.digest_rows(
        "contact_reviews",
        CONTACT_REVIEW_EVENTS,
        _review_label,
        CONTACT_REVIEW_FIELDS,
        "contact_review_sha256",
        "contact_review",
        "id",
    )
    _counts(checker, {"contacts": contacts, "contact_reviews": reviews})
    return contacts


def _counts(checker: Checker, rows: dict[str, int]) -> None:
    """Rows in each table against the entries that created them (a verification of a
    prefix, ``upto``, counts both up to that entry)."""
    limit = "" if checker.upto is None else f" AND seq <= {int(checker.upto)}"
    for table, (events, key, _digest) in _TABLES.items():
        marks = ", ".join("?" * len(events))
        recorded = int(
            checker.conn.execute(
                f"SELECT count(*) FROM audit_log WHERE event IN ({marks}) AND seq > "
                f"{int(checker.after)}{limit}",
                events,
            ).fetchone()[0]
        )
        if rows[table] == recorded:
            continue
        _missing(checker, table, events, key)
        checker.problem(
            None,
            f"table {table} holds {rows[table]} rows but the audit chain recorded "
            f"{recorded}: rows were deleted or inserted behind TrustDesk's back",
        )


def _missing(checker: Checker, table: str, events: tuple[str, ...], key: str) -> None:
    """Name the audit entries whose row in ``table`` is gone."""
    marks = ", ".join("?" * len(events))
    limit = "" if checker.upto is None else f" AND seq <= {int(checker.upto)}"
    # json_valid first: a tampered entry may hold anything, and must not stop the check.
    wanted = f"CASE WHEN json_valid(objects) THEN json_extract(objects, '$.{key}') END"
    for seq, event, row_id in checker.conn.execute(
        f"SELECT seq, event, {wanted} FROM audit_log "
        f"WHERE event IN ({marks}) AND {wanted} IS NOT NULL{limit} "
        f"AND {wanted} NOT IN (SELECT id FROM {table})",
        events,
    ):
        checker.problem(
            seq,
            f"audit entry {seq} ({event}) recorded {table} row {row_id}, which is missing: "
            "it was deleted behind TrustDesk's back",
        )

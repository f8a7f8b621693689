"""Report figures on the ICE contact log: contacts by kind and month, and those the law
did not allow, counted by the database (GROUP BY) over the period's contacts.

A contact counts once, with its latest version (amendments replace it), in the period
by the time it occurred. ``allowed`` is what was recorded when it was logged: 1 when
everything given was allowed by the pack in force, 0 otherwise. The officer filter is
the user who logged the contact's first version; the desk filter is the workstation of
the audit entry that recorded that version (``contact_id`` is the first version's id, as
``decision_id`` is for decisions).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

from trustdesk.store.encoding import utc_text
from trustdesk.store.reports_query import ContactData, ReportQuery

if TYPE_CHECKING:
    from trustdesk.store.reports_sql import ReportDialect


def contact_data(
    conn: sqlite3.Connection, query: ReportQuery, dialect: ReportDialect
) -> ContactData | None:
    """The period's contact counts; None when they cannot be filtered as asked (a desk
    filter on a contact log that does not keep its audit entry's number)."""
    del dialect  # the contact queries are written in the shared SQL
    columns = {d[0] for d in conn.execute("SELECT * FROM contacts WHERE 1 = 0").description}
    if query.desk is not None and "audit_seq" not in columns:
        return None
    conditions = [
        "NOT EXISTS (SELECT 1 FROM contacts n WHERE n.amends = k.id)",
        "k.occurred_at >= ?",
        "k.occurred_at < ?",
    ]
    params: list[Any] = [utc_text(query.start), utc_text(query.end)]
    if query.officer is not None:
        conditions.append(
            "(SELECT f.user_id FROM contacts f WHERE f.id = k.contact_id) = "
            "(SELECT u.id FROM users u WHERE u.username = ?)"
        )
        params.append(query.officer)
    if query.desk is not None:
        conditions.append(
            "(SELECT a.workstation FROM contacts f CROSS JOIN audit_log a "
            "ON a.seq = f.audit_seq WHERE f.id = k.contact_id) = ?"
        )
        params.append(query.desk)
    month = "0"
    month_params: list[Any] = []
    if query.month_starts:
        cases = " ".join(
            f"WHEN k.occurred_at < ? THEN {index}" for index in range(len(query.month_starts))
        )
        month = f"CASE {cases} ELSE {len(query.month_starts)} END"
        month_params = [utc_text(when) for when in query.month_starts]
    where = " AND ".join(conditions)
    # One pass over the period's contacts: grouped by everything both figures need, then
    # summed apart here (a few hundred groups), rather than a second scan for the
    # disclosures.
    rows = conn.execute(
        "SELECT kind, allowed, month, given, count(*) FROM (SELECT k.kind, k.allowed, "
        f"{month} AS month, k.given FROM contacts k WHERE {where}) s "
        "GROUP BY kind, allowed, month, given",
        (*month_params, *params),
    ).fetchall()
    by_kind: dict[tuple[str, int, int], int] = {}
    given: dict[tuple[str, int], int] = {}
    for kind, allowed, month_index, gave, count in rows:
        key = (str(kind), int(allowed), int(month_index))
        by_kind[key] = by_kind.get(key, 0) + int(count)
        pair = (str(gave), int(allowed))
        given[pair] = given.get(pair, 0) + int(count)
    # Only the advice that names a later decision (California's release dates are all
    # allowed under conditions and reviewed: their advice is not read for nothing).
    reviewed = conn.execute(
        f"SELECT k.given, k.advice FROM contacts k WHERE {where} "
        "AND k.allowed = 1 AND k.review_needed = 1 AND k.advice LIKE ?",
        (*params, '%"also_in_force"%'),
    ).fetchall()
    return ContactData(
        by_kind=tuple((*key, n) for key, n in by_kind.items()),
        given=tuple((*pair, n) for pair, n in given.items()),
        allowed_reviewed=tuple((str(gave), str(advice)) for gave, advice in reviewed),
    )

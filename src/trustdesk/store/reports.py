"""Report figures counted by the database: GROUP BY queries over one period's decisions.

Nothing here loads the decisions themselves: each query returns a few grouped rows
(counts per outcome, per month, per ground…) or a histogram in whole minutes (times to
review, to ICE custody, how late a hold ran), from which services/reports.py takes
medians and percentiles. All queries run in one read snapshot, with the audit chain
head of that snapshot, so a report's figures and the head it names agree.

What a report counts (docs/decisions/0029): each *decision* (a detainer handled: all
versions of one ``decision_id``) once, with the facts of its latest version; it falls in
the period by its decision time (``by="decided"``) or by when its detainer was received
(``by="received"``; when no receipt time was recorded, the decision time stands in and
is counted apart). Its officer is whoever recorded the first version; its desk is the
workstation that recorded it (the audit entry of that version). Times are compared as
the stored UTC text, whose order is time order.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trustdesk.store.audit import head
from trustdesk.store.encoding import utc_text
from trustdesk.store.hold_due import asks_no_hold_sql, release_due_sql
from trustdesk.store.reports_contacts import contact_data
from trustdesk.store.reports_query import ContactData, ReportQuery
from trustdesk.store.reports_sql import ReportDialect, dialect_for

if TYPE_CHECKING:
    from trustdesk.store.backend import Database

__all__ = [
    "BY_CHOICES",
    "ContactData",
    "ReportData",
    "ReportQuery",
    "ReportRepository",
    "has_table",
    "report_data",
]

BY_CHOICES = ("received", "decided")

#: The desk of a decision: the workstation that recorded its first version, i.e. of the
#: audit entry that recorded it (``audit_seq`` of the first version ``{f}``, which the
#: period joins anyway for its officer). It is the first audit entry naming the decision
#: (``audit_decisions``, schema 6, as ``desks()`` reads it): one index lookup instead of
#: two per decision (docs/decisions/0041).
DESK_OF = "(SELECT a.workstation FROM audit_log a WHERE a.seq = {f}.audit_seq)"


@dataclass(frozen=True, slots=True)
class ReportData:
    """Grouped counts, as the database returned them (services/reports.py names them)."""

    head_seq: int
    head_hash: str
    #: (month index, outcome, count); index 0 is the period's first month.
    by_month: tuple[tuple[int, str, int], ...]
    by_officer: tuple[tuple[str, str, int], ...]
    by_desk: tuple[tuple[str, str, int], ...]
    #: (form, judicial_warrant yes/no/unknown, administrative warrant or None, count).
    received: tuple[tuple[str, str, str | None, int], ...]
    #: Decisions whose detainer had no receipt time (placed by their decision time).
    receipt_unknown: int
    #: (outcome, rule pack, grounds JSON, unverified JSON, count).
    outcomes: tuple[tuple[str, str, str, str, int], ...]
    review_needed: int
    reviewed: int
    review_pending: int
    #: (minutes from the recording of the version a decision's first review reviewed to
    #: that review, count).
    review_minutes: tuple[tuple[int, int], ...]
    #: (closure outcome, or "open", count).
    holds: tuple[tuple[str, int], ...]
    #: Holds with no known expiry (the hold clock's start was never entered).
    holds_expiry_unknown: int
    #: (minutes past the expiry when the hold ended, or "now" for open ones; closed?, count).
    overdue_minutes: tuple[tuple[int, bool, int], ...]
    #: (minutes from the hold's start to ICE custody, count).
    custody_minutes: tuple[tuple[int, int], ...]
    #: Holds closed "ice_took_custody" whose start was unknown (left out of the times).
    custody_start_unknown: int
    #: (amendment reason, count), for versions after the first.
    amendments: tuple[tuple[str, int], ...]
    #: Contact figures, or None where the store keeps no contact log (or cannot filter it
    #: as asked: see reports_contacts).
    contacts: ContactData | None
    contacts_logged: bool = False
    #: (action id, outcome, count) over the period's decisions that recorded action
    #: outcomes (rule-pack format 3); records made before then add nothing.
    action_outcomes: tuple[tuple[str, str, int], ...] = ()
    #: (rule pack, count) of the decisions counted as honored in ``outcomes`` whose
    #: detainer's form asked for no hold, only to be told of the release (I-247N).
    no_hold_asked: tuple[tuple[str, int], ...] = ()


class _Period:
    """The period's decisions (latest versions), gathered once into a temporary table.

    Every figure is a GROUP BY over this small table (one row per decision of the
    period, a few short columns), joined to holds, reviews and versions through their
    indexes. Gathering it takes two steps (docs/decisions/0041). First the *ids* of the
    period's latest versions, found through the decision-time index for ``by="decided"``
    or the receipt-time index of the detainers (schema 9) for ``by="received"``, go into
    a temporary table of their own — on PostgreSQL ANALYZEd, so that the server knows
    how many there are (for an ``IN`` list or a ``UNION`` it guessed 200 and then read
    the detainers, holds and hold closures in full). Then each row of the period is
    built from one id: its decision by primary key, its detainer, first version, hold
    and closure through their indexes (on PostgreSQL joined by those keys, not by
    hashing whole tables: decision 0044), the grounds and unverified items read from
    what each backend keeps of the decision document beside it (SQLite's table of
    schema 12, decision 0048; the server's columns of schema 11, decision 0044): the
    period never reads a document. The tables live in
    the read transaction: dropped at the end on SQLite, rolled back with the snapshot on
    PostgreSQL.
    """

    IDS = "report_ids"
    TABLE = "report_period"

    def __init__(self, query: ReportQuery, dialect: ReportDialect) -> None:
        if query.by not in BY_CHOICES:
            raise ValueError(f"by must be one of {BY_CHOICES}")
        self.dialect = dialect
        received = query.by == "received"
        at = "ifnull(t.received_at, d.decision_time)" if received else "d.decision_time"
        latest = "NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = s.record_id)"
        bounds = [utc_text(query.start), utc_text(query.end)]
        if received:
            # The same set as ``at`` in the period, found through indexes (schema 9):
            # detainers received in the period (detainers_by_receipt, then each one's
            # decision by its unique detainer_id), and those with no receipt time among
            # the decisions of the period (decisions_by_time). The two are disjoint.
            found = (
                "SELECT e.id AS record_id FROM detainers r CROSS JOIN decisions e "
                "ON e.detainer_id = r.id WHERE r.received_at >= ? AND r.received_at < ? "
                "UNION ALL SELECT e.id FROM decisions e CROSS JOIN detainers r "
                "ON r.id = e.detainer_id WHERE e.decision_time >= ? AND e.decision_time < ? "
                "AND r.received_at IS NULL"
            )
            id_params = [*bounds, *bounds]
        else:
            found = (
                "SELECT e.id AS record_id FROM decisions e "
                "WHERE e.decision_time >= ? AND e.decision_time < ?"
            )
            id_params = bounds
        self.gather_ids = (
            f"CREATE TEMP TABLE {self.IDS} AS SELECT s.record_id FROM ({found}) s WHERE {latest}"
        )
        self.id_params = id_params
        conditions: list[str] = []
        params: list[Any] = []
        if query.officer is not None:
            conditions.append("f.officer_id = (SELECT u.id FROM users u WHERE u.username = ?)")
            params.append(query.officer)
        if query.desk is not None:
            conditions.append(DESK_OF.format(f="f") + " = ?")
            params.append(query.desk)
        month = "0"
        month_params: list[Any] = []
        if query.month_starts:
            cases = " ".join(
                f"WHEN {at} < ? THEN {index}" for index in range(len(query.month_starts))
            )
            month = f"CASE {cases} ELSE {len(query.month_starts)} END"
            month_params = [utc_text(when) for when in query.month_starts]
        doc = dialect.document("d")
        # Reviews and holds are looked up per decision through their indexes (a
        # correlated lookup has one plan on both backends; joins let the server guess).
        review_minutes = dialect.minutes_between("v.recorded_at", "r.reviewed_at")
        self.build = (
            f"CREATE TEMP TABLE {self.TABLE} AS SELECT d.id AS record_id, d.decision_id, "
            "d.outcome, d.rule_pack, d.review_required, d.releasable_at, d.hold_expires_at, "
            "d.recorded_at, d.detainer_id, f.officer_id, "
            f"{DESK_OF.format(f='f')} AS desk, {month} AS month, t.form, t.judicial_warrant, "
            "t.administrative_warrant, CASE WHEN t.received_at IS NULL THEN 1 ELSE 0 END "
            f"AS receipt_unknown, {doc.grounds} AS grounds, {doc.unverified} AS unverified, "
            f"{doc.outcomes_key} AS outcomes_key, "
            # Honored, but the form asked only to be told of the release (I-247N): such a
            # version opens no hold, so only a version honoring without a hold of its own
            # (none, or one an earlier version opened) has its document read.
            "CASE WHEN d.outcome = 'honor' AND (h.id IS NULL OR h.record_id <> d.id) "
            f"AND {asks_no_hold_sql(dialect.backend, 'd')} THEN 1 ELSE 0 END AS no_hold_asked, "
            "CASE WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.decision_id = d.decision_id) "
            "THEN 1 ELSE 0 END AS reviewed, "
            "CASE WHEN EXISTS (SELECT 1 FROM pending_reviews q WHERE q.record_id = d.id) "
            "THEN 1 ELSE 0 END AS pending, "
            # The decision's first review (the first recorded), from the recording of the
            # version it reviewed: not the quickest of its reviews, which let a prompt
            # review of an amendment hide days of waiting for the first.
            f"(SELECT {review_minutes} FROM reviews r CROSS JOIN decisions v "
            "ON v.id = r.record_id WHERE r.decision_id = d.decision_id "
            "ORDER BY r.id LIMIT 1) AS review_minutes, "
            "h.id AS hold_id, c.outcome AS closed_as, c.ended_at, "
            # When release was due on its hold (hold_due): only where there is one, and
            # the rule's own reading only where the latest version did not open it (the
            # version that opened the hold holds: due at its expiry).
            "CASE WHEN h.id IS NULL THEN NULL "
            "WHEN h.record_id = d.id AND d.outcome = 'honor' THEN d.hold_expires_at "
            f"ELSE {release_due_sql(dialect.backend, 'd')} END AS due_at "
            f"FROM {self.IDS} i CROSS JOIN decisions d ON d.id = i.record_id{doc.joins} "
            "CROSS JOIN detainers t ON t.id = d.detainer_id "
            "CROSS JOIN decisions f ON f.id = d.decision_id "
            "LEFT JOIN holds h ON h.decision_id = d.decision_id "
            "LEFT JOIN hold_closures c ON c.hold_id = h.id "
            + ("WHERE " + " AND ".join(conditions) if conditions else "")
        )
        self.params = [*month_params, *params]
        # The action outcomes (a list of a few kilobytes per decision) are not kept in
        # the period: it stays narrow (a few short columns), so each figure's pass over
        # it is cheap. It keeps each list's key (PostgreSQL: its MD5; SQLite: its id in
        # report_outcome_lists), and one document per distinct list is read.
        self.outcomes_of = f"SELECT {doc.outcomes} FROM decisions d WHERE d.id = ?"

    def __enter__(self) -> _Period:
        return self

    def gather(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        for statement in self.dialect.settings():
            conn.execute(statement)
        self._drop(conn)
        conn.execute(self.gather_ids, self.id_params)
        if self.dialect.backend == "postgresql":
            # A new table has no statistics: without them the server guesses a few
            # hundred rows and joins the detainers, holds and closures by full scans.
            conn.execute(f"ANALYZE {self.IDS}")
        before, after = self.dialect.by_key()
        for statement in before:
            conn.execute(statement)
        conn.execute(self.build, self.params)
        for statement in after:
            conn.execute(statement)
        if self.dialect.backend == "postgresql":
            # The same for the period itself: its size, and the statistics of the one
            # column the figures join to a large table (the versions, by decision_id).
            # Sampling every column cost 0.3 s of server CPU for a year (decision 0044).
            conn.execute(f"ANALYZE {self.TABLE} (decision_id)")

    def _drop(self, conn: sqlite3.Connection) -> None:
        if self.dialect.backend == "sqlite":
            conn.execute(f"DROP TABLE IF EXISTS temp.{self.IDS}")
            conn.execute(f"DROP TABLE IF EXISTS temp.{self.TABLE}")

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "conn"):
            self._drop(self.conn)

    def run(self, conn: sqlite3.Connection, body: str, extra: tuple[Any, ...] = ()) -> list[Any]:
        return list(conn.execute(body.replace("FROM period", f"FROM {self.TABLE}"), extra))


def _ints(rows: list[Any]) -> tuple[tuple[Any, ...], ...]:
    # PostgreSQL's sums are numerics; counts and minutes are whole numbers everywhere.
    return tuple(tuple(int(v) if hasattr(v, "as_integer_ratio") else v for v in r) for r in rows)


def report_data(conn: sqlite3.Connection, query: ReportQuery, dialect: ReportDialect) -> ReportData:
    """Every grouped count of the report, inside the caller's read transaction."""
    now = utc_text(query.now) if query.now is not None else None
    head_seq, head_hash = head(conn)
    with _Period(query, dialect) as period:
        period.gather(conn)
        by_month = period.run(
            conn, "SELECT month, outcome, count(*) FROM period GROUP BY month, outcome"
        )
        by_officer = period.run(
            conn,
            "SELECT u.username, p.outcome, count(*) FROM period p "
            "CROSS JOIN users u ON u.id = p.officer_id GROUP BY u.username, p.outcome",
        )
        by_desk = period.run(
            conn, "SELECT ifnull(desk, ''), outcome, count(*) FROM period GROUP BY desk, outcome"
        )
        received = period.run(
            conn,
            "SELECT form, judicial_warrant, administrative_warrant, count(*) FROM period "
            "GROUP BY form, judicial_warrant, administrative_warrant",
        )
        receipt_unknown = 0
        if query.by == "received":
            receipt_unknown = period.run(conn, "SELECT sum(receipt_unknown) FROM period")[0][0]
        outcomes = period.run(
            conn,
            "SELECT outcome, rule_pack, grounds, unverified, count(*) FROM period "
            "GROUP BY outcome, rule_pack, grounds, unverified",
        )
        no_hold_asked = period.run(
            conn,
            "SELECT rule_pack, count(*) FROM period WHERE no_hold_asked = 1 GROUP BY rule_pack",
        )
        action_outcomes = _action_outcomes(conn, period)
        reviews = _reviews(conn, period)
        holds = _holds(conn, period, now)
        amendments = period.run(
            conn,
            "SELECT ifnull(v.reason, ''), count(*) FROM period p "
            "CROSS JOIN decisions v ON v.decision_id = p.decision_id "
            "WHERE v.version > 1 GROUP BY ifnull(v.reason, '')",
        )
    return ReportData(
        head_seq=head_seq,
        head_hash=head_hash,
        by_month=_ints(by_month),
        by_officer=_ints(by_officer),
        by_desk=_ints(by_desk),
        received=_ints(received),
        receipt_unknown=int(receipt_unknown or 0),
        outcomes=_ints(outcomes),
        contacts=_contacts(conn, query, dialect),
        contacts_logged=has_table(conn, "contacts"),
        amendments=_ints(amendments),
        action_outcomes=action_outcomes,
        no_hold_asked=_ints(no_hold_asked),
        **reviews,
        **holds,
    )


def _action_outcomes(conn: sqlite3.Connection, period: _Period) -> tuple[tuple[str, str, int], ...]:
    """(action id, outcome, count) over the period's decisions that recorded outcomes.

    The outcome lists repeat (they follow from the rule pack and the grounds): the
    period is grouped by each list's key and one document per group is read and parsed.
    SQLite's key is the list's id in ``report_outcome_lists`` (one id per distinct
    text); PostgreSQL's the list's MD5 (two different lists with one MD5 would be
    summed under the first: a chance of 2^-128 for the documents TrustDesk writes,
    whose integrity the audit chain guards). Equal texts under two keys are summed."""
    texts: Counter[str] = Counter()
    lists = period.run(
        conn,
        "SELECT min(record_id), count(*) FROM period WHERE outcomes_key IS NOT NULL "
        "GROUP BY outcomes_key",
    )
    for record_id, count in lists:
        (text,) = conn.execute(period.outcomes_of, (record_id,)).fetchone()
        texts[str(text)] += int(count)
    pairs: Counter[tuple[str, str]] = Counter()
    for text, count in texts.items():
        for action in json.loads(text) or ():
            pairs[(action.get("id"), action.get("outcome"))] += count
    return tuple((action, verdict, count) for (action, verdict), count in pairs.items())


def _reviews(conn: sqlite3.Connection, period: _Period) -> dict[str, Any]:
    counts = period.run(
        conn,
        "SELECT count(*), sum(reviewed), sum(pending) FROM period "
        "WHERE review_required = 1 OR reviewed = 1",
    )[0]
    histogram = period.run(
        conn,
        "SELECT review_minutes, count(*) FROM period WHERE review_minutes IS NOT NULL "
        "GROUP BY review_minutes ORDER BY review_minutes",
    )
    return {
        "review_needed": int(counts[0] or 0),
        "reviewed": int(counts[1] or 0),
        "review_pending": int(counts[2] or 0),
        "review_minutes": _ints(histogram),
    }


def _holds(conn: sqlite3.Connection, period: _Period, now: str | None) -> dict[str, Any]:
    dialect = period.dialect
    # The period's holds with their closures: a few tens of thousands of short rows.
    base = "FROM period p WHERE p.hold_id IS NOT NULL "
    outcomes = period.run(
        conn,
        f"SELECT ifnull(p.closed_as, 'open'), count(*) {base}GROUP BY ifnull(p.closed_as, 'open')",
    )
    # Release was due at the expiry while the latest version holds, and at once (from
    # the first version since the last that held) when a later version declined it or
    # honored a form that asks for no hold: as open_holds keeps it (hold_due).
    due = "p.due_at"
    unknown = period.run(conn, f"SELECT count(*) {base}AND ({due}) IS NULL")[0][0]
    ended = "ifnull(p.ended_at, ?)" if now is not None else "p.ended_at"
    late = dialect.minutes_between(f"({due})", ended)
    overdue = period.run(
        conn,
        f"SELECT m, closed, count(*) FROM (SELECT {late} AS m, "
        f"CASE WHEN p.closed_as IS NULL THEN 0 ELSE 1 END AS closed {base}"
        f"AND ({due}) IS NOT NULL AND {ended} > ({due})) s GROUP BY m, closed ORDER BY m",
        (now, now) if now is not None else (),
    )
    custody = dialect.minutes_between("p.releasable_at", "p.ended_at")
    to_custody = period.run(
        conn,
        f"SELECT m, count(*) FROM (SELECT {custody} AS m {base}"
        "AND p.closed_as = 'ice_took_custody' AND p.releasable_at IS NOT NULL) s "
        "GROUP BY m ORDER BY m",
    )
    start_unknown = period.run(
        conn,
        f"SELECT count(*) {base}AND p.closed_as = 'ice_took_custody' AND p.releasable_at IS NULL",
    )[0][0]
    return {
        "holds": _ints(outcomes),
        "holds_expiry_unknown": int(unknown),
        "overdue_minutes": tuple((m, bool(closed), n) for m, closed, n in _ints(overdue)),
        "custody_minutes": _ints(to_custody),
        "custody_start_unknown": int(start_unknown),
    }


def has_table(conn: sqlite3.Connection, name: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        is not None
    )


def _contacts(
    conn: sqlite3.Connection, query: ReportQuery, dialect: ReportDialect
) -> ContactData | None:
    if not has_table(conn, "contacts"):
        return None
    return contact_data(conn, query, dialect)


class ReportRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def data(self, query: ReportQuery) -> ReportData:
        """The report's grouped counts and the chain head, from one snapshot."""
        with self._db.reading() as conn:
            return report_data(conn, query, dialect_for(self._db.backend))

    def desks(self) -> tuple[str, ...]:
        """The desks (workstation names) that recorded a decision or a contact with ICE
        (the desk of its first version, as the report's desk filter reads it), in name
        order."""
        with self._db.reading() as conn:
            rows = conn.execute(
                "SELECT a.workstation FROM audit_log a WHERE a.seq IN "
                "(SELECT min(x.seq) FROM audit_decisions x GROUP BY x.decision_id) "
                "AND a.workstation IS NOT NULL AND a.workstation <> '' "
                "UNION SELECT a.workstation FROM contacts f CROSS JOIN audit_log a "
                "ON a.seq = f.audit_seq WHERE f.id = f.contact_id "
                "AND a.workstation IS NOT NULL AND a.workstation <> '' ORDER BY 1"
            ).fetchall()
        return tuple(str(row[0]) for row in rows)

"""``audit verify``: replay the chain and check every record against the entry that wrote it.

What is checked (``checks.py``), in order of the chain:
- each audit entry's position, link and hash (``audit.replay``);
- each decision version, hold, review and hold closure against the digests in the audit
  entry that created it (so an edit of any column is found, even with triggers dropped);
- that no such row is missing or extra (row counts equal the chain's event counts);
- the derived tables (open holds, review queue, name index) against the evidence;
- the accounts, replayed from their audit events (role, active flag, password digest).
The report lists problems ordered by audit position; the first is "the first broken entry".
Only a copy of the head hash kept elsewhere (a memo, an export, a printout) can show that
the whole chain was rewritten from some point on; see docs/decisions/0003-decision-store.md.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from trustdesk.store import audit
from trustdesk.store.checks import Checker, Problem, search_index_problem
from trustdesk.store.contact_checks import check_contacts
from trustdesk.store.decisions import DECISION_EVENTS, HOLD_FIELDS
from trustdesk.store.holds import CLOSURE_FIELDS
from trustdesk.store.reviews import REVIEW_FIELDS
from trustdesk.store.verify_worker import CALLER_SHARE, Helper, location, wanted

__all__ = ["Problem", "VerifyReport", "search_index_problem", "verify"]

MAX_PROBLEMS = 200


@dataclass(frozen=True, slots=True)
class VerifyReport:
    entries: int
    head_seq: int
    head_hash: str
    records: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def verify(
    conn: sqlite3.Connection,
    *,
    upto: int | None = None,
    index_conn: sqlite3.Connection | None = None,
    helper: bool = False,
) -> VerifyReport:
    """Check the chain and everything it vouches for; ``upto`` limits it to a prefix.

    ``conn`` should hold a read transaction (one snapshot). ``index_conn`` (a writable
    connection to the same database) also checks the name search index; without it
    that one check is skipped. ``helper``: a large record's decision rows may be checked
    partly by a second process (``verify_worker``), which reads the database through its
    own connection; only for a snapshot of committed data, never inside a transaction
    that wrote what is verified (a copy being made, a restore being checked).
    """
    head_seq, head_hash = audit.head(conn)
    checker = Checker(conn, upto)
    started = _helper(conn, head_seq) if helper and upto is None else None
    try:
        entries, last_hash = checker.chain()
        decisions = _decision_rows(checker, started, head_seq)
    except BaseException:
        if started is not None:
            started.stop()  # interrupted or failed: the helper's answer is not wanted
        raise
    rows = {
        "decisions": decisions,
        "holds": checker.digest_rows(
            "holds",
            DECISION_EVENTS,
            lambda r: f"hold {r['id']}",
            HOLD_FIELDS,
            "hold_sha256",
            "hold",
            "id",
        ),
        "reviews": checker.digest_rows(
            "reviews",
            ("decision.reviewed",),
            lambda r: f"review {r['id']} of decision {r['decision_id']}",
            REVIEW_FIELDS,
            "review_sha256",
            "review",
            "id",
        ),
        "hold_closures": checker.digest_rows(
            "hold_closures",
            ("hold.closed",),
            lambda r: f"closure of hold {r['hold_id']}",
            CLOSURE_FIELDS,
            "closure_sha256",
            "hold",
            "hold_id",
        ),
    }
    checker.records = decisions
    checker.counts(rows)
    check_contacts(checker)
    if upto is None:
        checker.derived(index_conn)
        checker.accounts()
    else:
        head_seq, head_hash = min(upto, head_seq), last_hash
    ordered = sorted(checker.problems, key=lambda p: (p.seq is None, p.seq or 0))
    return VerifyReport(entries, head_seq, head_hash, decisions, tuple(ordered[:MAX_PROBLEMS]))


def _helper(conn: sqlite3.Connection, head_seq: int) -> Helper | None:
    """A second process checking the decision records of the chain's later part
    (``verify_worker``), started before the chain replay so that both run at once."""
    where = location(conn)
    if where is None or not wanted(head_seq):
        return None
    return Helper(*where, int(head_seq * CALLER_SHARE), head_seq)


def _decision_rows(checker: Checker, helper: Helper | None, head_seq: int) -> int:
    """Every decision record checked once: by this process, or (the helper's span, which
    ends at the head this snapshot saw) by the helper; rows pointing past the head, which
    only tampering makes, stay with this process. A helper that failed leaves its span
    to this process."""
    if helper is None:
        return checker.decision_rows()
    after, upto = helper.span
    count = checker.decision_rows((0, after)) + checker.decision_rows((head_seq, None))
    found = helper.result()
    if found is None:
        return count + checker.decision_rows((after, upto))
    checked, problems = found
    checker.problems.extend(problems)
    return count + checked

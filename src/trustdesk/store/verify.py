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
) -> VerifyReport:
    """Check the chain and everything it vouches for; ``upto`` limits it to a prefix.

    ``conn`` should hold a read transaction (one snapshot). ``index_conn`` (a writable
    connection to the same database) also checks the name search index; without it
    that one check is skipped.
    """
    head_seq, head_hash = audit.head(conn)
    checker = Checker(conn, upto)
    entries, last_hash = checker.chain()
    decisions = checker.decision_rows()
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

"""``audit verify``: replay the chain and check every record against the entry that wrote it.

What is checked (``checks.py``), in order of the chain:
- each audit entry's position, link and hash (``audit.replay``);
- each decision version, hold, review and hold closure against the digests in the audit
  entry that created it (so an edit of any column is found, even with triggers dropped);
- that no such row is missing or extra (row counts equal the chain's event counts), and
  none is filed at no position of the chain (``audit_seq`` NULL, zero or below);
- the derived tables (open holds, review queue, name index) against the evidence, each
  row listed once; no person row that nothing rests on;
- the accounts, replayed from their audit events (role, active flag, password digest),
  and their lock-out state (lock, unlock, last sign-in, failed sign-ins kept);
- the agency profile and the store id against what the chain recorded;
- on a server, the catalog around the evidence (``postgresql/catalog_check``).
The report lists problems ordered by audit position; the first is "the first broken entry".
Only a copy of the head hash kept elsewhere (a memo, an export, a printout) can show that
the whole chain was rewritten from some point on; see docs/decisions/0003-decision-store.md.
"""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from trustdesk.store import audit, fast_reader
from trustdesk.store.checks import (
    Checker,
    DecisionLookupCheck,
    Problem,
    search_index_problem,
)
from trustdesk.store.contact_checks import check_contacts
from trustdesk.store.encoding import GENESIS_HASH
from trustdesk.store.schema_gone import schema_gone
from trustdesk.store.verify_worker import (
    CALLER_SHARE,
    MEMBERS_MATCHED,
    Helper,
    SpanResult,
    check_span,
    collector_paused,
    evidence_rows,
    helpers_for,
    location,
    without_jit,
)

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
    that one check is skipped. ``helper``: a large record may be checked partly by
    helper processes (``verify_worker``: each a later span of the chain and the evidence
    rows its entries wrote; one per spare core, decision 0054), which read the database
    through their own connections; only for a snapshot of committed data, never inside a
    transaction that wrote what is verified (a copy being made, a restore being checked).

    Bytes that are not UTF-8 stored as text (only a tampered file has them) stop
    Python's reading of that text; the check then runs again in this process with such
    bytes read leniently (``lenient_text``), so they are reported as the change they are.
    """
    with collector_paused():
        try:
            try:
                return _verify(conn, upto=upto, index_conn=index_conn, helper=helper)
            except sqlite3.OperationalError as exc:
                if UNDECODABLE not in str(exc):
                    raise
            with lenient_text(conn):
                return _verify(conn, upto=upto, index_conn=index_conn, helper=False)
        except Exception as exc:
            inner = getattr(conn, "wrapped", conn)  # a reader that reports progress wraps it
            # The SQLite file, or what reads the server's catalog (PgConnection).
            where = inner if isinstance(inner, sqlite3.Connection) else None
            gone = schema_gone(exc, where or getattr(inner, "schema_columns", None))
            if gone is None:
                raise
            return VerifyReport(0, 0, "", 0, (Problem(None, gone),))


#: What Python's sqlite3 says when a text's bytes are not UTF-8.
UNDECODABLE = "Could not decode to UTF-8"


@contextlib.contextmanager
def lenient_text(conn: Any) -> Iterator[None]:
    """Texts read through ``conn`` meanwhile decoded with ``surrogateescape``: bytes
    that are not UTF-8 become lone surrogates, which no text TrustDesk stored holds
    (Python cannot write one to SQLite), so every digest over them differs from the
    writer's. A Python call per text: only for the rare second run."""
    inner = getattr(conn, "wrapped", conn)  # a reader that reports progress wraps it
    before = inner.text_factory
    inner.text_factory = _lenient
    try:
        yield
    finally:
        inner.text_factory = before


def _lenient(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _verify(
    conn: sqlite3.Connection,
    *,
    upto: int | None,
    index_conn: sqlite3.Connection | None,
    helper: bool,
) -> VerifyReport:
    without_jit(conn)
    head_seq, head_hash = audit.head(conn)
    checker = Checker(conn, upto)
    started = _helpers(conn, head_seq) if helper and upto is None else None
    try:
        if started is None:
            entries, last_hash = checker.chain()
            rows = {table: n for table, (n, _) in evidence_rows(checker).items()}
            late = checker
        else:
            entries, rows, late = _split(checker, started, head_seq, index_conn)
            last_hash = head_hash
    except BaseException:
        for running in started or ():
            running.stop()  # interrupted or failed: the helpers' answers are not wanted
        raise
    checker.records = rows["decisions"]
    checker.counts(rows)
    if late is checker:
        early = _whole_record(checker, index_conn)
        _after_rows(checker, early, checker.flagged, rows["decisions"], rows[MEMBERS_MATCHED])
    else:
        checker.problems.extend(late.problems)
    if upto is not None:
        head_seq, head_hash = min(upto, head_seq), last_hash
    ordered = sorted(checker.problems, key=lambda p: (p.seq is None, p.seq or 0))
    return VerifyReport(
        entries, head_seq, head_hash, checker.records, tuple(ordered[:MAX_PROBLEMS])
    )


@dataclass(frozen=True, slots=True)
class _Early:
    """What ``_whole_record`` read for ``_after_rows``: the outcome lists no member row
    names (``Checker.unused_lists``), the name index's problems and what the review
    queue's check reads besides the flagged rows (``Checker.review_inputs``)."""

    unused_lists: list[int] | None = None
    index: tuple[Problem, ...] = ()
    review_inputs: tuple[int, set[Any], set[Any]] | None = None


def _whole_record(checker: Checker, index_conn: sqlite3.Connection | None) -> _Early:
    """The checks of the whole record that follow the rows' (after the row counts) and
    need nothing from them; ``_after_rows`` follows. Also reads, for ``_after_rows``,
    what needs nothing from the rows but is reported after the review queue: the name
    index's check (decision 0052) and the outcome lists of no member row (decision
    0056), so that they run while a helper may still be checking rows."""
    checker.server_catalog()
    checker.unfiled_rows()
    checker.store_identity()
    checker.agency_profile()
    checker.memo_history()
    checker.unused_people()
    check_contacts(checker)
    if checker.upto is None:
        checker.open_holds()
        unused = checker.unused_lists()
        index = tuple(checker.search_index(index_conn))
        return _Early(unused, index, checker.review_inputs())
    return _Early()


def _after_rows(
    checker: Checker,
    early: _Early,
    flagged: list[tuple[Any, Any]] | None,
    covered: int,
    matched: int,
) -> None:
    """The rest of the whole-record checks, after ``_whole_record``'s: the review queue
    from what the decision rows' passes found (``flagged`` of ``covered`` rows), the
    report tables (``matched`` of those rows with a member row), then the name index's
    problems ``_whole_record`` found, the accounts."""
    if checker.upto is None:
        checker.review_queue(flagged, covered, early.review_inputs)
        checker.problems.extend(checker.member_tables(matched, early.unused_lists))
        checker.problems.extend(early.index)
        checker.accounts()
        checker.lock_out_state()


def _helpers(conn: sqlite3.Connection, head_seq: int) -> list[Helper] | None:
    """Helper processes checking the chain's later spans and the rows their entries
    wrote (``verify_worker``), started first so that all processes work at once.

    Where the helpers read a SQLite file through the faster reader (``reads_apart``),
    the caller's own span is read by one more helper, first in the list, every span
    holding about as many decision records: the caller then does the checks of the
    whole record while they work (decision 0075)."""
    where = location(conn)
    count = helpers_for(head_seq)
    if where is None or count < 1:
        return None
    apart = reads_apart(conn)
    share = apart_share(count) if apart else caller_share(count)
    if share is None:
        bounds = _bounds_by_records(conn, head_seq, count + 1)
        after = bounds[0]
    else:
        after = max(1, int(head_seq * share))
        bounds = [after + (head_seq - after) * n // count for n in range(count + 1)]
    spans = [(low, high) for low, high in itertools.pairwise(bounds) if low < high]
    if not spans:
        return None
    return [Helper(*where, low, high) for low, high in [(0, after)] * apart + spans]


def _bounds_by_records(conn: Any, head_seq: int, parts: int) -> list[int]:
    """Where ``parts`` spans of the chain meet and end, each holding about as many
    decision records, the rows that cost the most to check: the chain's entries are
    not alike (a record's tail of contacts costs a fifth of its decisions), and spans of
    as many entries left one helper working 3.5 s alone (decision 0075). Found by record
    id (the records are written in the chain's order), one probe each; spans of as many
    entries where that gives no increasing positions inside the chain. Any bounds give
    the same report: only the time differs."""
    found: list[Any] = []
    for n in range(1, parts):
        # min and max apart: together in one SELECT, SQLite reads the whole table.
        row = conn.execute(
            "SELECT audit_seq FROM decisions WHERE id >= (SELECT low + (high - low) * "
            f"{n} / {parts} FROM (SELECT (SELECT min(id) FROM decisions) AS low, "
            "(SELECT max(id) FROM decisions) AS high)) ORDER BY id LIMIT 1"
        ).fetchone()
        found.append(row[0] if row is not None else None)
    bounds: list[int] = [seq for seq in found if type(seq) is int]
    usable = len(bounds) == parts - 1 and all(
        low < high for low, high in itertools.pairwise([0, *bounds, head_seq])
    )
    if not usable:
        bounds = [max(1, head_seq * n // parts) for n in range(1, parts)]
    return [*bounds, head_seq]


def reads_apart(conn: Any) -> bool:
    """Whether the caller's own span goes to a helper process too: on a SQLite file
    whose helpers read through the faster reader (``fast_reader``), for a plain reader.

    The caller never opens the faster reader itself: two SQLite libraries in one
    process keep apart which of its descriptors lock the file, and on POSIX closing any
    descriptor of a file drops every lock the process holds on it, so closing apsw's
    connection freed the locks of the process's own connections to the same record (its
    snapshot, its writer): another program then checkpointed under the snapshot and
    wrote at the same time as the writer, and entries were lost (decision 0075). A
    reader that reports progress and stops on request (the desk's verification window)
    reads the caller's span itself, through it."""
    where = location(conn) if isinstance(conn, sqlite3.Connection) else None
    return where is not None and where[0] == "sqlite" and fast_reader.available()


def apart_share(helpers: int) -> float | None:
    """The share of the chain of the caller's own span where a helper reads it
    (``reads_apart``); None: every span, the caller's too, holds about as many decision
    records (``_bounds_by_records``), the caller's whole-record checks running beside
    them all. A test places the spans' joins with a share of its own."""
    return None


def caller_share(helpers: int) -> float:
    """The share of the chain the calling process checks beside ``helpers`` helpers,
    which share the rest equally. ``CALLER_SHARE`` was measured with one helper; the
    caller's whole-record checks are what it leaves the helper beyond its own share
    (``1 - 2 * CALLER_SHARE`` of the chain's work), so that with more helpers each
    process has about as much to do (decision 0054)."""
    if helpers <= 1:
        return CALLER_SHARE
    whole_record = 1 - 2 * CALLER_SHARE
    return max(0.02, (1 - whole_record * helpers) / (helpers + 1))


def _split(
    checker: Checker,
    helpers: list[Helper],
    head_seq: int,
    index_conn: sqlite3.Connection | None,
) -> tuple[int, dict[str, int], Checker]:
    """The verification split: this process checks ``(0, after]`` (``after`` where the
    first helper's span starts; or a helper of its own does, ``reads_apart``), the rows
    pointing past the head (only tampering makes them) and the whole-record checks, each
    helper its span, the spans following each other up to the head. The report is the
    one-process report: the problems are put together in the order one process finds
    them.

    The chain's parts join when each helper's first entry links to the hash the part
    before it verified last; the replay stops, as one process's does, at the first part
    with a broken link. If the parts do not join (entries missing at a join, or a helper
    read something else) or a helper failed, this process replays the whole chain
    itself, as one process does (a rare way: only tampering or a failed helper takes
    it), and checks a failed helper's rows itself.
    """
    conn = checker.conn
    apart = helpers[0] if helpers[0].span[0] == 0 else None  # the caller's span, read apart
    if apart is not None:
        helpers = helpers[1:]
    after, upto = helpers[0].span[0], helpers[-1].span[1]
    first = check_span(conn, 0, after, GENESIS_HASH) if apart is None else None
    tail = check_span(conn, upto, None, None, chain=False)
    late = Checker(conn, None)
    early = _whole_record(late, index_conn)
    if first is None:
        first = (apart and apart.result()) or check_span(conn, 0, after, GENESIS_HASH)
    answers = [running.result() for running in helpers]
    middles = [
        answer or check_span(conn, *running.span, None, chain=False)
        for running, answer in zip(helpers, answers, strict=True)
    ]
    parts = (first, *middles, tail)
    flagged: list[tuple[Any, Any]] | None = []
    for part in parts:
        flagged = None if flagged is None or part.flagged is None else flagged + part.flagged
    _after_rows(
        late,
        early,
        flagged,
        sum(part.rows["decisions"] for part in parts),
        sum(part.rows[MEMBERS_MATCHED] for part in parts),
    )
    entries = first.entries
    if first.broken:  # one process stops there too: nothing after it is replayed
        checker.events.update(first.events)
        checker.problems.extend(first.chain_problems)
    elif (joined := _joined(first, helpers, answers)) is not None:
        entries = sum(part.entries for part in joined)
        events: Counter[str] = Counter()
        for part in joined:
            events.update(part.events)
            checker.problems.extend(part.chain_problems)
        checker.events.update(events)
        if len(joined) == len(parts) - 1 and not joined[-1].broken:
            # The whole chain replayed intact: entries filed past the head point at nothing.
            orphans = Checker(conn, None)
            DecisionLookupCheck(orphans, upto, None, quiet=True).finish()
            checker.problems.extend(orphans.problems)
    else:
        whole = Checker(conn, None)
        entries, _last = whole.chain()
        checker.events.update(whole.events)
        checker.problems.extend(whole.problems)
    rows = {}
    for table in first.rows:
        rows[table] = sum(part.rows[table] for part in parts)
        for part in parts:
            checker.problems.extend(part.row_problems[table])
    return entries, rows, late


def _joined(
    first: SpanResult, helpers: list[Helper], answers: list[SpanResult | None]
) -> list[SpanResult] | None:
    """The chain's parts as one process replays them: ``first`` and the helpers'
    answers in order, up to and including the first broken one; None if a helper failed
    or a part does not start where the part before it ended."""
    joined, expected = [first], first.entries == helpers[0].span[0]
    for running, answer in zip(helpers, answers, strict=True):
        if answer is None or not expected or answer.start != joined[-1].last_hash:
            return None
        joined.append(answer)
        if answer.broken:
            break
        low, high = running.span
        expected = answer.entries == high - low
    return joined

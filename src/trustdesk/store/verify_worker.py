"""A second process for ``audit verify``: everything that lies in one span of the chain.

Verification is Python work per row (0016, 0025, 0032), so on a machine with two cores a
large record is checked in two processes: this one replays the chain's entries in
``(after, upto]`` (its first entry linking to the stored hash of entry ``after``) and
checks the evidence rows those entries wrote, while the calling process does the same
for the entries up to ``after`` and then the checks of the whole record (row counts,
derived tables, accounts). The two parts of the chain join where the caller's last
verified hash is the hash this process started from. The checks are ``check_span``'s,
the same code in both processes; only the rows differ.

The request (what to open, the span) comes on stdin as JSON, never on the command line
(a PostgreSQL URL may carry a password); the answer (rows checked, problems found) goes
to stdout as JSON. ``Helper`` starts it and reads the answer; if anything goes wrong with
the process, the caller checks the span itself, so a helper can only save time.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trustdesk.store import fast_reader
from trustdesk.store.checks import ChainSpan, Checker, EntryObjects, Problem
from trustdesk.store.decisions import DECISION_EVENTS, HOLD_FIELDS
from trustdesk.store.encoding import GENESIS_HASH
from trustdesk.store.helper_command import helper_command
from trustdesk.store.holds import CLOSURE_FIELDS
from trustdesk.store.reviews import REVIEW_FIELDS
from trustdesk.store.sqlite_catalog import schema_is_made

#: Verifications of at least this many chain entries use a helper process. Below it a
#: verification takes seconds, and starting the helper (a new interpreter, a second read
#: of the database's first pages) was measured to cost about what it saves.
PARALLEL_FROM_ENTRIES = 300_000
#: The share of the chain the calling process checks itself; it also checks the whole
#: record's row counts, derived tables, accounts and contacts, and starts the helper.
#: Measured on bench/gen_record.py's records (decisions 0032, 0040: with the texts
#: written by the database, 0.45 left neither process waiting for the other; 0049:
#: with the open holds and the review queue cheaper, the caller was the longer at 0.45;
#: 0052: with the report tables' and the name index's checks moved before the wait,
#: 1,000,000 decisions with their contacts, share 0.44: caller 27.3 s, helper 24.2 s of
#: CPU; 0.41: 25.4 s and 25.4 s, the caller waiting 1.8 s, as the helper's start and
#: the name index's check after it take wall time; 0.39: 24.6 s and 26.8 s).
CALLER_SHARE = 0.44
#: At most this many helpers (decision 0054). With more, the calling process's whole-record
#: checks (about 0.16 of the chain's work: the difference the caller's share makes with
#: one helper) leave it nothing of the chain to check, and the processes share one
#: disk and one database server; no machine with more than two cores has measured it.
MAX_HELPERS = 3
#: A span is checked in parts of this many entries: each part's chain pass keeps the
#: objects of the entries that create rows (``EntryObjects``) for the rows passes of the
#: same part, which then do not read the log again (decision 0049; on PostgreSQL too
#: since 0057); the parts bound what is kept (some tens of megabytes).
PART_ENTRIES = 100_000


@dataclass(slots=True)
class SpanResult:
    """What one span's checks found: the chain's part and each evidence table's rows."""

    start: str  # the hash the span's first entry had to link to
    entries: int = 0  # entries replayed (up to and including a broken one)
    last_hash: str = GENESIS_HASH
    broken: bool = False  # a link failed: the replay stopped there
    events: Counter[str] = field(default_factory=Counter)
    chain_problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    row_problems: dict[str, list[Problem]] = field(default_factory=dict)
    #: The decision rows whose review_required = 1 (``Checker.flagged``); None where
    #: not collected.
    flagged: list[tuple[Any, Any]] | None = field(default_factory=list)
    #: What read the span: the standard library's SQLite ("" on a server) or the faster
    #: reader (``fast_reader.version``), which reports only spans it found intact.
    reader: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "entries": self.entries,
            "last_hash": self.last_hash,
            "broken": self.broken,
            "events": dict(self.events),
            "chain_problems": _problems_json(self.chain_problems),
            "rows": self.rows,
            "row_problems": {t: _problems_json(p) for t, p in self.row_problems.items()},
            "flagged": self.flagged,
            "reader": self.reader,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpanResult:
        return cls(
            str(data["start"]),
            int(data["entries"]),
            str(data["last_hash"]),
            bool(data["broken"]),
            Counter({str(k): int(v) for k, v in data["events"].items()}),
            _problems_of(data["chain_problems"]),
            {str(t): int(n) for t, n in data["rows"].items()},
            {str(t): _problems_of(p) for t, p in data["row_problems"].items()},
            None if data["flagged"] is None else [(r, d) for r, d in data["flagged"]],
            str(data["reader"]),
        )


def _problems_json(problems: list[Problem]) -> list[list[Any]]:
    return [[p.seq, p.text] for p in problems]


def _problems_of(data: list[list[Any]]) -> list[Problem]:
    return [Problem(None if seq is None else int(seq), str(text)) for seq, text in data]


def evidence_rows(
    checker: Checker, entries: EntryObjects | None = None
) -> dict[str, tuple[int, list[Problem]]]:
    """Each evidence table's rows in the checker's span checked against their entries,
    in the order verification has always checked them: the rows and problems of each.
    ``entries``: the objects of the span's entries, read by its chain pass."""
    checks: dict[str, Any] = {
        "decisions": lambda: checker.decision_rows(entries=entries),
        "holds": lambda: checker.digest_rows(
            "holds",
            DECISION_EVENTS,
            lambda r: f"hold {r['id']}",
            HOLD_FIELDS,
            "hold_sha256",
            "hold",
            "id",
            entries,
        ),
        "reviews": lambda: checker.digest_rows(
            "reviews",
            ("decision.reviewed",),
            lambda r: f"review {r['id']} of decision {r['decision_id']}",
            REVIEW_FIELDS,
            "review_sha256",
            "review",
            "id",
            entries,
        ),
        "hold_closures": lambda: checker.digest_rows(
            "hold_closures",
            ("hold.closed",),
            lambda r: f"closure of hold {r['hold_id']}",
            CLOSURE_FIELDS,
            "closure_sha256",
            "hold",
            "hold_id",
            entries,
        ),
    }
    found = {}
    for table, check in checks.items():
        mark = len(checker.problems)
        count = int(check())
        found[table] = (count, checker.problems[mark:])
    # Not a table of its own: how many of the decision rows have a member row, summed
    # over the parts like the rows (``Checker.member_tables``).
    found[MEMBERS_MATCHED] = (checker.members_matched, [])
    return found


#: The key in the rows' counts of ``evidence_rows`` (and ``SpanResult.rows``) under which
#: the decision rows found with a member row are counted.
MEMBERS_MATCHED = "decisions with a member row"


def check_span(
    conn: Any, after: int, upto: int | None, start: str | None, *, chain: bool = True
) -> SpanResult:
    """The chain's entries in ``(after, upto]`` replayed (unless ``chain`` is false),
    the first linking to ``start`` (None: the stored hash of entry ``after``), and the
    evidence rows whose entries lie there, each table's problems apart."""
    if start is None:
        row = conn.execute(f"SELECT hash FROM audit_log WHERE seq = {int(after)}").fetchone()
        start = GENESIS_HASH if after == 0 else str(row[0]) if row is not None else ""
    found = SpanResult(start)
    if chain and upto is not None and _check_parts(conn, after, upto, found):
        return found
    found = SpanResult(start)
    if chain:
        replay = Checker(conn, upto, after)
        lookup = (None if after == 0 else after, upto)
        found.entries, found.last_hash = replay.chain(
            ChainSpan(after, start, upto, lookup, finish=False)
        )
        found.broken, found.events, found.chain_problems = (
            replay.broken,
            replay.events,
            replay.problems,
        )
    rows = Checker(conn, upto, after)
    for table, (count, problems) in evidence_rows(rows).items():
        found.rows[table] = count
        found.row_problems[table] = problems
    found.flagged = rows.flagged
    return found


def _check_parts(conn: Any, after: int, upto: int, found: SpanResult) -> bool:
    """check_span in parts of ``PART_ENTRIES`` entries: each part's chain
    pass keeps its entries' objects for the part's rows passes. The chain, the lookup
    table and the rows are checked as check_span checks them in one go: the replay
    carries the last hash from part to part and stops at a broken link; the rows of the
    part where it broke and of the parts after it are read with their entries, as
    before (the chain did not read those entries, or not all of them).

    False if a part's entries ended before the part did, with more parts to come (only
    entries deleted from the log's middle without a broken link make that): the caller
    then checks the span in one go, as it always did."""
    replay = Checker(conn, upto, after)
    prev_hash, low, broken = found.start, after, False
    for table in ("decisions", "holds", "reviews", "hold_closures", MEMBERS_MATCHED):
        found.rows[table], found.row_problems[table] = 0, []
    while low < upto:
        high = min(upto, low + PART_ENTRIES)
        entries: EntryObjects | None = None
        if not broken:
            entries = {}
            lookup = (None if low == 0 else low, high)
            count, prev_hash = replay.chain(
                ChainSpan(low, prev_hash, high, lookup, finish=False), entries
            )
            found.entries += count
            broken = replay.broken
            if broken:
                entries = None
            elif count != high - low and high < upto:
                return False
        rows = Checker(conn, high, low)
        for table, (count, problems) in evidence_rows(rows, entries).items():
            found.rows[table] += count
            found.row_problems[table] += problems
        if rows.flagged is None:  # not collected: the review queue's check queries
            found.flagged = None
        elif found.flagged is not None:
            found.flagged += rows.flagged
        low = high
    found.last_hash = prev_hash
    found.broken, found.events, found.chain_problems = (
        replay.broken,
        replay.events,
        replay.problems,
    )
    return True


def fast_span(path: Path, after: int, upto: int, start: str | None) -> SpanResult | None:
    """``check_span`` of ``(after, upto]`` in the SQLite file ``path`` through the faster
    reader (``fast_reader``, decision 0075), when it finds the span intact: every entry
    replayed, no broken link, no problem in any row, and the file's schema the one
    TrustDesk makes. None otherwise (without the faster reader, or when it stopped or
    found anything): then the span is checked through the standard library, whose
    report of damage is the one verification has always made.

    Only in a helper process, which has no other connection to the file: two SQLite
    libraries in one process drop each other's locks (``verify.reads_apart``)."""
    try:
        reader = fast_reader.FastReader(path)
    except Exception:  # whatever stops it, the standard reader serves
        return None
    try:
        reader.execute("BEGIN")  # one snapshot for the whole span
        if not schema_is_made(reader):
            return None
        found = check_span(reader, after, upto, start)
    except Exception:  # a tampered file may stop it anywhere; the standard reader says why
        return None
    finally:
        reader.close()
    intact = (
        found.entries == upto - after
        and not found.broken
        and not found.chain_problems
        and not any(found.row_problems.values())
    )
    if not intact:
        return None
    found.reader = fast_reader.version()
    return found


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off meanwhile, and as it was afterwards.

    A verification makes tens of millions of short-lived tuples (a row, its values, a
    text's parts) while it keeps up to a part's entries' objects: every 700 new
    containers the collector ran, and its older generations walked the kept ones again
    and again, for about 7 % of a span's CPU (entries 1-300,000 on PostgreSQL: 6.2-6.6 s
    with it, 5.8-6.2 s without; decision 0076). Reference counting still frees every
    row; the passes build no cycles of their own. A caller that had switched it off
    (the GUI while it starts) keeps it off."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def without_jit(conn: Any) -> None:
    """On PostgreSQL, no JIT compilation for the rest of ``conn``'s transaction.

    The server compiles a statement whose estimated cost passes ``jit_above_cost`` (on
    by default). Each part's decision statement passes it, and compiling it (about
    0.65 s of the server's CPU a part) saved less than it cost: 1.9-2.0 s a part with
    it, 1.6 s without (EXPLAIN ANALYZE on the benchmark's copy; decision 0073). The
    plans and the answers are the same; only how the server evaluates expressions
    differs. SET LOCAL ends with the transaction: a connection that goes on after the
    verification (``store migrate``'s) keeps its own setting. Nothing on SQLite, or
    outside a transaction (where SET LOCAL would do nothing)."""
    inner = getattr(conn, "wrapped", conn)  # a reader that reports progress wraps it
    if isinstance(getattr(inner, "url", None), str) and inner.in_transaction:
        inner.execute("SET LOCAL jit = off")


def location(conn: Any) -> tuple[str, str] | None:
    """``(backend, target)`` a helper opens to read what ``conn`` reads, or None."""
    url = getattr(conn, "url", None)
    if isinstance(url, str):
        return "postgresql", url
    try:
        for _seq, name, path in conn.execute("PRAGMA database_list").fetchall():
            if name == "main" and path:
                return "sqlite", str(path)
    except Exception:
        return None
    return None


def helpers_for(entries: int) -> int:
    """How many helper processes a verification of ``entries`` chain entries uses here:
    none below ``PARALLEL_FROM_ENTRIES``, else one per core this process may use beyond
    its own, at most ``MAX_HELPERS`` and one per ``PARALLEL_FROM_ENTRIES`` entries."""
    if entries < PARALLEL_FROM_ENTRIES:
        return 0
    return max(0, min(MAX_HELPERS, _cores() - 1, entries // PARALLEL_FROM_ENTRIES))


def _cores() -> int:
    # The cores this process may run on (a container or a job object may grant fewer
    # than the machine has).
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # Windows and macOS have no sched_getaffinity
        return os.cpu_count() or 1


class Helper:
    """A running helper process checking the span ``(after, upto]`` (``check_span``)."""

    def __init__(self, backend: str, target: str, after: int, upto: int) -> None:
        self.span = (after, upto)
        request = {"backend": backend, "target": target, "after": after, "upto": upto}
        self.process: subprocess.Popen[str] | None
        try:
            self.process = subprocess.Popen(
                helper_command(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request))
            self.process.stdin.close()
        except OSError:
            self.process = None

    def stop(self) -> None:
        """End the helper (its caller was interrupted); nothing is read from it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def result(self) -> SpanResult | None:
        """What the helper found; None if it failed (then check its span yourself)."""
        if self.process is None:
            return None
        assert self.process.stdout is not None
        with self.process.stdout:
            out = self.process.stdout.read()
        self.process.wait()
        if self.process.returncode != 0:
            return None
        try:
            return SpanResult.from_json(json.loads(out))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def _open(backend: str, target: str) -> Any:
    if backend == "postgresql":
        from trustdesk.store.postgresql.connection import PgConnection, open_connection

        return PgConnection(open_connection(target), target, streaming=True)
    from trustdesk.store.connection import configure, connect

    conn = connect(Path(target), readonly=True)
    configure(conn)
    return conn


def _request() -> tuple[str, str, int, int] | None:
    """The request on stdin: ``{"backend", "target", "after", "upto"}``, as Helper writes
    it; None for anything else (someone typed the helper's argument at a terminal)."""
    if sys.stdin is None or sys.stdin.isatty():
        return None
    try:
        request = json.loads(sys.stdin.read())
        backend, target = str(request["backend"]), str(request["target"])
        after, upto = int(request["after"]), int(request["upto"])
    except (ValueError, KeyError, TypeError, OverflowError):  # OverflowError: 1e999
        return None
    if backend not in ("sqlite", "postgresql") or not 0 <= after <= upto:
        return None
    return backend, target, after, upto


def main() -> int:
    request = _request()
    if request is None:
        print(
            "trustdesk: this is the helper process of `trustdesk audit verify`, which starts "
            "it and gives it its work on standard input; run `trustdesk audit verify` instead",
            file=sys.stderr,
        )
        return 2
    backend, target, after, upto = request
    gc.disable()  # as collector_paused: this process ends with its span
    found = None
    if backend == "sqlite" and fast_reader.available():
        found = fast_span(Path(target), after, upto, None)
    if found is None:
        conn = _open(backend, target)
        try:
            conn.execute("BEGIN")
            without_jit(conn)
            found = check_span(conn, after, upto, None)
        finally:
            conn.close()
    # json.dumps, not json.dump: dump writes through the encoder's pure-Python path
    # (the C encoder only serves a whole text at once), which took about a second for
    # the half million flagged decisions of a 1,000,000-decision record, at the very
    # end of the helper's work, while the caller waited for it. Same text either way.
    sys.stdout.write(json.dumps(found.to_json()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

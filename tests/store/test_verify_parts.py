"""``audit verify`` checks a span in parts whose chain pass reads each entry's objects
once for the rows passes too (``verify_worker.check_span``; decision 0049 on SQLite,
0057 on PostgreSQL, where the rows' statements then no longer join the log).

The parts are forced small on a small record, and each span's result (chain, lookup
table, every table's rows and problems) is compared with the result of the same span
checked in one go with the rows passes reading the log themselves, as before 0049:
intact, after every kind of tampering the split tests know, and where a part's last
entries were deleted.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from test_verify_split import TAMPERING, _attacker, _last_record, _tamper, six_decisions

import trustdesk.store.checks as checks_module
import trustdesk.store.verify_worker as worker
from trustdesk.store.checks import Checker
from trustdesk.store.store import Store
from trustdesk.store.verify_worker import SpanResult, check_span


@pytest.fixture
def record(store: Store) -> Store:
    """test_verify_split's six decisions, holds, closures and review."""
    return six_decisions(store)


class _Recording:
    """A reading connection that notes each statement run through it."""

    def __init__(self, conn: Any, statements: list[str]) -> None:
        self.wrapped, self.statements = conn, statements

    def execute(self, sql: str, params: Any = ()) -> Any:
        self.statements.append(sql)
        return self.wrapped.execute(sql, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


def _span(
    store: Store,
    after: int,
    upto: int,
    *,
    parts: int | None,
    statements: list[str] | None = None,
) -> SpanResult:
    """check_span of ``(after, upto]`` in parts of ``parts`` entries (None: in one go,
    the rows passes reading the log themselves); ``statements``: filled with those run."""
    with pytest.MonkeyPatch.context() as patch:
        if parts is None:
            patch.setattr(worker, "_check_parts", lambda *args: False)
        else:
            patch.setattr(worker, "PART_ENTRIES", parts)
        with store.db.reading() as conn:
            reader = conn if statements is None else _Recording(conn, statements)
            return check_span(reader, after, upto, None)


def _spans(store: Store) -> list[tuple[int, int]]:
    head = store.audit.head()[0]
    join = max(1, int(head * 0.3))
    return [(0, head), (join, head), (0, join)]


def test_an_intact_record_is_accepted_in_parts_without_reading_the_log_again(
    record: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    doubted: list[object] = []
    monkeypatch.setattr(Checker, "general_decision_row", lambda self, rid: doubted.append(rid))
    monkeypatch.setattr(Checker, "check_row", lambda self, *args: doubted.append(args))

    head = record.audit.head()[0]
    for parts in (1, 2, 3, head):
        statements: list[str] = []
        found = _span(record, 0, head, parts=parts, statements=statements)
        # The rows passes read their tables without joining the log.
        assert any("FROM decisions t" in sql for sql in statements)
        assert [sql for sql in statements if "JOIN audit_log" in sql] == []
        assert not found.broken and found.entries == head
        assert found.chain_problems == []
        assert all(problems == [] for problems in found.row_problems.values())
        assert found.rows["decisions"] == 6 and found.rows["holds"] >= 1
    assert doubted == []


def test_an_intact_record_gives_the_same_span_in_parts_or_in_one_go(record: Store) -> None:
    for after, upto in _spans(record):
        alone = _span(record, after, upto, parts=None).to_json()
        for parts in (1, 2, 5):
            assert _span(record, after, upto, parts=parts).to_json() == alone


TAMPERED = {
    **TAMPERING,
    "a part's last entries deleted (parts of 4)": "DELETE FROM audit_log WHERE seq IN (7, 8)",
    "an entry's objects unreadable": (
        "UPDATE audit_log SET objects = 'not json' "
        "WHERE seq = (SELECT audit_seq FROM decisions WHERE id = {last})"
    ),
    "a hold pointing at a review's entry": (
        "UPDATE holds SET audit_seq = (SELECT max(audit_seq) FROM reviews) "
        "WHERE id = (SELECT min(id) FROM holds)"
    ),
}


@pytest.mark.parametrize("what", list(TAMPERED))
def test_tampering_gives_the_same_span_in_parts_or_in_one_go(record: Store, what: str) -> None:
    _tamper(record, TAMPERED[what])
    differs = False
    for after, upto in _spans(record):
        alone = _span(record, after, upto, parts=None)
        differs = differs or bool(
            alone.chain_problems or any(alone.row_problems.values()) or alone.broken
        )
        for parts in (1, 2, 4):
            assert _span(record, after, upto, parts=parts).to_json() == alone.to_json(), (
                what,
                after,
                upto,
                parts,
            )
    # Seen in some span, but for what only the row counts or other parts show (a row
    # deleted or added past the head, lookup rows, the join's neighbours).
    if not any(word in what for word in ("lookup row", "join", "decision deleted", "inserted")):
        assert differs, what


def test_only_the_row_tables_take_the_kept_objects() -> None:
    with pytest.raises(ValueError, match="not kept"):
        checks_module._kept_at("contact_sha256")


QUEUE_TAMPERING = {
    "a decision added to the review queue": (
        "INSERT INTO pending_reviews (record_id, decision_id) VALUES ({last}, {last})"
    ),
    "a decision's review_required cleared": (
        "UPDATE decisions SET review_required = 0 WHERE review_required = 1"
    ),
    "a decision's review_required set": "UPDATE decisions SET review_required = 1",
    "the review deleted": "DELETE FROM reviews",
    "a decision no span holds (audit_seq 0)": (
        "UPDATE decisions SET review_required = 1, audit_seq = 0 WHERE id = {last}"
    ),
    "an amendment's link moved": "UPDATE decisions SET amends = amends + 100 WHERE amends > 0",
}
#: Only SQLite's untyped column can hold it.
QUEUE_TAMPERING_SQLITE = {
    "an amendment's link made text": (
        "UPDATE decisions SET amends = 'x' || amends WHERE amends IS NOT NULL"
    ),
}
#: The cases whose review queue no longer matches (the others break digests only).
QUEUE_SEEN = (
    "a decision added to the review queue",
    "a decision's review_required set",
    "the review deleted",
)


@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("what", list(QUEUE_TAMPERING))
def test_the_review_queue_from_the_rows_passes_is_the_querys(
    record: Store, monkeypatch: pytest.MonkeyPatch, what: str, split: bool
) -> None:
    """Decisions 0049, 0057: the review queue's check takes the decisions awaiting review
    from the decision rows' passes (``Checker.flagged``); the report is the one its own
    query (PENDING_REVIEWS_QUERY) gives, intact and tampered, in one process or two."""
    problems = _queue_from_rows_is_the_querys(record, monkeypatch, QUEUE_TAMPERING[what], split)
    if what in QUEUE_SEEN:
        assert any("review queue" in problem for problem in problems), what


@pytest.mark.sqlite_only("only SQLite's untyped columns can hold a text link")
@pytest.mark.parametrize("split", [False, True])
@pytest.mark.parametrize("what", list(QUEUE_TAMPERING_SQLITE))
def test_the_review_queue_with_a_text_link_is_the_querys(
    record: Store, monkeypatch: pytest.MonkeyPatch, what: str, split: bool
) -> None:
    _queue_from_rows_is_the_querys(record, monkeypatch, QUEUE_TAMPERING_SQLITE[what], split)


def _queue_from_rows_is_the_querys(
    record: Store, monkeypatch: pytest.MonkeyPatch, tampering: str, split: bool
) -> list[str]:
    """The problems verification reports after ``tampering``, the same whether the
    review queue's check used the rows passes' decisions or its own query."""
    import trustdesk.store.verify as verify_module

    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: int(split))
    monkeypatch.setattr(verify_module, "CALLER_SHARE", 0.3)
    assert record.verify().ok
    with _attacker(record) as conn:
        for statement in tampering.format(last=_last_record(record)).split("; "):
            conn.execute(statement)
    computed = record.verify()
    queries: list[object] = []
    original = Checker.review_queue

    def by_query(self: Checker, flagged: Any, covered: Any, inputs: Any = None) -> None:
        queries.append(flagged)
        original(self, None, None, inputs)

    with monkeypatch.context() as patch:
        patch.setattr(Checker, "review_queue", by_query)
        queried = record.verify()
    assert queries and queries[0] is not None  # the rows passes did collect them
    assert not queried.ok, tampering
    assert [str(p) for p in computed.problems] == [str(p) for p in queried.problems]
    return [str(p) for p in computed.problems]


def test_the_lookup_checks_quick_way_finds_what_its_walk_finds() -> None:
    """DecisionLookupCheck.entry_named takes an entry's own row at once (0049); on a
    table rebuilt without its key (duplicates, a text position, rows between entries)
    it reports what the walk alone (``_take_through`` then ``compare``) reports."""
    from trustdesk.store.checks import DecisionLookupCheck

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE audit_decisions (seq, decision_id)")
    rows = [(1, 10), (2, 10), (2, 11), (3, 12), ("x", 13), (5, 14), (6, 15), (7, 16), (7, 16)]
    conn.executemany("INSERT INTO audit_decisions VALUES (?, ?)", rows)
    entries = [(1, 10), (2, 10), (3, 12), (4, None), (5, 99), (6, None), (7, 16), (8, 17)]
    found = []
    for quick in (True, False):
        checker = Checker(conn, None)
        lookup = DecisionLookupCheck(checker)
        for seq, expected in entries:
            if quick:
                lookup.entry_named(seq, "decision.created", expected)
            else:
                lookup.compare(seq, "decision.created", expected, lookup._take_through(seq))
        lookup.finish()
        found.append([(p.seq, p.text) for p in checker.problems])
    assert found[0] == found[1]
    assert len(found[0]) >= 5  # the duplicates, the text position, 5, 6 and 8 differ


def test_the_float_guard_is_skipped_only_where_no_column_can_give_a_float(store: Store) -> None:
    """Decision 0057: the fast texts skip their float guard on a server statement whose
    columns are all integers or texts, never on SQLite (any column holds any type)."""
    with store.db.reading() as conn:
        typed = conn.execute("SELECT seq, event, objects FROM audit_log")
        assert checks_module._may_give_floats(typed) == (store.backend == "sqlite")
        typed.fetchall()
        real = conn.execute("SELECT seq, CAST(seq AS REAL) FROM audit_log")
        assert checks_module._may_give_floats(real)
        real.fetchall()

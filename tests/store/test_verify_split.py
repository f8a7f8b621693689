"""``audit verify`` split over two processes (``store.verify_worker``) finds what one finds.

A large record is checked partly by a helper process (the chain's later part and the rows
its entries wrote); the tests force that split on a small record (the split point in the
middle of it) and compare the report with the one-process report, intact and after each
kind of tampering (in either part of the chain, and at the join), on both backends.
The candidate texts written by the database (``store/candidates*.py``) are checked here
too: an intact record never needs the general check, and a tampered one is reported as
the general checks alone report it.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from storekit import T0, actor, add_user, draft, raw_connection

import trustdesk.store.verify as verify_module
from trustdesk.store import verify_worker
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.checks import Checker
from trustdesk.store.helper_command import HELPER_ARGUMENT, helper_command
from trustdesk.store.paths import DB_NAME
from trustdesk.store.store import Store
from trustdesk.store.verify_worker import Helper, SpanResult


@pytest.fixture
def record(store: Store) -> Store:
    """Six decisions (one amended, holds closed, a review) spread over the chain."""
    return six_decisions(store)


def six_decisions(store: Store) -> Store:
    """``record``'s decisions saved in ``store`` (also for test_verify_parts.py)."""
    officer = actor(add_user(store, "ann", "officer"))
    supervisor = actor(add_user(store, "sam", "supervisor"))
    first = store.decisions.add(draft(review_required=True), officer, T0)
    store.decisions.amend(
        first.record.decision_id,
        draft(review_required=True),
        reason="hold start recorded",
        author=officer,
        at=T0 + timedelta(hours=1),
    )
    latest = store.decisions.latest(first.record.decision_id)
    store.reviews.approve(
        first.record.decision_id,
        expected_record_id=latest.id,
        reviewer=supervisor,
        at=T0 + timedelta(hours=2),
    )
    for number, name in enumerate(("Kim Lee", "José Peña", "Zoë Ångström", "Ana Ruiz")):
        saved = store.decisions.add(
            draft(person=PersonFacts(f"NH-{number + 10}", name)), officer, T0
        )
        if saved.hold_id is not None and number % 2 == 0:
            store.holds.close(
                saved.hold_id,
                outcome="released_other",
                ended_at=T0 + timedelta(hours=3),
                note="court order",
                officer=officer,
                at=T0 + timedelta(hours=3),
            )
    return store


class Answers(list[object]):
    """Each helper's answer (None: that helper failed and was not used), in the order of
    their spans; ``helpers``: how many the split uses. ``first``: the answers for the
    caller's own span, where a helper read it (on SQLite, decision 0075)."""

    helpers = 1

    def __init__(self) -> None:
        super().__init__()
        self.first: list[object] = []


@pytest.fixture(params=[1, 2], ids=["one helper", "two helpers"])
def split(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Answers:
    """Force the split over ``helpers`` helper processes, the caller's span ending early
    in the chain (at ``_join``) and the helpers sharing the rest equally (the second
    helper's span starting at ``_second_join``); collects each helper's answer."""
    answers = Answers()
    answers.helpers = request.param
    original = Helper.result

    def result(self: Helper) -> Any:
        answer = original(self)
        (answers.first if self.span[0] == 0 else answers).append(answer)
        return answer

    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: answers.helpers)
    monkeypatch.setattr(verify_module, "caller_share", lambda helpers: SHARE)
    monkeypatch.setattr(verify_module, "apart_share", lambda helpers: SHARE)
    monkeypatch.setattr(Helper, "result", result)
    return answers


SHARE = 0.3  # the caller's share of the chain in the split fixture


def _join(head: int) -> int:
    """The last entry the caller checks in a forced split."""
    return max(1, int(head * SHARE))


def _second_join(head: int) -> int:
    """Where the second of two helpers starts (inside the only helper's span when the
    split has one helper)."""
    return _join(head) + (head - _join(head)) // 2


def _report(store: Store, monkeypatch: pytest.MonkeyPatch, *, parallel: bool) -> Any:
    with monkeypatch.context() as patch:
        if not parallel:
            patch.setattr(verify_module, "helpers_for", lambda entries: 0)
        return store.verify()


@contextlib.contextmanager
def _attacker(store: Store) -> Iterator[Any]:
    """A connection that changes evidence behind TrustDesk's back (triggers off)."""
    if store.backend == "sqlite":
        conn = raw_connection(store.db.path)  # type: ignore[attr-defined]
        made = dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND (name LIKE '%no_update' OR name LIKE '%no_delete' OR name LIKE '%links')"
            ).fetchall()
        )
        for name in made:
            conn.execute(f"DROP TRIGGER {name}")
        try:
            yield conn
        finally:
            # Put back as they were: the triggers gone would be a finding of their own
            # (decision 0063), and the attacker covers their tracks.
            for sql in made.values():
                conn.execute(sql)
            conn.close()
        return
    import psycopg

    from pgkit import superuser_url

    url = store.db.url  # type: ignore[attr-defined]
    with psycopg.connect(superuser_url(url), autocommit=True) as conn:
        conn.execute("SET search_path TO trustdesk")
        conn.execute("SET session_replication_role = replica")
        yield _Qmarks(conn)


class _Qmarks:
    """psycopg with SQLite's ``?`` marks, so one statement serves both backends."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)


def _last_record(store: Store) -> int:
    with store.db.reading() as conn:
        return int(conn.execute("SELECT max(id) FROM decisions").fetchone()[0])


def test_an_intact_record_verifies_alike_split_or_not(
    record: Store, split: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _report(record, monkeypatch, parallel=False)
    together = _report(record, monkeypatch, parallel=True)
    assert alone.ok and together.ok
    assert split and split[-1] is not None  # the helper ran and answered
    answer = split[-1]
    assert isinstance(answer, SpanResult)
    assert answer.rows["decisions"] >= 1 and answer.entries >= 1
    assert answer.chain_problems == [] and not answer.broken
    assert all(problems == [] for problems in answer.row_problems.values())
    assert together.records == alone.records == 6
    assert (together.entries, together.head_hash) == (alone.entries, alone.head_hash)
    if record.backend == "sqlite":  # the caller's own span read by a helper (0075)
        (own,) = split.first
        assert isinstance(own, SpanResult) and own.reader.startswith("apsw ")
        assert own.entries == _join(together.head_seq)
    else:
        assert split.first == []


def test_an_intact_record_never_needs_the_general_check(
    record: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answers' text from the database equals canonical_json's, non-ASCII names too."""
    doubted: list[object] = []
    monkeypatch.setattr(Checker, "general_decision_row", lambda self, rid: doubted.append(rid))
    assert _report(record, monkeypatch, parallel=False).ok
    assert doubted == []


TAMPERING = {
    "a column of the last decision": "UPDATE decisions SET reason = 'edited' WHERE id = {last}",
    "the last decision's answers": (
        "UPDATE decision_answers SET value = CASE value WHEN 'yes' THEN 'no' ELSE 'yes' END "
        "WHERE record_id = {last}"
    ),
    "an answer added to the last decision": (
        "INSERT INTO decision_answers (record_id, field, value) VALUES ({last}, 'zz_added', 'yes')"
    ),
    "the last decision deleted": (
        "DELETE FROM decision_answers WHERE record_id = {last}; "
        "DELETE FROM decisions WHERE id = {last}"
    ),
    "a decision inserted": (
        "INSERT INTO decisions SELECT id + 1000, decision_id + 1000, version, amends, reason, "
        "officer_id, recorded_at, decision_time, outcome, needs_review, review_required, "
        "releasable_at, hold_expires_at, rule_pack, rule_pack_sha256, app_version, person_id, "
        "detainer_id + 1000, case_json, decision_json, record_sha256, audit_seq + 1000 "
        "FROM decisions WHERE id = {last}"
    ),
    "an early audit entry altered (the caller's part)": (
        "UPDATE audit_log SET workstation = 'elsewhere' WHERE seq = 3"
    ),
    "a late audit entry altered (the helper's part)": (
        "UPDATE audit_log SET workstation = 'elsewhere' WHERE seq = {head} - 2"
    ),
    "the entry at the join altered": ("UPDATE audit_log SET actor = 'someone' WHERE seq = {join}"),
    "the entry at the join deleted": ("DELETE FROM audit_log WHERE seq = {join}"),
    "the entries before the join deleted": (
        "DELETE FROM audit_log WHERE seq > {join} - 3 AND seq <= {join}"
    ),
    "the entry after the join altered": (
        "UPDATE audit_log SET actor = 'someone' WHERE seq = {join} + 1"
    ),
    "the entry at the second join altered": (
        "UPDATE audit_log SET actor = 'someone' WHERE seq = {join2}"
    ),
    "the entry at the second join deleted": ("DELETE FROM audit_log WHERE seq = {join2}"),
    "the entry after the second join altered": (
        "UPDATE audit_log SET actor = 'someone' WHERE seq = {join2} + 1"
    ),
    "a late entry's lookup row moved to another decision": (
        "UPDATE audit_decisions SET decision_id = decision_id + 1 "
        "WHERE seq = (SELECT max(seq) FROM audit_decisions)"
    ),
    "a lookup row filed past the head": (
        "INSERT INTO audit_decisions (seq, decision_id) VALUES ({head} + 5, 1)"
    ),
    "an early lookup row deleted": (
        "DELETE FROM audit_decisions WHERE seq = (SELECT min(seq) FROM audit_decisions)"
    ),
    "a late closure altered": (
        "UPDATE hold_closures SET note = 'edited' WHERE hold_id = (SELECT max(hold_id) "
        "FROM hold_closures)"
    ),
    "a person's non-ASCII name altered": (
        "UPDATE people SET name = name || ' \u00e9\U0001f600' "
        "WHERE id = (SELECT person_id FROM decisions WHERE id = {last})"
    ),
    "a detainer's column altered": (
        "UPDATE detainers SET issuing_office = 'elsewhere' "
        "WHERE id = (SELECT detainer_id FROM decisions WHERE id = {last})"
    ),
    "a hold altered": (
        "UPDATE holds SET opened_at = '2020-01-01T00:00:00.000000Z' "
        "WHERE id = (SELECT min(id) FROM holds)"
    ),
    "a decision's document altered": (
        "UPDATE decisions SET case_json = case_json || ' ' WHERE id = {last}"
    ),
    "an entry's objects altered": (
        "UPDATE audit_log SET objects = replace(objects, '\"record\":', '\"record\": ') "
        "WHERE seq = (SELECT audit_seq FROM decisions WHERE id = {last})"
    ),
    "two audit entries swapped": (
        "UPDATE audit_log SET seq = {head} + 1000 WHERE seq = {head}; "
        "UPDATE audit_log SET seq = {head} WHERE seq = {head} - 1; "
        "UPDATE audit_log SET seq = {head} - 1 WHERE seq = {head} + 1000"
    ),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_tampering_is_reported_alike_split_or_not(
    record: Store, split: Answers, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    _tamper(record, TAMPERING[what])
    alone = _report(record, monkeypatch, parallel=False)
    together = _report(record, monkeypatch, parallel=True)
    assert not alone.ok, what
    assert [str(p) for p in together.problems] == [str(p) for p in alone.problems]
    assert len(split) == split.helpers and None not in split


class _NeverMatches:
    """A digest no candidate text matches: every row goes to the general checks."""

    def __init__(self, data: bytes = b"") -> None:
        self.data = data

    def hexdigest(self) -> str:
        return "never"


def _tamper(record: Store, statements: str) -> None:
    """Run a tampering's ``statements`` (``; ``-separated, with ``{last}``, ``{head}``,
    ``{join}`` and ``{join2}`` filled in) behind TrustDesk's back."""
    last, head = _last_record(record), record.audit.head()[0]
    joins = {"join": _join(head), "join2": _second_join(head)}
    with _attacker(record) as conn:
        for statement in statements.format(last=last, head=head, **joins).split("; "):
            with contextlib.suppress(sqlite3.IntegrityError):  # a constraint may refuse
                conn.execute(statement)


@pytest.mark.parametrize("what", list(TAMPERING))
def test_the_candidate_texts_report_what_the_general_checks_report(
    record: Store, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    """Decision 0040: a candidate text only accepts; the report is the general checks'."""
    _tamper(record, TAMPERING[what])
    fast = _report(record, monkeypatch, parallel=False)
    with monkeypatch.context() as patch:
        patch.setattr("trustdesk.store.checks._sha256", _NeverMatches)
        general = _report(record, monkeypatch, parallel=False)
    assert not fast.ok, what
    assert [str(p) for p in fast.problems] == [str(p) for p in general.problems]
    assert (fast.entries, fast.records) == (general.entries, general.records)


@pytest.mark.sqlite_only("only SQLite's untyped columns can hold a float or a blob")
@pytest.mark.parametrize("value", [b"\x00blob", b"plain", 2.5, 1e300])
@pytest.mark.parametrize(
    ("table", "column", "key"),
    [
        ("people", "name", "id = (SELECT person_id FROM decisions WHERE id = {last})"),
        ("decisions", "rule_pack_sha256", "id = {last}"),
        ("holds", "opened_by", "id = (SELECT min(id) FROM holds)"),
        ("audit_log", "actor", "seq = 3"),
        ("audit_log", "actor_id", "seq = 4"),
        (
            "decision_answers",
            "field",
            "record_id = {last} AND field = "
            "(SELECT min(field) FROM decision_answers WHERE record_id = {last})",
        ),
    ],
)
def test_a_float_or_a_blob_is_reported_as_the_general_checks_report_it(
    record: Store, monkeypatch: pytest.MonkeyPatch, value: object, table: str, column: str, key: str
) -> None:
    with _attacker(record) as conn:
        where = key.format(last=_last_record(record))
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
    fast = _report(record, monkeypatch, parallel=False)
    with monkeypatch.context() as patch:
        patch.setattr("trustdesk.store.checks._sha256", _NeverMatches)
        general = _report(record, monkeypatch, parallel=False)
    assert not fast.ok
    assert [str(p) for p in fast.problems] == [str(p) for p in general.problems]


def test_a_record_split_in_the_helpers_span_is_found_by_the_helper(
    record: Store, split: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    last = _last_record(record)
    with _attacker(record) as conn:
        conn.execute(f"UPDATE decisions SET outcome = 'decline' WHERE id = {last}")
    report = _report(record, monkeypatch, parallel=True)
    answer = split[-1]
    assert isinstance(answer, SpanResult)
    problems = answer.row_problems["decisions"]
    assert {p.text for p in problems} <= {p.text for p in report.problems}
    assert any(f"(record {last})" in p.text for p in problems)


def test_without_a_working_helper_the_caller_checks_its_span(
    record: Store, split: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "trustdesk.store.verify_worker.sys.executable", str(record.db.where()) + "-missing"
    )
    last = _last_record(record)
    with _attacker(record) as conn:
        conn.execute(f"UPDATE decisions SET outcome = 'decline' WHERE id = {last}")
    report = _report(record, monkeypatch, parallel=True)
    assert split == [None] * split.helpers
    assert split.first == ([None] if record.backend == "sqlite" else [])
    assert any(f"(record {last})" in p.text for p in report.problems)
    assert report.records == 6


def test_the_sqlite_file_is_found_for_the_helper(record: Store) -> None:
    from trustdesk.store.verify_worker import location

    reader = record.db.open_reader()
    try:
        found = location(reader)
    finally:
        reader.close()
    if record.backend == "sqlite":
        assert found is not None and found[0] == "sqlite"
        assert found[1].endswith(DB_NAME)
    else:
        assert found is not None and found[0] == "postgresql"


def test_an_interrupted_verification_ends_its_helper(
    record: Store, split: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Helper] = []
    original = Helper.__init__

    def init(self: Helper, *args: Any) -> None:
        original(self, *args)
        started.append(self)

    def interrupted(self: Checker, *args: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(Helper, "__init__", init)
    # Interrupted in the caller's own checks, with the helpers (and on SQLite the one
    # reading the caller's span, decision 0075) at work.
    monkeypatch.setattr(Checker, "unused_people", interrupted)
    with pytest.raises(KeyboardInterrupt):
        record.verify()
    assert len(started) == split.helpers + (record.backend == "sqlite")
    for helper in started:
        assert helper.process is not None
        assert helper.process.poll() is not None  # ended, not left running
    assert split == []  # nothing was read from it


def test_a_frozen_build_starts_its_own_program_as_the_helper(
    record: Store, split: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An installed build has no interpreter to run the worker module with: it starts its
    program again with the helper's argument (decision 0054). Here the program is the
    checkout's own ``trustdesk`` command, standing in for the frozen one."""
    program = shutil.which("trustdesk", path=str(Path(sys.executable).parent))
    assert program is not None, "the checkout's trustdesk command is missing"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", program)
    assert helper_command() == [program, HELPER_ARGUMENT]
    alone = _report(record, monkeypatch, parallel=False)
    last = _last_record(record)
    with _attacker(record) as conn:
        conn.execute(f"UPDATE decisions SET outcome = 'decline' WHERE id = {last}")
    tampered = _report(record, monkeypatch, parallel=True)
    answer = split[-1]
    assert isinstance(answer, SpanResult)  # the program answered as the helper
    assert any(f"(record {last})" in p.text for p in answer.row_problems["decisions"])
    assert alone.ok and not tampered.ok
    monkeypatch.setattr(sys, "frozen", False)
    assert tampered == _report(record, monkeypatch, parallel=False)


def test_the_helper_argument_alone_is_refused_plainly() -> None:
    """Typed by hand (no request on stdin), the helper's argument says what it is for."""
    program = shutil.which("trustdesk", path=str(Path(sys.executable).parent))
    assert program is not None
    for given in (
        "",
        "not json",
        "[1]",
        '{"backend": "sqlite"}',
        '{"backend": "sqlite", "target": "x.db", "after": 1e999, "upto": 2}',
        '{"backend": "sqlite", "target": "x.db", "after": 5, "upto": 2}',
    ):
        result = subprocess.run(
            [program, HELPER_ARGUMENT],
            input=given,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2 and result.stdout == ""
        assert "run `trustdesk audit verify` instead" in result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("entries", "cores", "helpers"),
    [
        (299_999, 8, 0),  # small: one process
        (1_844_496, 1, 0),  # one core: one process
        (1_844_496, 2, 1),  # this project's benchmark machine
        (1_844_496, 4, 3),
        (1_844_496, 16, 3),  # at most MAX_HELPERS
        (600_000, 8, 2),  # one helper per PARALLEL_FROM_ENTRIES entries
    ],
)
def test_one_helper_per_spare_core(
    monkeypatch: pytest.MonkeyPatch, entries: int, cores: int, helpers: int
) -> None:
    monkeypatch.setattr(verify_worker, "_cores", lambda: cores)
    assert verify_worker.helpers_for(entries) == helpers


@pytest.mark.parametrize("helpers", [1, 2, 3])
def test_the_spans_cover_the_chain_and_leave_each_process_alike(
    monkeypatch: pytest.MonkeyPatch, helpers: int
) -> None:
    """The caller's span ends where the first helper's starts, the helpers' spans follow
    each other to the head, and the caller's share plus its whole-record checks
    (``1 - 2 * CALLER_SHARE`` of the chain, as measured with one helper) is each
    helper's share."""
    started: list[tuple[int, int]] = []
    monkeypatch.setattr(verify_module, "location", lambda conn: ("sqlite", "unused"))
    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: helpers)
    monkeypatch.setattr(
        verify_module.Helper, "__init__", lambda self, b, t, low, high: started.append((low, high))
    )
    head = 1_844_496
    assert verify_module._helpers(None, head) is not None  # type: ignore[arg-type]
    share = verify_module.caller_share(helpers)
    assert started[0][0] == int(head * share) and started[-1][1] == head
    assert all(a[1] == b[0] for a, b in itertools.pairwise(started))
    whole_record = 1 - 2 * verify_worker.CALLER_SHARE
    for low, high in started:
        assert (high - low) / head == pytest.approx(share + whole_record, abs=1e-6)

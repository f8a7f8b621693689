"""One decision's audit trail, read through ``audit_decisions`` (schema 6), and checked.

The append files every entry naming a decision in the lookup table, in its own
transaction; ``of_decision`` and ``DecisionService.trail`` read it through an index; a
lookup table edited behind TrustDesk's back is reported by ``audit verify``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from storekit import REFUSED, T0, Desk, actor, add_user, draft, failing_inserts, raw_connection

from casekit import conviction, make_case
from trustdesk.memo.viewmodel import AgencyHeader
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import PermissionDenied
from trustdesk.store import audit
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import StoreError
from trustdesk.store.paths import DB_NAME
from trustdesk.store.records import AuditEntry, AuditEvent
from trustdesk.store.store import Store

HEADER = AgencyHeader("Test Agency", "Test Facility", "CT0000000")
HONOR = make_case(
    decision_time="2026-11-20T11:00:00-05:00",
    releasable_at="2026-11-20T15:00:00-05:00",
    convictions=[conviction("53a-134", "felony", "B")],
)


def _lookup(store: Store) -> list[tuple[int, int]]:
    with store.db.reading() as conn:
        return conn.execute("SELECT seq, decision_id FROM audit_decisions ORDER BY seq").fetchall()


def _all(store: Store) -> list[AuditEntry]:
    with store.db.reading() as conn:
        return list(audit.entries(conn))


def _naming(store: Store, decision_id: int) -> list[AuditEntry]:
    """The slow way, the trail's old definition: every entry, filtered in Python."""
    return [e for e in _all(store) if e.objects_dict().get("decision") == decision_id]


# --- the append -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("objects", "filed"),
    [
        ({"decision": 7, "records": [7]}, 7),
        ({"decision": 0}, 0),
        ({"decision": 2**63 - 1}, 2**63 - 1),
        ({"records": [7]}, None),
        ({}, None),
        ({"decision": True}, None),  # a JSON true is no decision number
        ({"decision": "7"}, None),
        ({"decision": 7.0}, None),
        ({"decision": None}, None),
        ({"decision": 2**64}, None),  # beyond SQLite's integers: names nothing we index
        ({"nested": {"decision": 7}}, None),
        ({"shown": [7, 8]}, None),
        ({"decisión": 7}, None),  # escaped in the stored text: parsed, not this key
    ],
)
def test_an_entry_naming_a_decision_is_filed_with_it(
    store: Store, objects: dict[str, Any], filed: int | None
) -> None:
    who = actor(add_user(store, "ann", "officer"))
    before = _lookup(store)
    entry = store.audit.record(AuditEvent("something.happened", "success", objects), who, T0)
    assert audit.decision_named(entry.objects) == filed
    added = [row for row in _lookup(store) if row not in before]
    assert added == ([] if filed is None else [(entry.seq, filed)])
    assert store.verify().ok


def test_the_lookup_row_commits_with_its_entry_or_not_at_all(store: Store) -> None:
    who = actor(add_user(store, "ann", "officer"))
    head = store.audit.head()

    def cut_short() -> None:
        with store.db.transaction() as conn:
            event = AuditEvent("decision.viewed", "success", {"decision": 3})
            audit.append(conn, event, who, T0)
            assert conn.execute("SELECT count(*) FROM audit_decisions").fetchone()[0] == 1
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError, match="power cut"):
        cut_short()
    assert store.audit.head() == head and _lookup(store) == []
    # A lookup row that cannot be written stops the entry too: nothing half recorded.
    with (
        failing_inserts(store, "audit_decisions", "disk trouble"),
        pytest.raises(StoreError, match="nothing was recorded"),
    ):
        store.audit.record(AuditEvent("decision.viewed", "success", {"decision": 3}), who, T0)
    assert store.audit.head() == head and _lookup(store) == []


def test_the_lookup_table_is_append_only(store: Store) -> None:
    who = actor(add_user(store, "ann", "officer"))
    store.decisions.add(draft(), who, T0)
    for statement in (
        "UPDATE audit_decisions SET decision_id = 2",
        "DELETE FROM audit_decisions",
    ):
        with pytest.raises(StoreError, match=REFUSED), store.db.transaction() as conn:
            conn.execute(statement)
    assert _lookup(store) == [(store.audit.head()[0], 1)]


def test_of_decision_reads_its_entries_through_the_index(store: Store) -> None:
    who = actor(add_user(store, "ann", "officer"))
    first = store.decisions.add(draft(), who, T0)
    other = store.decisions.add(draft(person=PersonFacts("NH-9", "Kim Lee")), who, T0)
    store.decisions.view(first.record.decision_id, who, T0)
    store.decisions.view(other.record.decision_id, who, T0)
    store.decisions.view(first.record.decision_id, who, T0)
    trail = store.audit.of_decision(first.record.decision_id)
    assert [e.event for e in trail] == ["decision.created", "decision.viewed", "decision.viewed"]
    assert trail == _naming(store, first.record.decision_id)
    assert store.audit.of_decision(999) == []
    if store.backend != "sqlite":
        return  # the plan below is SQLite's; the server plans for its own statistics
    with store.db.reading() as conn:
        plan = " ".join(
            row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + audit._OF_DECISION, (1,))
        )
    assert "audit_decisions_by_decision (decision_id=?)" in plan, plan
    assert "USING INTEGER PRIMARY KEY" in plan and "TEMP B-TREE" not in plan, plan


# --- the service: every kind of entry, in chain order -------------------------------------


def _decide(desk: Desk, rules: Any, raw: dict[str, Any], who: str = "officer") -> Any:
    case = parse_case(raw, "case", rules.catalog)
    return desk.services.decisions.create(desk.session(who), case, raw)


def test_the_trail_holds_exactly_the_decisions_entries_in_order(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    services = desk.services
    saved = _decide(desk, rules, HONOR)
    decision = saved.record.decision_id
    other = _decide(desk, rules, make_case(person={**HONOR["person"], "booking_number": "B-2"}))
    raw = {**HONOR, "tsdb_match": None}  # the amendment needs a supervisor's review
    services.decisions.amend(
        desk.session("officer2"),
        decision,
        parse_case(raw, "case", rules.catalog),
        raw,
        "the TSDB answer was not known after all",
    )
    services.decisions.view(officer, decision)
    services.decisions.view(officer, other.record.decision_id)
    services.decisions.approve(supervisor, decision)
    services.memos.print_memo(officer, decision, tmp_path / "memo.pdf", agency=HEADER)
    with pytest.raises(PermissionDenied):
        services.memos.print_memo(
            desk.session("auditor"), decision, tmp_path / "no.pdf", agency=HEADER
        )
    assert saved.hold_id is not None
    services.holds.close(officer, saved.hold_id, "released_other", note="Bond posted")
    services.decisions.view(supervisor, other.record.decision_id)
    auditor = desk.session("auditor")
    head = desk.store.audit.head()
    trail = services.decisions.trail(auditor, decision)
    assert [e.event for e in trail] == [
        "decision.created",
        "decision.amended",
        "decision.viewed",
        "decision.reviewed",
        "memo.printed",
        "permission.denied",
        "hold.closed",
    ]
    assert [e.seq for e in trail] == sorted(e.seq for e in trail)
    assert trail == _naming(desk.store, decision)
    assert services.decisions.trail(officer, other.record.decision_id) == _naming(
        desk.store, other.record.decision_id
    )
    # Reading the trail records nothing (the view shown beside it is on record).
    assert desk.store.audit.head() == head
    assert desk.store.verify().ok


def test_the_trail_is_authorized_like_the_view(desk: Desk, rules: Any) -> None:
    decision = _decide(desk, rules, HONOR).record.decision_id
    admin = desk.session("admin")  # administrators manage accounts, not decisions
    with pytest.raises(PermissionDenied):
        desk.services.decisions.view(admin, decision)
    with pytest.raises(PermissionDenied):
        desk.services.decisions.trail(admin, decision)
    denied = [e for e in desk.store.audit.of_decision(decision) if e.event == "permission.denied"]
    assert [e.objects_dict()["operation"] for e in denied] == ["decision.view"] * 2


# --- audit verify checks the lookup table against the chain ------------------------------


@pytest.fixture
def scene(tmp_path: Path) -> tuple[Path, int, int]:
    """A folder with two decisions, viewed; the seq of decision 1's viewing, and the head."""
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        who = actor(add_user(store, "ann", "officer"))
        store.decisions.add(draft(), who, T0)
        store.decisions.add(draft(person=PersonFacts("NH-9", "Kim Lee")), who, T0)
        store.decisions.view(1, who, T0)
        viewed = store.audit.head()[0]
        store.decisions.view(2, who, T0)
        assert store.verify().ok
        return folder, viewed, store.audit.head()[0]


def _attack(folder: Path, *statements: str) -> Any:
    conn = raw_connection(folder / DB_NAME)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.close()
    with Store.open(folder) as store:
        assert store.integrity_check() == ["ok"]  # SQLite itself notices nothing
        return store.verify(), store.audit.of_decision(1)


def test_a_deleted_lookup_row_is_reported_naming_the_hidden_entry(
    scene: tuple[Path, int, int],
) -> None:
    folder, viewed, _head = scene
    report, trail = _attack(folder, f"DELETE FROM audit_decisions WHERE seq = {viewed}")
    assert viewed not in [e.seq for e in trail]  # the trail would hide it...
    assert not report.ok and report.first is not None  # ...and verify says so
    assert report.first.seq == viewed
    assert f"audit entry {viewed} (decision.viewed) of decision 1 is missing" in report.first.text
    assert "decision lookup table" in report.first.text


def test_a_row_moved_to_another_decision_is_reported(scene: tuple[Path, int, int]) -> None:
    folder, viewed, _head = scene
    report, trail = _attack(
        folder, f"UPDATE audit_decisions SET decision_id = 2 WHERE seq = {viewed}"
    )
    assert viewed not in [e.seq for e in trail]
    assert report.first is not None and report.first.seq == viewed
    assert "of decision 1 is filed under decision 2" in report.first.text


@pytest.mark.parametrize(
    ("statement", "words"),
    [
        ("INSERT INTO audit_decisions VALUES (1, 1)", "audit entry 1 (store.created) names no"),
        ("INSERT INTO audit_decisions VALUES (9999, 1)", "entry 9999 under decision 1, but there"),
        ("INSERT INTO audit_decisions VALUES (-4, 1)", "entry -4 under decision 1, but there"),
        ("DELETE FROM audit_decisions", "is missing from the decision lookup table"),
        ("UPDATE audit_decisions SET seq = seq + 100000", "is missing from the decision lookup"),
        ("UPDATE audit_decisions SET decision_id = 'x'", "is filed under decision 'x'"),
    ],
)
def test_any_edit_of_the_lookup_table_is_reported(
    scene: tuple[Path, int, int], statement: str, words: str
) -> None:
    folder, _viewed, _head = scene
    report, _trail = _attack(folder, statement)
    assert not report.ok
    assert any(words in problem.text for problem in report.problems), report.problems


def test_a_table_rebuilt_without_its_key_is_reported(scene: tuple[Path, int, int]) -> None:
    folder, viewed, _head = scene
    report, _trail = _attack(
        folder,
        "ALTER TABLE audit_decisions RENAME TO old_lookup",
        "CREATE TABLE audit_decisions (seq, decision_id)",
        "INSERT INTO audit_decisions SELECT * FROM old_lookup",
        f"INSERT INTO audit_decisions VALUES ({viewed}, 2)",
        "INSERT INTO audit_decisions VALUES ('7', 1)",
        "DROP TABLE old_lookup",
    )
    texts = [problem.text for problem in report.problems]
    assert any(f"entry {viewed} (decision.viewed) of decision 1 is filed under" in t for t in texts)
    assert any("'7' under decision 1, but there is no such entry" in t for t in texts), texts


@pytest.mark.parametrize(
    "statement",
    ["DROP TABLE audit_decisions", "ALTER TABLE audit_decisions RENAME COLUMN seq TO n"],
)
def test_a_dropped_lookup_table_is_reported_not_crashed_on(
    scene: tuple[Path, int, int], statement: str
) -> None:
    folder, _viewed, _head = scene
    conn = raw_connection(folder / DB_NAME)
    conn.execute(statement)
    conn.close()
    with Store.open(folder) as store:
        report = store.verify()
    assert not report.ok and report.first is not None
    assert "the decision lookup table cannot be read" in report.first.text


def test_a_prefix_verification_checks_the_lookup_rows_of_that_prefix(
    scene: tuple[Path, int, int],
) -> None:
    folder, viewed, head = scene
    conn = raw_connection(folder / DB_NAME)
    [trigger] = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'audit_decisions_no_delete'"
    ).fetchone()
    conn.execute("DROP TRIGGER audit_decisions_no_delete")
    conn.execute(f"DELETE FROM audit_decisions WHERE seq = {head}")
    conn.execute(trigger)  # put back: a trigger missing is a finding of its own (0063)
    conn.close()
    with Store.open(folder) as store:
        assert store.verify(upto=viewed).ok  # the damage is after the prefix
        report = store.verify(upto=head)
    assert report.first is not None and report.first.seq == head

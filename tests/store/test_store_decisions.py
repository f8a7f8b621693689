"""Decisions, amendments, holds and reviews in the store: append-only and atomic."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from storekit import REFUSED, T0, actor, add_user, draft, failing_inserts, written_columns

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import AuditWriteFailed, Conflict, NotFound, StoreError
from trustdesk.store.records import User
from trustdesk.store.schema import APPEND_ONLY_TABLES
from trustdesk.store.store import Store


@pytest.fixture
def officer(store: Store) -> User:
    return add_user(store, "ann", "officer")


def _count(store: Store, table: str) -> int:
    with store.db.reading() as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_a_decision_is_stored_whole_with_its_audit_entry(store: Store, officer: User) -> None:
    value = draft(review_required=True, needs_review=True)
    saved = store.decisions.add(value, actor(officer), T0)
    record = saved.record
    assert (record.decision_id, record.version, record.amends) == (record.id, 1, None)
    assert record.case_json == value.case_json and record.decision_json == value.decision_json
    assert record.rule_pack == "ct-2025" and record.rule_pack_sha256 == "a" * 64
    assert record.officer == "ann" and record.recorded_at == T0
    assert record.decision_time.tzinfo is not None and record.person.name == "María Peña"
    assert record.answers == (("gang_member", "no"), ("tsdb_match", "unknown"))
    assert saved.audit.event == "decision.created" and record.audit_seq == saved.audit.seq
    objects = saved.audit.objects_dict()
    assert objects["record_sha256"] == record.record_sha256
    assert "María" not in saved.audit.objects and "NH-2026" not in saved.audit.objects
    assert saved.hold_id is not None
    assert [h.hold_id for h in store.holds.active()] == [saved.hold_id]
    assert [s.decision_id for s in store.search.awaiting_review()] == [record.decision_id]
    assert store.verify().ok


def test_amendments_are_new_versions_linked_to_the_previous(store: Store, officer: User) -> None:
    first = store.decisions.add(draft(releasable_at=None, hold_expires_at=None), actor(officer), T0)
    assert store.holds.active()[0].release_due_at is None
    later = T0 + timedelta(days=1)
    second = store.decisions.amend(
        first.record.decision_id,
        draft(),
        reason="release time now known",
        author=actor(officer),
        at=later,
    )
    assert (second.record.version, second.record.amends) == (2, first.record.id)
    assert second.record.reason == "release time now known"
    assert second.audit.event == "decision.amended"
    versions = store.decisions.history(first.record.decision_id)
    assert [v.version for v in versions] == [1, 2]
    assert store.holds.active()[0].release_due_at == draft().hold_expires_at
    with pytest.raises(Conflict, match="amended meanwhile"):
        store.decisions.amend(
            first.record.decision_id,
            draft(),
            reason="stale",
            author=actor(officer),
            at=later,
            expected_record_id=first.record.id,
        )
    third = store.decisions.amend(
        first.record.decision_id,
        draft(outcome="decline", opens_hold=False, hold_expires_at=None),
        reason="warrant was administrative",
        author=actor(officer),
        at=later,
    )
    due = store.holds.overdue(later)
    assert [h.decision_id for h in due] == [third.record.decision_id]
    assert due[0].outcome == "decline"
    assert store.verify().ok


def test_holds_close_once(store: Store, officer: User) -> None:
    saved = store.decisions.add(draft(), actor(officer), T0)
    assert saved.hold_id is not None
    assert store.holds.overdue(T0) == []
    assert [h.hold_id for h in store.holds.overdue(T0 + timedelta(days=3))] == [saved.hold_id]
    hold = store.holds.close(
        saved.hold_id,
        outcome="ice_took_custody",
        ended_at=T0 + timedelta(hours=30),
        note=None,
        officer=actor(officer),
        at=T0 + timedelta(hours=31),
    )
    assert hold.closure is not None and hold.closure.outcome == "ice_took_custody"
    assert store.holds.active() == []
    with pytest.raises(Conflict, match="already closed"):
        store.holds.close(
            saved.hold_id,
            outcome="released_other",
            ended_at=T0,
            note="x",
            officer=actor(officer),
            at=T0,
        )
    with pytest.raises(NotFound):
        store.holds.get(999)
    assert store.verify().ok


def test_a_decline_opens_no_hold(store: Store, officer: User) -> None:
    saved = store.decisions.add(
        draft(outcome="decline", opens_hold=False, hold_expires_at=None), actor(officer), T0
    )
    assert saved.hold_id is None and store.holds.active() == []


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize(
    "statement", ["UPDATE {table} SET {column} = {column}", "DELETE FROM {table}"]
)
def test_evidence_tables_are_append_only(
    store: Store, officer: User, table: str, statement: str
) -> None:
    saved = store.decisions.add(draft(review_required=True), actor(officer), T0)
    supervisor = add_user(store, "sam", "supervisor")
    store.reviews.approve(
        saved.record.decision_id,
        expected_record_id=saved.record.id,
        reviewer=actor(supervisor),
        at=T0,
    )
    assert saved.hold_id is not None
    store.holds.close(
        saved.hold_id,
        outcome="released_at_expiry",
        ended_at=T0,
        note=None,
        officer=actor(officer),
        at=T0,
    )
    before = _count(store, table)
    assert before > 0
    column = written_columns(store, table)[-1]
    with pytest.raises(StoreError, match=REFUSED), store.db.transaction() as conn:
        conn.execute(statement.format(table=table, column=column))
    assert _count(store, table) == before


def test_if_the_audit_write_fails_the_decision_is_not_recorded(store: Store, officer: User) -> None:
    counts = {t: _count(store, t) for t in ("decisions", "people", "detainers", "holds")}
    with (
        failing_inserts(store, "audit_log", "simulated audit failure"),
        pytest.raises(AuditWriteFailed, match="simulated audit failure"),
    ):
        store.decisions.add(draft(), actor(officer), T0)
    assert {t: _count(store, t) for t in counts} == counts
    assert store.verify().ok


def test_the_audit_chain_only_grows_at_its_head(store: Store) -> None:
    with pytest.raises(StoreError, match="appended at the head"), store.db.transaction() as conn:
        conn.execute(
            "INSERT INTO audit_log VALUES (5, 'x', 'w', NULL, NULL, 'e', 'success', '{}', '0', '0')"
        )


def test_reviews(store: Store, officer: User) -> None:
    supervisor = add_user(store, "sam", "supervisor")
    saved = store.decisions.add(draft(review_required=True), actor(officer), T0)
    decision_id = saved.record.decision_id
    amended, review = store.reviews.amend(
        decision_id,
        draft(review_required=True, person=PersonFacts("NH-2026-0412", "Maria Pena")),
        reason="name as on the warrant",
        expected_record_id=saved.record.id,
        reviewer=actor(supervisor),
        at=T0,
    )
    assert review.verdict == "amended" and review.result_record_id == amended.record.id
    assert amended.record.officer == "sam" and amended.record.version == 2
    assert store.search.awaiting_review() == []  # the supervisor's own version counts as reviewed
    with pytest.raises(Conflict):
        store.reviews.approve(
            decision_id, expected_record_id=saved.record.id, reviewer=actor(supervisor), at=T0
        )
    assert [r.verdict for r in store.reviews.of_decision(decision_id)] == ["amended"]
    assert store.verify().ok


def test_concurrent_saves_from_threads_are_serialised(store: Store, officer: User) -> None:
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            for i in range(10):
                store.decisions.add(
                    draft(person=PersonFacts(f"T{n}-{i}", f"Person {n} {i}")), actor(officer), T0
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert _count(store, "decisions") == 40
    assert store.verify().ok

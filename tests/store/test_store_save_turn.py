"""A new decision's save: the part done before the writers' turn, and the part in it.

On PostgreSQL a save writes its person and detainer rows before it takes the writers'
lock, and sends the rest with its COMMIT in one go (docs/decisions/0024); on SQLite the
whole save is in its turn. Either way: what the server refuses at the commit leaves
nothing behind, two desks adding the same new person at once share one row, and a desk
preparing its save does not hold up the others.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from storekit import T0, actor, add_user, draft

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.decisions import write_version
from trustdesk.store.errors import AuditWriteFailed
from trustdesk.store.records import Actor
from trustdesk.store.store import Store

#: Generous: only a hung test waits this long.
PATIENCE = 30


def _count(store: Store, table: str) -> int:
    with store.db.reading() as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _open(tmp_path: Path, name: str, database: str | None) -> Store:
    # Two programs on one record: one data folder for SQLite, one server for PostgreSQL.
    return Store.open(tmp_path / (name if database else "data"), database=database)


def test_a_save_refused_at_its_commit_leaves_nothing(store: Store) -> None:
    officer = add_user(store, "ann", "officer", first=True)
    store.decisions.add(draft(), actor(officer), T0)
    before = {table: _count(store, table) for table in ("people", "detainers", "decisions")}
    head = store.audit.head()
    nobody = Actor(officer.id + 1000, "ghost", "test-ws")  # no such user: a broken reference
    stranger = draft(person=PersonFacts("NH-2026-9999", "Nobody Known", None))
    with pytest.raises(AuditWriteFailed, match="nothing was recorded"):
        store.decisions.add(stranger, nobody, T0)
    assert {table: _count(store, table) for table in before} == before
    assert store.audit.head() == head
    saved = store.decisions.add(stranger, actor(officer), T0)  # the same store goes on
    assert saved.audit.seq == head[0] + 1
    assert store.verify().problems == ()


def test_two_desks_adding_the_same_new_person_share_one_row(
    tmp_path: Path, database: str | None
) -> None:
    first, second = _open(tmp_path, "a", database), _open(tmp_path, "b", database)
    try:
        officer = add_user(first, "ann", "officer", first=True)
        newcomer = draft(person=PersonFacts("NH-2026-7777", "Ana Newcomer", None))
        outcome: dict[str, Any] = {}

        def other_desk() -> None:
            try:
                outcome["saved"] = second.decisions.add(newcomer, actor(officer), T0)
            except BaseException as exc:  # reported below
                outcome["error"] = exc

        other = threading.Thread(target=other_desk)
        with first.db.transaction(late_turn=True) as conn:

            def before_turn() -> None:
                # This desk's person row is written, not committed. The other desk
                # reaches the same person meanwhile: on PostgreSQL it waits for this
                # row, on SQLite for this transaction's turn.
                other.start()
                other.join(0.5)
                first.db.take_turn(conn)

            record_id, _hold, _entry = write_version(
                conn, newcomer, author=actor(officer), at=T0, take_turn=before_turn
            )
            person_id = conn.execute(
                "SELECT person_id FROM decisions WHERE id = ?", (record_id,)
            ).fetchone()[0]
        other.join(PATIENCE)
        assert not other.is_alive()
        assert "error" not in outcome, outcome.get("error")
        assert outcome["saved"].record.person_id == person_id
        with first.db.reading() as read:
            rows = read.execute(
                "SELECT count(*) FROM people WHERE booking_number = ?", ("NH-2026-7777",)
            ).fetchone()[0]
        assert rows == 1
        report = first.verify()
        assert report.problems == ()
        assert report.records == 2
    finally:
        first.close()
        second.close()


def test_a_desk_preparing_its_save_holds_up_no_other(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_store_database()
    first, second = _open(tmp_path, "a", url), _open(tmp_path, "b", url)
    try:
        officer = add_user(first, "ann", "officer", first=True)
        done = threading.Event()
        outcome: dict[str, Any] = {}

        def other_desk() -> None:
            try:
                outcome["saved"] = second.decisions.add(draft(), actor(officer), T0)
            except BaseException as exc:  # reported below
                outcome["error"] = exc
            done.set()

        with first.db.transaction(late_turn=True) as conn:

            def before_turn() -> None:
                # Before its turn this desk holds no lock: the other saves meanwhile.
                thread = threading.Thread(target=other_desk)
                thread.start()
                outcome["finished_meanwhile"] = done.wait(PATIENCE)
                thread.join(PATIENCE)
                first.db.take_turn(conn)

            mine = draft(person=PersonFacts("NH-2026-5555", "Slow Desk", None))
            _id, _hold, entry = write_version(
                conn, mine, author=actor(officer), at=T0, take_turn=before_turn
            )
        assert outcome.get("finished_meanwhile") is True, outcome.get("error")
        # The other desk's entry came first; this one linked to it.
        assert entry.seq == outcome["saved"].audit.seq + 1
        assert entry.prev_hash == outcome["saved"].audit.hash
        report = first.verify()
        assert report.problems == ()
        assert report.records == 2
    finally:
        first.close()
        second.close()

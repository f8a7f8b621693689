"""The server killed (``pg_ctl stop -m immediate``) in the middle of saves, again and again.

Two desks save decisions without pause while the server is killed at random moments and
started again. A save cut off by the kill either committed before it (and may never have
been acknowledged) or left nothing: PostgreSQL rolls back what was not committed. The
test then reads the record: every decision a desk acknowledged is there, there is no
half record (no person, detainer or decision without the rest of its save, no decision
without its audit entry), the chain is 1..N and verifies, and each desk went on saving
after the last restart without being restarted itself (the app recovers).
Sizes: loadkit (5 kills here, 50 in scripts/test-load.sh).
"""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path
from typing import Any

from loadkit import FULL, DeskProcess, read_record, start_desk
from storekit import add_user, draft, draft_to_json

from trustdesk.store.store import Store

KILLS = 50 if FULL else 5
DESKS = 2
AFTER_RECOVERY = 20  # saves each desk must acknowledge after the server's last start
PATIENCE = 120.0  # seconds to wait for desks to get going again


def _acked(desks: list[DeskProcess]) -> int:
    return sum(len(desk.acknowledged) for desk in desks)


def _wait(condition: Any, what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _careless(pg_cluster: Any, admin_url: str) -> None:
    """A server whose default acknowledges a commit before its WAL is written.

    The test cluster is set so for speed anyway (``synchronous_commit = off``); set here
    on the database too, so the test shows that the store's own session setting is what
    keeps acknowledged saves: without it, an immediate stop loses the last of them.
    ``fsync = off`` may stay: a killed server loses nothing the kernel already has.
    """
    name = admin_url.rsplit("/", 1)[1]
    pg_cluster.admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def test_server_killed_during_saves_loses_nothing(pg_cluster: Any, tmp_path: Path) -> None:
    admin_url = pg_cluster.new_database()
    _careless(pg_cluster, admin_url)
    desk_url = pg_cluster.init_store(admin_url)
    with Store.open(database=desk_url) as store:
        officers = [add_user(store, f"desk{n}", "officer").id for n in range(DESKS)]
    draft_file = tmp_path / "draft.json"
    draft_file.write_text(draft_to_json(draft()), encoding="utf-8")
    stop = tmp_path / "stop"
    desks = [start_desk(desk_url, draft_file, officer, 0, stop) for officer in officers]
    readers = [threading.Thread(target=desk.read) for desk in desks]
    for reader in readers:
        reader.start()
    rng = random.Random(13)
    down = False
    try:
        for _ in range(KILLS):
            floor = _acked(desks)
            # Saves are flowing again before each kill, so it lands among them.
            _wait(lambda floor=floor: _acked(desks) >= floor + 3, "saves between kills")
            time.sleep(rng.uniform(0.0, 0.05))
            down = True
            pg_cluster.stop(mode="immediate")
            time.sleep(rng.uniform(0.0, 0.3))
            pg_cluster.start()
            down = False
        marks = [len(desk.acknowledged) for desk in desks]
        _wait(
            lambda: all(
                len(desk.acknowledged) >= mark + AFTER_RECOVERY
                for desk, mark in zip(desks, marks, strict=True)
            ),
            "every desk to save again after the last restart",
        )
    finally:
        stop.touch()
        if down:  # the session's other tests need the server
            pg_cluster.start()
    codes = [desk.finish(timeout=120) for desk in desks]
    for reader in readers:
        reader.join()

    assert codes == [0] * DESKS, [desk.stderr[-2000:] for desk in desks]
    assert sum(len(desk.down) for desk in desks) > 0  # the kills did hit saves
    acknowledged = {b: rid for desk in desks for b, rid in desk.acknowledged.items()}
    state = read_record(admin_url)
    lost = {b: rid for b, rid in acknowledged.items() if state.bookings.get(b) != rid}
    assert lost == {}
    # What was recorded but never acknowledged can only be a save cut off at its commit.
    unacknowledged = set(state.bookings) - set(acknowledged)
    assert unacknowledged <= {b for desk in desks for b in desk.down}
    assert state.seqs == list(range(1, len(state.seqs) + 1))
    assert state.created_entries == state.decisions
    assert (state.orphan_people, state.orphan_detainers, state.decisions_without_entry) == (
        0,
        0,
        0,
    )
    with Store.open(database=admin_url) as store:
        report = store.verify()
    assert report.ok, report.problems[:3]
    assert report.records == state.decisions


def test_the_store_commits_synchronously_whatever_the_server_default(pg_cluster: Any) -> None:
    admin_url = pg_cluster.new_database()
    _careless(pg_cluster, admin_url)
    desk_url = pg_cluster.init_store(admin_url)
    with Store.open(database=desk_url) as store, store.db.reading() as conn:
        assert conn.execute("SHOW synchronous_commit").fetchone()[0] == "on"

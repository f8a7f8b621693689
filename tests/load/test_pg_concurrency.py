"""Several desks saving at once on one PostgreSQL server: one linear chain, nothing lost.

Each desk is its own process with its own connection, logged in as the desk role that
``store init`` made (not a superuser), saving as fast as it can. Afterwards the record is
read straight from the tables: every acknowledged decision is there under its booking
number with the id the desk was given, the audit sequence is 1..N without a gap or a
repeat, every decision has its own ``decision.created`` entry, and ``audit verify``
replays the whole chain. Sizes: loadkit (3 × 50 here, 8 × 1,000 in scripts/test-load.sh).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from loadkit import FULL, read_record, start_desk
from storekit import add_user, draft, draft_to_json

from trustdesk.store.store import Store

DESKS, EACH = (8, 1_000) if FULL else (3, 50)


def test_desks_saving_at_once_build_one_linear_chain(pg_cluster: Any, tmp_path: Path) -> None:
    admin_url = pg_cluster.new_database()
    desk_url = pg_cluster.init_store(admin_url)
    with Store.open(database=desk_url) as store:
        officers = [add_user(store, f"desk{n}", "officer").id for n in range(DESKS)]
        before = store.verify().entries
    draft_file = tmp_path / "draft.json"
    draft_file.write_text(draft_to_json(draft()), encoding="utf-8")
    stop = tmp_path / "stop"
    desks = [start_desk(desk_url, draft_file, officer, EACH, stop) for officer in officers]
    readers = [threading.Thread(target=desk.read) for desk in desks]
    for reader in readers:
        reader.start()
    codes = [desk.finish(timeout=600) for desk in desks]
    for reader in readers:
        reader.join()

    assert codes == [0] * DESKS, [desk.stderr[-2000:] for desk in desks]
    assert all(not desk.down for desk in desks)
    acknowledged = {b: rid for desk in desks for b, rid in desk.acknowledged.items()}
    assert len(acknowledged) == DESKS * EACH
    state = read_record(admin_url)
    assert {b: state.bookings.get(b) for b in acknowledged} == acknowledged
    assert state.decisions == DESKS * EACH
    assert state.seqs == list(range(1, len(state.seqs) + 1))
    assert len(state.seqs) == before + DESKS * EACH
    assert state.created_entries == state.decisions
    assert (state.orphan_people, state.orphan_detainers, state.decisions_without_entry) == (
        0,
        0,
        0,
    )
    with Store.open(database=admin_url) as store:
        report = store.verify()
    assert report.ok, report.problems[:3]
    assert report.entries == len(state.seqs)
    assert report.records == DESKS * EACH

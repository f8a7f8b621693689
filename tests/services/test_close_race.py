"""Two desks closing the same hold at once: one wins, the other is told who and when, and
the record holds one closure with one audit entry."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk

from trustdesk.services.holds import AlreadyClosed
from trustdesk.store.audit import entries_for


def _closures(desk: Desk) -> list[Any]:
    with desk.store.db.reading() as conn:
        return list(entries_for(conn, "hold.closed"))


def test_the_second_closing_is_told_who_closed_it_and_when(desk: Desk, rules: Any) -> None:
    case, raw = honored(rules)
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    assert saved.hold_id is not None
    desk.services.holds.close(desk.session("officer"), saved.hold_id, "ice_took_custody")
    desk.clock.advance(minutes=3)
    with pytest.raises(AlreadyClosed) as refused:
        desk.services.holds.close(desk.session("officer2"), saved.hold_id, "released_at_expiry")
    # The desks' clock is T0, 11:00 in Connecticut on Fri 20 Nov 2026.
    assert str(refused.value) == (
        f"hold {saved.hold_id} was already closed by officer at Fri 20 Nov 2026 11:00 EST "
        "(ICE took custody); nothing more was recorded"
    )
    assert len(_closures(desk)) == 1


def test_closing_at_once_from_two_threads_records_one(desk: Desk, rules: Any) -> None:
    case, raw = honored(rules)
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    hold_id = saved.hold_id
    sessions = {"officer": desk.session("officer"), "officer2": desk.session("officer2")}
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def close(name: str) -> None:
        start.wait()
        try:
            outcomes[name] = desk.services.holds.close(sessions[name], hold_id, "ice_took_custody")
        except AlreadyClosed as error:
            outcomes[name] = error

    threads = [threading.Thread(target=close, args=(name,)) for name in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = [o for o in outcomes.values() if isinstance(o, AlreadyClosed)]
    won = [o for o in outcomes.values() if not isinstance(o, AlreadyClosed)]
    assert len(refused) == 1 and len(won) == 1
    winner = won[0].closure.officer  # type: ignore[attr-defined]
    assert f"already closed by {winner} at " in str(refused[0])
    assert len(_closures(desk)) == 1

"""What the record says back to a flush of kept work, and whose fault it is (decision
0078; a hostile review of the desk without its server).

A refusal leaves a kept decision or closure waiting for a supervisor to decide the case
again or discard it. It must be kept for what is wrong with the item itself: a server
that is read-only for a failover, or a record busy with another program's writes, is no
fault of the item; and a save whose answer was lost is looked for in the record before
anything else can refuse it (refused, it would be decided again, and recorded twice)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk
from test_kept_closures import open_hold
from test_offline_desk import durable, pg_desk  # noqa: F401 - the fixture and its helper

from trustdesk.services.holds import HoldService
from trustdesk.services.kept_closures import KeptClosure
from trustdesk.services.sync import KeptDecision
from trustdesk.store.errors import DatabaseCorrupt, ServerUnavailable


@contextlib.contextmanager
def read_only(pg_cluster: Any, desk: Desk) -> Iterator[None]:
    """The desk's server database read-only while inside, as a standby during a failover
    is; the desk's connections cut on the way in and out, so that the next statement
    meets the server as it is then."""
    from trustdesk.store.postgresql.connection import cut

    url = desk.url  # type: ignore[attr-defined]
    name = url.rsplit("/", 1)[1].split("?", 1)[0]
    pg_cluster.admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    try:
        cut(url)
        yield
    finally:
        pg_cluster.admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
        cut(url)


def test_a_closure_whose_answer_was_lost_is_found_recorded_not_refused(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The closure's save commits, its answer is lost after the connection timeout: the
    kept copy carries the very time the record holds, so the next flush finds it
    recorded rather than "not recorded: already closed" by the officer's own closure."""
    status = open_hold(desk, rules)
    sync = desk.services.sync
    real = HoldService.close

    def commit_then_lose(self: Any, *args: Any, **kwargs: Any) -> Any:
        real(self, *args, **kwargs)  # committed
        desk.clock.advance(seconds=20)  # the connection timeout passes
        raise ServerUnavailable("the record server cannot be reached")

    monkeypatch.setattr(HoldService, "close", commit_then_lose)
    kept = sync.close_hold(desk.session("officer"), status, "ice_took_custody", None)
    assert isinstance(kept, KeptClosure) and kept.attempted
    monkeypatch.undo()
    desk.clock.advance(minutes=5)
    result = sync.flush()
    assert result.closures_refused == ()
    assert [c.id for c in result.closures] == [kept.id]
    assert len(list(desk.store.audit.of_events("hold.closed"))) == 1
    assert sync.closures.all() == []


def test_a_save_whose_answer_was_lost_is_not_refused_then_decided_twice(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save commits but its answer is lost (kept, attempted); meanwhile the officer's
    account is disabled at another desk. The flush finds the save in the record before
    the disabled account can refuse it: the case is recorded once."""
    from trustdesk.services.decisions import DecisionService
    from trustdesk.store.search import SearchQuery

    sync = desk.services.sync
    officer = desk.session("officer")
    real = DecisionService.create

    def commit_then_lose(self: Any, *args: Any, **kwargs: Any) -> Any:
        real(self, *args, **kwargs)  # the COMMIT reached the server
        raise ServerUnavailable("the record server cannot be reached")

    monkeypatch.setattr(DecisionService, "create", commit_then_lose)
    case, raw = honored(rules, booking="NH-LOST-1")
    kept = sync.decide(officer, case, raw)
    assert isinstance(kept, KeptDecision) and kept.pending.attempted
    monkeypatch.undo()
    desk.services.accounts.set_active(desk.session("admin"), "officer", False)
    result = sync.flush()
    assert result.refused == () and result.still_kept == 0
    assert sync.outbox.all() == []
    found = desk.store.search.decisions(SearchQuery(booking_number="NH-LOST-1"))
    assert len(found) == 1


@pytest.mark.sqlite_only("another program holds the SQLite file's write lock")
def test_a_busy_record_refuses_no_kept_decision(desk: Desk, rules: Any) -> None:
    """Another program holds the write lock past the busy timeout when the flush runs
    ("Try again in a moment"): the kept decision stays kept, and is recorded after."""
    import sqlite3

    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    case, raw = honored(rules, booking="NH-BUSY-1")
    kept = sync.keep(officer, case, raw)
    other = sqlite3.connect(desk.store.data_dir / "trustdesk.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing
    try:
        stopped = sync.flush()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert stopped.refused == () and "busy" in stopped.unusable
    assert sync.outbox.get(kept.pending.id).refused == ""
    assert len(sync.flush().recorded) == 1


@pytest.mark.postgresql_only("a server made read-only, as a standby during a failover")
def test_a_read_only_server_refuses_no_kept_work(
    pg_desk: Desk,  # noqa: F811 - the fixture imported above
    rules: Any,
    pg_cluster: Any,
) -> None:
    """The server comes back read-only (a failover under way): neither the kept decision
    nor the kept closure is refused; once it takes writes again, both are recorded."""
    desk = pg_desk
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    status = open_hold(desk, rules)
    closure = sync.keep_closure(officer, status, "ice_took_custody", None)
    case, raw = honored(rules, booking="NH-RO-1")
    kept = sync.keep(officer, case, raw)
    with read_only(pg_cluster, desk):
        stopped = sync.flush()
        assert "read-only" in stopped.unusable
        assert stopped.refused == () and stopped.closures_refused == ()
        assert sync.outbox.get(kept.pending.id).refused == ""
        assert sync.closures.get(closure.id).refused is None
    done = sync.flush()
    assert len(done.recorded) == 1 and [c.id for c in done.closures] == [closure.id]


def test_a_stopped_flush_counts_only_what_waits_for_the_record(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kept decision already refused waits for a supervisor, not for the record: a
    flush stopped by a damaged record does not count it as waiting."""
    sync = desk.services.sync
    officer = desk.session("officer")
    sync.remember(officer)
    case, raw = honored(rules, booking="NH-COUNT-1")
    sync.keep(officer, case, raw)
    desk.services.accounts.set_active(desk.session("admin"), "officer", False)
    assert len(sync.flush().refused) == 1
    assert sync.waiting() == 0

    def damaged(*_args: Any, **_kwargs: Any) -> None:
        raise DatabaseCorrupt("the record's pages are damaged")

    monkeypatch.setattr(type(desk.store.audit), "head", damaged)
    stopped = sync.flush()
    assert stopped.unusable == "the record's pages are damaged"
    assert stopped.still_kept == 0


@pytest.mark.postgresql_only("a server made read-only, as a standby during a failover")
def test_a_save_at_a_read_only_server_is_kept_not_refused(
    pg_desk: Desk,  # noqa: F811 - the fixture imported above
    rules: Any,
    pg_cluster: Any,
) -> None:
    """A save while the server is read-only (a failover under way) failed with "the
    decision was not saved … fix it and save again", though nothing was wrong with it
    and the desk must not stop. It is kept, as in an outage, saying why; a flush stops at
    the record without refusing it; once the server takes writes it is recorded late,
    once."""
    from trustdesk.store.search import SearchQuery

    desk = pg_desk
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    case, raw = honored(rules, booking="NH-RO-SAVE")
    with read_only(pg_cluster, desk):
        kept = sync.decide(officer, case, raw)
        assert isinstance(kept, KeptDecision)
        assert "read-only" in kept.why
        assert kept.pending.attempted  # looked for in the record before it is recorded
        assert desk.services.live.reachable  # the server answered: not "lost"
        stopped = sync.flush()
        assert "read-only" in stopped.unusable and stopped.refused == ()
        assert sync.outbox.get(kept.pending.id).refused == ""
    done = sync.flush()
    assert len(done.recorded) == 1 and sync.outbox.all() == []
    [late] = [
        entry.objects_dict()
        for entry in desk.store.audit.of_events("decision.created")
        if entry.objects_dict().get("offline_draft") == kept.pending.id
    ]
    assert late["recorded_late"] is True
    assert len(desk.store.search.decisions(SearchQuery(booking_number="NH-RO-SAVE"))) == 1


@pytest.mark.sqlite_only("the data folder's own file")
def test_a_data_folder_whose_file_cannot_take_the_save_says_so_and_keeps_nothing(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a server desk keeps a save its record cannot take: a data folder's own file
    answers with how to mend it (its outbox lies beside that file)."""
    _refused_not_kept(
        desk, rules, monkeypatch, DatabaseCorrupt("the database file is damaged: restore a backup")
    )


@pytest.mark.postgresql_only("a server made read-only, as a standby during a failover")
def test_a_hold_closed_at_a_read_only_server_is_kept_with_its_time(
    pg_desk: Desk,  # noqa: F811 - the fixture imported above
    rules: Any,
    pg_cluster: Any,
) -> None:
    """ICE at the door during a failover: closing the hold failed as the save did. It
    is kept with the time it happened, and recorded with that time once it can be."""
    desk = pg_desk
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    status = open_hold(desk, rules)
    with read_only(pg_cluster, desk):
        kept = sync.close_hold(officer, status, "ice_took_custody", None)
        assert isinstance(kept, KeptClosure) and kept.attempted
        when = kept.kept_at
    desk.clock.advance(minutes=5)
    done = sync.flush()
    assert [c.id for c in done.closures] == [kept.id] and done.closures_refused == ()
    closure = desk.store.holds.get(status.hold_id).closure
    assert closure is not None and closure.ended_at == when


@pytest.mark.postgresql_only("a server desk")
def test_a_save_that_found_the_record_busy_is_not_kept(
    pg_desk: Desk,  # noqa: F811 - the fixture imported above
    rules: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy record (another desk held the write lock past the lock timeout) is said
    as busy: kept, it would be tried every few seconds on the window, each try waiting
    the lock timeout again. The officer saves again in a moment."""
    from trustdesk.store.errors import AlreadyOpen

    _refused_not_kept(
        pg_desk, rules, monkeypatch, AlreadyOpen("the records are busy: try again in a moment")
    )


def _refused_not_kept(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    """A save whose record answers ``error``: the officer is told it, nothing is kept."""
    from trustdesk.services.decisions import DecisionService

    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(DecisionService, "create", fail)
    case, raw = honored(rules, booking="NH-NOT-KEPT")
    with pytest.raises(type(error), match=str(error)):
        desk.services.sync.decide(desk.session("officer"), case, raw)
    assert desk.services.sync.outbox.all() == []


@contextlib.contextmanager
def writer_stuck_mid_save(desk: Desk) -> Iterator[None]:
    """Another program (SQLite) or desk (a server) holding the writers' turn meanwhile."""
    if desk.store.backend == "postgresql":
        import psycopg

        from trustdesk.store.postgresql.schema import CHAIN_LOCK_KEY

        with psycopg.connect(desk.store.db.url) as frozen:  # type: ignore[attr-defined]
            frozen.execute("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))
            yield
        return
    import sqlite3

    other = sqlite3.connect(desk.store.data_dir / "trustdesk.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_flush_behind_a_stuck_writer_gives_up_at_once_and_keeps_everything(
    desk: Desk, rules: Any
) -> None:
    """The desk flushes kept work on its window's thread, again every few seconds. Behind
    a writer stuck mid-save, each try waited the whole lock timeout (30 s on a server,
    10 s on a data folder): the officer's window froze at every try. Now a flush waits
    only a moment, says the record is busy, keeps everything; the usual wait is back for
    the officer's own saves, and the kept decision is recorded once the turn is free."""
    import time

    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    case, raw = honored(rules, booking="NH-STUCK-1")
    kept = sync.keep(officer, case, raw)
    with writer_stuck_mid_save(desk):
        began = time.monotonic()
        stopped = sync.flush()
        waited = time.monotonic() - began
    assert waited < 5, waited  # the usual waits: 10 s and 30 s
    assert stopped.refused == () and stopped.recorded == ()
    assert "busy" in stopped.unusable and "nothing was recorded" in stopped.unusable
    assert sync.outbox.get(kept.pending.id).refused == ""
    # The usual wait is the officer's again.
    with desk.store.db.reading() as conn:
        if desk.store.backend == "postgresql":
            assert conn.execute("SHOW lock_timeout").fetchone()[0] == "30s"
        else:
            assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    assert [saved.id for saved, _ in sync.flush().recorded] == [kept.pending.id]

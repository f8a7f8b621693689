"""The change feed of each backend (SQLite: a reader of its own looking at the file;
PostgreSQL: LISTEN on a connection of its own) reports every new audit entry once, in
order; listings (which change no board) are filtered out by the live-board service."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from livekit import CEILING, Collector, honored
from servicekit import Desk

from trustdesk.services.live import LiveRecord, touches_accounts, touches_board
from trustdesk.store.changes import RESYNC, Change
from trustdesk.store.feeds import open_feed


def test_the_feed_reports_each_new_entry_once_in_order(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    seen = Collector()
    feed = open_feed(desk.store)
    feed.start(seen.on_changes, seen.on_reachable)
    try:
        case, raw = honored(rules)
        saved = desk.services.decisions.create(officer, case, raw)
        seen.wait_for(lambda c: saved.audit.seq in [x.seq for x in c.changes])
        desk.services.holds.close(officer, saved.hold_id, "ice_took_custody")
        seen.wait_for(lambda c: "hold.closed" in c.events())
    finally:
        feed.stop()
    seqs = [change.seq for change in seen.changes]
    assert seqs == sorted(set(seqs))  # each once, in chain order
    assert Change(saved.audit.seq, "decision.created") in seen.changes
    assert seen.reachable == []  # the file never went away


def test_an_account_s_changes_are_news_for_the_desks_signed_in() -> None:
    """What may end a desk's offline unlock: a password changed or reset, an account
    disabled, locked or with a new role, and whatever a cut-off feed may have missed;
    not a sign-in, nor a board's event."""
    for event in (
        "user.password_reset",
        "user.password_changed",
        "user.disabled",
        "user.role_changed",
        "account.locked",
    ):
        assert touches_accounts([Change(3, "hold.closed"), Change(4, event)])
    assert touches_accounts([RESYNC])
    assert not touches_accounts([Change(5, "user.logged_on"), Change(6, "hold.closed")])


def test_only_board_events_move_a_board(desk: Desk, rules: Any) -> None:
    assert not touches_board([Change(5, "holds.listed"), Change(6, "user.logged_on")])
    assert touches_board([Change(7, "hold.closed")])
    for event in ("contact.recorded", "contact.amended", "contact.reviewed"):
        assert touches_board([Change(8, event)])  # person pages and flagged contacts
    assert not touches_board([Change(9, "contact.viewed")])
    assert touches_board([RESYNC])
    live = LiveRecord(desk.store)
    seen = Collector()
    watcher = live.watch(seen.on_board, seen.on_reachable)
    try:
        officer = desk.session("officer")
        for _ in range(3):
            desk.services.holds.active(officer)
            desk.services.decisions.awaiting_review(officer)
        case, raw = honored(rules)
        desk.services.decisions.create(officer, case, raw)
        seen.wait_for(lambda c: c.board >= 1)
    finally:
        live.unwatch(watcher)
    assert seen.board == 1  # the listings before it moved nothing


@pytest.mark.sqlite_only("the feed of another program on the same SQLite file")
def test_another_program_on_the_folder_sees_the_commit(desk: Desk, rules: Any) -> None:
    """The SQLite feed takes no lock: a second program watching the data folder (here a
    child process) is told of a decision this program saves."""
    watcher = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(desk.store.path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert watcher.stdout is not None
        assert watcher.stdout.readline().strip() == "watching"
        case, raw = honored(rules)
        saved = desk.services.decisions.create(desk.session("officer"), case, raw)
        seen: list[str] = []
        while f"{saved.audit.seq} decision.created" not in seen:
            line = watcher.stdout.readline()  # the child gives up after its own ceiling
            assert line, f"the other program reported {seen} and stopped"
            seen.append(line.strip())
    finally:
        watcher.kill()
        watcher.communicate()  # reaps it and closes its pipe


CHILD = f"""
import sys, threading
from pathlib import Path
from trustdesk.store.changes_sqlite import SqliteChangeFeed
done = threading.Event()
def report(changes):
    for change in changes:
        print(change.seq, change.event, flush=True)
        if change.event == "decision.created":
            done.set()
feed = SqliteChangeFeed(Path(sys.argv[1]))
feed.start(report)
print("watching", flush=True)
done.wait({CEILING})
feed.stop()
"""

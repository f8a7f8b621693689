"""A desk whose PostgreSQL server is lost, as a person uses it. Locked (the officer's own
lock, or the idle lock after 30 minutes), it unlocks with the officer's password checked
on the desk against what they signed in with, and the review they were typing is as
they left it; wrong passwords are counted on the desk and, after five, the desk signs
out (before, an unlock needed the record: the desk signed out at once and the open
review was lost). The banner counts what the desk keeps, hold closures included.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_board_kit import hold
from uikit import password

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CEILING_MS = 15_000
LEFT = Qt.MouseButton.LeftButton


def unlock(window: Any, qtbot: Any, typed: str) -> None:
    page = window.lock_page
    page.password.clear()
    qtbot.keyClicks(page.password, typed)
    qtbot.mouseClick(page.unlock, LEFT)


def locked_officer(pg_desks: Any, window_for: Any) -> tuple[Any, Any]:
    """A desk on the server and the officer's window on it, locked (server up)."""
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    window.workspace.board.refresh_timer.stop()
    window.lock_action.trigger()
    return desk, window


def officer_at_a_lost_desk(pg_desks: Any, window_for: Any, qtbot: Any, server: Any) -> Any:
    """The officer's window on a desk whose server has just been lost (banner shown)."""
    window = window_for(pg_desks("a"), "officer")
    window.workspace.board.refresh_timer.stop()
    server.stop()
    qtbot.waitUntil(window.server_banner.isVisible, timeout=CEILING_MS)
    return window


def test_unlocking_while_the_server_is_lost_keeps_the_work(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    window = officer_at_a_lost_desk(pg_desks, window_for, qtbot, server)
    window.workspace.new_review()
    review = window.workspace.review
    qtbot.keyClicks(review.person.name, "Typed During Outage")
    window.lock_action.trigger()
    assert window.stack.currentWidget() is window.lock_page

    unlock(window, qtbot, "not the password")
    assert window.stack.currentWidget() is window.lock_page
    error = window.lock_page.error.text()
    assert "checked on this desk" in error and "after 4 more wrong passwords" in error
    assert "recorded when the server is back" in error

    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.workspace
    assert window.workspace.review is review
    assert review.person.name.text() == "Typed During Outage"
    assert window.context is not None and window.context.session.username == "officer"
    # Kept on the workstation meanwhile: closing the app now would lose neither try.
    kept = window.services.store.data_dir / "outbox" / "unlocks"
    assert len(list(kept.glob("*.json"))) == 2

    # Once the server is back, the record says what was tried at the lock, and when.
    server.start()
    qtbot.waitUntil(lambda: window.services.live.reachable, timeout=CEILING_MS)
    window.proof_timer.timeout.emit()
    tried = [
        (entry.outcome, entry.objects_dict())
        for entry in window.services.store.audit.of_events("unlock")
        if entry.objects_dict().get("offline")
    ]
    assert [outcome for outcome, _objects in tried] == ["failure", "success"]
    assert all(objects["tried_at"] and objects["user"] for _outcome, objects in tried)
    assert list(kept.glob("*.json")) == []


def test_five_wrong_passwords_while_the_server_is_lost_sign_the_desk_out(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    window = officer_at_a_lost_desk(pg_desks, window_for, qtbot, server)
    window.lock_action.trigger()
    for _ in range(4):
        unlock(window, qtbot, "guessing")
        assert window.stack.currentWidget() is window.lock_page
    unlock(window, qtbot, "guessing")
    assert window.stack.currentWidget() is window.sign_in
    assert window.context is None


def test_the_lost_server_banner_counts_what_the_desk_keeps(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any, rules: Any, answers: Any
) -> None:
    """A hold closed while the server is lost is kept on the desk: the banner's count of
    what waits on this workstation includes it at once (closures counted, not only
    decisions)."""
    desk = pg_desks("a")
    hold(desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    window = window_for(desk, "officer")
    board, banner = window.workspace.board, window.server_banner
    board.refresh_timer.stop()
    server.stop()
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    assert "Waiting on this workstation" not in banner.text()
    answers.confirm = True
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_C)
    assert answers.errors == []
    assert desk.services.sync.waiting() == 1
    assert banner.text().endswith("Waiting on this workstation: 1.")


def test_wrong_passwords_count_together_whether_the_server_answers_or_not(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    """Four wrong passwords with the server lost, then one with it back (a cable pulled
    and plugged in again): the fifth signs the desk out; the count is not reset by the
    record's answer."""
    _desk, window = locked_officer(pg_desks, window_for)
    server.stop()
    for _ in range(4):
        unlock(window, qtbot, "guessing")
        assert window.stack.currentWidget() is window.lock_page
    server.start()
    unlock(window, qtbot, "guessing")
    assert window.stack.currentWidget() is window.sign_in


def test_an_account_disabled_while_locked_signs_the_desk_out(
    pg_desks: Any, window_for: Any, qtbot: Any
) -> None:
    desk, window = locked_officer(pg_desks, window_for)
    desk.services.accounts.set_active(desk.session("admin"), "officer", False)
    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.sign_in
    assert "disabled" in window.sign_in.error.text()


def test_a_password_reset_since_sign_in_leaves_no_offline_unlock(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    """Reset by an administrator after the officer signed in, seen at the next lock
    while the record answers: the password the officer signed in with no longer
    unlocks once the server is lost."""
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    window.workspace.board.refresh_timer.stop()
    admin = desk.session("admin")
    desk.services.accounts.reset_password(admin, "officer", "a brand new passphrase 9")
    window.lock_action.trigger()
    server.stop()
    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.lock_page
    assert "can no longer be unlocked on the desk" in window.lock_page.error.text()


def test_an_account_disabled_while_the_desk_sits_locked_cannot_be_unlocked_offline(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    """Disabled by an administrator after the desk was locked: the desk's minute check
    (here its timer's tick) sees it while the record answers, and once the server is
    lost the password no longer unlocks; the lock page says why."""
    desk, window = locked_officer(pg_desks, window_for)
    desk.services.accounts.set_active(desk.session("admin"), "officer", False)
    window.proof_timer.timeout.emit()
    server.stop()
    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.lock_page
    assert "can no longer be unlocked on the desk" in window.lock_page.error.text()


def test_a_busy_record_does_not_count_the_right_password_as_wrong(
    pg_desks: Any, window_for: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record cannot say (busy, read-only during a failover): the password is
    checked on the desk, the right one unlocks and only a wrong one counts."""
    from trustdesk.store.errors import StoreError

    desk, window = locked_officer(pg_desks, window_for)

    def busy(*_args: Any) -> None:
        raise StoreError("the records are busy; try again in a moment")

    monkeypatch.setattr(desk.services.accounts, "log_on", busy)
    for _ in range(4):
        unlock(window, qtbot, "guessing")
    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.workspace


def test_an_account_changed_at_another_desk_is_seen_without_waiting_for_the_minute(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any
) -> None:
    """An administrator at another desk resets the officer's password while this desk
    sits locked, and the server is lost seconds later, before the desk's minute check:
    the change feed's news of the account made the desk look at once, so the password
    the officer signed in with no longer unlocks."""
    _desk, window = locked_officer(pg_desks, window_for)
    window.proof_timer.stop()  # only the feed's news may make the desk look
    signer = window.context.session.signer
    assert signer is not None and signer.proof
    other = pg_desks("b")
    other.services.accounts.reset_password(
        other.session("admin"), "officer", "a brand new passphrase 9"
    )
    qtbot.waitUntil(lambda: not signer.proof, timeout=CEILING_MS)
    server.stop()
    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.lock_page
    assert "can no longer be unlocked on the desk" in window.lock_page.error.text()


def test_news_of_other_records_leaves_the_offline_unlock_alone(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any, rules: Any
) -> None:
    """A hold opened at another desk is no account's change: the officer who signed in
    here still unlocks offline with their password."""
    _desk, window = locked_officer(pg_desks, window_for)
    window.proof_timer.stop()
    signer = window.context.session.signer
    other = pg_desks("b")
    seen: list[bool] = []
    window.live.board_changed.connect(lambda: seen.append(True))
    hold(other, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    qtbot.waitUntil(lambda: bool(seen), timeout=CEILING_MS)
    assert signer.proof
    server.stop()
    qtbot.waitUntil(lambda: not window.services.live.reachable, timeout=CEILING_MS)
    unlock(window, qtbot, password("officer"))
    assert window.stack.currentWidget() is window.workspace

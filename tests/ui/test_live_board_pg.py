"""Two desks on one PostgreSQL server, each with its own main window, in one process:
a hold opened at one desk appears on the other's board by itself, a hold closed there
leaves the first's; and with the server stopped the desk shows a banner, still decides
(memo marked NOT YET RECORDED, decision kept) and records the decision late once the
server is back. Ceilings are generous; bench/board_sync.py measures the real delays.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from livekit import honored
from PySide6.QtCore import Qt
from test_board_kit import hold
from test_overdue_alarm_gui import Bell
from test_review import step_titles, walk_to_hold
from uikit import FakeTime

from trustdesk.services.review import RESULT
from trustdesk.ui.countdown import Urgency

sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from test_offline_desk import pdf_text

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

CEILING_MS = 10_000
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def bell(monkeypatch: pytest.MonkeyPatch) -> Bell:
    return Bell(monkeypatch)


def bookings(board: Any) -> list[str]:
    return [board.holds.hold_at(row).booking_number for row in range(board.holds.rowCount())]


def test_two_desks_see_each_others_holds_open_and_close(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, answers: Any
) -> None:
    desk_a, desk_b = pg_desks("a"), pg_desks("b")
    window_a, window_b = window_for(desk_a, "officer"), window_for(desk_b, "officer2")
    board_a, board_b = window_a.workspace.board, window_b.workspace.board
    for board in (board_a, board_b):
        board.refresh_timer.stop()  # only the change feed may bring news
        assert bookings(board) == []
    saved = hold(desk_a, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    qtbot.waitUntil(lambda: bookings(board_b) == ["NH-1"], timeout=CEILING_MS)
    qtbot.waitUntil(lambda: bookings(board_a) == ["NH-1"], timeout=CEILING_MS)
    # Desk B closes it with its keyboard; desk A's board lets it go by itself.
    answers.confirm = True
    window_b.activateWindow()
    board_b.table.setFocus()
    qtbot.keyClick(board_b.table, Qt.Key.Key_C)
    assert answers.errors == []
    qtbot.waitUntil(lambda: bookings(board_a) == [], timeout=CEILING_MS)
    assert desk_a.store.holds.get(saved.hold_id).closure.officer == "officer2"


def test_an_overdue_hold_recorded_at_one_desk_rings_at_the_other(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, bell: Bell
) -> None:
    desk_a, desk_b = pg_desks("a"), pg_desks("b")
    window_b = window_for(desk_b, "supervisor")
    board_b = window_b.workspace.board
    board_b.refresh_timer.stop()
    # Recorded late at desk A: the person became releasable a week ago, so the hold is
    # already past its expiry when it reaches desk B's board.
    hold(desk_a, rules, "Ana Ruiz", "NH-9", "2026-11-13T15:00:00-05:00")
    qtbot.waitUntil(lambda: bookings(board_b) == ["NH-9"], timeout=CEILING_MS)
    assert board_b.holds.urgency_at(0) == Urgency.OVERDUE
    assert "‼ 1 overdue" in board_b.summary.text()
    banner = window_b.workspace.overdue_banner
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    assert bell.beeps == 1 and bell.alerted == [window_b]
    assert "booking NH-9 — hold overdue since Tue 17 Nov 2026 15:00 EST" in banner.label.text()


def test_a_hold_opened_at_desk_a_becoming_overdue_rings_at_both_desks_once(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, bell: Bell, fake_time: FakeTime
) -> None:
    desk_a, desk_b = pg_desks("a"), pg_desks("b")
    window_a, window_b = window_for(desk_a, "officer"), window_for(desk_b, "officer2")
    board_a, board_b = window_a.workspace.board, window_b.workspace.board
    for board in (board_a, board_b):
        board.refresh_timer.stop()  # only the change feed and the clock move the boards
    hold(desk_a, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    qtbot.waitUntil(lambda: bookings(board_b) == ["NH-1"], timeout=CEILING_MS)
    qtbot.waitUntil(lambda: bookings(board_a) == ["NH-1"], timeout=CEILING_MS)
    assert bell.beeps == 0
    due = board_b.holds.hold_at(0).release_due_at
    fake_time.advance(seconds=(due - fake_time.wall).total_seconds() + 60)
    banners = [window.workspace.overdue_banner for window in (window_a, window_b)]
    qtbot.waitUntil(lambda: all(banner.isVisible() for banner in banners), timeout=CEILING_MS)
    qtbot.waitUntil(lambda: bell.beeps == 2, timeout=CEILING_MS)
    assert sorted(map(id, bell.alerted)) == sorted([id(window_a), id(window_b)])
    for banner in banners:
        assert "booking NH-1 — hold overdue since Tue 24 Nov 2026 15:00 EST" in banner.label.text()
    # Desk B acknowledges: on the shared record, so desk A falls silent by itself through
    # LISTEN/NOTIFY (decision 0034), and the entry says who, when and at which desk.
    qtbot.mouseClick(banners[1].button, LEFT)
    assert not banners[1].isVisible()
    qtbot.waitUntil(lambda: not banners[0].isVisible(), timeout=CEILING_MS)
    [entry] = desk_a.store.audit.of_events("hold.alarm_acknowledged")
    assert entry.actor == "officer2"
    assert entry.workstation == desk_b.services.ctx.workstation
    assert entry.objects_dict()["hold"] == board_a.holds.hold_at(0).hold_id
    fake_time.advance(minutes=30)
    board_a.refresh()
    qtbot.wait(1200)
    assert not any(banner.isVisible() for banner in banners)
    assert bell.beeps == 2
    assert desk_a.store.verify().problems == ()


def test_two_desks_closing_at_once_one_is_told_who_and_when(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, answers: Any
) -> None:
    desk_a, desk_b = pg_desks("a"), pg_desks("b")
    saved = hold(desk_a, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    window_a, window_b = window_for(desk_a, "officer"), window_for(desk_b, "officer2")
    board_a, board_b = window_a.workspace.board, window_b.workspace.board
    assert bookings(board_a) == bookings(board_b) == ["NH-1"]
    answers.confirm = True
    board_a.table.setFocus()
    qtbot.keyClick(board_a.table, Qt.Key.Key_C)  # desk A first
    board_b.table.setFocus()
    qtbot.keyClick(board_b.table, Qt.Key.Key_E)  # desk B, before its board caught up
    assert answers.errors == [
        f"Hold {saved.hold_id} was already closed by officer at Fri 20 Nov 2026 11:00 EST "
        "(ICE took custody); nothing more was recorded."
    ]
    assert bookings(board_b) == []
    assert len(list(desk_a.store.audit.of_events("hold.closed"))) == 1


def test_server_lost_banner_offline_decision_then_recorded_late(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any, answers: Any
) -> None:
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    banner = window.server_banner
    assert not banner.isVisible()
    server.stop()
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    assert "record server cannot be reached" in banner.text()

    decided = datetime(2026, 11, 20, 11, 5, tzinfo=window.context.zone)
    page = walk_to_hold(qtbot, window, "Luis Peña", "NH-OFF-7", decided)
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    qtbot.mouseClick(page.save_button, LEFT)
    assert page.result.title.text().startswith("NOT YET RECORDED")
    assert "HOLD PERMITTED" in page.result.outcome.text()  # the decision stays on screen
    qtbot.mouseClick(page.kept_memo.preview_button, LEFT)
    text = pdf_text(page.kept_memo.pdf)
    assert text.count("NOT YET RECORDED") >= 2
    assert "Luis Peña" in text
    kept = page.kept.pending
    assert [p.stem for p in (desk.store.data_dir / "outbox").glob("*.json")] == [kept.id]

    assert answers.errors == []  # no error, no traceback: kept and shown
    server.start()
    qtbot.waitUntil(lambda: "recorded late" in banner.text(), timeout=CEILING_MS)
    assert banner.isVisible()  # shown to the officer, not cleared by the server's return
    assert list((desk.store.data_dir / "outbox").glob("*.json")) == []
    late = [
        entry
        for entry in desk.store.audit.of_events("decision.created")
        if entry.objects_dict().get("offline_draft") == kept.id
    ]
    assert len(late) == 1 and late[0].objects_dict()["recorded_late"] is True
    record = desk.store.decisions.latest(late[0].objects_dict()["decision"])
    assert record.decision_time == decided
    assert record.officer == "officer"
    assert record.person.booking_number == "NH-OFF-7"
    assert desk.store.verify().problems == ()


def _connect_to_record(admin: str, database: str, allowed: bool) -> None:
    """Let the desk's login connect to its record, or stop it (its sessions ended)."""
    with psycopg.connect(admin, autocommit=True) as conn:
        if allowed:
            conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO PUBLIC')
            return
        conn.execute(f'REVOKE CONNECT ON DATABASE "{database}" FROM PUBLIC')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND usename = 'desk_test'",
            (database,),
        )


def test_a_server_refusing_the_log_on_is_not_called_out_of_reach(
    pg_desks: Any, window_for: Any, qtbot: Any, server: Any, answers: Any
) -> None:
    """The server answers but refuses the desk's log-on (its login may no longer connect):
    the banner said "cannot be reached", sending IT to the network. It says the log-on
    was refused and what the server said; after an outage it changes to that once the
    server is back but still refusing; and it goes once the log-on is let in again."""
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    banner = window.server_banner
    database = desk.store.db.url.rsplit("/", 1)[1]
    admin = desk.store.db.url.replace("desk_test@", "postgres@")
    _connect_to_record(admin, database, allowed=False)
    refused = "cannot log on to the record server"
    qtbot.waitUntil(lambda: refused in banner.text() and banner.isVisible(), timeout=CEILING_MS)
    assert f'permission denied for database "{database}"' in banner.text()
    assert "cannot be reached" not in banner.text()
    assert "Ask IT to correct the database setting" in banner.text()
    # An outage: said as one. The server back but still refusing: said as a refusal.
    server.stop()
    qtbot.waitUntil(lambda: "cannot be reached" in banner.text(), timeout=CEILING_MS)
    assert refused not in banner.text()
    server.start()
    qtbot.waitUntil(lambda: refused in banner.text(), timeout=CEILING_MS)
    _connect_to_record(admin, database, allowed=True)
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=CEILING_MS)
    assert desk.services.live.refusal() is None
    assert answers.errors == []


def test_a_save_at_a_read_only_server_is_kept_and_recorded_once_it_takes_writes(
    pg_desks: Any, window_for: Any, qtbot: Any, pg_cluster: Any, answers: Any
) -> None:
    """A failover leaves the desk on a read-only server: the officer saves a decision.
    It said "The decision was not saved … fix it and save again". Now it is kept on the
    workstation, the page and the banner say the record cannot be used now and why, and
    it is recorded by itself once the server takes writes again."""
    from trustdesk.store.postgresql.connection import cut

    desk = pg_desks("a")
    window = window_for(desk, "officer")
    banner = window.server_banner
    url = desk.store.db.url
    name = url.rsplit("/", 1)[1]
    pg_cluster.admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
    try:
        cut(url)  # the desk's connections end: the next statement meets the standby
        decided = datetime(2026, 11, 20, 11, 5, tzinfo=window.context.zone)
        page = walk_to_hold(qtbot, window, "Luis Peña", "NH-RO-7", decided)
        qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
        qtbot.mouseClick(page.save_button, LEFT)
        assert answers.errors == []  # no "not saved" box
        title = page.result.title.text()
        assert title.startswith("NOT YET RECORDED — the record cannot be used now")
        assert "read-only" in title and "cannot be reached" not in title
        assert page.kept is not None
        qtbot.waitUntil(lambda: "The record cannot be used" in banner.text(), timeout=CEILING_MS)
        assert "read-only" in banner.text() and "Waiting on this workstation: 1." in banner.text()
    finally:
        pg_cluster.admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
    cut(url)
    qtbot.waitUntil(lambda: "recorded late" in banner.text(), timeout=CEILING_MS)
    assert list((desk.store.data_dir / "outbox").glob("*.json")) == []
    late = [
        entry
        for entry in desk.store.audit.of_events("decision.created")
        if entry.objects_dict().get("offline_draft") == page.kept.pending.id
    ]
    assert len(late) == 1 and late[0].objects_dict()["recorded_late"] is True
    assert desk.store.verify().problems == ()


def kept_while_a_table_was_gone(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, server: Any
) -> tuple[Any, Any, Any, str]:
    """A desk's window; its record's ``decisions`` table renamed away, the server lost, a
    decision kept meanwhile, the server back and the banner saying the record cannot be
    used. The desk, its window, what was kept, and a superuser's URL to the record."""
    desk = pg_desks("a")
    window = window_for(desk, "officer")
    banner = window.server_banner
    admin = desk.store.db.url.replace("desk_test@", "postgres@")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("ALTER TABLE trustdesk.decisions RENAME TO decisions_gone")
    server.stop()
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    assert "record server cannot be reached" in banner.text()
    case, raw = honored(rules, booking="NH-GONE-1")
    kept = desk.services.sync.decide(window.context.session, case, raw)
    server.start()
    qtbot.waitUntil(lambda: "cannot be used" in banner.text(), timeout=CEILING_MS)
    return desk, window, kept, admin


def test_a_server_back_with_its_record_changed_is_not_called_lost(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, server: Any, answers: Any
) -> None:
    """The server comes back, but a table of its record was renamed away meanwhile: the
    banner says the record cannot be used and why, not "cannot be reached"; the decision
    kept during the outage stays kept, not refused."""
    desk, window, kept, _admin = kept_while_a_table_was_gone(
        pg_desks, window_for, qtbot, rules, server
    )
    banner = window.server_banner
    assert banner.isVisible()
    assert "not the ones TrustDesk made" in banner.text()
    assert "cannot be reached" not in banner.text()
    assert "Waiting on this workstation: 1." in banner.text()
    assert desk.services.sync.outbox.get(kept.pending.id).refused == ""
    assert answers.errors == []


def test_a_record_mended_after_it_could_not_be_used_records_what_was_kept(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, server: Any, answers: Any
) -> None:
    """After "the record cannot be used" the desk keeps trying: once the table is back
    (the record mended), the decision kept during the outage is recorded by itself and
    the red banner goes (a hostile review found nothing tried again, the banner stuck)."""
    desk, window, kept, admin = kept_while_a_table_was_gone(
        pg_desks, window_for, qtbot, rules, server
    )
    banner = window.server_banner
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("ALTER TABLE trustdesk.decisions_gone RENAME TO decisions")
    outbox = desk.services.sync.outbox
    qtbot.waitUntil(lambda: outbox.get(kept.pending.id) is None, timeout=CEILING_MS)
    qtbot.waitUntil(lambda: "recorded late" in banner.text(), timeout=CEILING_MS)
    assert banner.isVisible() and "cannot be used" not in banner.text()
    assert answers.errors == []


# -- what needs the record as it is now, while its server is lost (decision 0026) --------


def test_a_hold_closed_while_the_server_is_lost_is_kept_and_recorded_late(
    pg_desks: Any,
    window_for: Any,
    qtbot: Any,
    rules: Any,
    server: Any,
    answers: Any,
    fake_time: FakeTime,
) -> None:
    """ICE arrives during an outage: the desk closes the hold all the same; it is kept on
    the workstation and recorded late with the time it really ended."""
    desk = pg_desks("a")
    saved = hold(desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    window = window_for(desk, "officer")
    board, banner = window.workspace.board, window.server_banner
    board.refresh_timer.stop()
    server.stop()
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    handed_over = fake_time.wall
    answers.confirm = True
    board.table.setFocus()
    qtbot.keyClick(board.table, Qt.Key.Key_C)
    assert answers.errors == []
    [told] = answers.infos
    assert "kept on this workstation with the time it happened, Fri 20 Nov 2026 11:00 EST" in told
    assert bookings(board) == []  # gone from this desk's board at once
    kept = list((desk.store.data_dir / "outbox" / "closures").glob("*.json"))
    assert len(kept) == 1

    fake_time.advance(minutes=40)  # the server is back 40 minutes later
    server.start()
    qtbot.waitUntil(
        lambda: "1 hold closure kept on this workstation recorded" in banner.text(),
        timeout=CEILING_MS,
    )
    assert list((desk.store.data_dir / "outbox" / "closures").glob("*.json")) == []
    closure = desk.store.holds.get(saved.hold_id).closure
    assert closure.officer == "officer" and closure.outcome == "ice_took_custody"
    assert closure.ended_at == handed_over  # when it happened, not when it was recorded
    [entry] = desk.store.audit.of_events("hold.closed")
    objects = entry.objects_dict()
    assert objects["recorded_late"] is True and objects["offline_closure"] == kept[0].stem
    assert desk.store.verify().problems == ()


def test_an_amendment_while_the_server_is_lost_keeps_everything_typed(
    pg_desks: Any, window_for: Any, qtbot: Any, rules: Any, server: Any, answers: Any
) -> None:
    desk = pg_desks("a")
    saved = hold(desk, rules, "Ana Ruiz", "NH-1", "2026-11-20T15:00:00-05:00")
    decision_id = saved.record.decision_id
    window = window_for(desk, "officer")
    window.workspace.history.show_decision(decision_id)
    window.workspace.history.request_amend()
    page = window.workspace.review
    assert page.amend_of == decision_id
    for _ in range(10):
        if page.current_id() == RESULT:
            break
        qtbot.mouseClick(page.next_button, LEFT)
    assert page.current_id() == RESULT, step_titles(page)
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    reason = "Booking number typed wrong at intake"
    qtbot.keyClicks(page.result.reason, reason)

    server.stop()
    qtbot.waitUntil(window.server_banner.isVisible, timeout=CEILING_MS)
    qtbot.mouseClick(page.save_button, LEFT)
    [told] = answers.errors
    assert told.startswith("The amendment was not recorded: the record server cannot be")
    assert "Everything you typed stays in this review" in told
    # Nothing typed is lost: the same review, its reason, its attestation.
    assert window.workspace.review is page and page.saved_id is None
    assert page.result.reason.text() == reason and page.result.attest.isChecked()
    assert page.save_button.isEnabled()

    server.start()
    qtbot.waitUntil(lambda: not window.server_banner.isVisible(), timeout=CEILING_MS)
    with qtbot.waitSignal(page.decision_saved, timeout=5000):
        qtbot.mouseClick(page.save_button, LEFT)
    assert len(answers.errors) == 1
    view = desk.services.decisions.view(desk.session("officer"), decision_id)
    assert [v.version for v in view.versions] == [1, 2]

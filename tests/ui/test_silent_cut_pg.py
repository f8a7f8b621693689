"""A silent network cut under an open window: the desk reaches its PostgreSQL server
through a relay (tests/netrelay.py) that stops forwarding without closing anything, as a
pulled cable or a dead switch does. The banner says the server is lost by itself; the
officer walks a case, gets the NOT YET RECORDED memo, the case is kept; a save is never
left hanging; once the relay forwards again the decision is recorded late with its
original time. Ceilings only prove "not hung"; the feed's own figure (~4 s) is in 0026.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_review import walk_to_hold
from uikit import FakeTime, open_gui_desk, open_window

from trustdesk.store.search import SearchQuery

sys.path.insert(0, str(Path(__file__).parents[1]))
sys.path.insert(0, str(Path(__file__).parents[1] / "services"))
from test_offline_desk import durable, pdf_text

from netrelay import Relay

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

#: Generous: what is proved is "noticed by itself" and "not hung", not a speed.
CEILING_MS = 20_000
NOT_HUNG_S = 20.0
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def relayed_desk(
    tmp_path: Path, rules: Any, pg_cluster: Any, fake_time: FakeTime
) -> Iterator[tuple[Any, Relay]]:
    url = pg_cluster.new_store_database()
    durable(pg_cluster, url)
    relay = Relay(pg_cluster.port)
    desk = open_gui_desk(tmp_path / "a", rules, fake_time, database=relay.url_for(url))
    yield desk, relay
    relay.restore()
    desk.services.close()
    relay.close()
    pg_cluster.drop(url)


@pytest.fixture
def signed_in(qtbot: Any, rules: Any, fake_time: FakeTime) -> Callable[[Any], Any]:
    return lambda desk: open_window(qtbot, desk, rules, fake_time, "officer")


def test_a_silent_cut_shows_the_banner_keeps_the_case_and_records_it_late(
    relayed_desk: tuple[Any, Relay], signed_in: Any, qtbot: Any, answers: Any
) -> None:
    desk, relay = relayed_desk
    window = signed_in(desk)
    banner = window.server_banner
    window.workspace.board.refresh_timer.stop()
    assert not banner.isVisible()

    relay.cut()  # nothing is closed: the bytes just stop
    qtbot.waitUntil(banner.isVisible, timeout=CEILING_MS)
    assert "record server cannot be reached" in banner.text()

    zone = window.context.zone
    decided = datetime(2026, 11, 20, 11, 5, tzinfo=zone)
    page = walk_to_hold(qtbot, window, "Luis Peña", "NH-CUT-1", decided)
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    began = time.monotonic()
    qtbot.mouseClick(page.save_button, LEFT)
    assert time.monotonic() - began < NOT_HUNG_S  # the save returned: the window lives
    assert page.result.title.text().startswith("NOT YET RECORDED")
    qtbot.mouseClick(page.kept_memo.preview_button, LEFT)
    assert pdf_text(page.kept_memo.pdf).count("NOT YET RECORDED") >= 2
    kept = page.kept.pending
    outbox = desk.store.data_dir / "outbox"
    assert [p.stem for p in outbox.glob("*.json")] == [kept.id]
    assert answers.errors == []

    relay.restore()
    qtbot.waitUntil(lambda: "recorded late" in banner.text(), timeout=CEILING_MS)
    assert list(outbox.glob("*.json")) == []
    late = [
        entry
        for entry in desk.store.audit.of_events("decision.created")
        if entry.objects_dict().get("offline_draft") == kept.id
    ]
    assert len(late) == 1 and late[0].objects_dict()["recorded_late"] is True
    record = desk.store.decisions.latest(late[0].objects_dict()["decision"])
    assert record.decision_time == decided
    assert record.officer == "officer"
    assert desk.store.verify().problems == ()


def test_a_save_begun_before_the_cut_is_noticed_is_kept_not_hung(
    relayed_desk: tuple[Any, Relay], signed_in: Any, qtbot: Any, answers: Any
) -> None:
    """The officer presses Save in the seconds before anything noticed the cut: the
    save waits on a silent connection until the feed's heartbeat ends it, then the case
    is kept like any other, and recorded once (never twice) when the network is back."""
    desk, relay = relayed_desk
    window = signed_in(desk)
    window.workspace.board.refresh_timer.stop()
    zone = window.context.zone
    decided = datetime(2026, 11, 20, 11, 7, tzinfo=zone)
    page = walk_to_hold(qtbot, window, "Luis Peña", "NH-CUT-2", decided)
    qtbot.keyClick(page.result.attest, Qt.Key.Key_Space)
    relay.cut()
    began = time.monotonic()
    qtbot.mouseClick(page.save_button, LEFT)
    assert time.monotonic() - began < NOT_HUNG_S
    assert page.result.title.text().startswith("NOT YET RECORDED"), page.result.title.text()
    assert page.kept.pending.attempted  # the answer was lost: look before recording
    assert answers.errors == []
    relay.restore()
    banner = window.server_banner
    qtbot.waitUntil(lambda: "recorded late" in banner.text(), timeout=CEILING_MS)
    created = [
        entry
        for entry in desk.store.audit.of_events("decision.created")
        if entry.objects_dict().get("offline_draft") == page.kept.pending.id
    ]
    assert len(created) == 1
    found = desk.store.search.decisions(SearchQuery(booking_number="NH-CUT-2", limit=10))
    assert len(list(found)) == 1  # recorded once

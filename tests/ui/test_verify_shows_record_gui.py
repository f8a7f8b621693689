"""issue 17 §4 in the app: Go → Verify a memo… shows what the record says beside MATCH."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_the_app_shows_the_record_beside_match(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtCore import Qt
    from test_memo_actions import saved_memo_pdf

    from trustdesk.memo.verification import short_code

    page, _memo_file = saved_memo_pdf(make_window, qtbot, tmp_path, monkeypatch)
    window = page.window()
    window.verify_action.trigger()
    dialog = window._dialog
    record = gui_desk.store.decisions.latest(page.saved_id)
    qtbot.keyClicks(dialog.code, short_code(record.record_sha256))
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.answer.text().startswith("✔ MATCH")
    shown = dialog.record.text()
    assert record.person.name in shown and record.person.booking_number in shown
    assert "HOLD PERMITTED" in shown and f"Officer:           {record.officer}" in shown
    assert "Later amendment:   no" in shown
    assert "Compare every line above with the paper memo" in shown
    assert dialog.record.isVisible()

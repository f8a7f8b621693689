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


def test_the_app_says_a_file_is_not_a_pdf(make_window: Any, tmp_path: Path) -> None:
    window = make_window(sign_in="auditor")
    window.verify_action.trigger()
    dialog = window._dialog
    text = tmp_path / "notes.pdf"  # named .pdf, but is not one
    text.write_text("just some notes\n", encoding="utf-8")
    dialog.check_file(text)
    answer = dialog.answer.text()
    assert "not a PDF file" in answer and "MISMATCH" not in answer
    assert dialog.record.text() == ""

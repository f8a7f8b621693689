"""Verify a memo from the app: its PDF file, a flipped byte, the code typed from paper."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from test_memo_actions import saved_memo_pdf

LEFT = Qt.MouseButton.LeftButton


def test_verify_file_and_code(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtWidgets import QFileDialog

    page, memo = saved_memo_pdf(make_window, qtbot, tmp_path, monkeypatch)
    window = page.window()
    window.verify_action.trigger()
    dialog = window._dialog
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(memo), "PDF"))
    qtbot.mouseClick(dialog.file_button, LEFT)
    assert dialog.answer.text().startswith("✔ MATCH")
    assert f"decision {page.saved_id}" in dialog.answer.text()

    data = bytearray(memo.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    dialog.check_file(tampered)
    assert dialog.answer.text().startswith("✖ MISMATCH")

    record = gui_desk.services.memos.render(gui_desk.session("officer"), page.saved_id)
    from trustdesk.memo.verification import short_code

    qtbot.keyClicks(dialog.code, short_code(record.record.record_sha256).lower())
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    assert dialog.answer.text().startswith("✔ MATCH")
    checks = [e.objects_dict() for e in gui_desk.store.audit.of_events("memo.verified")]
    assert [(c["method"], c["result"]) for c in checks] == [
        ("file", "MATCH"),
        ("file", "MISMATCH"),
        ("code", "MATCH"),
    ]

    window.lock("test")
    assert window._dialog is None

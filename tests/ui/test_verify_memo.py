"""Verify a memo from the app: its PDF file, a flipped byte, the code typed from paper."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_memo_actions import saved_memo_pdf

from pipekit import pipe_nobody_writes

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


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_pipe_chosen_as_the_memo_is_refused_and_the_window_does_not_hang(
    make_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    """The dialog's size check passed a pipe (its size is 0), whose reading then waited
    for a writer; the dialog and the CLI now read the memo through the same service."""
    from PySide6.QtWidgets import QFileDialog

    window = make_window(sign_in="officer")
    window.verify_action.trigger()
    dialog = window._dialog
    pipe = tmp_path / "memo.pdf"
    pipe_nobody_writes(pipe)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(pipe), "PDF"))
    qtbot.mouseClick(dialog.file_button, LEFT)
    assert dialog.answer.text() == (
        f"✖ {pipe} is not a file (a folder, a pipe or a device); name the memo's PDF file itself."
    )

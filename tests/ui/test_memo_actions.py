"""After saving: preview and save as PDF (printing: test_printing.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtCore import Qt
from test_review import fill_person, open_review, save

LEFT = Qt.MouseButton.LeftButton


def saved_hold(make_window: Any, qtbot: Any) -> Any:
    window = make_window(sign_in="officer")
    page = open_review(window, qtbot)
    fill_person(qtbot, page, "José Nuñez", "NH-9")
    qtbot.mouseClick(page.detainer.questions["judicial_warrant"].buttons["yes"], LEFT)
    while page.current_id() != "result":
        qtbot.mouseClick(page.next_button, LEFT)
    save(qtbot, page)
    return page


def text_of(path: Path) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def test_preview_shows_the_memo_pages(make_window: Any, qtbot: Any) -> None:
    page = saved_hold(make_window, qtbot)
    qtbot.mouseClick(page.memo.preview_button, LEFT)
    pages = page.memo.preview.widget().findChildren(type(page.memo.status))
    shown = [label for label in pages if label.pixmap() is not None and not label.pixmap().isNull()]
    assert len(shown) >= 2
    assert shown[0].pixmap().width() > 500


def saved_memo_pdf(
    make_window: Any, qtbot: Any, tmp_path: Path, monkeypatch: Any
) -> tuple[Any, Path]:
    """A hold decided and saved, its memo saved as a PDF through the Save dialog: the
    decision page and the file."""
    from PySide6.QtWidgets import QFileDialog

    path = tmp_path / "memo.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "PDF"))
    page = saved_hold(make_window, qtbot)
    qtbot.mouseClick(page.memo.save_button, LEFT)
    return page, path


def test_save_as_pdf_then_verify(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    page, path = saved_memo_pdf(make_window, qtbot, tmp_path, monkeypatch)
    text = text_of(path)
    assert "HOLD PERMITTED UNDER § 54-192h" in text
    assert "NH-9" in text and "José Nuñez" in text
    assert "New Haven Police Department" in text
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest in page.memo.status.text()
    check = gui_desk.services.memos.verify_pdf(gui_desk.session("auditor"), path.read_bytes())
    assert check.match


def text_of_bytes(data: bytes) -> str:
    import io

    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )

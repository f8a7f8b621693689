"""After saving: preview, print (to a PDF printer here), save as PDF, the notice alone."""

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


def test_print_sends_the_memo_pdf_and_records_its_hash(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from trustdesk.ui.pdfpages import PrintDialogs

    target = tmp_path / "printed.pdf"

    def choose(cls: Any, printer: QPrinter, parent: Any) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(PrintDialogs, "choose", classmethod(choose))
    page = saved_hold(make_window, qtbot)
    with qtbot.waitSignal(page.memo.printed, timeout=10000) as blocker:
        qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    digest = blocker.args[0]
    memo = gui_desk.services.memos.render(gui_desk.session("officer"), page.saved_id)
    assert digest == memo.pdf_sha256
    assert len(PdfReader(target).pages) == len(PdfReader(__import__("io").BytesIO(memo.data)).pages)
    entry = gui_desk.store.audit.of_events("memo.printed")[-1].objects_dict()
    assert entry["pdf_sha256"] == digest and entry["destination"] == "printer"
    check = gui_desk.services.memos.verify_pdf(gui_desk.session("auditor"), memo.data)
    assert check.match


def test_cancelled_print_records_nothing(
    make_window: Any, qtbot: Any, gui_desk: Any, monkeypatch: Any
) -> None:
    from trustdesk.ui.pdfpages import PrintDialogs

    monkeypatch.setattr(PrintDialogs, "choose", classmethod(lambda cls, printer, parent: False))
    page = saved_hold(make_window, qtbot)
    qtbot.mouseClick(page.memo.print_button, LEFT)
    assert "cancelled" in page.memo.status.text()
    assert gui_desk.store.audit.of_events("memo.printed") == []


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


def test_notice_alone_in_spanish(
    make_window: Any, qtbot: Any, gui_desk: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from trustdesk.ui.pdfpages import PrintDialogs

    def choose(cls: Any, printer: QPrinter, parent: Any) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "aviso.pdf"))
        return True

    monkeypatch.setattr(PrintDialogs, "choose", classmethod(choose))
    page = saved_hold(make_window, qtbot)
    with qtbot.waitSignal(page.memo.printed, timeout=10000):
        qtbot.mouseClick(page.memo.notice_es, LEFT)
    assert len(PdfReader(tmp_path / "aviso.pdf").pages) == 1
    notice = gui_desk.services.memos.render(gui_desk.session("officer"), page.saved_id, notice="es")
    assert (
        "detención" in text_of_bytes(notice.data).lower()
        or "inmigración" in text_of_bytes(notice.data).lower()
    )
    entry = gui_desk.store.audit.of_events("memo.printed")[-1].objects_dict()
    assert entry["document"] == "notice-es"


def text_of_bytes(data: bytes) -> str:
    import io

    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages
    )

"""Real printing: the memo and the notice go through the system's print path to a CUPS queue.

The queues are cups-pdf virtual printers on a private cupsd (tests/ui/cupskit.py). What
CUPS printed is read back from the PDF cups-pdf wrote and compared with the memo's own PDF,
page by page, as images: printing paints the memo's rendered pages, so the printed file
holds pictures of the pages, not text. Only the Print dialog is answered (its ``choose``
classmethod), as the person pressing Print with the printer it preselected.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageFilter, ImageStat
from pypdf import PdfReader
from PySide6.QtCore import Qt
from test_memo_actions import saved_hold, text_of_bytes

LEFT = Qt.MouseButton.LeftButton
# Mean grey-level difference (0-255) of two pages, each cropped to its ink, softened and
# scaled to one size (the printer's paper and margins may scale the page). The printed page
# went through a 300 dpi picture, PostScript and Ghostscript, so it is never identical
# (measured: 3-7); another page of the same memo differs far more (about 20; checked below).
SAME_PAGE = 10.0


WORD_OF = {"en": "immigration", "es": "inmigración"}


class DialogSeen:
    """What the patched Print dialog was shown: the printer it had selected."""

    def __init__(self) -> None:
        self.printers: list[str] = []


@pytest.fixture
def print_dialog(monkeypatch: pytest.MonkeyPatch) -> DialogSeen:
    """The Print dialog, answered as a person who presses Print with what it preselected."""
    from trustdesk.ui.pdfpages import PrintDialogs

    seen = DialogSeen()

    def choose(cls: Any, printer: Any, parent: Any) -> bool:
        seen.printers.append(printer.printerName())
        return True

    monkeypatch.setattr(PrintDialogs, "choose", classmethod(choose))
    return seen


def page_pictures(pdf: bytes, tmp_path: Path, stem: str) -> list[Image.Image]:
    """Each page drawn by pdftoppm in grey, cropped to its ink, at one common size."""
    source = tmp_path / f"{stem}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", str(source), str(tmp_path / stem)], check=True
    )
    pictures = []
    for path in sorted(tmp_path.glob(f"{stem}-*.pgm")):
        image = Image.open(path).convert("L")
        ink = image.point(lambda level: 255 if level < 200 else 0).getbbox()
        assert ink is not None, f"{path.name} is a blank page"
        soft = image.crop(ink).filter(ImageFilter.GaussianBlur(1))
        pictures.append(soft.resize((340, 440), Image.Resampling.BOX))
    return pictures


def difference(a: Image.Image, b: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(a, b)).mean[0])


def assert_printed_is(printed: Path, expected: bytes, tmp_path: Path) -> None:
    """The file CUPS printed shows exactly the pages of ``expected``."""
    assert len(PdfReader(printed).pages) == len(PdfReader(io.BytesIO(expected)).pages)
    got = page_pictures(printed.read_bytes(), tmp_path, "printed")
    want = page_pictures(expected, tmp_path, "expected")
    assert len(got) == len(want)
    for number, (page, original) in enumerate(zip(got, want, strict=True), start=1):
        assert difference(page, original) < SAME_PAGE, f"printed page {number} differs"
    if len(want) > 1:  # the comparison can tell pages apart
        assert difference(got[0], want[1]) > 1.5 * SAME_PAGE


def printed_entries(desk: Any) -> list[dict[str, Any]]:
    return [entry.objects_dict() for entry in desk.store.audit.of_events("memo.printed")]


def as_printed(desk: Any, decision_id: int, **options: Any) -> Any:
    """The memo (or notice) regenerated with the audit chain head that the printed copy
    carries (its memo.printed entry names it): the same bytes as were printed."""
    entry = printed_entries(desk)[-1]
    head = (entry["chain_head_seq"], entry["chain_head_hash"])
    return desk.services.memos.render(
        desk.session("officer"), decision_id, chain_head=head, **options
    )


def test_memo_prints_on_the_system_default_printer(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    cups: Any,
    printers: tuple[str, str],
    print_dialog: DialogSeen,
    tmp_path: Path,
) -> None:
    desk_printer, _ = printers
    page = saved_hold(make_window, qtbot)
    before = cups.printed_files(desk_printer)
    with qtbot.waitSignal(page.memo.printed, timeout=60000) as blocker:
        qtbot.keyClick(page, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert print_dialog.printers == [desk_printer]
    printed = cups.wait_for_file(desk_printer, before)
    memo = as_printed(gui_desk, page.saved_id)
    assert blocker.args[0] == memo.pdf_sha256
    assert_printed_is(printed, memo.data, tmp_path)
    entry = printed_entries(gui_desk)[-1]
    assert entry["pdf_sha256"] == memo.pdf_sha256 and entry["destination"] == "printer"
    assert memo.pdf_sha256 in page.memo.status.text()


@pytest.mark.parametrize(("button", "language"), [("notice_en", "en"), ("notice_es", "es")])
def test_notice_prints_alone_in_its_language(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    cups: Any,
    printers: tuple[str, str],
    print_dialog: DialogSeen,
    tmp_path: Path,
    button: str,
    language: str,
) -> None:
    desk_printer, _ = printers
    page = saved_hold(make_window, qtbot)
    before = cups.printed_files(desk_printer)
    with qtbot.waitSignal(page.memo.printed, timeout=60000):
        qtbot.mouseClick(getattr(page.memo, button), LEFT)
    printed = cups.wait_for_file(desk_printer, before)
    notice = as_printed(gui_desk, page.saved_id, notice=language)
    assert_printed_is(printed, notice.data, tmp_path)
    assert WORD_OF[language] in text_of_bytes(notice.data).lower()
    other = as_printed(gui_desk, page.saved_id, notice="es" if language == "en" else "en")
    # The notice in the other language does not pass for this one.
    printed_page = page_pictures(printed.read_bytes(), tmp_path, "again")[0]
    assert difference(printed_page, page_pictures(other.data, tmp_path, "other")[0]) > SAME_PAGE
    entry = printed_entries(gui_desk)[-1]
    assert entry["document"] == f"notice-{language}"
    assert entry["pdf_sha256"] == notice.pdf_sha256


def test_the_configured_printer_is_preselected_and_used(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    cups: Any,
    printers: tuple[str, str],
    print_dialog: DialogSeen,
    tmp_path: Path,
) -> None:
    desk_printer, office_printer = printers
    page = saved_hold(make_window, qtbot)
    page.memo.context.default_printer = office_printer  # as IT's config sets it
    before_desk = cups.printed_files(desk_printer)
    before = cups.printed_files(office_printer)
    with qtbot.waitSignal(page.memo.printed, timeout=60000):
        qtbot.mouseClick(page.memo.print_button, LEFT)
    assert print_dialog.printers == [office_printer]
    printed = cups.wait_for_file(office_printer, before)
    memo = as_printed(gui_desk, page.saved_id)
    assert_printed_is(printed, memo.data, tmp_path)
    assert cups.printed_files(desk_printer) == before_desk


def test_a_missing_configured_printer_is_named_and_the_default_used(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    cups: Any,
    printers: tuple[str, str],
    print_dialog: DialogSeen,
    answers: Any,
) -> None:
    desk_printer, _ = printers
    page = saved_hold(make_window, qtbot)
    page.memo.context.default_printer = "Front-Desk-Laser"
    before = cups.printed_files(desk_printer)
    with qtbot.waitSignal(page.memo.printed, timeout=60000):
        qtbot.mouseClick(page.memo.print_button, LEFT)
    assert len(answers.infos) == 1
    assert "“Front-Desk-Laser”" in answers.infos[0] and "not installed" in answers.infos[0]
    assert f"“{desk_printer}” is selected instead" in answers.infos[0]
    assert print_dialog.printers == [desk_printer]
    cups.wait_for_file(desk_printer, before)
    assert printed_entries(gui_desk)[-1]["destination"] == "printer"


def test_a_printer_that_refuses_the_job_records_nothing(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    cups: Any,
    printers: tuple[str, str],
    print_dialog: DialogSeen,
    answers: Any,
) -> None:
    desk_printer, _ = printers
    page = saved_hold(make_window, qtbot)
    cups.reject(desk_printer)
    try:
        qtbot.mouseClick(page.memo.print_button, LEFT)
    finally:
        cups.accept(desk_printer)
    assert print_dialog.printers == [desk_printer]
    assert len(answers.errors) == 1
    assert f"“{desk_printer}” did not take the job" in answers.errors[0]
    assert "Nothing was recorded as printed" in answers.errors[0]
    assert "nothing was recorded" in page.memo.status.text()
    assert printed_entries(gui_desk) == []


def test_no_print_service_says_so_and_records_nothing(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    cups: Any,
    printers: tuple[str, str],
    print_dialog: DialogSeen,
    answers: Any,
) -> None:
    page = saved_hold(make_window, qtbot)
    with cups.down():
        qtbot.mouseClick(page.memo.notice_en, LEFT)
    assert print_dialog.printers == []  # no dialog with nothing to print on
    assert len(answers.errors) == 1
    assert "No printer is available" in answers.errors[0]
    assert "not running" in answers.errors[0]
    assert printed_entries(gui_desk) == []


def test_cancelled_print_records_nothing(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    printers: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from trustdesk.ui.pdfpages import PrintDialogs

    monkeypatch.setattr(PrintDialogs, "choose", classmethod(lambda cls, printer, parent: False))
    page = saved_hold(make_window, qtbot)
    qtbot.mouseClick(page.memo.print_button, LEFT)
    assert "cancelled" in page.memo.status.text()
    assert printed_entries(gui_desk) == []


def test_print_to_file_in_the_dialog_is_recorded_as_a_file(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    printers: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from trustdesk.ui.pdfpages import PrintDialogs

    target = tmp_path / "printed-to-file.pdf"

    def choose(cls: Any, printer: QPrinter, parent: Any) -> bool:  # "Print to File (PDF)"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    monkeypatch.setattr(PrintDialogs, "choose", classmethod(choose))
    page = saved_hold(make_window, qtbot)
    with qtbot.waitSignal(page.memo.printed, timeout=60000) as blocker:
        qtbot.mouseClick(page.memo.print_button, LEFT)
    memo = as_printed(gui_desk, page.saved_id)
    assert blocker.args[0] == memo.pdf_sha256
    assert_printed_is(target, memo.data, tmp_path)
    entry = printed_entries(gui_desk)[-1]
    assert entry["pdf_sha256"] == memo.pdf_sha256 and "destination" not in entry  # a file
    assert "sent to the file" in page.memo.status.text()

"""Find any record, keyboard only: Ctrl+Shift+F from any page (even from a text field,
where Ctrl+K would delete to the end of the line), type, ↓/Enter to the person's
page, the whole history there, the memo printed again (saved as PDF) and read back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_board_kit import decide

from casekit import make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.ui.person_page import PersonPage
from trustdesk.ui.search import FindDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def person(name: str, booking: str) -> dict[str, str]:
    return {"name": name, "date_of_birth": "1988-01-02", "booking_number": booking}


@pytest.fixture
def made(gui_desk: Any, rules: Any) -> dict[str, int]:
    """José has two decisions, the second amended to add a surname; Zoë and Joseph one."""
    first = decide(gui_desk, rules, person=person("José Nuñez", "NH-7"))
    second = decide(gui_desk, rules, person=person("José Nuñez", "NH-7"), tsdb_match=True)
    raw = make_case(person=person("José Núñez Ruiz", "NH-7"), tsdb_match=True)
    gui_desk.services.decisions.amend(
        gui_desk.session("supervisor"),
        second.record.decision_id,
        parse_case(raw, "test", rules.sections),
        raw,
        "second surname",
    )
    decide(gui_desk, rules, person=person("Zoë Müller", "HFD-1"))
    decide(gui_desk, rules, person=person("Joseph Brown", "BR-9"))
    # ICE asked for José's release date and was told: recorded as not allowed.
    from storekit import T0, actor, contact_draft

    gui_desk.store.contacts.add(
        contact_draft(booking_number="NH-7", ice_office="ERO Hartford"),
        actor(gui_desk.store.users.get("officer")),
        T0,
    )
    return {"first": first.record.decision_id, "second": second.record.decision_id}


def finder(window: Any, qtbot: Any) -> FindDialog:
    # The offscreen platform does not hand activation back when a dialog closes.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(window._dialog, FindDialog) and window._dialog.isVisible())
    dialog = window._dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.text)
    return dialog  # type: ignore[no-any-return]


def type_and_search(qtbot: Any, dialog: FindDialog, text: str) -> None:
    qtbot.keyClicks(dialog.text, text)
    qtbot.keyClick(dialog.text, Qt.Key.Key_Return)


def shown_rows(dialog: FindDialog) -> list[tuple[str, ...]]:
    model = dialog.results
    return [
        tuple(model.index(row, column).data() for column in range(model.columnCount()))
        for row in range(model.rowCount())
    ]


def test_the_finder_opens_from_every_page_and_folds_accents(
    make_window: Any, qtbot: Any, made: dict[str, int]
) -> None:
    window = make_window(sign_in="officer")
    tabs = window.workspace.tabs
    for index in range(tabs.count()):
        tabs.setCurrentIndex(index)
        dialog = finder(window, qtbot)
        qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)
        qtbot.waitUntil(lambda dialog=dialog: not dialog.isVisible())
    dialog = finder(window, qtbot)
    type_and_search(qtbot, dialog, "MULLER")
    assert [row[3] for row in shown_rows(dialog)] == ["Zoë Müller"]
    dialog.text.clear()
    qtbot.keyClick(dialog.text, Qt.Key.Key_Escape)
    dialog = finder(window, qtbot)
    type_and_search(qtbot, dialog, "jose honored")  # only the TSDB match was honoured
    rows = shown_rows(dialog)
    assert [(row[3], row[4]) for row in rows] == [("José Núñez Ruiz", "HONOR")]
    assert "outcome honor" in dialog.status.text() and "name jose" in dialog.status.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    dialog = finder(window, qtbot)
    type_and_search(qtbot, dialog, "2026-02-30")
    assert "not a real date" in dialog.status.text() and not shown_rows(dialog)


def test_search_open_person_and_print_the_memo_again(
    make_window: Any,
    qtbot: Any,
    made: dict[str, int],
    gui_desk: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "again.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    window = make_window(sign_in="officer")
    dialog = finder(window, qtbot)
    type_and_search(qtbot, dialog, "jose")
    rows = shown_rows(dialog)
    names = [row[3] for row in rows]
    assert set(names) == {"José Núñez Ruiz", "José Nuñez", "Joseph Brown"}
    assert ("ICE contact 1", "NH-7", "José Núñez Ruiz", "⚠ not allowed") in [r[1:] for r in rows]
    assert QApplication.focusWidget() is dialog.table  # Enter moved to the results
    # ↓ to the first José Nuñez row (the older decision), Enter opens the person.
    wanted = names.index("José Nuñez")
    for _ in range(wanted):
        qtbot.keyClick(dialog.table, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    page = window.workspace.tabs.currentWidget()
    assert isinstance(page, PersonPage)
    assert "booking number NH-7" in page.heading.text()
    assert "also recorded as José Nuñez" in page.heading.text()
    lines = all_lines(page)
    assert f"Decision {made['second']}: HONOR" in lines or any(
        line.startswith(f"Decision {made['second']}:") for line in lines
    )
    assert any(
        line.startswith("Version 2 (amendment)") and "second surname" in line for line in lines
    )
    assert any(line.startswith("Holds (") for line in lines)
    assert "ICE contacts (1)" in lines
    contact = lines.index(next(line for line in lines if line.startswith("⚠ NOT ALLOWED")))
    assert lines[contact].startswith("⚠ NOT ALLOWED — Contact 1: Request for release date")
    assert lines[contact + 1] == "From ICE by phone: ERO Hartford, Officer Lee"
    assert lines[contact + 3].startswith("Given: release date (recorded by officer")
    assert lines[contact + 4] == "Reason given: told by the shift commander"
    assert lines[contact + 6] == (
        "Judged by no decision on record at the contact's time, and no ground answered"
    )
    assert page.decision_id() == made["first"]  # the record chosen in the finder
    # Save the memo again with the button's mnemonic (Alt+D), keyboard only.
    window.activateWindow()  # the offscreen platform does not hand it back from the dialog
    qtbot.waitUntil(window.isActiveWindow)
    assert QApplication.focusWidget() is page.tree
    qtbot.keyClick(page.tree, Qt.Key.Key_D, ALT)
    qtbot.waitUntil(target.exists)
    text = " ".join((p.extract_text() or "") for p in PdfReader(target).pages)
    assert "NH-7" in text and "José Nuñez" in text
    assert f"{made['first']}" in text
    # The copy is now listed among the memos printed, and verifies as the record.
    qtbot.waitUntil(lambda: any("Memo of decision" in line for line in all_lines(page)))
    check = gui_desk.services.memos.verify_pdf(gui_desk.session("auditor"), target.read_bytes())
    assert check.match


def all_lines(page: PersonPage) -> list[str]:
    found: list[str] = []

    def walk(item: Any) -> None:
        found.append(item.text(0))
        for index in range(item.childCount()):
            walk(item.child(index))

    for index in range(page.tree.topLevelItemCount()):
        walk(page.tree.topLevelItem(index))
    return found


def test_administrators_are_told_they_do_not_see_case_files(
    make_window: Any, qtbot: Any, made: dict[str, int]
) -> None:
    window = make_window(sign_in="administrator")
    dialog = finder(window, qtbot)
    type_and_search(qtbot, dialog, "jose")
    assert not shown_rows(dialog)
    assert dialog.status.text().startswith("Not searched:")
    assert "may not list or search" in dialog.status.text()


def test_record_an_ice_contact_from_the_persons_page(
    make_window: Any, qtbot: Any, made: dict[str, int], gui_desk: Any
) -> None:
    from trustdesk.ui.contact_dialog import ContactDialog

    window = make_window(sign_in="officer")
    dialog = finder(window, qtbot)
    type_and_search(qtbot, dialog, "zoe")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    page = window.workspace.tabs.currentWidget()
    assert isinstance(page, PersonPage) and "HFD-1" in page.heading.text()
    assert "ICE contacts (0)" in all_lines(page)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert QApplication.focusWidget() is page.tree
    # Alt+R, the button's mnemonic, opens the contact dialog about this person.
    qtbot.keyClick(page.tree, Qt.Key.Key_R, ALT)
    qtbot.waitUntil(lambda: page.contact_dialog is not None)  # a mnemonic clicks shortly
    contact = page.contact_dialog
    assert isinstance(contact, ContactDialog)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is contact.kind)
    assert "Zoë Müller" in contact.about.text() and "HFD-1" in contact.about.text()
    for _ in range(40):  # Tab to what was asked, as a person would
        if QApplication.focusWidget() is contact.asked:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClicks(contact.asked, "Is she still in custody?")
    with qtbot.waitSignal(contact.recorded, timeout=3000) as saved:
        qtbot.keyClick(contact.asked, Qt.Key.Key_Return)
    record = saved.args[0]
    assert record.booking_number == "HFD-1" and record.asked == "Is she still in custody?"
    # The page shows the new contact at once.
    qtbot.waitUntil(lambda: "ICE contacts (1)" in all_lines(page))
    lines = all_lines(page)
    assert any(line.startswith(f"Contact {record.contact_id}: Detainer") for line in lines)
    assert "Asked: Is she still in custody?" in lines
    # Ctrl+I from the person's page opens the same dialog about the same person.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_I, CTRL)
    again = page.contact_dialog
    assert again is not contact and isinstance(again, ContactDialog)
    qtbot.waitUntil(again.isVisible)
    assert "HFD-1" in again.about.text()
    qtbot.keyClick(again.kind, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not again.isVisible())
    assert len(gui_desk.store.contacts.for_person(booking_number="HFD-1")) == 1

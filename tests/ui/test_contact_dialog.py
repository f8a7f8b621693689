"""Recording a contact with ICE from the board and from a decision, keyboard only, with
the law's advice shown before the answer, and a supervisor's review of a flagged one."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QTableView, QWidget
from test_board_kit import context, decide, hold
from uikit import FakeTime

from trustdesk.ui.board import BoardPage
from trustdesk.ui.contact_dialog import ContactDialog, ContactTarget
from trustdesk.ui.contact_review import ContactReviewDialog
from trustdesk.ui.history import HistoryPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _focused() -> QWidget | None:
    return QApplication.focusWidget()


def tab_to(qtbot: Any, dialog: QWidget, target: QWidget, limit: int = 40) -> None:
    """Press Tab until ``target`` has the focus, as a person would."""
    for _ in range(limit):
        if _focused() is target:
            return
        qtbot.keyClick(_focused() or dialog, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.objectName()}")


def type_into(qtbot: Any, dialog: QWidget, field: QWidget, text: str) -> None:
    tab_to(qtbot, dialog, field)
    qtbot.keyClicks(field, text)


def _board(qtbot: Any, desk: Any, rules: Any, time: FakeTime) -> BoardPage:
    page = BoardPage(context(desk, rules, time, "officer"))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    return page


def test_from_the_board_in_a_few_keystrokes(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    held = hold(gui_desk, rules, "María Peña", "NH-3", "2026-11-20T12:00:00-05:00")
    page = _board(qtbot, gui_desk, rules, fake_time)
    page.table.setFocus()
    qtbot.keyClick(page.table, "I")
    dialog = page.contact_dialog
    assert isinstance(dialog, ContactDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: _focused() is dialog.kind)
    assert "María Peña" in dialog.about.text()
    # Before anything is answered: the law in force for this person, from the decision.
    assert not dialog.gates_box.isVisible()
    advice = dialog.advice_label.text()
    assert "the decision the contact was recorded under" in advice and "ct-2025" in advice
    assert "Confidential information" in advice and "never" in advice.lower()
    first_for_detainer = advice.splitlines()[1]
    assert "held for ICE" in first_for_detainer
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # request for release date or custody
    assert dialog.kind.currentData() == "release_info_request"
    assert dialog.advice_label.text().splitlines()[1].startswith("✔ Release date")
    type_into(qtbot, dialog, dialog.ice_office, "ERO Hartford")
    type_into(qtbot, dialog, dialog.ice_officer, "DO Lee")
    type_into(qtbot, dialog, dialog.asked, "When is she released?")
    tab_to(qtbot, dialog, dialog.given["release_date"])
    qtbot.keyClick(dialog.given["release_date"], Qt.Key.Key_Space)
    assert dialog.given["release_date"].isChecked()
    assert "(allowed)" in dialog.given["release_date"].text()
    assert not dialog.warning.isVisible() and not dialog.reason.isEnabled()
    with qtbot.waitSignal(dialog.recorded, timeout=3000) as saved:
        qtbot.keyClick(dialog.given["release_date"], Qt.Key.Key_Return)
    record = saved.args[0]
    assert record.decision_id == held.record.decision_id and record.allowed
    assert (record.kind, record.given, record.ice_officer) == (
        "release_info_request",
        ("release_date",),
        "DO Lee",
    )
    assert record.occurred_at == fake_time.wall.replace(second=0, microsecond=0)
    assert not dialog.isVisible()
    assert page.focusWidget() is page.table  # back on the holds, for the next key


def test_giving_what_is_never_allowed_needs_a_reason_and_flags_it(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    hold(gui_desk, rules, "María Peña", "NH-3", "2026-11-20T12:00:00-05:00")
    page = _board(qtbot, gui_desk, rules, fake_time)
    page.table.setFocus()
    qtbot.keyClick(page.table, "I")
    dialog = page.contact_dialog
    qtbot.waitUntil(lambda: _focused() is dialog.kind)
    tab_to(qtbot, dialog, dialog.given["confidential"])
    qtbot.keyClick(dialog.given["confidential"], Qt.Key.Key_Space)
    assert "(NEVER)" in dialog.given["confidential"].text()
    assert dialog.warning.isVisible() and dialog.reason.isEnabled()
    assert "supervisor" in dialog.warning.text()
    qtbot.keyClick(dialog.given["confidential"], Qt.Key.Key_Return)  # no reason yet
    assert dialog.isVisible() and "Nothing was recorded" in dialog.error.text()
    assert list(gui_desk.store.contacts.pending_reviews()) == []
    type_into(qtbot, dialog, dialog.reason, "read out the file by mistake")
    with qtbot.waitSignal(dialog.recorded, timeout=3000) as saved:
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    record = saved.args[0]
    assert not record.allowed and record.review_needed
    assert record.unlawful_reason == "read out the file by mistake"
    # A supervisor reviews it, keyboard only.
    review = ContactReviewDialog(context(gui_desk, rules, fake_time, "supervisor"))
    qtbot.addWidget(review)
    review.show()
    qtbot.waitExposed(review)
    review.activateWindow()
    qtbot.waitUntil(review.isActiveWindow)
    review.list.setFocus()
    assert review.list.count() == 1 and "read out the file" in review.detail.text()
    assert "must never be given" in review.detail.text()
    type_into(qtbot, review, review.note, "spoke with the officer; counsel told")
    tab_to(qtbot, review, review.refer_button)
    qtbot.keyClick(review.refer_button, Qt.Key.Key_Space)
    assert review.list.count() == 0 and "referred" in review.status.text()
    (done,) = gui_desk.store.contacts.reviews_of(record.contact_id)
    assert (done.verdict, done.reviewer, done.note) == (
        "referred",
        "supervisor",
        "spoke with the officer; counsel told",
    )


def test_an_officer_cannot_review_their_own_flagged_contact(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    ctx = context(gui_desk, rules, fake_time, "supervisor")
    dialog = ContactDialog(ctx, ContactTarget(booking_number="NH-9"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.gates_box.isVisible()  # no decision on record: the grounds are asked
    dialog.given["hold"].setChecked(True)
    dialog.reason.setText("held an hour for ICE")
    with qtbot.waitSignal(dialog.recorded, timeout=3000):
        dialog.record()
    review = ContactReviewDialog(ctx)
    qtbot.addWidget(review)
    review.show()
    review.review("accepted")
    assert "your own" in review.status.text() and review.list.count() == 1


def test_the_grounds_answered_now_change_the_advice(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    dialog = ContactDialog(
        context(gui_desk, rules, fake_time), ContactTarget(booking_number="NH-9")
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "not yet known" in dialog.given["release_date"].text()
    for gate, combo in dialog.gates.items():
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_End)  # the last answer: no
        assert combo.currentData() is False, gate
    assert "(NOT allowed)" in dialog.given["release_date"].text()
    assert "§ 54-192h" in dialog.advice_label.text()
    dialog.gates["judicial_warrant"].setFocus()
    qtbot.keyClick(dialog.gates["judicial_warrant"], Qt.Key.Key_Up)  # from no to yes
    assert dialog.gates["judicial_warrant"].currentData() is True
    assert "(allowed)" in dialog.given["release_date"].text()


def test_from_the_decision_detail_and_listed_there(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    saved = decide(gui_desk, rules)  # declined: no ground
    page = HistoryPage(context(gui_desk, rules, fake_time))
    qtbot.addWidget(page)
    page.show()
    page.show_decision(saved.record.decision_id)
    assert page.detail.section("Contacts with ICE") == (
        "No contact with ICE recorded for this person.",
    )
    page.detail.contact_button.setFocus()
    qtbot.keyClick(page.detail.contact_button, Qt.Key.Key_Space)
    dialog = page.contact_dialog
    qtbot.waitUntil(lambda: _focused() is dialog.kind)
    assert "Release date may NOT be shared" in dialog.advice_label.text()
    type_into(qtbot, dialog, dialog.ice_officer, "DO Lee")
    with qtbot.waitSignal(dialog.recorded, timeout=3000):
        qtbot.keyClick(dialog.ice_officer, Qt.Key.Key_Return)
    (line,) = page.detail.section("Contacts with ICE")
    assert "Detainer or warrant received" in line and "DO Lee" in line and "given: nothing" in line


def test_a_time_before_the_decision_is_refused_in_words_and_records_nothing(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    """From the decision's page the dialog names the decision and its version in force;
    a time before the decision was made is refused with both times and the fix."""
    saved = decide(gui_desk, rules)  # decided at 11:00, now
    number = saved.record.decision_id
    page = HistoryPage(context(gui_desk, rules, fake_time))
    qtbot.addWidget(page)
    page.show()
    page.show_decision(number)
    page.detail.contact_button.setFocus()
    qtbot.keyClick(page.detail.contact_button, Qt.Key.Key_Space)
    dialog = page.contact_dialog
    qtbot.waitUntil(lambda: _focused() is dialog.kind)
    assert (
        f"judged by decision {number}, version 1 (in force from Fri 20 Nov 2026 11:00"
    ) in dialog.advice_label.text()
    edit = dialog.time.edit
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClick(edit, Qt.Key.Key_Down)  # 10:00, an hour before the decision
    assert edit.text() == "2026-11-20 10:00"
    error = dialog.error.text()
    assert f"Decision {number} was made at 2026-11-20T11:00-05:00" in error
    assert "after this contact (2026-11-20T10:00-05:00)" in error and "correct it" in error
    assert "cannot be shown" in dialog.advice_label.text()
    dialog.record_button.click()
    assert dialog.isVisible() and dialog.error.text().startswith("Nothing was recorded")
    assert gui_desk.store.contacts.for_person(person_id=saved.record.person_id) == []


def _time_dialog(qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime) -> Any:
    dialog = ContactDialog(
        context(gui_desk, rules, fake_time), ContactTarget(booking_number="NH-9")
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def test_the_time_starts_at_now_with_the_zone_and_is_typed_by_keyboard(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    dialog = _time_dialog(qtbot, gui_desk, rules, fake_time)
    edit = dialog.time.edit
    # Now (16:00 UTC is 11:00 in Connecticut), and the zone with its offset that day.
    assert edit.text() == "2026-11-20 11:00"
    assert dialog.time.zone_label.text() == "America/New_York, EST (UTC−05:00)"
    # Tab reaches the field, on its first part; year, month, day, hour, minute in a row.
    tab_to(qtbot, dialog, edit)
    assert edit.currentSection() == QDateTimeEdit.Section.YearSection
    qtbot.keyClicks(edit, "202607040930")
    assert edit.text() == "2026-07-04 09:30"
    # Summer: the zone says so.
    assert dialog.time.zone_label.text() == "America/New_York, EDT (UTC−04:00)"
    type_into(qtbot, dialog, dialog.ice_office, "ERO Hartford")
    with qtbot.waitSignal(dialog.recorded, timeout=3000) as saved:
        qtbot.keyClick(dialog.ice_office, Qt.Key.Key_Return)
    record = saved.args[0]
    assert record.occurred_at == datetime(2026, 7, 4, 13, 30, tzinfo=UTC)


def test_the_calendar_opens_from_the_keyboard_and_a_day_is_picked_by_mouse(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    dialog = _time_dialog(qtbot, gui_desk, rules, fake_time)
    edit = dialog.time.edit
    edit.setFocus()
    calendar = dialog.time.calendar
    # Keyboard: Alt+Down opens it on today; Left is the day before; Return picks it.
    qtbot.keyClick(edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(calendar.isVisible)
    assert calendar.selectedDate() == QDate(2026, 11, 20)
    view = calendar.findChild(QTableView)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert edit.text() == "2026-11-19 11:00"  # the day changed, the time of day kept
    assert _focused() is edit
    # Escape leaves it unchanged.
    qtbot.keyClick(edit, Qt.Key.Key_F4)
    qtbot.waitUntil(calendar.isVisible)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert edit.text() == "2026-11-19 11:00"
    # Mouse: the Calendar button opens it, a click on the 12th picks it.
    qtbot.mouseClick(dialog.time.calendar_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(calendar.isVisible)
    model = view.model()
    cell = next(
        model.index(row, column)
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        if model.index(row, column).data() == 12 or model.index(row, column).data() == "12"
    )
    rect = view.visualRect(cell)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not calendar.isVisible())
    assert edit.text() == "2026-11-12 11:00"
    # And Now brings it back.
    qtbot.mouseClick(dialog.time.now_button, Qt.MouseButton.LeftButton)
    assert edit.text() == "2026-11-20 11:00"


def test_a_future_time_is_refused_with_a_clear_message_and_nothing_is_recorded(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    dialog = _time_dialog(qtbot, gui_desk, rules, fake_time)
    edit = dialog.time.edit
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.HourSection)
    qtbot.keyClick(edit, Qt.Key.Key_Up)  # an hour later than now: 12:00
    assert edit.text() == "2026-11-20 12:00"
    assert dialog.error.text() == (
        "Time: 2026-11-20 12:00 EST is later than now (11:00 EST agency time); a contact is "
        "recorded after it happens: pick when it did happen, or press Now."
    )
    dialog.record_button.click()
    assert dialog.isVisible() and dialog.error.text().startswith("Time: 2026-11-20 12:00")
    assert _focused() is edit
    assert gui_desk.store.contacts.for_person(booking_number="NH-9") == []
    qtbot.keyClick(edit, Qt.Key.Key_Down)  # back to now: accepted
    assert dialog.error.text() == ""


def test_ctrl_i_from_anywhere_and_the_lock_closes_it(make_window: Any, qtbot: Any) -> None:
    window = make_window(sign_in="officer")
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    dialog = window.workspace.contact_dialog
    assert dialog.isVisible() and dialog.booking.isVisibleTo(dialog)
    assert dialog.gates_box.isVisibleTo(dialog)
    window.lock("Locked by you.")
    assert not dialog.isVisible()


def _named_beside_a_later_decline(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> tuple[ContactDialog, Any]:
    """Decision 1 (a judicial warrant: the release date may be given) and decision 2
    about the same person an hour later (declined); the dialog opened from decision 1.
    Returns the dialog and decision 2."""
    person = {"name": "Ana Ruiz", "date_of_birth": "1988-02-01", "booking_number": "NH-7"}
    judicial = {"form": "I-247A", "judicial_warrant": True, "administrative_warrant": "I-200"}
    first = decide(
        gui_desk, rules, person=person, decision_time="2026-11-20T09:00:00-05:00", detainer=judicial
    )
    later = decide(gui_desk, rules, person=person, decision_time="2026-11-20T10:00:00-05:00")
    assert (first.record.outcome, later.record.outcome) == ("honor", "decline")
    dialog = ContactDialog(
        context(gui_desk, rules, fake_time), ContactTarget(decision_id=first.record.decision_id)
    )
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog, later


def test_giving_on_an_earlier_decision_what_a_later_one_forbids_asks_for_a_reason(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    # Opened from decision 1 (a judicial warrant: the release date may be given) while
    # decision 2 about the same person, made later, declines. The advice marks the
    # release date ⚠, ticking it asks for a reason, and the contact goes to a
    # supervisor. The dialog used to show ✔, keep Reason disabled, and the save failed
    # with a command-line hint, so the call could not be recorded truthfully.
    dialog, later = _named_beside_a_later_decline(qtbot, gui_desk, rules, fake_time)
    advice = dialog.advice_label.text()
    assert f"decision {later.record.decision_id}, version 1" in advice
    assert "does not allow release date" in advice
    marked = [line for line in advice.splitlines() if "but not by decision" in line]
    assert marked and all(line.startswith("⚠") for line in marked), advice
    assert not dialog.reason.isEnabled()
    # The check box does not say plain "(allowed)" beside the ⚠ line (it did).
    box = dialog.given["release_date"].text()
    assert f"not by decision {later.record.decision_id}" in box and "⚠" in box, box
    assert dialog.advice is not None
    others = [d for d in dialog.given if d not in dialog.advice.also_not_allowed]
    assert others and not [d for d in others if "⚠" in dialog.given[d].text()]
    dialog.given["release_date"].setChecked(True)
    assert dialog.reason.isEnabled() and dialog.warning.isVisible()
    assert f"not by decision {later.record.decision_id}" in dialog.warning.text()
    dialog.reason.setText("asked under detainer 1, the judicial warrant")
    with qtbot.waitSignal(dialog.recorded, timeout=3000):
        dialog.record()
    assert dialog.saved is not None
    assert dialog.saved.allowed and dialog.saved.review_needed


def test_a_conditional_disclosure_a_later_decision_forbids_is_named_under_both(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    # Allowed by the decision named only under its conditions (as California's release
    # dates are), and not allowed by a later decision also in force: the warning gave
    # the conditions only, and said nothing of the later decision.
    from dataclasses import replace

    dialog, later = _named_beside_a_later_decline(qtbot, gui_desk, rules, fake_time)
    advice = dialog.advice
    assert advice is not None and "release_date" in advice.also_not_allowed
    conditional = tuple(
        replace(item, verdict="allowed_with_conditions", conditions=("the person is told first",))
        if item.disclosure == "release_date"
        else item
        for item in advice.items
    )
    dialog.advice = replace(advice, items=conditional)
    dialog.given["release_date"].setChecked(True)
    warning = dialog.warning.text()
    assert "the person is told first" in warning, warning
    assert f"not by decision {later.record.decision_id}" in warning, warning


def _shown_to_a_reader(label: Any) -> str:
    """What a person (and a screen reader) reads in ``label``: its text as drawn."""
    from PySide6.QtGui import QAccessible

    interface = QAccessible.queryAccessibleInterface(label)
    return str(interface.text(QAccessible.Text.Name))


def _marked_up_contact(gui_desk: Any, rules: Any, fake_time: FakeTime, **typed: Any) -> Any:
    """The officer records a call from ICE that gave confidential information (flagged),
    with ``typed`` (marked-up text) in its fields."""
    from trustdesk.services.contacts import ContactInput, ContactService

    return ContactService(gui_desk.services.ctx, rules).record(
        gui_desk.session("officer"),
        ContactInput(
            kind="release_info_request",
            direction="from_ice",
            occurred_at=fake_time.wall.replace(second=0, microsecond=0),
            channel="phone",
            booking_number="NH-9",
            given=("confidential",),
            unlawful_reason="read out the file",
            gates={"judicial_warrant": False},
            **typed,
        ),
    )


def test_a_flagged_contact_shows_its_typed_text_as_typed_not_as_markup(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    """An officer types markup into the ICE officer's name and the note: a tag makes the
    review's label read everything as HTML, and a comment opened there hid what was
    given, "NOT ALLOWED" and the reason from the supervisor until the note closed it."""
    _marked_up_contact(
        gui_desk, rules, fake_time, ice_officer="DO Lee <b></b><!--", note="--> nothing to add"
    )
    review = ContactReviewDialog(context(gui_desk, rules, fake_time, "supervisor"))
    qtbot.addWidget(review)
    review.show()
    qtbot.waitExposed(review)
    assert review.list.count() == 1
    read = _shown_to_a_reader(review.detail)
    assert "DO Lee <b></b><!--" in read
    assert "NOT ALLOWED" in read and "read out the file" in read
    assert "must never be given" in read and "--> nothing to add" in read


def test_a_flagged_contact_stored_before_the_character_check_is_shown_escaped(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    """A contact written before typed text was checked for direction overrides: the
    review shows each one as <U+202E>, so "eeL OD" cannot read as another name; the
    note's own line breaks stay line breaks."""
    from dataclasses import replace

    from trustdesk.store.contact_records import ContactDraft

    officer = gui_desk.session("officer")
    checked = _marked_up_contact(gui_desk, rules, fake_time)
    # Written as the store writes it, past the service's check of the typed text.
    draft = ContactDraft(
        **{name: getattr(checked, name) for name in ContactDraft.__dataclass_fields__}
    )
    ctx = gui_desk.services.ctx
    gui_desk.store.contacts.add(
        replace(
            draft,
            ice_officer="\u202eeeL OD",
            unlawful_reason="\u202eelif eht",
            note="first line\nsecond \u202eline",
        ),
        ctx.actor(officer),
        ctx.now(),
    )
    review = ContactReviewDialog(context(gui_desk, rules, fake_time, "supervisor"))
    qtbot.addWidget(review)
    review.show()
    qtbot.waitExposed(review)
    assert review.list.count() == 2
    review.list.setCurrentRow(1)
    read = _shown_to_a_reader(review.detail)
    assert "\u202e" not in read
    assert "<U+202E>eeL OD" in read and "officer's reason: <U+202E>elif eht" in read
    assert "Note: first line\nsecond <U+202E>line" in read


def _tooltip_as_shown(qtbot: Any, view: Any, item: Any) -> str:
    """Hover ``item`` of the tree ``view``: the tooltip shown, as a person reads it."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent

    view.scrollToItem(item)
    spot = view.visualItemRect(item).center()
    hover = QHelpEvent(QEvent.Type.ToolTip, spot, view.viewport().mapToGlobal(spot))
    QApplication.sendEvent(view.viewport(), hover)

    def tip() -> QWidget | None:
        return next(
            (
                w
                for w in QApplication.topLevelWidgets()
                if w.objectName() == "qtooltip_label" and w.isVisible()
            ),
            None,
        )

    qtbot.waitUntil(lambda: tip() is not None)
    return _shown_to_a_reader(tip())


def test_a_contact_s_tooltip_on_the_person_page_shows_typed_text_as_typed(
    qtbot: Any, gui_desk: Any, rules: Any, fake_time: FakeTime
) -> None:
    """Each line of the person's history has its own text as a tooltip, and a tooltip
    guesses HTML: a tag in the ICE officer's name made it markup, and a comment opened
    there hid the rest of the line (a hostile pass)."""
    from trustdesk.ui.person_page import PersonPage

    hold(gui_desk, rules, "María Peña", "NH-9", "2026-11-20T12:00:00-05:00")
    _marked_up_contact(
        gui_desk,
        rules,
        fake_time,
        ice_office="ERO <b>Hartford</b>",
        ice_officer="DO Lee <!--",
        asked="<i>release</i> & custody?",
    )
    page = PersonPage(context(gui_desk, rules, fake_time, "officer"))
    qtbot.addWidget(page)
    page.resize(900, 700)
    page.show()
    qtbot.waitExposed(page)
    assert page.show_person("NH-9")
    lines = {}
    stack = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    while stack:
        item = stack.pop()
        lines[item.text(0)] = item
        stack.extend(item.child(i) for i in range(item.childCount()))
    who = "From ICE by phone: ERO <b>Hartford</b>, DO Lee <!--"
    asked = "Asked: <i>release</i> & custody?"
    assert who in lines and asked in lines
    assert _tooltip_as_shown(qtbot, page.tree, lines[who]) == who
    assert _tooltip_as_shown(qtbot, page.tree, lines[asked]) == asked


@pytest.mark.parametrize(
    "text",
    ["DO Lee <b></b><!--", "<i>release</i> & custody?\nsecond  line", "a < b, plain", ""],
)
def test_a_tooltip_of_stored_text_shows_it_literally(qtbot: Any, text: str) -> None:
    """The same for every tooltip that carries stored text (a pack's verification note,
    a locked setting's source, a question's help): what is shown is the text itself."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QLabel, QToolTip

    from trustdesk.ui.tooltips import plain_tip

    owner = QLabel("hover me")
    qtbot.addWidget(owner)
    owner.show()
    QToolTip.showText(owner.mapToGlobal(QPoint(2, 2)), plain_tip(text), owner)
    tip = [w for w in QApplication.topLevelWidgets() if w.objectName() == "qtooltip_label"]
    shown = [_shown_to_a_reader(w) for w in tip if w.isVisible()]
    assert shown == ([text] if text else [])
    QToolTip.hideText()

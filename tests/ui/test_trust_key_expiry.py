"""An administrator trusts a publisher's key until a date, by keyboard, in the Rule packs tab.

The dialog refuses a date that has passed or is not a date with a one-line message and
stays open with what was typed; the accepted expiry is audited and shown in the list,
and the key is listed as expired once the date has passed.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from test_admin_settings import admin_tab
from uikit import Answers

from trustdesk.rules.signing import PublicKey
from trustdesk.ui.trust_key_dialog import TrustKeyDialog

PUBLISHER = "Connecticut Police Chiefs Association"


@pytest.fixture
def key() -> PublicKey:
    private = Ed25519PrivateKey.generate()
    return PublicKey(PUBLISHER, private.public_key().public_bytes_raw())


def type_in_open_dialog(qtbot: Any, steps: Any) -> list[str]:
    """Run ``steps(dialog)`` once the modal trust dialog is up; collect what it reported.

    A failed step closes the dialog (so the test fails instead of waiting forever) and is
    reported as the last item.
    """
    seen: list[str] = []

    def act() -> None:
        dialog = next(
            (w for w in QApplication.topLevelWidgets() if isinstance(w, TrustKeyDialog)), None
        )
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, act)  # not shown yet
            return
        try:
            seen.extend(steps(dialog))
        except Exception as problem:  # reported to the test, which then fails
            seen.append(f"step failed: {problem!r}")
            dialog.reject()

    QTimer.singleShot(0, act)
    return seen


def test_a_key_is_trusted_until_a_date_typed_at_the_keyboard(
    make_window: Any,
    gui_desk: Any,
    qtbot: Any,
    answers: Answers,
    key: PublicKey,
    fake_time: Any,
) -> None:
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")

    def steps(dialog: TrustKeyDialog) -> list[str]:
        reported = []
        dialog.key.setFocus()
        qtbot.keyClicks(dialog.key, key.text)
        qtbot.keyClick(dialog.key, Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.expiry, dialog.focusWidget()
        qtbot.keyClicks(dialog.expiry, "2020-01-01")
        qtbot.keyClick(dialog.expiry, Qt.Key.Key_Return)
        reported.append(dialog.error.text())
        assert dialog.isVisible()  # refused: the dialog stays open with what was typed
        qtbot.keyClick(dialog.expiry, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.expiry, "30 June")
        qtbot.keyClick(dialog.expiry, Qt.Key.Key_Return)
        reported.append(dialog.error.text())
        assert dialog.isVisible()
        qtbot.keyClick(dialog.expiry, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(dialog.expiry, "2027-06-30")
        qtbot.keyClick(dialog.expiry, Qt.Key.Key_Return)
        return reported

    seen = type_in_open_dialog(qtbot, steps)
    assert tab.publishers.trust_button is not None
    tab.publishers.trust_button.setFocus()
    qtbot.keyClick(tab.publishers.trust_button, Qt.Key.Key_Space)

    assert seen == [
        "The expiry date 2020-01-01 has passed (today is 2026-11-20): give a later date, "
        "or leave it empty for no expiry.",
        "The expiry date “30 June” is not a date: type it as YYYY-MM-DD (for example "
        "2027-11-20), or leave it empty for no expiry.",
    ]
    trusted = gui_desk.store.audit.of_events("rules.publisher_trusted")
    assert len(trusted) == 1  # the refused dates changed nothing
    assert trusted[0].objects_dict()["expires_on"] == "2027-06-30"
    assert answers.infos and "until 2027-06-30" in answers.infos[-1]
    table = tab.publishers.table
    assert table.rowCount() == 1
    assert table.item(0, 3).text() == "2027-06-30"
    assert table.item(0, 4).text() == "trusted, until 2027-06-30"

    # After the last day, the list says the key has expired (its packs need an override).
    fake_time.jump_wall(days=230)
    tab.publishers.refresh()
    assert table.item(0, 4).text().startswith("EXPIRED on 2027-06-30")


def test_no_expiry_and_cancel(
    make_window: Any, gui_desk: Any, qtbot: Any, answers: Answers, key: PublicKey
) -> None:
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    assert tab.publishers.trust_button is not None

    def cancel(dialog: TrustKeyDialog) -> list[str]:
        qtbot.keyClicks(dialog.key, key.text)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        return []

    type_in_open_dialog(qtbot, cancel)
    qtbot.keyClick(tab.publishers.trust_button, Qt.Key.Key_Space)
    assert gui_desk.store.audit.of_events("rules.publisher_trusted") == []

    def empty_then_no_expiry(dialog: TrustKeyDialog) -> list[str]:
        qtbot.keyClick(dialog.key, Qt.Key.Key_Return)  # nothing pasted yet
        reported = [dialog.error.text()]
        qtbot.keyClicks(dialog.key, key.text)
        qtbot.keyClick(dialog.key, Qt.Key.Key_Return)
        return reported

    seen = type_in_open_dialog(qtbot, empty_then_no_expiry)
    qtbot.keyClick(tab.publishers.trust_button, Qt.Key.Key_Space)
    assert seen == ["Paste the publisher's public key line first."]
    trusted = gui_desk.store.audit.of_events("rules.publisher_trusted")
    assert [e.objects_dict()["expires_on"] for e in trusted] == [None]
    assert tab.publishers.table.item(0, 3).text() == "no expiry"
    assert tab.publishers.table.item(0, 4).text() == "trusted"

"""Agency settings and rule-pack import in the Administration tab."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialogButtonBox
from uikit import Answers

from pipekit import pipe_nobody_writes
from trustdesk import resources

LEFT = Qt.MouseButton.LeftButton
AGENCY_TITLE = "Connecticut TRUST Act as amended in 2025 (agency copy)"


def admin_tab(window: Any, name: str) -> Any:
    admin = window.workspace.admin
    window.workspace.tabs.setCurrentWidget(admin)
    tab = getattr(admin, name)
    admin.tabs.setCurrentWidget(tab)
    return tab


# --- agency settings ------------------------------------------------------------------------


def test_agency_settings_refuse_a_bad_ori_then_save_a_good_one(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers, tmp_path: Path
) -> None:
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "agency")
    assert tab.ori.text() == "CT0009300" and tab.preview.text() == "No logo"
    before = gui_desk.services.agency.profile()
    changes = len(gui_desk.store.audit.of_events("settings.changed"))

    tab.ori.clear()
    qtbot.keyClicks(tab.ori, "CT12")
    tab.facility.clear()
    qtbot.keyClicks(tab.facility, "Union Avenue Booking")
    qtbot.mouseClick(tab.save_button, LEFT)
    assert tab.error.isVisibleTo(tab) and "ORI 'CT12' is not an NCIC ORI" in tab.error.text()
    assert gui_desk.services.agency.profile() == before
    assert len(gui_desk.store.audit.of_events("settings.changed")) == changes

    logo = tmp_path / "logo.png"
    image = QImage(120, 60, QImage.Format.Format_RGB32)
    image.fill(QColor("#1a237e"))
    assert image.save(str(logo), "PNG")
    answers.open_file = str(logo)
    qtbot.mouseClick(tab.choose_logo, LEFT)
    assert not tab.preview.pixmap().isNull()
    assert "120 × 60" in tab.preview.accessibleName()

    tab.ori.clear()
    qtbot.keyClicks(tab.ori, "ct0006400")
    qtbot.mouseClick(tab.save_button, LEFT)
    assert not tab.error.isVisibleTo(tab)
    assert "Saved" in tab.saved.text()
    saved = gui_desk.services.agency.profile()
    assert saved.ori == "CT0006400" and saved.facility == "Union Avenue Booking"
    assert saved.logo == logo.read_bytes() and saved.logo_type == "image/png"
    assert tab.ori.text() == "CT0006400"
    entry = gui_desk.store.audit.of_events("settings.changed")[-1]
    assert entry.actor == "admin"
    assert len(gui_desk.store.audit.of_events("settings.changed")) == changes + 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_logo_chosen_that_is_a_pipe_is_refused_and_the_window_does_not_hang(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers, tmp_path: Path
) -> None:
    """A pipe named like an image (mkfifo seal.png) picked in the file dialog froze the
    whole window, waiting for a writer that never came."""
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "agency")
    pipe = tmp_path / "seal.png"
    pipe_nobody_writes(pipe)
    answers.open_file = str(pipe)
    qtbot.mouseClick(tab.choose_logo, LEFT)
    assert tab.error.isVisibleTo(tab)
    assert tab.error.text().endswith(
        f"The logo {pipe} is not a file (a folder, a pipe or a device); choose a PNG or JPEG "
        "image file."
    )
    assert tab.preview.text() == "No logo" and tab.logo is None


# --- rule packs ------------------------------------------------------------------------------


def pack_file(folder: Path, change: Any) -> Path:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    change(data)
    path = folder / "agency-ct-2025.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


OVERRIDE = "The agency's own edition, read by our counsel"


def import_through_tab(
    qtbot: Any, tab: Any, answers: Answers, path: Path, *, reason: str = OVERRIDE
) -> str:
    """Choose the file, wait for its check, then import it from the review dialog (ticking
    the override and typing ``reason`` when no trusted publisher signed it)."""
    answers.open_file = str(path)
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as checked:
        qtbot.mouseClick(tab.import_button, LEFT)
        assert tab.panel.busy and not tab.import_button.isEnabled()
    if checked.args[0] != "succeeded":
        return str(checked.args[0])
    dialog = tab.review_dialog
    assert dialog.isVisible()
    if not dialog.review.trust.trusted:
        assert not dialog.import_button.isEnabled()
        qtbot.keyClick(dialog.override, Qt.Key.Key_Space)
        qtbot.keyClicks(dialog.reason, reason)
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as blocker:
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert tab.import_button.isEnabled()
    return str(blocker.args[0])


def test_import_a_valid_pack(
    make_window: Any, qtbot: Any, gui_desk: Any, answers: Answers, tmp_path: Path
) -> None:
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    holder = window.context.rules_holder
    assert tab.table.item(2, 5).text() == "shipped with TrustDesk"
    source = pack_file(tmp_path, lambda d: d.update(title=AGENCY_TITLE))

    answers.open_file = str(source)
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000):
        qtbot.mouseClick(tab.import_button, LEFT)
    dialog = tab.review_dialog
    assert "Not signed" in dialog.signer.text() and not dialog.import_button.isEnabled()
    assert AGENCY_TITLE in dialog.changes.toPlainText()
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel), LEFT)
    assert not tab.panel.busy and not (gui_desk.store.data_dir / "rules").exists()

    with qtbot.waitSignal(window.workspace.admin.rules_changed, timeout=30_000):
        outcome = import_through_tab(qtbot, tab, answers, source)
    assert outcome == "succeeded" and answers.errors == []
    assert holder.get().pack("ct-2025").pack.title == AGENCY_TITLE
    installed = gui_desk.store.data_dir / "rules" / "ct-2025.json"
    assert installed.read_bytes() == source.read_bytes()
    assert tab.table.item(2, 1).text() == AGENCY_TITLE
    assert tab.table.item(2, 5).text() == "imported by the agency"
    assert "ct-2025" in tab.panel.status.text() and "shipped with TrustDesk" in (
        tab.panel.status.text()
    )
    entry = gui_desk.store.audit.of_events("rules.imported")[-1]
    assert entry.actor == "admin" and entry.objects_dict()["pack"] == "ct-2025"
    # The next start (a new window, its rules loaded without the import) applies it too.
    later = make_window(sign_in="officer")
    assert later.context.rules.pack("ct-2025").pack.title == AGENCY_TITLE


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("bad json", ": /: not valid JSON"),
        ("failing test", "/tests/0 ("),
    ],
)
def test_a_broken_pack_is_rejected_and_the_old_rules_stay(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    tmp_path: Path,
    broken: str,
    reason: str,
) -> None:
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    holder = window.context.rules_holder
    before = holder.get()
    if broken == "bad json":
        source = tmp_path / "agency-ct-2025.json"
        source.write_text('{"id": "ct-2025",', encoding="utf-8")
    else:

        def wrong_outcome(data: dict[str, Any]) -> None:
            data["tests"][0]["expect"]["decision"] = "decline"

        source = pack_file(tmp_path, wrong_outcome)
    assert import_through_tab(qtbot, tab, answers, source) == "failed"
    (message,) = answers.errors
    assert str(source) in message and reason in message
    if broken == "failing test":
        assert "expected decline, got honor" in message
    assert reason in tab.panel.status.text()
    assert holder.get() is before
    assert not (gui_desk.store.data_dir / "rules").exists()
    assert tab.table.item(2, 5).text() == "shipped with TrustDesk"
    assert gui_desk.store.audit.of_events("rules.import_refused")[-1].outcome == "failure"
    assert gui_desk.store.audit.of_events("rules.imported") == []

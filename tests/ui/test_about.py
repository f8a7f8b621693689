"""The About dialog: version, the rule packs in use with their verification, and warnings."""

from __future__ import annotations

import hashlib
import re
import sys
import types
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from trustdesk import __version__
from trustdesk.buildinfo import build_info
from trustdesk.ui.about import AboutDialog
from trustdesk.ui.clock import Clock
from trustdesk.ui.context import RulesHolder


def plain(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def at(year: int, month: int, day: int) -> Clock:
    return Clock(lambda: datetime(year, month, day, 12, tzinfo=UTC))


def test_lists_every_pack_with_its_verification(qtbot: Any, rules: Any) -> None:
    dialog = AboutDialog(None, RulesHolder(rules), at(2026, 11, 30))
    qtbot.addWidget(dialog)
    assert __version__ in dialog.version.text()
    text = plain(dialog.details.text())
    for loaded in rules.packs:
        pack = loaded.pack
        assert f"{pack.id} — {pack.title}" in text
        assert f"Last verified on {pack.last_verified_on:%d %b %Y}" in text
    assert text.count("Last verified on 27 Nov 2026") == 3
    assert "In force: 01 Oct 2025 – no end date" in text
    assert "Checked against the project's law reference" in text  # the verification note
    assert "Unverified lists: " in text and text.count("All lists verified.") == 2
    assert "Connecticut offense catalog: last verified on 27 Nov 2026" in text
    # ct-2025's list of added offenses is unverified: the warning says so.
    assert dialog.warning.isVisibleTo(dialog)
    assert "Rule pack ct-2025 contains unverified data" in dialog.warning.text()
    assert "12 months" not in dialog.warning.text()


def test_warns_when_verification_is_older_than_12_months(qtbot: Any, rules: Any) -> None:
    dialog = AboutDialog(None, RulesHolder(rules), at(2028, 1, 5))
    qtbot.addWidget(dialog)
    warning = dialog.warning.text()
    for pack_id in ("ct-2014", "ct-2019", "ct-2025"):
        assert f"Rule pack {pack_id} was last verified on 27 Nov 2026, more than 12 months" in (
            warning
        )
    assert "offense catalog was last verified" in warning


def test_help_menu_opens_it(make_window: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[Any, ...]] = []
    monkeypatch.setattr(AboutDialog, "ask", classmethod(lambda cls, *args: asked.append(args)))
    window = make_window()
    window.about_action.trigger()
    assert asked == [(window, window.rules, window.clock)]


def test_shows_the_build_and_each_packs_sha256(qtbot: Any, rules: Any) -> None:
    dialog = AboutDialog(None, RulesHolder(rules), at(2026, 11, 30))
    qtbot.addWidget(dialog)
    build = build_info()
    assert f"Build: commit {build.commit[:12]} of {build.date} (source checkout)" == (
        dialog.build.text()
    )
    text = plain(dialog.details.text())
    for loaded in rules.packs:
        digest = hashlib.sha256(Path(loaded.path).read_bytes()).hexdigest()
        assert f"SHA-256: {digest}" in text


def test_a_frozen_build_shows_its_own_version_commit_and_date(
    qtbot: Any, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen = types.ModuleType("_trustdesk_build")
    frozen.VERSION, frozen.COMMIT, frozen.DATE = "9.8.7", "f" * 40, "2026-12-04T05:00:00Z"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_trustdesk_build", frozen)
    dialog = AboutDialog(None, RulesHolder(rules), at(2026, 11, 30))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert "TrustDesk 9.8.7" in dialog.version.text()
    assert (
        dialog.build.text() == "Build: commit ffffffffffff of 2026-12-04T05:00:00Z (frozen build)"
    )
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

"""issue 17 §3 in the app: a pack dropped by hand into rules/ is named, not applied."""

from __future__ import annotations

import json
from typing import Any

from test_admin_settings import admin_tab

from trustdesk import resources


def test_administration_names_a_dropped_pack_and_the_shipped_one_decides(
    make_window: Any, gui_desk: Any
) -> None:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["title"] = "Dropped by hand"
    folder = gui_desk.store.data_dir / "rules"
    folder.mkdir()
    dropped = folder / "ct-2025.json"
    dropped.write_text(json.dumps(data), encoding="utf-8")
    window = make_window(sign_in="administrator")
    assert window.context.rules.pack("ct-2025").pack.title != "Dropped by hand"
    tab = admin_tab(window, "packs")
    assert tab.warnings.isVisible()
    text = tab.warnings.text()
    assert str(dropped) in text and "no import of this file is recorded" in text
    assert "import the pack again" in text
    assert tab.table.item(2, 5).text() == "shipped with TrustDesk"

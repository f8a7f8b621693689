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


def test_administration_says_a_format_1_import_is_applied_all_unverified(
    make_window: Any, gui_desk: Any
) -> None:
    """Decision 0031: a pack the agency imported in format 1 stays in force, saying so."""
    import hashlib
    from datetime import UTC, datetime

    from trustdesk.rules.pack_history import MANIFEST, history_dir
    from trustdesk.store.records import Actor, AuditEvent

    entries = json.loads((history_dir() / MANIFEST).read_text())["packs"]
    (old,) = [e for e in entries if e["schema_version"] == 1 and e["id"] == "ct-2025"]
    raw = json.loads((history_dir() / old["file"]).read_bytes())
    raw["title"] = "Imported before the upgrade"
    pack = json.dumps(raw, indent=1).encode()
    folder = gui_desk.store.data_dir / "rules"
    folder.mkdir()
    (folder / "ct-2025.json").write_bytes(pack)
    gui_desk.store.audit.record(
        AuditEvent(
            "rules.imported",
            "success",
            {"pack": "ct-2025", "sha256": hashlib.sha256(pack).hexdigest()},
        ),
        Actor(None, "admin", "desk-1"),
        datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
    )
    window = make_window(sign_in="administrator")
    assert window.context.rules.pack("ct-2025").pack.title == "Imported before the upgrade"
    tab = admin_tab(window, "packs")
    assert tab.warnings.isVisible()
    text = tab.warnings.text()
    assert "rule-pack format 1" in text and "EVERY item unverified" in text
    assert "import a format-2 version" in text

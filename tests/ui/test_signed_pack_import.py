"""An administrator trusts a publisher's key, then imports the publisher's signed pack in the
Rule packs tab: the signer and the difference are shown before anything changes; a tampered
file is refused; an untrusted one needs the override and a typed reason, audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from test_admin_settings import admin_tab
from uikit import Answers

from trustdesk import resources
from trustdesk.rules.signing import PublicKey, sign_pack
from trustdesk.ui.trust_key_dialog import TrustAnswer, TrustKeyDialog

LEFT = Qt.MouseButton.LeftButton
PUBLISHER = "Connecticut Police Chiefs Association"
TITLE = "Connecticut TRUST Act, 2025 (association edition)"


def edition() -> bytes:
    """ct-2025 as the association publishes it: retitled, one offense taken off its list."""
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["title"] = TITLE
    data["lists"][0]["statutes"].remove("53a-223b")
    del data["lists"][0]["entries"]["53a-223b"]  # format 2: entries verify exactly the list
    return json.dumps(data, indent=1).encode()


@pytest.fixture
def publisher() -> tuple[Ed25519PrivateKey, PublicKey]:
    private = Ed25519PrivateKey.generate()
    return private, PublicKey(PUBLISHER, private.public_key().public_bytes_raw())


def trust_in_tab(qtbot: Any, tab: Any, key: PublicKey, monkeypatch: pytest.MonkeyPatch) -> None:
    answer = TrustAnswer(key.text, None)
    monkeypatch.setattr(TrustKeyDialog, "ask", classmethod(lambda cls, parent, today: answer))
    qtbot.mouseClick(tab.publishers.trust_button, LEFT)


def check_file(qtbot: Any, tab: Any, answers: Answers, path: Path) -> str:
    answers.open_file = str(path)
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as checked:
        qtbot.mouseClick(tab.import_button, LEFT)
    return str(checked.args[0])


def test_a_signed_pack_from_a_trusted_publisher(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    tmp_path: Path,
    publisher: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private, key = publisher
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    assert tab.publishers.table.rowCount() == 0

    trust_in_tab(qtbot, tab, key, monkeypatch)
    table = tab.publishers.table
    assert table.rowCount() == 1
    assert (table.item(0, 0).text(), table.item(0, 1).text()) == (PUBLISHER, key.fingerprint)
    assert table.item(0, 2).text().startswith("added by admin on ")
    trusted = gui_desk.store.audit.of_events("rules.publisher_trusted")[-1]
    assert trusted.actor == "admin" and trusted.objects_dict()["fingerprint"] == key.fingerprint

    source = tmp_path / "association-ct-2025.tdpack"
    source.write_bytes(sign_pack(edition(), private, PUBLISHER))
    assert check_file(qtbot, tab, answers, source) == "succeeded"
    dialog = tab.review_dialog
    assert dialog.isVisible()
    # Who signed it: name, fingerprint, trusted.
    signer = dialog.signer.text()
    assert PUBLISHER in signer and key.fingerprint in signer and "The key is trusted" in signer
    assert dialog.override is None and dialog.import_button.isEnabled()
    # What it changes against the pack in force for its period.
    changes = dialog.changes.toPlainText()
    assert "Removed: § 53a-223b Criminal violation of a restraining order" in changes
    assert f"now: {TITLE}" in changes
    assert not (gui_desk.store.data_dir / "rules").exists()  # nothing imported yet

    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as done:
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert done.args[0] == "succeeded" and answers.errors == []
    assert window.context.rules_holder.get().pack("ct-2025").pack.title == TITLE
    assert (gui_desk.store.data_dir / "rules" / "ct-2025.json").read_bytes() == edition()
    entry = gui_desk.store.audit.of_events("rules.imported")[-1].objects_dict()
    assert (entry["signature"], entry["publisher"], entry["key_fingerprint"]) == (
        "trusted",
        PUBLISHER,
        key.fingerprint,
    )
    assert entry["override_reason"] is None


def test_a_tampered_signed_pack_is_refused_in_the_tab(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    tmp_path: Path,
    publisher: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    private, key = publisher
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    trust_in_tab(qtbot, tab, key, monkeypatch)
    signed = bytearray(sign_pack(edition(), private, PUBLISHER))
    signed[signed.index(b"53a-223a")] = ord("6")  # one byte of the list
    source = tmp_path / "association-ct-2025.tdpack"
    source.write_bytes(bytes(signed))
    assert check_file(qtbot, tab, answers, source) == "failed"
    (message,) = answers.errors
    assert str(source) in message and "changed after it was signed" in message
    assert tab.review_dialog is None
    assert not (gui_desk.store.data_dir / "rules").exists()
    assert gui_desk.store.audit.of_events("rules.imported") == []


def test_an_untrusted_signature_needs_the_override_and_a_reason(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    tmp_path: Path,
    publisher: Any,
) -> None:
    private, key = publisher  # never trusted here
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    source = tmp_path / "association-ct-2025.tdpack"
    source.write_bytes(sign_pack(edition(), private, PUBLISHER))
    assert check_file(qtbot, tab, answers, source) == "succeeded"
    dialog = tab.review_dialog
    assert "NOT one of the publishers your agency trusts" in dialog.signer.text()
    assert key.fingerprint in dialog.signer.text()
    assert not dialog.import_button.isEnabled() and not dialog.reason.isEnabled()
    qtbot.keyClick(dialog.override, Qt.Key.Key_Space)
    assert dialog.override.isChecked() and dialog.reason.isEnabled()
    qtbot.keyClicks(dialog.reason, "short")
    assert not dialog.import_button.isEnabled()  # a reason, not a word
    why = " - counsel compared it with the association's printed copy"
    qtbot.keyClicks(dialog.reason, why)
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(tab.panel.finished, timeout=30_000) as done:
        qtbot.mouseClick(dialog.import_button, LEFT)
    assert done.args[0] == "succeeded" and answers.errors == []
    entry = gui_desk.store.audit.of_events("rules.imported")[-1]
    assert entry.actor == "admin"
    objects = entry.objects_dict()
    assert objects["signature"] == "untrusted" and objects["override_reason"] == "short" + why
    assert objects["sha256"] == window.context.rules_holder.get().pack("ct-2025").pack.sha256


def test_an_administrator_withdraws_a_trusted_key(
    make_window: Any,
    qtbot: Any,
    gui_desk: Any,
    answers: Answers,
    publisher: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, key = publisher
    window = make_window(sign_in="administrator")
    tab = admin_tab(window, "packs")
    trust_in_tab(qtbot, tab, key, monkeypatch)
    table = tab.publishers.table
    qtbot.mouseClick(tab.publishers.untrust_button, LEFT)  # nothing selected yet
    assert answers.errors == ["Select a key in the list first."]
    table.selectRow(0)
    answers.confirm = False
    qtbot.mouseClick(tab.publishers.untrust_button, LEFT)
    assert key.fingerprint in answers.questions[-1] and table.rowCount() == 1
    answers.confirm = True
    qtbot.mouseClick(tab.publishers.untrust_button, LEFT)
    # Revoked, not forgotten: the row stays and says so (decision 0031).
    assert table.rowCount() == 1
    state = table.item(0, 4)
    assert state is not None and "REVOKED on " in state.text()
    assert "packs imported before stay in force" in state.text()
    withdrawn = gui_desk.store.audit.of_events("rules.publisher_untrusted")
    assert [e.objects_dict()["fingerprint"] for e in withdrawn] == [key.fingerprint]
    assert withdrawn[0].actor == "admin"

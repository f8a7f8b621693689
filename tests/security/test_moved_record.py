"""A desk's record moved onto a server (`store migrate`), and the old folder worked in
again: before, nothing stopped it and nothing recorded the move. Now the folder is
refused for work, and the mark is its chain's own entry (no flag in ``meta`` to delete):
taking the entry out with sqlite3 leaves a chain shorter than this workstation's anchor,
which `audit verify` reports (decision 0082)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile import PASSWORDS, attacker, staff, the_error
from storekit import in_process_cli


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(tmp_path / "anchors"))
    monkeypatch.delenv("TRUSTDESK_DATABASE", raising=False)
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)


def test_the_moved_folder_is_refused_and_its_mark_cannot_be_quietly_removed(
    cli: Any, pg_cluster: Any
) -> None:
    staff(cli)
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    code, _out, err = cli("store", "migrate", "--from", str(cli.data), "--to", url)
    assert code == 0, err
    code, _out, err = cli("users", "add", "eve", "--role", "officer", "--as", "chief", who="chief")
    assert code == 2 and "was moved on" in the_error(err)

    with attacker(cli.data) as conn:
        conn.execute("DELETE FROM audit_log WHERE event = 'store.migrated_out'")
    code, out, err = cli("audit", "verify", "--as", "chief", who="chief")
    assert code == 3, out + err
    assert "AUDIT TRAIL" in err and "Traceback" not in err

"""``trustdesk agency jurisdiction [CODE]``: show the state whose law applies, change it
(administrators only, audited, new decisions only), refuse what it cannot apply."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from storekit import in_process_cli
from test_agency_cli import PASSWORDS, one_line_error


@pytest.fixture
def cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str | None,
) -> Any:
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS, database)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    code, _out, err = run(
        "users", "add", "ann", "--role", "officer", "--as", "chief", who="chief",
        new=PASSWORDS["ann"],
    )  # fmt: skip
    assert code == 0, err
    return run


def test_show_change_and_refusals(cli: Any) -> None:
    code, out, _err = cli("agency", "jurisdiction")
    assert (code, out.strip()) == (0, "jurisdiction  CT (Connecticut), default")

    code, _out, err = cli("agency", "jurisdiction", "CA", "--as", "ann", who="ann")
    assert code == 2 and "may not change the agency settings" in one_line_error(err)
    code, _out, err = cli("agency", "jurisdiction", "TX", "--as", "chief", who="chief")
    assert code == 2 and "'TX' is not one TrustDesk has packs for" in one_line_error(err)
    assert cli("agency", "jurisdiction")[1].strip().startswith("jurisdiction  CT")

    code, out, err = cli("agency", "jurisdiction", "ca", "--as", "chief", who="chief")
    assert code == 0, err
    assert "jurisdiction  CA (California), was CT; recorded in the audit trail" in out
    assert "NEW decisions only" in out
    code, out, _err = cli("agency", "jurisdiction")
    assert out.strip() == "jurisdiction  CA (California), chosen by the agency"
    code, out, _err = cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")
    assert (code, out.strip()) == (0, "jurisdiction  CA (California) unchanged")

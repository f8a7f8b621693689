"""Fixtures shared by the store's command-line tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from storekit import in_process_cli
from test_agency_cli import PASSWORDS


@pytest.fixture
def cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str | None,
) -> Any:
    """The command line on a fresh data folder with administrator chief and officer ann
    (a test module defining its own ``cli`` uses that one instead)."""
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS, database)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    code, _out, err = run(
        "users", "add", "ann", "--role", "officer", "--as", "chief", who="chief",
        new=PASSWORDS["ann"],
    )  # fmt: skip
    assert code == 0, err
    return run

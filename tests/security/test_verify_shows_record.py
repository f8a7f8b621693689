"""issue 17 §4: a verification shows what the record says, not just MATCH.

A forged paper memo can carry a genuine code; only comparing the paper with what the
record says exposes it. So `verify --code`, `verify FILE.pdf` and the app's Verify dialog
print the person, booking number, decision, grounds, hold expiry, decision time,
officer, version and whether a later amendment exists, and ask for the comparison.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from recordkit import case_file, desk_cli, staff


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = desk_cli(tmp_path / "data", monkeypatch, capsys)
    staff(run)
    return run


def _memo(cli: Any, tmp_path: Path) -> tuple[Path, str]:
    case = case_file(tmp_path, tsdb_match=True, releasable_at="2026-11-19T15:00:00-05:00")
    code, out, err = cli("decisions", "add", case, "--as", "ann", who="ann")
    assert code == 0 and out == "1\n", err
    target = tmp_path / "memo.pdf"
    code, out, err = cli("memo", "1", "-o", str(target), "--as", "ann", who="ann")
    assert code == 0, err
    found = re.search(r"code (\S+)", err)
    assert found is not None, err
    return target, found.group(1)


def _fields(out: str) -> dict[str, str]:
    fields = {}
    for line in out.splitlines()[1:]:
        label, sep, value = line.strip().partition(":")
        if sep and value.startswith(" "):
            fields[label] = value.strip()
    return fields


def test_verify_code_prints_what_the_record_says(cli: Any, tmp_path: Path) -> None:
    _pdf, memo_code = _memo(cli, tmp_path)
    code, out, err = cli("verify", "--code", memo_code, "--as", "aud", who="aud")
    assert code == 0, err
    assert out.startswith("MATCH: ")
    fields = _fields(out)
    assert fields["Person"] == "María Peña, born 1990-04-17"
    assert fields["Booking number"] == "NH-2026-0412"
    assert fields["Decision"] == "HOLD PERMITTED"
    assert "tsdb" in fields["Grounds"].lower() or "terror" in fields["Grounds"].lower()
    assert fields["Hold expires"] == "Mon 23 Nov 2026 15:00 EST"
    assert fields["Decision time"] == "Thu 19 Nov 2026 09:00 EST"
    assert fields["Officer"] == "ann"
    assert fields["Version"] == "1 of decision 1"
    assert fields["Later amendment"].startswith("no")
    assert "Compare every line above with the paper memo" in out


def test_verify_file_prints_the_record_and_names_a_later_amendment(
    cli: Any, tmp_path: Path
) -> None:
    pdf, memo_code = _memo(cli, tmp_path)
    fixed = case_file(tmp_path, "fixed.json", tsdb_match=False)
    code, _out, err = cli(
        "decisions", "amend", "1", fixed, "--reason", "TSDB hit withdrawn", "--as", "ann", who="ann"
    )
    assert code == 0, err
    for how in (["--code", memo_code], [str(pdf)]):
        code, out, err = cli("verify", *how, "--as", "ann", who="ann")
        assert code == 0, err
        fields = _fields(out)
        assert fields["Version"] == "1 of decision 1"
        assert fields["Decision"] == "HOLD PERMITTED"
        assert fields["Later amendment"].startswith("YES — version 2 amends this record")


def test_an_administrator_is_told_whom_to_ask(cli: Any, tmp_path: Path) -> None:
    _pdf, memo_code = _memo(cli, tmp_path)
    code, out, _err = cli("verify", "--code", memo_code, "--as", "chief", who="chief")
    assert code == 0 and out.startswith("MATCH")
    assert "María" not in out and "ask an officer, supervisor or auditor" in out


# The same in the desktop app: tests/ui/test_verify_shows_record_gui.py (Qt fixtures).

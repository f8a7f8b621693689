"""The command line with pack format 3: ``rules migrate``, ``rules validate --catalog``,
and ``evaluate`` printing every action's outcome (decision 0036)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from casekit import conviction, make_case
from trustdesk.rules.packs import bundled_pack_paths

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


def trustdesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trustdesk", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "TRUSTDESK_DEBUG": ""},
        timeout=120,
        check=False,
    )


def test_migrate_writes_a_format_3_pack_that_validates(tmp_path: Path) -> None:
    source = next(p for p in bundled_pack_paths() if p.name == "ct-2019.json")
    before = source.read_bytes()
    out = tmp_path / "ct-2019-v3.json"
    result = trustdesk("rules", "migrate", str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "format-3 rule pack ct-2019" in result.stdout
    assert "all 21 embedded test cases pass" in result.stdout
    assert source.read_bytes() == before  # the original is never touched
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["schema_version"] == 3 and "contacts" not in written
    assert written["timezone"] == "America/New_York"
    checked = trustdesk("rules", "validate", str(out))
    assert checked.returncode == 0, checked.stderr
    # Run again: the output exists, nothing is overwritten.
    again = trustdesk("rules", "migrate", str(source), "-o", str(out))
    assert again.returncode == 2
    assert again.stderr.strip().endswith("already exists; choose a new file name for the output")
    # A format-3 pack has nothing to convert.
    third = trustdesk("rules", "migrate", str(out), "-o", str(tmp_path / "x.json"))
    assert third.returncode == 2 and "is already format 3" in third.stderr
    assert not (tmp_path / "x.json").exists()


def test_migrate_refuses_a_bad_pack_with_a_pointer(tmp_path: Path) -> None:
    raw = json.loads(bundled_pack_paths()[0].read_text(encoding="utf-8"))
    raw["hold_clock"]["hours"] = 0
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(raw), encoding="utf-8")
    result = trustdesk("rules", "migrate", str(bad), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 2
    assert "/hold_clock/hours" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.json").exists()


def test_validate_uses_the_catalog_of_the_packs_jurisdiction() -> None:
    pack = str(FIXTURES / "zz-2020.json")
    missing = trustdesk("rules", "validate", pack)
    assert missing.returncode == 2
    assert "no offense catalog is shipped for ZZ; give one with --catalog FILE" in missing.stderr
    given = trustdesk("rules", "validate", pack, "--catalog", str(FIXTURES / "zz-catalog.json"))
    assert given.returncode == 0, given.stderr
    assert "valid rule pack zz-2020; all 15 embedded test cases pass" in given.stdout


def test_evaluate_prints_every_actions_outcome(tmp_path: Path) -> None:
    case = make_case(
        decision_time="2026-11-20T11:00:00-05:00",
        convictions=[conviction("53a-134", "felony", "B")],
    )
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case), encoding="utf-8")
    text = trustdesk("evaluate", str(path))
    assert text.returncode == 0, text.stderr
    assert "HOLD PERMITTED UNDER Conn. Gen. Stat. § 54-192h" in text.stdout
    actions = text.stdout.split("Actions:\n", 1)[1].split("Criteria:", 1)[0]
    assert "[    MAY] Release date: Release date may be shared" in actions
    assert "grounds: class_a_b_felony_conviction" in actions
    assert "Confidential information" in actions and "MAY NOT" in actions
    data = trustdesk("evaluate", str(path), "--format", "json")
    outcomes = {o["id"]: o["outcome"] for o in json.loads(data.stdout)["outcomes"]}
    assert outcomes["hold"] == "allowed" and outcomes["confidential"] == "not_allowed"
    assert outcomes["transfer"] == "allowed"


def test_evaluate_under_a_jurisdiction_without_packs_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(make_case()), encoding="utf-8")
    result = trustdesk("evaluate", str(path), "--jurisdiction", "zz")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--jurisdiction 'ZZ' is not a jurisdiction TrustDesk has packs for" in result.stderr

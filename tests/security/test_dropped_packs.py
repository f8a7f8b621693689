"""issue 17 §3: a rule pack dropped straight into the data folder's `rules/` came into
force with no audit entry.

A pack file is applied only when the audit chain records its import (`rules.imported`,
written by the import path); a file put there by hand, or changed after its import, is
not applied and is named with the fix, and a broken file does not stop the packs that
are fine. The shipped pack never stands in for an imported one that is skipped.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from recordkit import PASSWORDS, desk_cli, staff
from storekit import run_trustdesk

from casekit import conviction, make_case
from trustdesk import resources
from trustdesk.rules.registry import load_rules

#: On ct-2025's list, in none of its embedded tests: dropping it turns honor to decline.
STATUTE = "53a-103a"
CASE = make_case(
    decision_time="2026-11-20T11:05:00-05:00",
    releasable_at="2026-11-20T15:00:00-05:00",
    convictions=[conviction(STATUTE, "felony", "D", date="2020-03-02")],
)


#: Test packs are unsigned: each import is an administrator's recorded override.
UNSIGNED = "an agency test pack, unsigned"


def _lenient_pack(folder: Path, title: str = "Dropped by hand") -> Path:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["title"] = title
    data["lists"][0]["statutes"].remove(STATUTE)
    del data["lists"][0]["entries"][STATUTE]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ct-2025.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _evaluate(data: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    return run_trustdesk(data, "evaluate", str(case), "--format", "json")


class _Holder:
    def replace(self, rules: Any) -> None:
        self.rules = rules


def _import(data: Path, source: Path) -> str:
    from storekit import FAST_HASHER

    from trustdesk.services.bundle import open_services

    with open_services(data, load_rules(), hasher=FAST_HASHER) as services:
        session = services.accounts.log_on("chief", PASSWORDS["chief"])
        return services.rulepacks.import_pack(session, source, _Holder(), override=UNSIGNED).sha256


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Path:
    cli = desk_cli(tmp_path / "data", monkeypatch, capsys)
    staff(cli)
    folder: Path = cli.data
    return folder


def test_a_pack_dropped_by_hand_is_not_applied_and_is_named(data: Path, tmp_path: Path) -> None:
    shipped = load_rules().pack("ct-2025").pack.sha256
    dropped = _lenient_pack(data / "rules")
    result = _evaluate(data, tmp_path)
    assert result.returncode == 0, result.stderr
    decided = json.loads(result.stdout)
    assert decided["rule_pack_sha256"] == shipped and decided["decision"] == "honor"
    [warning] = result.stderr.strip().splitlines()
    assert warning.startswith(f"trustdesk: warning: {dropped}: not applied")
    assert "no import of this file is recorded in the audit trail" in warning
    assert "remove it from that folder, or import the pack again" in warning


def test_the_same_pack_imported_through_trustdesk_is_applied(data: Path, tmp_path: Path) -> None:
    sha = _import(data, _lenient_pack(tmp_path / "usb", "Imported"))
    result = _evaluate(data, tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    decided = json.loads(result.stdout)
    assert decided["rule_pack_sha256"] == sha and decided["decision"] == "decline"


def test_an_older_version_copied_back_is_not_applied(data: Path, tmp_path: Path) -> None:
    first = _lenient_pack(tmp_path / "v1", "v1")
    _import(data, first)
    newer = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    newer["title"] = "v2"
    second = tmp_path / "v2" / "ct-2025.json"
    second.parent.mkdir()
    second.write_text(json.dumps(newer), encoding="utf-8")
    sha2 = _import(data, second)
    (data / "rules" / "ct-2025.json").write_bytes(first.read_bytes())  # a rollback by hand
    result = _evaluate(data, tmp_path)
    assert result.returncode == 2 and "not applied" in result.stderr
    assert "the rule pack for this date is not applied" in result.stderr
    assert sha2 not in result.stdout


def test_a_broken_pack_does_not_stop_the_packs_that_are_fine(data: Path, tmp_path: Path) -> None:
    (data / "rules").mkdir()
    broken = data / "rules" / "ct-2031.json"
    broken.write_text('{"id": "ct-2031",', encoding="utf-8")
    result = _evaluate(data, tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["decision"] == "honor"
    [warning] = result.stderr.strip().splitlines()
    assert str(broken) in warning and "remove it from that folder" in warning


def test_the_desktop_app_skips_it_too(data: Path) -> None:
    from storekit import FAST_HASHER

    from trustdesk.services.bundle import open_services
    from trustdesk.ui.context import RulesHolder

    dropped = _lenient_pack(data / "rules")
    holder = RulesHolder()
    with open_services(data, holder, hasher=FAST_HASHER) as services:
        holder.use_data_folder(services.store.data_dir, services.rulepacks.in_force)
        rules = holder.get()
    assert rules.pack("ct-2025").pack.sha256 == load_rules().pack("ct-2025").pack.sha256
    assert [str(dropped) in message for message in rules.skipped] == [True]


def test_the_light_reader_names_the_stores_database_file() -> None:
    from trustdesk.store import pack_imports, paths

    assert pack_imports._DB_NAME == paths.DB_NAME

"""The command line applies the data folder's imported rule packs, exactly as the desktop app.

Whatever the app decides on a data folder, ``trustdesk`` decides identically on it: every
command that decides, lists, tests or prints with rule packs loads the packs the agency
imported into ``<data dir>/rules`` (``--data-dir``, else the per-user data folder). A
damaged imported pack, or one not imported through TrustDesk (audited), is not applied and
is named with the fix; the shipped pack never silently stands in for it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk import resources
from trustdesk.rules.registry import load_rules, rules_for_data_dir

sys.path.insert(0, str(Path(__file__).parent / "store"))
from storekit import in_process_cli, run_trustdesk

#: On ct-2025's list of offenses, but in none of its embedded tests: dropping it leaves
#: the pack's own tests passing while a decision on it changes (honor → decline).
STATUTE = "53a-103a"
CASE = make_case(
    decision_time="2026-11-20T11:05:00-05:00",
    releasable_at="2026-11-20T15:00:00-05:00",
    convictions=[conviction(STATUTE, "felony", "D", date="2020-03-02")],
)
PASSWORDS = {"chief": "stone bridge harvest 1", "ann": "quiet orchard window"}


#: Test packs are unsigned: each import is an administrator's recorded override.
UNSIGNED = "an agency test pack, unsigned"


def agency_pack(folder: Path, title: str = "Agency edition", *, drop: bool = True) -> Path:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["title"] = title
    if drop:
        data["lists"][0]["statutes"].remove(STATUTE)
        del data["lists"][0]["entries"][STATUTE]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "agency.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


class _Holder:
    def replace(self, rules: Any) -> None:
        self.rules = rules


def import_into(data: Path, source: Path) -> str:
    """Import ``source`` into data folder ``data`` as the app does (audited); its SHA-256.

    As administrator chief, who is created first on a folder without accounts.
    """
    from storekit import FAST_HASHER

    from trustdesk.services.bundle import open_services

    with open_services(data, load_rules(), hasher=FAST_HASHER) as services:
        if services.accounts.needs_first_administrator():
            services.accounts.create_first_administrator("chief", PASSWORDS["chief"])
        session = services.accounts.log_on("chief", PASSWORDS["chief"])
        return services.rulepacks.import_pack(session, source, _Holder(), override=UNSIGNED).sha256


def case_file(folder: Path, raw: dict[str, Any] = CASE) -> Path:
    path = folder / "case.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


def evaluated(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    output: dict[str, Any] = json.loads(result.stdout)
    return output


def test_evaluate_uses_the_imported_pack_the_app_uses(tmp_path: Path) -> None:
    data = tmp_path / "data"
    case = case_file(tmp_path)
    shipped = load_rules().pack("ct-2025").pack.sha256
    before = evaluated(run_trustdesk(data, "evaluate", str(case), "--format", "json"))
    assert (before["decision"], before["rule_pack_sha256"]) == ("honor", shipped)

    sha = import_into(data, agency_pack(tmp_path / "usb"))
    assert sha != shipped
    # The desktop app's rule set on this folder (ui/context.py RulesHolder).
    gui = load_rules(extra_dir=data / "rules")
    gui_pack = gui.pack_for(datetime.fromisoformat(CASE["decision_time"]))
    assert gui_pack.sha256 == sha
    after = evaluated(run_trustdesk(data, "evaluate", str(case), "--format", "json"))
    assert (after["rule_pack"], after["rule_pack_sha256"]) == ("ct-2025", gui_pack.sha256)
    assert after["decision"] == "decline"
    # Another data folder is not affected.
    other = evaluated(run_trustdesk(tmp_path / "other", "evaluate", str(case), "--format", "json"))
    assert other["rule_pack_sha256"] == shipped


def test_the_default_data_folder_is_used_without_data_dir(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    sha = import_into(xdg / "trustdesk", agency_pack(tmp_path / "usb"))
    case = case_file(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "trustdesk", "evaluate", str(case), "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "TRUSTDESK_DEBUG": "", "XDG_DATA_HOME": str(xdg)},
        timeout=120,
        check=False,
    )
    assert evaluated(result)["rule_pack_sha256"] == sha


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize("xdg", [None, "/srv/data", "relative/ignored", ""])
def test_default_data_folder_is_platformdirs_answer(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    from platformdirs import user_data_dir

    from trustdesk.store.paths import default_data_dir

    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert str(default_data_dir()) == user_data_dir("trustdesk", appauthor=False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux skips platformdirs")
def test_evaluate_does_not_import_platformdirs(tmp_path: Path) -> None:
    """``evaluate`` reaches neither platformdirs nor the database; once the packs'
    validation cache is written, not even the modules that writing it needs. The test
    has a cache folder of its own: with the shared one it passed or failed depending on
    whether an earlier test had written the cache."""
    code = (
        "import sys, io, contextlib\n"
        "from trustdesk.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['evaluate', {str(case_file(tmp_path))!r}, '--format', 'json']) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('platformdirs', 'sqlite3', 'tempfile', 'shutil')))\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "TRUSTDESK_NO_CACHE"},
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        "TRUSTDESK_CACHE_DIR": str(tmp_path / "cache"),
    }

    def imported() -> str:
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    # The first run validates the packs and writes the cache (tempfile, shutil).
    assert imported() == "['shutil', 'tempfile']"
    assert list((tmp_path / "cache").rglob("*.json")), "the first run wrote no cache"
    assert imported() == "[]"


def test_rules_list_and_test_show_the_imported_pack(tmp_path: Path) -> None:
    data = tmp_path / "data"
    sha = import_into(data, agency_pack(tmp_path / "usb"))
    listed = run_trustdesk(data, "rules", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Agency edition" in listed.stdout and sha in listed.stdout
    assert "imported by the agency" in listed.stdout
    assert "in place of the one shipped with TrustDesk" in listed.stdout
    tested = run_trustdesk(data, "rules", "test")
    assert tested.returncode == 0, tested.stdout
    assert "0 failed" in tested.stdout
    assert run_trustdesk(data, "demo").returncode == 0


@pytest.mark.parametrize(
    "command",
    [
        ("evaluate", "{case}", "--format", "json"),
        ("demo",),
        ("rules", "list"),
        ("rules", "test"),
        ("decisions", "add", "{case}", "--as", "ann"),
        ("memo", "1", "-o", "{out}", "--as", "ann"),
    ],
    ids=lambda command: "-".join(command[:2]).replace("{case}", "").strip("-"),
)
def test_a_damaged_imported_pack_is_named_and_its_dates_refused(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    # issue 17: a damaged pack no longer stops every command (packs that are fine still
    # decide, see tests/security/test_dropped_packs.py), but the shipped pack of its id
    # never stands in for it: a case on its dates is refused, naming the file and the fix.
    data = tmp_path / "data"
    import_into(data, agency_pack(tmp_path / "usb"))
    damaged = data / "rules" / "ct-2025.json"
    damaged.write_text('{"id": "ct-2025",', encoding="utf-8")
    values = {"case": str(case_file(tmp_path)), "out": str(tmp_path / "memo.pdf")}
    args = [part.format(**values) for part in command]
    result = run_trustdesk(data, *args, password=PASSWORDS["ann"])
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"trustdesk: warning: {damaged}: not applied")
    assert "remove it from that folder, or import the pack again" in lines[0]
    if command[0] == "evaluate":
        assert result.returncode == 2 and result.stdout == "", (result.stdout, result.stderr)
        assert len(lines) == 2 and "the rule pack for this date is not applied" in lines[1]


# --- recording and printing through the CLI, across imports -----------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    officer = ("users", "add", "ann", "--role", "officer", "--as", "chief")
    code, _out, err = run(*officer, who="chief", new=PASSWORDS["ann"])
    assert code == 0, err
    return run


def _shown(cli: Any, decision_id: int) -> dict[str, Any]:
    code, out, err = cli(
        "decisions", "show", str(decision_id), "--format", "json", "--as", "ann", who="ann"
    )
    assert code == 0, err
    shown: dict[str, Any] = json.loads(out)
    return shown


def _pack_sha(shown: dict[str, Any]) -> str:
    (version,) = shown["versions"]
    return str(version["rule_pack_sha256"])


def test_decisions_and_memos_follow_the_imported_packs(cli: Any, tmp_path: Path) -> None:
    data: Path = cli.data
    case = case_file(tmp_path)
    out = tmp_path / "out"
    out.mkdir()

    def add() -> int:
        code, stdout, err = cli("decisions", "add", str(case), "--as", "ann", who="ann")
        assert code == 0, err
        return int(stdout.strip())

    def memo(decision_id: int) -> tuple[int, str, str]:
        target = out / f"memo-{decision_id}.pdf"
        return cli("memo", str(decision_id), "-o", str(target), "--as", "ann", who="ann")

    shipped = load_rules().pack("ct-2025").pack.sha256
    first_id = add()
    assert _pack_sha(_shown(cli, first_id)) == shipped

    first_sha = import_into(data, agency_pack(tmp_path / "usb", "v1"))
    second_id = add()
    assert _pack_sha(_shown(cli, second_id)) == first_sha
    assert memo(first_id)[0] == 0  # decided under the shipped pack an import replaced

    second_sha = import_into(data, agency_pack(tmp_path / "usb", "v2", drop=False))
    third_id = add()
    assert _pack_sha(_shown(cli, third_id)) == second_sha
    for decision_id in (first_id, second_id, third_id):
        code, _out, err = memo(decision_id)
        assert code == 0, err
    assert rules_for_data_dir(data).pack("ct-2025").pack.sha256 == second_sha

    kept = data / "rules" / "superseded" / f"ct-2025-{first_sha[:12]}.json"
    kept.write_bytes(kept.read_bytes().replace(b'"v1"', b'"v9"'))
    code, stdout, err = memo(second_id)
    assert code == 2 and stdout == ""
    assert err.startswith(f"trustdesk: decision {second_id} version 1 was decided under rule pack ")
    assert f"ct-2025 with SHA-256 {first_sha[:12]}…" in err and str(kept) in err
    assert len(err.strip().splitlines()) == 1


def test_machine_wide_data_folder_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from trustdesk.store.paths import DATA_DIR_ENV, default_data_dir, resolve_data_dir

    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "desk"))
    assert default_data_dir() == tmp_path / "desk"
    assert resolve_data_dir(None) == tmp_path / "desk"
    assert resolve_data_dir(tmp_path / "other") == tmp_path / "other"  # --data-dir wins

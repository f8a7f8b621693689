"""The command line, run as a user runs it: exit codes, output, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from casekit import conviction, make_case

SCRIPT = Path(sys.executable).with_name("trustdesk")


def trustdesk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trustdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "TRUSTDESK_DEBUG": ""},
        timeout=120,
        check=False,
    )


def case_file(tmp_path: Path, data: dict[str, Any] | str, name: str = "case.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_evaluate_json_output(tmp_path: Path) -> None:
    path = case_file(
        tmp_path,
        make_case(
            decision_time="2026-11-20T11:00:00-05:00",
            releasable_at="2026-11-20T15:00:00-05:00",
            convictions=[conviction("53a-134", "felony", "B")],
        ),
    )
    result = trustdesk("evaluate", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    output = json.loads(result.stdout)
    assert output["rule_pack"] == "ct-2025"
    assert output["decision"] == "honor"
    assert output["grounds"] == ["class_a_b_felony_conviction"]
    assert output["hold_expires_at"] == "2026-11-24T15:00:00-05:00"
    assert output["needs_review"] is False


def test_evaluate_text_output_is_readable(tmp_path: Path) -> None:
    path = case_file(tmp_path, make_case(tsdb_match=None))
    result = trustdesk("evaluate", str(path))
    assert result.returncode == 0, result.stderr
    assert "DETAINER DECLINED" in result.stdout
    assert "María Peña (booking NH-2026-0412)" in result.stdout
    assert "[UNKNOWN] Possible Terrorist Screening Database match" in result.stdout
    assert "REVIEW:" in result.stdout
    assert "Do not give ICE access to interview" in result.stdout


def test_evaluate_reads_standard_input() -> None:
    result = trustdesk(
        "evaluate", "-", "--format", "json", stdin=json.dumps(make_case(tsdb_match=True))
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["grounds"] == ["tsdb_match"]


def test_console_script_is_installed(tmp_path: Path) -> None:
    assert SCRIPT.exists()
    result = subprocess.run([str(SCRIPT), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert result.stdout.startswith("trustdesk ")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"decision_time": "2026-11-19T09:00:00Z", "decision_time": "x"}',
            ": /: duplicate key 'decision_time'",
        ),
        ('{"tsdb_match": NaN}', ": /: not valid JSON: NaN is not allowed"),
        (json.dumps(make_case(tsdb_match="yes")), ": /tsdb_match: must be true, false or null"),
        (json.dumps(make_case(hair="brown")), ": /hair: unknown field 'hair'"),
        (
            json.dumps(make_case(decision_time="2026-13-01T00:00:00Z")),
            ": /decision_time: is not a real date",
        ),
        (
            json.dumps(make_case(convictions=[{"statute": 53}])),
            ": /convictions/0: missing required field 'level'",
        ),
        (
            json.dumps(make_case(decision_time="2013-06-01T12:00:00-04:00")),
            "no rule pack for 2013-06-01",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = case_file(tmp_path, content)
    result = trustdesk("evaluate", str(path))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    if "no rule pack" not in expected:
        assert lines[0].startswith(f"trustdesk: {path}")


def test_missing_case_file(tmp_path: Path) -> None:
    result = trustdesk("evaluate", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"trustdesk: {tmp_path / 'nope.json'}: /: file not found"


def test_rules_list_shows_versions_and_unverified_data() -> None:
    result = trustdesk("rules", "list")
    assert result.returncode == 0, result.stderr
    for pack_id in ("ct-2014", "ct-2019", "ct-2025"):
        assert pack_id in result.stdout
    assert "2019-10-01 → 2025-09-30" in result.stdout
    assert "UNVERIFIED: Offenses added to § 54-192h in 2025" in result.stdout
    # Item by item: each unverified section with its id, and nothing of the verified packs.
    lines = result.stdout.splitlines()
    unverified = [line.strip() for line in lines if "UNVERIFIED:" in line]
    assert (
        "UNVERIFIED: Offenses added to § 54-192h in 2025: § 53a-71  "
        "[lists/ct_2025_added_offenses/53a-71]"
    ) in unverified
    # ct-2025: its 16 unverified items of 2025 and the 5 contact rules not yet confirmed
    # (decision 0027); before it, only the 2014 and 2019 contact rules not yet confirmed.
    assert len(unverified) == 4 + 5 + 21
    assert "21 unverified items (trustdesk rules items):" in result.stdout
    assert (
        "UNVERIFIED: Contact with ICE — Release date, when a ground holds: allowed "
        "(§ 54-192h(b) (P.A. 19-20, 19-23))  [contacts/release_date/ground]"
    ) in unverified
    before_2025 = lines[: lines.index(next(line for line in lines if line.startswith("ct-2025")))]
    flagged = [line for line in before_2025 if "UNVERIFIED" in line]
    assert len(flagged) == 9 and all("[contacts/" in line for line in flagged)


def test_rules_test_runs_every_embedded_case() -> None:
    result = trustdesk("rules", "test")
    assert result.returncode == 0, result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    passed = int(summary.split()[0])
    assert passed >= 45
    assert summary == f"{passed} passed, 0 failed"


def test_rules_validate_accepts_and_refuses(tmp_path: Path) -> None:
    from trustdesk import resources

    good = resources.resource("rules", "ct-2019.json")
    result = trustdesk("rules", "validate", str(good))
    assert result.returncode == 0, result.stderr
    assert "valid rule pack ct-2019; all 21 embedded test cases pass" in result.stdout
    data = json.loads(good.read_text())
    data["tests"][0]["expect"]["grounds"] = []
    bad = case_file(tmp_path, data, "bad-pack.json")
    result = trustdesk("rules", "validate", str(bad))
    assert result.returncode == 2
    assert "rule pack ct-2019 refused" in result.stderr
    assert "Traceback" not in result.stderr


def test_offenses_search_is_wired() -> None:
    result = trustdesk(
        "offenses", "search", "ROBBERY, FIRST DEGREE BF", "--format", "json", "--limit", "3"
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["section"] == "53a-134"
    assert len(hits) <= 3


def test_demo_decides_the_example_cases() -> None:
    result = trustdesk("demo")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("=== ") == 5
    assert "HOLD PERMITTED" in result.stdout and "DETAINER DECLINED" in result.stdout
    assert "expires Tue 24 Nov 2026 15:00 EST" in result.stdout


def test_help_lists_the_desktop_app_and_every_command() -> None:
    # ``trustdesk`` alone opens the desktop app (tests/ui/test_smoke.py); --help explains.
    result = trustdesk("--help")
    assert result.returncode == 0
    assert "usage: trustdesk" in result.stdout
    for command in ("gui", "evaluate", "decisions", "memo", "verify", "agency"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["gui"],
        ["gui", "--exit-when-ready"],
        ["--data-dir", "/srv/desk"],
        ["--data-dir", "/srv/desk", "gui", "--exit-when-ready"],
        ["--data-dir=/srv/desk", "gui"],
        ["--data-dir=/srv/desk"],
    ],
)
def test_desktop_fast_path_reads_what_argparse_reads(argv: list[str]) -> None:
    from trustdesk.cli import build_parser, desktop_arguments

    fast = desktop_arguments(argv)
    args = build_parser("gui").parse_args([*argv, "gui"] if "gui" not in argv else argv)
    assert fast == (args.data_dir, args.exit_when_ready)


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["gui", "--help"],
        ["gui", "--exit-when-ready", "x"],
        ["evaluate", "c.json"],
        ["--data-dir"],
        ["--data-dir", "--exit-when-ready"],
        ["gui", "gui"],
    ],
)
def test_anything_else_goes_through_argparse(argv: list[str]) -> None:
    from trustdesk.cli import desktop_arguments

    assert desktop_arguments(argv) is None


def test_a_time_with_an_offset_its_zone_did_not_have_is_refused(tmp_path: Path) -> None:
    """10:00 written with New York's winter offset in July: read by the offset it is
    11:00 EDT, read as the wall clock 10:00 EDT. The command took the offset silently, an
    hour off the clock the officer meant; it now says so and decides nothing."""
    path = case_file(
        tmp_path,
        make_case(
            decision_time="2025-07-04T09:00:00-04:00",
            releasable_at="2025-07-04T10:00:00-05:00",
            convictions=[conviction("53a-134", "felony", "B")],
        ),
    )
    result = trustdesk("evaluate", str(path), "--format", "json")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith(
        f"trustdesk: {path}: /releasable_at: 2025-07-04T10:00:00-05:00 carries the UTC offset "
        "-05:00, which America/New_York did not have at that time (it was on -04:00, EDT)"
    )
    assert "read by its offset it is Fri 04 Jul 2025 11:00 EDT" in lines[0]
    assert "read as the wall clock in America/New_York, Fri 04 Jul 2025 10:00 EDT" in lines[0]
    fixed = make_case(
        decision_time="2025-07-04T09:00:00-04:00",
        releasable_at="2025-07-04T14:00:00Z",
        convictions=[conviction("53a-134", "felony", "B")],
    )
    result = trustdesk("evaluate", str(case_file(tmp_path, fixed)), "--format", "json")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("given", ["ZZ", "../../../../tmp/catalog", ""])
def test_a_jurisdiction_without_packs_is_refused_naming_those_there_are(
    tmp_path: Path, given: str
) -> None:
    """--jurisdiction named the catalog's file unchecked: ZZ said ".../zz.json: file not
    found", a path loaded another file as the catalog, and an empty value quietly meant
    the agency's own (a hostile pass)."""
    planted = tmp_path / "catalog.json"
    planted.write_text("{}", encoding="utf-8")
    case = Path(__file__).resolve().parents[1] / "resources/examples/01-judicial-warrant-hold.json"
    for command in (["evaluate", str(case)], ["offenses", "search", "robbery"]):
        result = trustdesk(*command, "--jurisdiction", given.replace("/tmp/", f"{tmp_path}/"))
        assert result.returncode == 2 and result.stdout == ""
        assert "is not a jurisdiction TrustDesk has packs for; use CT (Connecticut) or CA" in (
            result.stderr
        )
        assert "Traceback" not in result.stderr and "catalog.json" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--as", "chief", "--format", "csv", "--from", "2026-01-01", "-o", ""],
        ["audit", "export", "--as", "chief", "--format", "csv", "--output", " "],
        ["backup", "--as", "chief", ""],
        ["memo", "--as", "ann", "-o", "", "1"],
    ],
)
def test_an_empty_file_name_is_refused_as_empty(tmp_path: Path, command: list[str]) -> None:
    """An empty name was read as the current folder: "/home/ann already exists; TrustDesk
    never overwrites a file" (a hostile pass)."""
    result = trustdesk("--data-dir", str(tmp_path / "data"), *command)
    assert result.returncode == 2 and result.stdout == ""
    assert "the file's name is empty; give the file's name" in result.stderr
    assert "already exists" not in result.stderr
    assert not (tmp_path / "data").exists()

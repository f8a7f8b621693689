"""The command line decides and prints under the agency's jurisdiction: once the agency
has chosen California, ``decisions add`` reads the case with California's catalog and
decides it under California's pack in force, and ``memo`` prints its actions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader

CALIFORNIA_CASE = {
    "decision_time": "2026-11-30T09:00:00-08:00",
    "detainer": {"form": "I-247A", "judicial_warrant": False},
    "person": {"name": "Test Person", "booking_number": "CA-1"},
    "convictions": [
        {
            "statute": "PC 211",
            "level": "felony",
            "class": "unclassified",
            "jurisdiction": "CA",
            "date": "1995-01-10",
        }
    ],
    "pending_charges": [],
    "facts": {
        "sex_arson_registrant": False,
        "federal_aggravated_felony": False,
        "federal_felony_warrant": False,
        "judicial_probable_cause": False,
    },
}
#: The same case with its time written on Connecticut's clock (the same instant): a time
#: whose offset the law's zone did not have then is refused (decision 0085).
CONNECTICUT_TIMED = {**CALIFORNIA_CASE, "decision_time": "2026-11-30T12:00:00-05:00"}


def test_without_a_choice_the_same_file_is_decided_under_connecticut_law(
    cli: Any, tmp_path: Path
) -> None:
    # A Connecticut agency may see a California conviction (an out-of-state one): it is
    # decided under the Connecticut pack in force, never under California's.
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CONNECTICUT_TIMED), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(case), "--as", "ann", who="ann")
    assert code == 0, err
    code, out, err = cli(
        "decisions", "show", out.strip(), "--format", "json", "--as", "ann", who="ann"
    )
    assert code == 0, err
    shown = json.dumps(json.loads(out))
    assert "ct-2025" in shown and "ca-2018" not in shown


def california_decision(cli: Any, tmp_path: Path) -> tuple[str, str]:
    """The agency made a California one, and ``CALIFORNIA_CASE`` decided by ann: the
    decision's number and ``decisions show --format json`` of it."""
    assert cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")[0] == 0
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CALIFORNIA_CASE), encoding="utf-8")
    code, out, err = cli("decisions", "add", str(case), "--as", "ann", who="ann")
    assert code == 0, err
    decision_id = out.strip()
    code, out, err = cli(
        "decisions", "show", decision_id, "--format", "json", "--as", "ann", who="ann"
    )
    assert code == 0, err
    return decision_id, out


def test_a_california_agency_decides_and_prints_under_california_law(
    cli: Any, tmp_path: Path
) -> None:
    decision_id, out = california_decision(cli, tmp_path)
    shown = json.dumps(json.loads(out))
    assert "ca-2018" in shown
    assert "serious_violent_felony_conviction" in shown

    memo = tmp_path / "memo.pdf"
    code, _out, err = cli("memo", decision_id, "-o", str(memo), "--as", "ann", who="ann")
    assert code == 0, err
    text = " ".join(page.extract_text() for page in PdfReader(memo).pages)
    text = " ".join(text.split())
    assert "each action" in text
    assert "Connecticut" not in text


def test_evaluate_and_offense_search_follow_the_agency_s_jurisdiction(
    cli: Any, tmp_path: Path
) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CALIFORNIA_CASE), encoding="utf-8")
    eastern = tmp_path / "eastern.json"
    eastern.write_text(json.dumps(CONNECTICUT_TIMED), encoding="utf-8")
    # No choice yet: Connecticut, as before.
    code, out, err = cli("evaluate", str(eastern), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["rule_pack"] == "ct-2025"
    code, out, err = cli("offenses", "search", "robbery", "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["section"].startswith("53a-")

    assert cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")[0] == 0
    code, out, err = cli("evaluate", str(case), "--format", "json")
    assert code == 0, err
    decided = json.loads(out)
    assert decided["rule_pack"] == "ca-2018"
    release = next(o for o in decided["outcomes"] if o["id"] == "release_date")
    assert any("Penal Code § 1192.7(c)(19)" in r for r in release["reasons"])
    code, out, err = cli("offenses", "search", "robbery", "--format", "json")
    assert code == 0, err
    assert json.loads(out)[0]["section"] == "pc-211"

    # --jurisdiction still overrides the agency's choice.
    code, out, err = cli("evaluate", str(eastern), "--format", "json", "--jurisdiction", "CT")
    assert code == 0, err
    assert json.loads(out)["rule_pack"] == "ct-2025"
    code, out, err = cli(
        "offenses", "search", "robbery", "--jurisdiction", "ct", "--format", "json"
    )
    assert code == 0, err
    assert json.loads(out)[0]["section"].startswith("53a-")


def test_evaluate_on_a_folder_never_set_up_does_not_create_a_database(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    from trustdesk.cli import main

    folder = tmp_path / "empty"
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CONNECTICUT_TIMED), encoding="utf-8")
    assert main(["--data-dir", str(folder), "evaluate", str(case), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["rule_pack"] == "ct-2025"
    assert not (folder / "trustdesk.db").exists()


def test_the_read_only_reader_names_the_store_s_database_file() -> None:
    from trustdesk.store import jurisdiction_choice, paths

    assert jurisdiction_choice._DB_NAME == paths.DB_NAME


def test_a_california_agency_reads_its_records_in_its_own_time_zone(
    cli: Any, tmp_path: Path
) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CALIFORNIA_CASE), encoding="utf-8")
    assert cli("agency", "jurisdiction", "CA", "--as", "chief", who="chief")[0] == 0
    code, out, err = cli("decisions", "add", str(case), "--as", "ann", who="ann")
    assert code == 0, err
    decision_id = out.strip()
    # Still the default zone: the decision (09:00 Pacific) prints in Eastern time.
    code, out, err = cli("decisions", "show", decision_id, "--as", "ann", who="ann")
    assert code == 0, err
    assert "12:00 EST" in out
    code, _out, err = cli(
        "agency", "set", "--name", "Test County Sheriff", "--facility", "Main Jail",
        "--ori", "CA0000000", "--timezone", "America/Los_Angeles", "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err
    code, out, err = cli("decisions", "show", decision_id, "--as", "ann", who="ann")
    assert code == 0, err
    assert "09:00 PST" in out and "EST" not in out
    # A day given on the command line is the agency's day.
    code, out, err = cli(
        "decisions", "list", "--from", "2026-11-30", "--to", "2026-11-30", "--as", "ann", who="ann"
    )
    assert code == 0, err
    assert decision_id in out

"""Record numbers of 2**63 or more and days near year 1 or 9999 ended in "internal error".

Hostile review: `decisions show 1180591620717411303424` (and amend, review, holds close,
memo, contacts show/amend/add --person/--decision) → OverflowError; `decisions list --to
9999-12-31`, `report --from 9999-01-01 --to 9999-12-31` and `contacts add --at
0001-01-01T00:00+00:00` → OverflowError / ValueError. Now every record number goes
through one argparse type and every day or time through one check of the years a case
file takes (1900–2199): exit 2, one message, nothing recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from recordkit import case_file, desk_cli, one_line_error, staff

HUGE = str(2**70)  # 1180591620717411303424
JUST_OVER = str(2**63)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = desk_cli(tmp_path / "data", monkeypatch, capsys)
    run.capsys = capsys  # type: ignore[attr-defined]
    staff(run)
    code, _out, err = run(
        "decisions", "add", case_file(tmp_path, tsdb_match=True), "--as", "ann", who="ann"
    )
    assert code == 0, err
    return run


def _refused(cli: Any, *args: str) -> str:
    """The last line of a refusal (argparse's own refusals exit from main itself)."""
    try:
        code, out, err = cli(*args, "--as", "ann", who="ann")
    except SystemExit as exc:
        code, (out, err) = exc.code, cli.capsys.readouterr()
    assert code == 2, (args, out, err)
    assert "Traceback" not in err and "internal error" not in err, err
    return err.strip().splitlines()[-1]


@pytest.mark.parametrize("number", [HUGE, JUST_OVER])
def test_a_record_number_beyond_the_databases_integers_is_bad_input(
    cli: Any, tmp_path: Path, number: str
) -> None:
    case = case_file(tmp_path, "again.json", tsdb_match=True)
    contact = ["--kind", "inquiry", "--direction", "from_ice", "--channel", "phone"]
    commands = [
        ["decisions", "show", number],
        ["decisions", "amend", number, case, "--reason", "typo"],
        ["decisions", "review", number, "--approve"],
        ["holds", "close", number, "--outcome", "released_other"],
        ["contacts", "show", number],
        ["contacts", "amend", number, "--reason", "typo", "--note", "x"],
        ["contacts", "add", *contact, "--person", number],
        ["contacts", "add", *contact, "--decision", number],
        ["contacts", "list", "--person", number],
    ]
    for args in commands:
        message = _refused(cli, *args)
        assert f"there is no record number {number}" in message, (args, message)
        assert "9223372036854775807" in message
    for ref in (number, f"1v{number}"):
        message = _refused(cli, "memo", ref, "-o", str(tmp_path / "m.pdf"))
        assert f"{number}: numbers run from 1 to 9223372036854775807" in message
    assert not list(tmp_path.glob("m*.pdf"))
    # The largest number the record can hold is looked up, and simply not there.
    code, _out, err = cli("decisions", "show", str(2**63 - 1), "--as", "ann", who="ann")
    assert code == 2 and f"there is no decision {2**63 - 1}" in one_line_error(err)


def test_days_and_times_outside_the_years_a_case_takes_are_bad_input(
    cli: Any, tmp_path: Path
) -> None:
    message = _refused(cli, "decisions", "list", "--to", "9999-12-31")
    assert message == "trustdesk: --to is in the year 9999; give a date in the years 1900 to 2199"
    message = _refused(
        cli, "report", "--from", "9999-01-01", "--to", "9999-12-31", "--format", "csv",
        "-o", str(tmp_path / "q.csv"),
    )  # fmt: skip
    assert "--from is in the year 9999" in message and not (tmp_path / "q.csv").exists()
    message = _refused(
        cli, "contacts", "add", "--kind", "inquiry", "--direction", "from_ice",
        "--channel", "phone", "--booking", "NH-2026-1187", "--at", "0001-01-01T00:00+00:00",
    )  # fmt: skip
    assert "--at is in the year 1;" in message
    message = _refused(cli, "contacts", "list", "--from", "0001-01-01", "--to", "2026-01-01")
    assert "--from is in the year 1;" in message
    message = _refused(cli, "holds", "close", "1", "--outcome", "released_other",
                       "--at", "9999-12-31T23:59+00:00")  # fmt: skip
    assert "--at is in the year 9999;" in message
    code, out, err = cli("decisions", "list", "--active-holds", "--as", "ann", who="ann")
    assert code == 0 and len(out.splitlines()) == 2, (out, err)  # the hold is still open
    # The edges themselves are taken.
    code, _out, err = cli("decisions", "list", "--to", "2199-12-31", "--as", "ann", who="ann")
    assert code == 0, err

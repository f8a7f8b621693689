"""``trustdesk report`` as a person runs it, on both backends: the file written, the
permissions, and bad input refused in one line (exit 2) with nothing written."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

import pytest
from storekit import ROLE_PASSWORDS, in_process_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from reportkit import NOW, make_record, truth


@pytest.fixture
def cli(desk: Any, tmp_path: Path, monkeypatch: Any, capsys: Any, database: str | None) -> Any:
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    planned = make_record(desk.store, users)
    passwords = {
        "admin": ROLE_PASSWORDS["administrator"],
        "supervisor": ROLE_PASSWORDS["supervisor"],
        "officer2": ROLE_PASSWORDS["officer"],
        "auditor": ROLE_PASSWORDS["auditor"],
    }
    run = in_process_cli(tmp_path / "data", monkeypatch, capsys, passwords, database)
    return run, planned


def test_report_writes_the_csv_with_the_figures(cli: Any, tmp_path: Path) -> None:
    run, planned = cli
    target = tmp_path / "q1.csv"
    code, out, err = run(
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-04-30",
        "--by",
        "received",
        "--format",
        "csv",
        "--bom",
        "-o",
        str(target),
        "--as",
        "auditor",
        who="auditor",
    )
    assert code == 0, err
    assert f"report written to {target}" in out
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"), newline="")))
    total = rows[rows.index(["Detainers by form"]) + 1 :]
    totals = next(row for row in total if row[0] == "Total")
    assert int(totals[1]) == len(truth(planned, "received").counted)


@pytest.mark.parametrize("fmt", ["pdf", "xlsx", "json", "state-csv"])
def test_every_format_is_written(cli: Any, tmp_path: Path, fmt: str) -> None:
    run, _planned = cli
    target = tmp_path / f"r.{fmt}"
    code, _out, err = run(
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--format",
        fmt,
        "-o",
        str(target),
        "--as",
        "supervisor",
        who="supervisor",
    )
    assert code == 0, err
    assert target.stat().st_size > 100


def test_an_officer_asking_for_another_officers_figures_is_refused(
    cli: Any, tmp_path: Path
) -> None:
    run, _planned = cli
    target = tmp_path / "other.pdf"
    code, _out, err = run(
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-04-30",
        "--officer",
        "officer",
        "--format",
        "pdf",
        "-o",
        str(target),
        "--as",
        "officer2",
        who="officer2",
    )
    assert code == 2
    assert "their own decisions only" in err and len(err.strip().splitlines()) == 1
    assert not target.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-04-30"], "--from must be a date like"),
        (["--from", "2026-05-01", "--to", "2026-04-30"], "swap --from and --to"),
        (["--from", "2026-01-01", "--to", "2026-04-30", "--officer", "ghost"], "no such user"),
        (["--from", "2026-01-01", "--to", "2026-04-30", "--facility", "Elsewhere"], "one facility"),
        (
            ["--from", "2026-01-01", "--to", "2026-04-30", "--desk", "desk-z"],
            "desks on record: 'desk-a', 'desk-b'",
        ),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    run, _planned = cli
    target = tmp_path / "bad.pdf"
    code, _out, err = run(
        "report",
        *args,
        "--format",
        "pdf",
        "-o",
        str(target),
        "--as",
        "supervisor",
        who="supervisor",
    )
    assert code == 2
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not target.exists()


def test_bom_with_a_pdf_is_refused(cli: Any, tmp_path: Path) -> None:
    run, _planned = cli
    code, _out, err = run(
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-31",
        "--format",
        "pdf",
        "--bom",
        "-o",
        str(tmp_path / "x.pdf"),
        "--as",
        "supervisor",
        who="supervisor",
    )
    assert code == 2 and "--bom is for" in err


def test_the_report_pdf_is_an_anchor_for_audit_verify(cli: Any, tmp_path: Path) -> None:
    run, _planned = cli
    target = tmp_path / "anchor.pdf"
    code, _out, err = run(
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-04-30",
        "--format",
        "pdf",
        "-o",
        str(target),
        "--as",
        "auditor",
        who="auditor",
    )
    assert code == 0, err
    code, out, err = run(
        "audit", "verify", "--anchors", str(target), "--as", "auditor", who="auditor"
    )
    assert code == 0, err
    assert "anchors: 1 of 1 found in the chain" in out

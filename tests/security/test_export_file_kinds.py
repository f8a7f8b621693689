"""A report or audit export written under a name that says another kind of file.

Hostile (careless) pass: ``report --format csv -o march.xlsx`` wrote CSV text into
``march.xlsx``, recorded its SHA-256 as a saved report, and Excel then refuses the file
("the file format or file extension is not valid"); the Reports page wrote an Excel
workbook under a ``.pdf`` name picked in its dialog the same way. ``audit export
--format jsonl --output trail.csv`` wrote JSON lines into ``trail.csv``, and ``audit
verify --anchors trail.csv`` then read it as CSV and said TrustDesk's own export "carries
no audit chain head". Now a name ending as another kind of file's is refused before
anything is counted, written or recorded, saying which name to use (decision 0089).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from recordkit import audit_objects, one_line_error

from trustdesk.store.paths import DB_NAME


@pytest.mark.sqlite_only("the audit entries are read from the SQLite file")
def test_a_report_named_as_another_format_is_refused_before_it_is_counted(
    cli: Any, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _out, err = cli(
        "report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv",
        "-o", str(out / "march.xlsx"), "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 2, err
    assert one_line_error(err) == (
        "trustdesk: march.xlsx ends in .xlsx, the ending of an Excel workbook, but the csv "
        "format writes a CSV file: a program opening it by its name would refuse it or "
        "misread it. Name it march.csv, or choose the format its name says; nothing was "
        "written"
    )
    assert list(out.iterdir()) == []
    db = cli.data / DB_NAME
    assert audit_objects(db, "report.made") == [] and audit_objects(db, "report.exported") == []
    # The name it advises is taken, and the file reads back as the CSV report it is.
    code, _out, err = cli(
        "report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv",
        "-o", str(out / "march.csv"), "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err
    assert (out / "march.csv").read_text(encoding="utf-8").startswith("Report,")
    # A name no program ties to one kind of file is taken as given.
    code, _out, err = cli(
        "report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "xlsx",
        "-o", str(out / "march"), "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err
    assert (out / "march").read_bytes().startswith(b"PK")


@pytest.mark.sqlite_only("the audit entries are read from the SQLite file")
def test_an_audit_export_named_as_another_format_is_refused(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    code, _out, err = cli(
        "audit", "export", "--format", "jsonl", "--output", str(out / "trail.csv"),
        "--as", "aud", who="aud",
    )  # fmt: skip
    assert code == 2, err
    assert one_line_error(err) == (
        "trustdesk: trail.csv ends in .csv, the ending of a CSV file, but the jsonl format "
        "writes JSON lines (one entry a line): a program opening it by its name would "
        "refuse it or misread it. Name it trail.jsonl, or choose the format its name says; "
        "nothing was written"
    )
    assert list(out.iterdir()) == []
    assert audit_objects(cli.data / DB_NAME, "audit.exported") == []
    # Under the name advised it is written, and it is an anchor `audit verify` reads.
    code, _out, err = cli(
        "audit", "export", "--format", "jsonl", "--output", str(out / "trail.jsonl"),
        "--as", "aud", who="aud",
    )  # fmt: skip
    assert code == 0, err
    code, out_text, err = cli(
        "audit", "verify", "--anchors", str(out / "trail.jsonl"), "--as", "aud", who="aud"
    )
    assert code == 0, err
    assert "anchors: 1 of 1 found in the chain" in out_text

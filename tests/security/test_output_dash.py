"""``-o -`` wrote a file named ``-``: `report --format csv -o -` said "report written to
/…/-" and left that file in the working folder, where most programs would have written
to standard output. The commands that write a file and say (or record) where it went now
refuse ``-`` with one line (a report's digest goes into the audit trail); ``audit export
--output -`` writes to standard output, as its default does.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from trustdesk.store import audit
from trustdesk.store.connection import connect


@pytest.fixture
def cli(cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The suite's ``cli``, run from a working folder of its own."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return cli


def _events(cli: Any, event: str) -> list[dict[str, Any]]:
    conn = connect(cli.data / "trustdesk.db", immutable=True)
    try:
        return [json.loads(e.objects) for e in audit.entries_for(conn, event)]
    finally:
        conn.close()


COMMANDS = [
    ("report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv", "-o", "-",
     "--as", "chief"),
    ("memo", "1", "-o", "-", "--as", "ann"),
    ("backup", "-", "--as", "chief"),
    ("rules", "keygen", "--publisher", "Agency", "-o", "-"),
    ("rules", "migrate", "pack.json", "-o", "-"),
]  # fmt: skip


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_a_dash_for_a_file_to_write_is_refused_and_nothing_is_written(
    cli: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    try:
        code, out, err = cli(*args, who=args[-1] if args[-2] == "--as" else None)
    except SystemExit as exc:  # argparse's own refusals exit from main itself
        code, (out, err) = exc.code, capsys.readouterr()
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert "'-' (standard output) is not taken here" in err
    assert "give the file's name instead (a file really named - is written as ./-)" in err
    assert list((tmp_path / "work").iterdir()) == []
    assert _events(cli, "report.exported") == [] and _events(cli, "backup.created") == []


def test_a_file_really_named_dash_is_written_when_named_as_a_path(cli: Any, tmp_path: Path) -> None:
    code, out, err = cli(
        "report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv",
        "-o", "./-", "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err
    written = tmp_path / "work" / "-"
    assert f"report written to {written}" in out
    assert written.read_text(encoding="utf-8").startswith("Report,TRUST Act detainer report\n")
    [saved] = _events(cli, "report.exported")
    assert saved["file_sha256"] == hashlib.sha256(written.read_bytes()).hexdigest()


def test_audit_export_to_dash_writes_standard_output(cli: Any, tmp_path: Path) -> None:
    code, out, err = cli(
        "audit", "export", "--format", "jsonl", "--output", "-", "--as", "aud", who="aud"
    )
    assert code == 0, err
    [started] = _events(cli, "audit.export_started")
    lines = out.splitlines()
    assert len(lines) == started["head_seq"]
    assert json.loads(lines[0])["seq"] == 1
    assert list((tmp_path / "work").iterdir()) == []

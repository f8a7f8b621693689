"""A full disk or a file name too long ended exports and backups in "internal error", and
an audit export that died midway left no audit entry although entries had left the app.

Hostile review: a 300-character output name for `report -o`, `backup` and `audit export
--output` → internal error (ENAMETOOLONG, from the existence check made before the
writer's own error handling); `audit export --format csv > /dev/full` → internal error
(ENOSPC); and the `audit.exported` entry was written only once the stream was finished.
Now the file name and the full disk are named (exit 2, nothing written), and an export
to a stream is recorded before its first line, and its failure too.
"""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from recordkit import one_line_error
from storekit import ADMIN_PW, can_mount_privately

from trustdesk.store import audit
from trustdesk.store.connection import connect

LONG_NAME = "x" * 300


def _events(cli: Any, event: str) -> list[tuple[str, dict[str, Any]]]:
    conn = connect(cli.data / "trustdesk.db", immutable=True)
    try:
        return [(e.outcome, json.loads(e.objects)) for e in audit.entries_for(conn, event)]
    finally:
        conn.close()


@pytest.mark.sqlite_only("backup files are SQLite files")
def test_a_file_name_too_long_is_named_and_nothing_is_written(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    commands = [
        ("backup", str(out / f"{LONG_NAME}.tdb"), "--as", "chief"),
        ("audit", "export", "--format", "csv", "--output", str(out / f"{LONG_NAME}.csv"),
         "--as", "aud"),
        ("report", "--from", "2026-01-01", "--to", "2026-12-31", "--format", "csv",
         "-o", str(out / f"{LONG_NAME}.csv"), "--as", "chief"),
    ]  # fmt: skip
    for args in commands:
        code, _out, err = cli(*args, who=args[-1])
        assert code == 2, err
        message = one_line_error(err)
        assert "the file name is too long; choose a name of at most 230 characters" in message
        assert "internal error" not in err and LONG_NAME not in message  # the name is cut
    # A name short enough to look up, too long once the temporary name's additions are
    # added: the same message, from the writer.
    code, _out, err = cli("backup", str(out / ("y" * 245)), "--as", "chief", who="chief")
    assert code == 2 and "the file name is too long" in one_line_error(err)
    assert list(out.iterdir()) == []
    assert _events(cli, "backup.created") == [] and _events(cli, "audit.exported") == []
    assert _events(cli, "report.exported") == []


class _Stream(io.StringIO):
    """Standard output that takes ``room`` writes and then fails as ``error``."""

    def __init__(self, room: int, error: OSError) -> None:
        super().__init__()
        self.room, self.error = room, error

    def write(self, text: str) -> int:
        if self.room <= 0:
            raise self.error
        self.room -= 1
        return super().write(text)


def test_an_export_to_a_full_disk_is_named_and_recorded_with_what_left(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    full = _Stream(3, OSError(errno.ENOSPC, "No space left on device"))
    monkeypatch.setattr(sys, "stdout", full)
    code, _out, err = cli("audit", "export", "--format", "csv", "--as", "aud", who="aud")
    assert code == 2, err
    assert one_line_error(err) == (
        "trustdesk: the disk is full: the audit export to the standard output was not written whole"
    )
    assert full.getvalue().count("\n") == 4  # the header and three entries did leave
    [(outcome, started)] = _events(cli, "audit.export_started")
    assert outcome == "success" and started["destination"] == "stream"
    [(outcome, failed)] = _events(cli, "audit.exported")
    assert outcome == "failure" and failed["entries_written"] == 3
    assert failed["head_seq"] == started["head_seq"] and "space" in failed["reason"]


def test_an_export_whose_reader_stops_is_recorded_before_its_first_line(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`audit export … | head -1`: the reader's choice, exit 0 as before; but what went
    out is in the trail."""
    monkeypatch.setattr(sys, "stdout", _Stream(1, BrokenPipeError(errno.EPIPE, "Broken pipe")))
    code, _out, err = cli("audit", "export", "--format", "jsonl", "--as", "aud", who="aud")
    assert code == 0, err
    assert len(_events(cli, "audit.export_started")) == 1
    [(outcome, failed)] = _events(cli, "audit.exported")
    assert (outcome, failed["entries_written"], failed["reason"]) == ("failure", 1, "broken pipe")


def test_a_whole_export_to_a_stream_is_recorded_before_and_after(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = _Stream(10**6, OSError(errno.EIO, "unused"))
    monkeypatch.setattr(sys, "stdout", whole)
    code, _out, err = cli("audit", "export", "--format", "jsonl", "--as", "aud", who="aud")
    assert code == 0, err
    [(_, started)] = _events(cli, "audit.export_started")
    [(outcome, done)] = _events(cli, "audit.exported")
    assert outcome == "success" and done["entries"] == started["head_seq"]
    assert len(whole.getvalue().splitlines()) == started["head_seq"]


@pytest.mark.sqlite_only("the report is counted from a data folder")
@pytest.mark.skipif(not can_mount_privately(), reason="needs root and unshare (a full disk)")
@pytest.mark.parametrize("fmt", ["xlsx", "csv", "pdf"])
def test_a_report_to_a_full_disk_is_named_in_every_format(
    cli: Any, tmp_path: Path, fmt: str
) -> None:
    """Hostile pass: `report --format xlsx -o` onto a full disk ended in "internal error
    (FileCreateError); this is a bug in TrustDesk", exit 1, and a Python traceback from
    the workbook's zip file ("Exception ignored in: <function ZipFile.__del__"): the
    spreadsheet library wraps the system's refusal in its own exception, which nothing
    worded. CSV and PDF said "the disk is full". Now every format says it, exit 2,
    nothing left on the disk and nothing recorded as saved. The disk is a 4 KiB tmpfs
    mounted in a private mount namespace for the real program's run."""
    full = tmp_path / "full"
    full.mkdir()
    target = full / f"report.{fmt}"
    env = {**os.environ, "TRUSTDESK_DEBUG": "", "TRUSTDESK_PASSWORD": ADMIN_PW}
    # What the full disk holds after the run is listed beside it, from inside the mount.
    left = tmp_path / "left.txt"
    run = subprocess.run(
        [
            "unshare", "-m", "sh", "-c",
            'mount -t tmpfs -o size=4k tmpfs "$0" || exit 99; "$@"; code=$?; '
            f'ls -A "$0" > {str(left)!r}; exit $code', str(full),
            sys.executable, "-m", "trustdesk", "--data-dir", str(cli.data), "report",
            "--from", "2026-01-01", "--to", "2026-12-31", "--format", fmt,
            "-o", str(target), "--as", "chief",
        ],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert one_line_error(run.stderr) == f"trustdesk: the disk is full: {target} was not written"
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr
    assert left.read_text() == ""  # not even the hidden temporary file
    assert _events(cli, "report.exported") == []

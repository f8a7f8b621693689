"""A backup stopped by SIGTERM or SIGHUP (kill, a service manager, a closed terminal) ends
as Ctrl-C does: its clean-up runs, so no hidden partial copy stays beside the target."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from storekit import in_process_cli
from test_agency_cli import PASSWORDS

pytestmark = [
    pytest.mark.sqlite_only("a backup file is a copy of the SQLite file"),
    pytest.mark.skipif(os.name == "nt", reason="POSIX signals"),
]

#: The real program, held inside the backup once the copy is under way (after SQLite
#: has written the copy and its journal, before the manifest): it says so by creating
#: the file named first, then waits to be stopped.
CHILD = """
import sys, time
from pathlib import Path
from trustdesk.store import backup

def held(*args, **kwargs):
    Path(sys.argv[1]).touch()
    time.sleep(120)

backup._write_manifest = held
from trustdesk.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopped_backup_leaves_no_partial_copy(
    stop: signal.Signals,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    run = in_process_cli(data, monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    child = _killed_child(CHILD, data, out / "k1.tdb", tmp_path / "copying")
    try:
        assert any(out.iterdir())  # the partial copy is there while it runs
        child.send_signal(stop)
        _, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 128 + stop
    assert err.endswith(f"trustdesk: stopped ({stop.name})\n") and "Traceback" not in err
    assert list(out.iterdir()) == []


def _events(data: Path, *events: str) -> list[tuple[str, dict[str, object]]]:
    from trustdesk.store.store import Store

    with Store.open(data) as store:
        return [(entry.event, entry.objects_dict()) for entry in store.audit.of_events(*events)]


def _of(data: Path, event: str) -> list[dict[str, object]]:
    return [objects for _event, objects in _events(data, event)]


#: The real program, held once the backup file is published and before its end is
#: recorded: the instant a kill -9 or a power cut left a copy nobody recorded.
HELD_AFTER_PUBLISHING = """
import sys, time
from pathlib import Path
from trustdesk.store import audit

record = audit.AuditRepository.record

def held(self, event, actor, at):
    if event.event == "backup.created":
        Path(sys.argv[1]).touch()
        time.sleep(120)
    return record(self, event, actor, at)

audit.AuditRepository.record = held
from trustdesk.cli import main
sys.exit(main(sys.argv[2:]))
"""

_UNFINISHED = ("backup.started", "backup.created", "backup.failed", "backup.unfinished")


def _killed_child(code: str, data: Path, target: Path, ready: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2] / "src"),
        "TRUSTDESK_PASSWORD": PASSWORDS["chief"],
    }
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(ready), "--data-dir", str(data), "backup",
         str(target), "--as", "chief"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not ready.exists():
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            raise AssertionError(child.communicate())
        time.sleep(0.02)
    return child


def test_a_backup_killed_midway_is_recorded_and_the_next_one_deletes_its_partial_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    run = in_process_cli(data, monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    child = _killed_child(CHILD, data, out / "k1.tdb", tmp_path / "copying")
    try:
        partial = sorted(path.name for path in out.iterdir())
        assert partial and all(name.startswith(".k1.tdb.") for name in partial)
        # While it runs, another backup does not take it for a killed one.
        code, _out, err = run("backup", str(out / "k2.tdb"), "--as", "chief", who="chief")
        assert code == 0 and "never finished" not in err, err
        assert sorted(path.name for path in out.iterdir()) == [*partial, "k2.tdb"]
    finally:
        child.kill()  # SIGKILL: no clean-up runs
        child.communicate()
    started = _of(data, "backup.started")
    assert started[0]["file"] == str(out / "k1.tdb")  # recorded before the copy began
    code, _out, err = run("backup", str(out / "k3.tdb"), "--as", "chief", who="chief")
    assert code == 0, err
    assert f"an earlier backup to {out / 'k1.tdb'}" in err and "never finished" in err
    assert "was deleted" in err and partial[0] in err
    assert sorted(path.name for path in out.iterdir()) == ["k2.tdb", "k3.tdb"]
    found = _of(data, "backup.unfinished")
    assert len(found) == 1 and found[0]["found"] == "partial"
    assert found[0]["partial_removed"] == partial and found[0]["file"] == str(out / "k1.tdb")
    # Found once: the next backup says nothing more.
    code, _out, err = run("backup", str(out / "k4.tdb"), "--as", "chief", who="chief")
    assert code == 0 and "never finished" not in err, err


def test_a_backup_killed_before_it_was_recorded_is_recorded_by_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from trustdesk.store.backup import check_backup, file_sha256

    data = tmp_path / "data"
    run = in_process_cli(data, monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    child = _killed_child(HELD_AFTER_PUBLISHING, data, out / "k1.tdb", tmp_path / "published")
    child.kill()
    child.communicate()
    assert [path.name for path in out.iterdir()] == ["k1.tdb"]  # a whole copy, unrecorded
    digest = file_sha256(out / "k1.tdb")
    code, _out, err = run("backup", str(out / "k2.tdb"), "--as", "chief", who="chief")
    assert code == 0, err
    assert "is a whole backup" in err and digest in err and "now recorded" in err
    found = _of(data, "backup.unfinished")
    assert len(found) == 1 and found[0]["found"] == "complete"
    assert found[0]["file_sha256"] == digest
    assert found[0]["head_seq"] == check_backup(out / "k1.tdb").head_seq
    assert sorted(path.name for path in out.iterdir()) == ["k1.tdb", "k2.tdb"]  # kept


@pytest.mark.parametrize("stop", [signal.SIGTERM])
def test_a_stopped_backup_records_its_start_and_its_stop(
    stop: signal.Signals,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "data"
    run = in_process_cli(data, monkeypatch, capsys, PASSWORDS)
    assert run("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    out = tmp_path / "out"
    out.mkdir()
    child = _killed_child(CHILD, data, out / "k1.tdb", tmp_path / "copying")
    child.send_signal(stop)
    child.communicate(timeout=30)
    assert child.returncode == 128 + stop
    events = _events(data, *_UNFINISHED)
    assert [event for event, _objects in events] == ["backup.started", "backup.failed"]
    assert events[1][1]["reason"] == f"stopped ({stop.name})"
    code, _out, err = run("backup", str(out / "k2.tdb"), "--as", "chief", who="chief")
    assert code == 0 and "never finished" not in err, err

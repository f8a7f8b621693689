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
    ready = tmp_path / "copying"
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).parents[2] / "src"),
        "TRUSTDESK_PASSWORD": PASSWORDS["chief"],
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ready), "--data-dir", str(data), "backup",
         str(out / "k1.tdb"), "--as", "chief"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not ready.exists():
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "the backup never started"
            time.sleep(0.02)
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

"""Disk full and read-only data folders: a clear error, and no half-recorded decision.

Two levels of proof. Always: the database's size limit (``PRAGMA max_page_count``), which
makes SQLite fail exactly as on a full disk (SQLITE_FULL). When the tests run as root
with ``unshare`` available: a real 1 MiB tmpfs that fills up, and a real read-only bind
mount, each in a private mount namespace. As another user: a folder without write
permission (``chmod``), which root would bypass.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from storekit import T0, actor, add_user, can_mount_privately, draft

from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import DiskFull, StoreError
from trustdesk.store.store import Store

HERE = Path(__file__).parent

pytestmark = pytest.mark.sqlite_only(
    "faults of the SQLite file and its disk; the server's: pgops' fault tests"
)


def _counts(store: Store) -> dict[str, int]:
    with store.db.reading() as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("decisions", "people", "detainers", "decision_answers", "audit_log")
        }


def test_a_full_database_is_a_clear_error_and_records_nothing(store: Store) -> None:
    officer = actor(add_user(store, "ann", "officer"))
    store.decisions.add(draft(), officer, T0)
    with store.db.reading() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    store.db.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
    caught: DiskFull | None = None
    before = _counts(store)
    for number in range(200):
        before = _counts(store)
        value = draft(
            person=PersonFacts(f"F-{number}", f"Full Disk {number}"),
            decision_json=json.dumps({"pad": "x" * 6000}),
        )
        try:
            store.decisions.add(value, officer, T0)
        except DiskFull as exc:
            caught = exc
            break
    assert caught is not None
    message = str(caught)
    assert "full" in message and "nothing was recorded" in message and "\n" not in message
    assert _counts(store) == before  # the failed save left no trace
    assert store.verify().ok
    store.db.conn.execute("PRAGMA max_page_count = 1073741823")
    store.decisions.add(draft(person=PersonFacts("F-after", "After")), officer, T0)
    assert store.verify().ok and store.integrity_check() == ["ok"]


needs_unshare = pytest.mark.skipif(
    not can_mount_privately(), reason="needs root and unshare (private mounts)"
)

SCENARIO = r"""
import json, subprocess, sys
from pathlib import Path
sys.path.insert(0, {here!r})
from storekit import T0, actor, add_user, draft
from trustdesk.store.errors import StoreError
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.store import Store

mount, data, kind = Path({mount!r}), Path({data!r}), {kind!r}
result = {{}}
def count(store):
    with store.db.reading() as conn:
        return conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
if kind == "full-new":
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    try:
        Store.open(data).close()
        result["error"] = None
    except StoreError as exc:
        result["error"] = f"{{type(exc).__name__}}: {{exc}}"
    result["left"] = sorted(p.name for p in data.iterdir()) if data.exists() else []
    subprocess.run(["mount", "-o", "remount,size=16m", str(mount)], check=True)
    with Store.open(data) as again:
        result["verify"] = again.verify().ok
elif kind == "full":
    # Room for a new store (16 KB pages, decision 0055) and a few saves.
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=True)
    store = Store.open(data)
    officer = actor(add_user(store, "ann", "officer"))
    acked = 0
    try:
        for n in range(10000):
            store.decisions.add(draft(person=PersonFacts(f"D-{{n}}", f"Disk {{n}}"),
                                      decision_json='"' + "x" * 8000 + '"'), officer, T0)
            acked += 1
    except StoreError as exc:
        result["error"] = f"{{type(exc).__name__}}: {{exc}}"
    result["acked"] = acked
    result["count_after_error"] = count(store)
    store.close()
    subprocess.run(["mount", "-o", "remount,size=32m", str(mount)], check=True)
    with Store.open(data) as again:
        result["count_reopened"] = count(again)
        result["verify"] = again.verify().ok
        result["integrity"] = again.integrity_check()
        again.decisions.add(draft(), officer, T0)
        result["saves_again"] = count(again) == acked + 1
else:
    with Store.open(data) as store:
        officer = actor(add_user(store, "ann", "officer"))
        store.decisions.add(draft(), officer, T0)
    before = (data / "trustdesk.db").read_bytes()
    subprocess.run(["mount", "--bind", str(data), str(data)], check=True)
    subprocess.run(["mount", "-o", "remount,ro,bind", str(data)], check=True)
    try:
        Store.open(data)
        result["open_error"] = None
    except StoreError as exc:
        result["open_error"] = f"{{type(exc).__name__}}: {{exc}}"
    subprocess.run(["umount", str(data)], check=True)
    result["unchanged"] = (data / "trustdesk.db").read_bytes() == before
    with Store.open(data) as again:
        result["count_reopened"] = count(again)
        result["verify"] = again.verify().ok
print(json.dumps(result))
"""


def _run_scenario(tmp_path: Path, kind: str) -> dict[str, object]:
    mount = tmp_path / "mnt"
    mount.mkdir()
    data = mount / "data" if kind.startswith("full") else tmp_path / "data"
    script = SCENARIO.format(here=str(HERE), mount=str(mount), data=str(data), kind=kind)
    done = subprocess.run(
        ["unshare", "-m", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@needs_unshare
def test_a_really_full_disk(tmp_path: Path) -> None:
    result = _run_scenario(tmp_path, "full")
    assert str(result["error"]).startswith("DiskFull: "), result
    assert "nothing was recorded" in str(result["error"])
    assert result["count_after_error"] == result["acked"] == result["count_reopened"]
    assert isinstance(result["acked"], int) and result["acked"] > 0
    assert result["verify"] is True and result["integrity"] == ["ok"]
    assert result["saves_again"] is True


@needs_unshare
def test_a_new_store_on_a_full_disk(tmp_path: Path) -> None:
    """The disk fills while a new store is made: the reason is said (SQLite has rolled
    the step back by itself; rolling back again must not hide it), no half-made file is
    left in its place, and with room again the store is made and verifies."""
    result = _run_scenario(tmp_path, "full-new")
    assert str(result["error"]).startswith("DiskFull: "), result
    assert "trustdesk.db" not in result["left"], result
    assert result["verify"] is True


@needs_unshare
def test_a_read_only_data_folder(tmp_path: Path) -> None:
    """A really read-only mount (a folder already open keeps writing through its open
    files, and a busy file system cannot be remounted read-only, so that case is left
    to the disk-full proofs: both end in the same refused transaction)."""
    result = _run_scenario(tmp_path, "readonly")
    assert str(result["open_error"]).startswith("ReadOnly: "), result
    assert "read-only" in str(result["open_error"])
    assert result["unchanged"] is True
    assert result["count_reopened"] == 1 and result["verify"] is True


def _open_as_another_user(data: Path) -> str:
    """Open the store in a forked child that dropped root (root ignores permissions)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)  # nobody
            try:
                Store.open(data).close()
                message = "opened"
            except Exception as exc:
                message = f"{type(exc).__name__}: {exc}"
            os.write(write_end, message.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    return message


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_data_folder_without_write_permission(tmp_path: Path) -> None:
    # Under /tmp itself: the other user must be able to reach the folder.
    base = Path(tempfile.mkdtemp(prefix="trustdesk-ro-"))
    base.chmod(0o755)
    data = base / "data"
    with Store.open(data) as store:
        store.decisions.add(draft(), actor(add_user(store, "ann", "officer")), T0)
    before = (data / "trustdesk.db").read_bytes()
    for path in data.iterdir():
        path.chmod(0o444)
    data.chmod(0o555)
    try:
        if os.geteuid() == 0:
            message = _open_as_another_user(data)
        else:  # pragma: no cover - CI without root
            try:
                Store.open(data).close()
                message = "opened"
            except StoreError as exc:
                message = f"{type(exc).__name__}: {exc}"
    finally:
        data.chmod(0o755)
        for path in data.iterdir():
            path.chmod(0o644)
    assert message.startswith("ReadOnly: "), message
    assert "\n" not in message and str(data) in message
    assert (data / "trustdesk.db").read_bytes() == before
    shutil.rmtree(base)

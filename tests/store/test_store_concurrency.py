"""Several TrustDesk programs on one data folder, run as people run them.

Writers take turns (``BEGIN IMMEDIATE`` and a busy timeout) instead of being turned away;
the audit chain stays one linear chain; reads are never refused; only a second desktop
window on the same folder is told that the folder is open elsewhere.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from storekit import ADMIN_PW, PASSWORDS, run_trustdesk
from test_store_migrations import build_old

from casekit import make_case
from trustdesk.store.anchor import ANCHOR_DIR_ENV, AnchorFile
from trustdesk.store.backup import check_backup
from trustdesk.store.errors import AlreadyOpen
from trustdesk.store.migrations import schema_version
from trustdesk.store.paths import DB_NAME
from trustdesk.store.records import Actor
from trustdesk.store.schema import SCHEMA_VERSION
from trustdesk.store.store import Store

WORKERS = 3
EACH = 40


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder with an administrator and an officer, made with the real program."""
    monkeypatch.setenv(ANCHOR_DIR_ENV, str(tmp_path / "anchors"))
    data = tmp_path / "data"
    made = run_trustdesk(
        data, "users", "add", "chief", "--role", "administrator", new_password=ADMIN_PW
    )
    assert made.returncode == 0, made.stderr
    made = run_trustdesk(
        data,
        "users", "add", "ann", "--role", "officer", "--as", "chief",
        password=ADMIN_PW, new_password=PASSWORDS["ann"],
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return data


def _case_file(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(make_case()), encoding="utf-8")
    return path


def _loop(data: Path, case: Path, count: int) -> subprocess.Popen[str]:
    """A shell loop saving ``count`` decisions with the real ``trustdesk`` program."""
    program = f"{sys.executable} -m trustdesk --data-dir {data}"
    script = (
        f"i=0; while [ $i -lt {count} ]; do "
        f"{program} decisions add {case} --as ann || exit 1; i=$((i+1)); done"
    )
    env = {**os.environ, "TRUSTDESK_PASSWORD": PASSWORDS["ann"], "TRUSTDESK_DEBUG": ""}
    return subprocess.Popen(
        ["sh", "-c", script],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_three_command_line_loops_record_every_decision_in_one_chain(
    desk: Path, tmp_path: Path
) -> None:
    case = _case_file(tmp_path)
    loops = [_loop(desk, case, EACH) for _ in range(WORKERS)]
    printed: list[int] = []
    for loop in loops:
        out, err = loop.communicate(timeout=600)
        assert loop.returncode == 0, err
        assert "in use" not in err and "Traceback" not in err
        printed += [int(line) for line in out.split()]
    assert len(printed) == WORKERS * EACH
    assert sorted(printed) == list(range(1, WORKERS * EACH + 1))  # no id given twice

    conn = sqlite3.connect(f"{(desk / DB_NAME).as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == WORKERS * EACH
        seqs = [row[0] for row in conn.execute("SELECT seq FROM audit_log ORDER BY seq")]
        links = conn.execute(
            "SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1 "
            "WHERE b.prev_hash = a.hash"
        ).fetchone()[0]
    finally:
        conn.close()
    assert seqs == list(range(1, len(seqs) + 1))
    assert links == len(seqs) - 1  # one linear chain, each entry on the one before

    verified = run_trustdesk(desk, "audit", "verify", "--as", "chief", password=ADMIN_PW)
    assert verified.returncode == 0, verified.stderr
    assert f"{WORKERS * EACH} decision records" in verified.stdout
    # The workstation's anchor followed the chain to its head, never back.
    with Store.open(desk) as store:
        anchored = AnchorFile(desk).read()
        assert anchored is not None
        assert anchored.seq >= store.audit.head()[0] - 1  # the verification's own entry


@pytest.fixture
def window_open(desk: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the folder as the desktop app does, all day."""
    holder = (
        "import sys, time\nfrom trustdesk.store.store import Store\n"
        f"s = Store.open({str(desk)!r}, window=True)\nprint('open', flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", holder],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "open"
        try:
            yield child
        finally:
            child.communicate("", timeout=30)


def test_reads_and_saves_go_on_while_the_window_is_open(
    desk: Path, tmp_path: Path, window_open: subprocess.Popen[str]
) -> None:
    listed = run_trustdesk(desk, "users", "list", "--as", "chief", password=ADMIN_PW)
    assert listed.returncode == 0, listed.stderr
    assert "ann" in listed.stdout
    saved = run_trustdesk(
        desk, "decisions", "add", str(_case_file(tmp_path)), "--as", "ann",
        password=PASSWORDS["ann"],
    )  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    assert saved.stdout.strip() == "1"


def test_a_second_window_is_told_the_folder_is_open_elsewhere(
    desk: Path, window_open: subprocess.Popen[str]
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TRUSTDESK_DEBUG": ""}
    second = subprocess.run(
        [sys.executable, "-m", "trustdesk", "--data-dir", str(desk), "gui", "--exit-when-ready"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert second.returncode == 2, second.stderr
    assert "Traceback" not in second.stderr
    assert (
        f"data folder {desk} is already open in another TrustDesk window "
        f"(pid {window_open.pid} on" in second.stderr
    )


def test_a_restore_is_refused_while_another_program_has_the_folder_open(
    desk: Path, tmp_path: Path, window_open: subprocess.Popen[str]
) -> None:
    backup = tmp_path / "copy.db"
    made = run_trustdesk(desk, "backup", str(backup), "--as", "chief", password=ADMIN_PW)
    assert made.returncode == 0, made.stderr
    with Store.open(desk) as store:
        before = store.audit.head()
        with pytest.raises(AlreadyOpen, match="cannot restore a backup while another TrustDesk"):
            store.restore(check_backup(backup), Actor(1, "chief", "ws"), datetime.now(UTC))
        assert store.audit.head() == before  # nothing recorded, nothing replaced
    window_open.communicate("", timeout=30)  # the window closes: now the restore may run
    with Store.open(desk) as store:
        store.restore(
            check_backup(backup), Actor(1, "chief", "ws"), datetime.now(UTC), discard_newer=True
        )
        assert store.verify().ok


def test_two_programs_upgrading_an_old_database_at_once(tmp_path: Path) -> None:
    """Both open a database of an older schema at the same instant: it is migrated once."""
    data = tmp_path / "old"
    build_old(data, 3)
    opener = (
        "import sys\nfrom trustdesk.store.store import Store\n"
        "sys.stdin.readline()\n"
        f"with Store.open({str(data)!r}) as s:\n    print(s.audit.head()[0])\n"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", opener],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for child in children:  # both started and waiting; now let them open together
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        _out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    with Store.open(data) as store:
        report = store.verify()
        assert report.ok, report.problems
        with store.db.reading() as conn:
            assert schema_version(conn) == SCHEMA_VERSION

"""Issue 17 § 3: deleting the newest decisions must not leave ``audit verify`` "intact".

The attacker keeps a copy of the file's rows at some moment; later, with the plain
sqlite3 module, drops the guard triggers, deletes every row (decisions, holds, chain
tail, derived tables) written since, and recreates the triggers. The chain left is a
genuine prefix of the real one, so only the head this workstation last saw (its anchor,
kept outside the data folder) can tell.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hostile import PASSWORDS, attacker, case_file, staff
from storekit import in_process_cli

from trustdesk.store.paths import DB_NAME
from trustdesk.store.store import Store


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(tmp_path / "anchors"))
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS)


def _snapshot(data: Path, target: Path) -> None:
    with sqlite3.connect(data / DB_NAME) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Every ordinary table (FTS shadow tables are written through their virtual table)."""
    return [
        row[1]
        for row in conn.execute("PRAGMA main.table_list")
        if row[2] in ("table", "virtual") and not row[1].startswith("sqlite_")
    ]


def _roll_back(data: Path, snapshot: Path) -> None:
    """Delete everything written after ``snapshot`` was taken, row by row."""
    with attacker(data) as conn:
        conn.execute("ATTACH DATABASE ? AS snap", (str(snapshot),))
        conn.execute("BEGIN")
        for table in _tables(conn):
            conn.execute(f"DELETE FROM main.{table}")
            conn.execute(f"INSERT INTO main.{table} SELECT * FROM snap.{table}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE snap")


def _decide(cli: Any, folder: Path, number: int) -> None:
    code, _out, err = cli("decisions", "add", case_file(folder, number), "--as", "ann", who="ann")
    assert code == 0, err


def _decisions(data: Path) -> int:
    with sqlite3.connect(data / DB_NAME) as conn:
        return int(conn.execute("SELECT count(DISTINCT decision_id) FROM decisions").fetchone()[0])


def test_deleting_the_newest_decisions_is_reported_as_a_rollback(cli: Any, tmp_path: Path) -> None:
    staff(cli)
    for number in (1, 2):
        _decide(cli, tmp_path, number)
    _snapshot(cli.data, tmp_path / "before.db")
    for number in (3, 4):
        _decide(cli, tmp_path, number)
    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0 and "intact" in out, err
    with Store.open(cli.data) as store:
        seen_seq, seen_hash = store.audit.head()

    _roll_back(cli.data, tmp_path / "before.db")
    assert _decisions(cli.data) == 2
    with Store.open(cli.data) as store:  # the rows left are a genuine prefix
        assert store.integrity_check() == ["ok"]
        assert store.audit.head()[0] < seen_seq

    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 3, (out, err)
    assert "intact" not in out
    assert (
        f"chain is shorter than this workstation last saw (entry {seen_seq}, hash "
        f"{seen_hash[:16]}" in err
    )
    assert "records may have been rolled back" in err
    # The alarm stays until someone deals with it: verifying again does not bury it.
    code, _out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 3 and "rolled back" in err


def test_a_rewritten_head_at_the_same_length_is_reported(cli: Any, tmp_path: Path) -> None:
    """The anchor is a hash, not only a count: the same number of entries, other content."""
    staff(cli)
    _decide(cli, tmp_path, 1)
    with Store.open(cli.data) as store:
        seen_seq, _hash = store.audit.head()
    with attacker(cli.data) as conn:
        conn.execute("UPDATE audit_log SET hash = ? WHERE seq = ?", ("0" * 64, seen_seq))
    code, _out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 3 and f"entry {seen_seq}" in err


def test_first_use_anchors_and_a_restore_re_anchors_with_an_audit_entry(
    cli: Any, tmp_path: Path
) -> None:
    staff(cli)
    anchors = tmp_path / "anchors"
    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0 and "intact" in out, err
    assert len(list(anchors.glob("*.json"))) == 1  # kept outside the data folder
    assert not list(cli.data.glob("*anchor*"))
    backup = tmp_path / "older.tdbackup"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    for number in (1, 2):
        _decide(cli, tmp_path, number)
    # A legitimate restore of an older backup: shorter, and said so in the audit.
    code, _out, err = cli("restore", str(backup), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0 and "intact" in out, err
    with Store.open(cli.data) as store:
        entries = store.audit.of_events("anchor.reset")
    assert len(entries) == 1
    reset = entries[0].objects_dict()
    assert reset["reason"] == "restore" and reset["previous_seq"] > reset["seq"]


def test_a_restore_made_elsewhere_is_accepted_only_by_an_administrator(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several OS accounts on one machine: each has its own anchor, and a restore made by
    one leaves the others' behind. An administrator accepts it, recorded; nobody else."""
    staff(cli)
    backup = tmp_path / "older.tdbackup"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    _decide(cli, tmp_path, 1)
    code, _out, _err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0
    mine = tmp_path / "anchors"
    other_account = tmp_path / "other-account-anchors"
    other_account.mkdir()
    for anchor in mine.iterdir():  # the other account last saw the same head
        (other_account / anchor.name).write_bytes(anchor.read_bytes())
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(other_account))
    assert cli("restore", str(backup), "--discard-newer", "--as", "chief", who="chief")[0] == 0
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(mine))
    code, _out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 3 and "rolled back" in err
    code, _out, err = cli("audit", "reanchor", "--as", "sam", who="sam")
    # The refusal names what was asked (it said "may not restore backups": a hostile pass).
    assert code == 2 and "may not" in err
    assert "accept the record now in place as this workstation's anchor" in err
    code, out, err = cli("audit", "reanchor", "--as", "chief", who="chief")
    assert code == 0 and "anchored at entry" in out, err
    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    assert code == 0 and "intact" in out, err
    with Store.open(cli.data) as store:
        reasons = [e.objects_dict()["reason"] for e in store.audit.of_events("anchor.reset")]
    assert reasons == ["restore", "administrator"]


def test_an_anchor_folder_that_cannot_be_written_never_stops_a_decision(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the anchor folder should be", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_ANCHOR_DIR", str(blocked / "anchors"))
    staff(cli)
    _decide(cli, tmp_path, 1)
    code, out, err = cli("audit", "verify", "--as", "sam", who="sam")
    # Intact as far as the chain shows; exit 4: no rollback could be checked here.
    assert code == 4 and "intact" in out and "NOT PROVEN" in err, err

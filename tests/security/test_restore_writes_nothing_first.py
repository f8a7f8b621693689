"""A restore writes nothing into the live database before it has checked its pages.

A damaged database is set aside exactly as the restore found it (the evidence of what
went wrong), so the restore's sign-in is proved, not recorded, and the store checks the
live file's pages before its first entry. Every way a restore ends still names who ran
it in the audit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from recordkit import case_file, desk_cli, staff
from storekit import ROLE_PASSWORDS, T0, actor, add_user, draft, scribble_pages

from trustdesk.services.errors import AccountLocked, AuthenticationFailed
from trustdesk.store import audit
from trustdesk.store.backup import check_backup
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.connection import connect
from trustdesk.store.errors import DatabaseCorrupt
from trustdesk.store.paths import DB_NAME
from trustdesk.store.store import Store


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.name.startswith(DB_NAME) and not path.name.endswith("-shm")
    }


def _add(cli: Any, tmp_path: Path, name: str) -> None:
    code, _out, err = cli("decisions", "add", case_file(tmp_path, name), "--as", "ann", who="ann")
    assert code == 0, err


def _events(db: Path, event: str) -> list[audit.AuditEntry]:
    conn = connect(db, immutable=True)
    try:
        return list(audit.entries_for(conn, event))
    finally:
        conn.close()


def test_proving_a_password_writes_nothing_and_a_wrong_one_still_counts(desk: Any) -> None:
    accounts = desk.services.accounts
    right = ROLE_PASSWORDS["administrator"]
    desk.session("admin")
    head = desk.store.audit.head()
    session = accounts.prove("admin", right)
    assert session.username == "admin"
    assert desk.store.audit.head() == head  # nothing recorded
    desk.clock.advance(minutes=1)  # failures count after the last recorded log-on
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            accounts.prove("admin", "not the password")
    assert desk.store.audit.head()[0] == head[0] + 4  # each failure recorded
    with pytest.raises(AuthenticationFailed):
        accounts.prove("admin", "not the password")
    with pytest.raises(AccountLocked):  # and counted towards the lock-out, as log_on's
        accounts.prove("admin", right)


@pytest.mark.sqlite_only("a restore replaces the SQLite file; a server restores with pg_restore")
def test_the_store_refuses_a_damaged_live_database_before_its_first_entry(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        officer = actor(add_user(store, "ann", "officer"))
        for n in range(40):
            store.decisions.add(draft(person=PersonFacts(f"D-{n}", f"Person {n}")), officer, T0)
        backup = tmp_path / "good.tdb"
        store.backup(backup, officer, T0)
    scribble_pages(folder / DB_NAME, indexes_only=True)
    found = _files(folder)
    with Store.open(folder) as store, pytest.raises(DatabaseCorrupt) as refused:
        store.restore(check_backup(backup), officer, T0)
    assert "nothing was written into it" in str(refused.value)
    assert "trustdesk restore BACKUP --as ADMIN" in str(refused.value)
    assert _files(folder) == found


@pytest.fixture
def backed_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[Any, Path]:
    """A desk's command line with two decisions, and a backup of them."""
    cli = desk_cli(tmp_path / "data", monkeypatch, capsys)
    staff(cli)
    for name in ("one.json", "two.json"):
        _add(cli, tmp_path, name)
    backup = tmp_path / "good.tdb"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    return cli, backup


@pytest.mark.sqlite_only("a restore replaces the SQLite file; a server restores with pg_restore")
def test_a_restore_over_index_damage_sets_the_file_aside_as_found(
    backed_up: tuple[Any, Path],
) -> None:
    cli, backup = backed_up
    db = cli.data / DB_NAME
    scribble_pages(db, indexes_only=True)
    found = _files(cli.data)
    code, out, err = cli("restore", str(backup), "--as", "chief", who="chief")
    assert code == 0, err
    assert "damaged" in err and "kept as" in out
    [kept] = sorted(cli.data.glob("trustdesk-damaged-*.db"))
    assert kept.read_bytes() == found[DB_NAME]
    [entry] = _events(db, "restore.over_damaged")
    assert entry.actor == "chief"


@pytest.mark.sqlite_only("a restore replaces the SQLite file; a server restores with pg_restore")
def test_a_restore_of_a_sound_database_names_who_ran_it(
    backed_up: tuple[Any, Path], tmp_path: Path
) -> None:
    cli, backup = backed_up
    db = cli.data / DB_NAME
    logons = len(_events(db, "logon"))
    code, _out, err = cli("restore", str(backup), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    [replaced] = sorted(cli.data.glob("trustdesk-replaced-*.db"))
    # The replaced records: the restore's first entry names chief; no log-on was added.
    [replacing] = _events(replaced, "restore.replacing")
    assert replacing.actor == "chief"
    assert len(_events(replaced, "logon")) == logons
    [completed] = _events(db, "restore.completed")
    assert completed.actor == "chief"
    # A refused restore is recorded too, by name.
    bad = tmp_path / "not-a-backup.tdb"
    bad.write_bytes(b"not a backup")
    code, _out, err = cli("restore", str(bad), "--as", "chief", who="chief")
    assert code == 2
    [refused] = _events(db, "restore.refused")
    assert refused.actor == "chief"

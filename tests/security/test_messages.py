"""issue 17 §5: each message names the real cause, and the advice it gives works.

- a damaged database advises `trustdesk restore BACKUP --as ADMIN`; that exact command
  works on that folder (the damaged files are kept beside it);
- a full disk says "the disk is full", not "input/output error";
- a backup path through `..` that fails names the step that fails, not the data folder;
- restoring a folder or /dev/null says what it is, not "no such file";
- verifying a file that is not a PDF says so, not MISMATCH.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from recordkit import case_file, desk_cli, one_line_error, staff

from trustdesk.store import audit
from trustdesk.store.connection import connect


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = desk_cli(tmp_path / "data", monkeypatch, capsys)
    staff(run)
    return run


def _add(cli: Any, tmp_path: Path, name: str) -> None:
    code, _out, err = cli("decisions", "add", case_file(tmp_path, name), "--as", "ann", who="ann")
    assert code == 0, err


def _listed(cli: Any) -> int:
    code, out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 0, err
    return len(out.splitlines()) - 1


def _advised_restore(message: str, backup: Path) -> list[str]:
    """The command the message advises, with its placeholders filled in."""
    found = re.search(r"`trustdesk (restore BACKUP --as ADMIN)`", message)
    assert found is not None, message
    words = found.group(1).split()
    return [str(backup) if w == "BACKUP" else "chief" if w == "ADMIN" else w for w in words]


def _damaged_then_restored_as_advised(cli: Any, tmp_path: Path, damage: Any) -> Path:
    _add(cli, tmp_path, "one.json")
    backup = tmp_path / "good.tdb"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    _add(cli, tmp_path, "two.json")
    db = cli.data / "trustdesk.db"
    damage(db)
    damaged = db.read_bytes()
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    # What the restore finds: the damaged file with whatever the listing wrote into it
    # (its sign-in, where the damage let it). The restore itself writes nothing there.
    found = _database_files(cli.data)
    if code == 0:  # damage not met by a listing: the restore's own check meets it
        code, _out, err = cli("restore", str(backup), "--as", "chief", who="chief")
        assert code == 0, err
    else:
        assert code == 2
        advised = _advised_restore(one_line_error(err), backup)
        code, out, err = cli(*advised, who="chief")
        assert code == 0, err
        assert "kept as" in out
    assert _listed(cli) == 1
    kept = sorted(cli.data.glob("trustdesk-damaged-*.db"))
    assert len(kept) == 1
    kept_bytes = kept[0].read_bytes()
    damaged_digest = hashlib.sha256(kept_bytes).hexdigest()
    # The damaged files set aside byte for byte as the restore found them, each damaged
    # page still as the damage left it.
    assert kept_bytes == found[""]
    stamp = kept[0].name.removesuffix(".db")
    for suffix, data in found.items():
        if suffix:
            assert (cli.data / f"{stamp}.db{suffix}").read_bytes() == data, suffix
    page = int.from_bytes(damaged[16:18], "big")
    assert _damaged_pages(kept_bytes, page) == _damaged_pages(damaged, page)
    conn = connect(cli.data / "trustdesk.db", immutable=True)
    try:
        [entry] = list(audit.entries_for(conn, "restore.over_damaged"))
    finally:
        conn.close()
    about = json.loads(entry.objects)
    assert about["kept_files"] == [kept[0].name] and about["kept_sha256"] == damaged_digest
    assert about["confirmed_other_store"] is False  # its id was still readable
    code, _out, err = cli("audit", "verify", "--as", "chief", who="chief")
    assert code == 0, err
    return kept[0]


def _database_files(folder: Path) -> dict[str, bytes]:
    """The live database's main file and write-ahead log, by suffix, as they are now."""
    files = {"": (folder / "trustdesk.db").read_bytes()}
    wal = folder / "trustdesk.db-wal"
    if wal.exists():
        files["-wal"] = wal.read_bytes()
    return files


def _damaged_pages(data: bytes, page: int) -> list[int]:
    """The pages the tests' damage filled with 0xa5, by number."""
    return [
        n
        for n in range(1, len(data) // page + 1)
        if data[(n - 1) * page : n * page] == b"\xa5" * page
    ]


def _checkpoint(db: Path) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_a_truncated_database_is_restored_by_the_advised_command(cli: Any, tmp_path: Path) -> None:
    def truncate(db: Path) -> None:
        _checkpoint(db)
        os.truncate(db, db.stat().st_size // 2 + 100)

    _damaged_then_restored_as_advised(cli, tmp_path, truncate)


def test_damaged_pages_are_restored_over_too(cli: Any, tmp_path: Path) -> None:
    def scribble(db: Path) -> None:
        _checkpoint(db)
        page = int.from_bytes(db.read_bytes()[16:18], "big")
        conn = sqlite3.connect(db)
        roots = [
            row[0]
            for row in conn.execute(
                "SELECT rootpage FROM sqlite_master WHERE tbl_name = 'decisions' AND rootpage"
            )
        ]
        conn.close()
        with open(db, "r+b") as handle:  # the decisions' pages and their indexes'
            for root in roots:
                handle.seek((root - 1) * page)
                handle.write(b"\xa5" * page)

    _damaged_then_restored_as_advised(cli, tmp_path, scribble)


def test_an_unreadable_identity_needs_the_explicit_confirmation(cli: Any, tmp_path: Path) -> None:
    _add(cli, tmp_path, "one.json")
    backup = tmp_path / "good.tdb"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    db = cli.data / "trustdesk.db"
    _checkpoint(db)
    db.write_bytes(db.read_bytes()[:4096] + b"\0" * 4096)  # the identity is gone
    code, _out, err = cli("restore", str(backup), "--as", "chief", who="chief")
    assert code == 2 and "--replace-with-other-store" in err and "Nothing was changed" in err
    code, _out, err = cli(
        "restore", str(backup), "--replace-with-other-store", "--as", "chief", who="chief"
    )
    assert code == 0, err
    assert _listed(cli) == 1


def test_a_full_disk_is_named_when_sqlite_says_input_output_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store import connection
    from trustdesk.store.errors import DiskFull, StoreIOError

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = sqlite3.SQLITE_IOERR_WRITE  # type: ignore[attr-defined]
    roomy = connection.translate(error, tmp_path / "trustdesk.db")
    assert isinstance(roomy, StoreIOError) and "input/output error" in str(roomy)

    class Full:
        f_bavail = 3
        f_frsize = 4096

    monkeypatch.setattr(connection.os, "statvfs", lambda _path: Full())
    full = connection.translate(error, tmp_path / "trustdesk.db")
    assert isinstance(full, DiskFull) and "the disk holding" in str(full)
    assert "is full" in str(full) and "input/output" not in str(full)


@pytest.mark.parametrize("where", ["lock", "folder"])
def test_no_space_for_the_data_folder_says_the_disk_is_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any, where: str
) -> None:
    from trustdesk.store import database, lock

    def no_space(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if where == "lock":
        monkeypatch.setattr(lock.os, "open", no_space)
    else:
        monkeypatch.setattr(database.Path, "mkdir", no_space)
    run = desk_cli(tmp_path / "data", monkeypatch, capsys)
    # The first administrator begins the record: the folder and its lock are made then.
    code, _out, err = run("users", "add", "chief", "--role", "administrator", new="x" * 16)
    assert code == 2 and "the disk is full" in one_line_error(err)


def test_a_backup_path_through_dot_dot_names_the_step_that_fails(cli: Any, tmp_path: Path) -> None:
    missing = tmp_path / "archive" / ".." / "b.tdb"
    code, _out, err = cli("backup", str(missing), "--as", "chief", who="chief")
    line = one_line_error(err)
    assert code == 2 and f"folder {tmp_path / 'archive'} does not exist" in line
    through_file = Path(case_file(tmp_path)) / ".." / "b.tdb"
    code, _out, err = cli("backup", str(through_file), "--as", "chief", who="chief")
    line = one_line_error(err)
    assert code == 2 and f"{tmp_path / 'case.json'} is a file, not a folder" in line
    system = Path("/proc") / ".." / "proc" / "b.tdb"
    code, _out, err = cli("backup", str(system), "--as", "chief", who="chief")
    line = one_line_error(err)
    assert code == 2 and "data folder" not in line and "/proc/../proc" in line


def test_restoring_a_folder_or_a_device_says_what_it_is(cli: Any, tmp_path: Path) -> None:
    code, _out, err = cli("restore", str(tmp_path), "--as", "chief", who="chief")
    line = one_line_error(err)
    assert code == 2 and "is a folder, not a backup file" in line and "no such" not in line
    code, _out, err = cli("restore", os.devnull, "--as", "chief", who="chief")
    line = one_line_error(err)
    assert code == 2 and "not a regular file" in line and "no such" not in line
    code, _out, err = cli(
        "restore", str(tmp_path / "gone" / ".." / "x.tdb"), "--as", "chief", who="chief"
    )
    assert code == 2 and f"folder {tmp_path / 'gone'} does not exist" in one_line_error(err)


def test_verifying_a_file_that_is_not_a_pdf_says_so(cli: Any, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a memo at all\n", encoding="utf-8")
    code, out, err = cli("verify", str(text), "--as", "aud", who="aud")
    assert code == 2 and out == ""
    line = one_line_error(err)
    assert "is not a PDF" in line and "MISMATCH" not in line


def test_a_backup_from_a_newer_trustdesk_says_which_and_what_to_do(
    cli: Any, tmp_path: Path
) -> None:
    """The refusal was cut at its first semicolon: "(schema 99. The live database…", the
    parenthesis never closed and the advice (install the newer TrustDesk) lost."""
    from trustdesk.store.migrations import SCHEMA_VERSION

    _add(cli, tmp_path, "one.json")
    backup = tmp_path / "newer.tdb"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    conn = sqlite3.connect(backup)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    code, _out, err = cli("restore", str(backup), "--as", "chief", who="chief")
    line = one_line_error(err)
    assert code == 2
    assert f"(schema 99; this one reads up to {SCHEMA_VERSION})" in line
    assert "newer TrustDesk" in line and "install" in line
    assert "The live database was not changed." in line
    assert _listed(cli) == 1

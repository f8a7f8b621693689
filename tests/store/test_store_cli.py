"""The record-keeping commands, run as a user runs them: output, exit codes, one-line errors.

Most tests call ``trustdesk.cli.main`` in-process with a cheap scrypt cost (the real cost
is half a second per log-on); a few run the real program in a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from storekit import ADMIN_PW, PASSWORDS, in_process_cli, run_trustdesk, scribble_pages

from casekit import make_case
from trustdesk.cli import main


@pytest.fixture
def cli(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: str | None,
) -> Any:
    return in_process_cli(tmp_path / "data", monkeypatch, capsys, PASSWORDS, database)


def _case(tmp_path: Path, name: str = "case.json", **changes: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(make_case(**changes)), encoding="utf-8")
    return str(path)


def _staff(cli: Any) -> None:
    assert cli("users", "add", "chief", "--role", "administrator", new=ADMIN_PW)[0] == 0
    for name, role in (("ann", "officer"), ("sam", "supervisor"), ("aud", "auditor")):
        code, out, err = cli(
            "users", "add", name, "--role", role, "--as", "chief", who="chief", new=PASSWORDS[name]
        )
        assert code == 0, err
        assert out == f"user {name} added as {role}\n"


WARNING = "trustdesk: warning: "


def _rename_away(cli: Any, table: str) -> None:
    """Rename one of TrustDesk's tables behind its back, as anyone who can write the file can."""
    conn = sqlite3.connect(cli.data / "trustdesk.db", isolation_level=None)
    try:
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_elsewhere")
    finally:
        conn.close()


AGENCY = ("--agency", "New Haven Police", "--facility", "Union Avenue", "--ori", "CT0009300")


def _added(cli: Any, tmp_path: Path, name: str) -> tuple[str, str]:
    """A decision added by the command line: its id and its memo code's digest."""
    code, out, err = cli(
        "decisions", "add", _case(tmp_path, name, tsdb_match=True), "--as", "ann", who="ann"
    )
    assert code == 0, err
    conn = sqlite3.connect(cli.data / "trustdesk.db")
    try:
        objects = conn.execute(
            "SELECT objects FROM audit_log WHERE event = 'decision.created' ORDER BY seq DESC"
        ).fetchone()[0]
    finally:
        conn.close()
    return out.strip(), str(json.loads(objects)["record_sha256"])


def one_line_error(err: str) -> str:
    # The only-administrator warning (issue 17) may come first; the refusal is one line.
    lines = [line for line in err.strip().splitlines() if not line.startswith(WARNING)]
    assert len(lines) == 1, err
    assert lines[0].startswith("trustdesk: ") and "Traceback" not in err
    return lines[0]


def test_first_administrator(cli: Any) -> None:
    code, _out, err = cli("users", "add", "ann", "--role", "officer", new="a long password x")
    assert code == 2 and "first account must be an administrator" in one_line_error(err)
    code, out, _err = cli("users", "add", "chief", "--role", "administrator", new=ADMIN_PW)
    assert code == 0 and "first administrator chief created" in out
    code, _out, err = cli("users", "add", "eve", "--role", "administrator", new=ADMIN_PW)
    assert code == 2 and "already has accounts" in one_line_error(err)
    with pytest.raises(SystemExit) as caught:  # argparse: no such option, by design
        cli("users", "add", "x", "--role", "officer", "--password", "y")
    assert caught.value.code == 2


def test_a_day_at_the_desk(cli: Any, tmp_path: Path) -> None:
    _staff(cli)
    case = _case(tmp_path, tsdb_match=True, releasable_at="2026-11-19T15:00:00-05:00")
    code, out, err = cli("decisions", "add", case, "--as", "ann", who="ann")
    assert code == 0, err
    assert out == "1\n" and "hold expires" in err
    risky = _case(
        tmp_path,
        "risky.json",
        decision_time="2016-11-17T10:00:00-05:00",
        public_safety_risk={"asserted": True, "reason": "threats at booking"},
    )
    assert cli("decisions", "add", risky, "--as", "ann", who="ann")[1] == "2\n"
    code, out, _ = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 0 and "María Peña" in out and "[REVIEW]" in out
    code, out, _ = cli("decisions", "list", "--needs-review", "--as", "sam", who="sam")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["2"]
    code, out, _ = cli("decisions", "list", "--active-holds", "--as", "ann", who="ann")
    assert "start not yet known" in out and "Tue 23 Nov 2026" not in out
    code, out, _ = cli(
        "decisions",
        "list",
        "--name",
        "PENA",
        "--outcome",
        "honor",
        "--from",
        "2026-11-19",
        "--to",
        "2026-11-19",
        "--as",
        "ann",
        who="ann",
    )
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["1"]
    code, _out, err = cli("decisions", "review", "2", "--approve", "--as", "ann", who="ann")
    assert code == 2 and "may not review" in one_line_error(err)
    code, out, _ = cli("decisions", "review", "2", "--approve", "--as", "sam", who="sam")
    assert code == 0 and "approved by sam" in out
    code, out, err = cli(
        "decisions", "amend", "1", case, "--reason", "hold start entered", "--as", "ann", who="ann"
    )
    assert code == 0 and out == "1\n" and "version 2" in err
    fixed = _case(tmp_path, "fixed.json", tsdb_match=False)
    code, out, err = cli("decisions", "review", "1", "--amend", fixed, "--as", "sam", who="sam")
    assert code == 2 and "--reason" in one_line_error(err)
    code, out, err = cli(
        "decisions",
        "review",
        "1",
        "--amend",
        fixed,
        "--reason",
        "no match",
        "--as",
        "sam",
        who="sam",
    )
    assert code == 0 and "version 3" in err
    code, out, _ = cli("decisions", "show", "1", "--as", "aud", who="aud")
    assert code == 0 and "3 version(s)" in out and "Reason: no match" in out
    code, out, _ = cli("decisions", "show", "1", "--format", "json", "--as", "aud", who="aud")
    shown = json.loads(out)
    assert [v["version"] for v in shown["versions"]] == [1, 2, 3]
    assert shown["versions"][0]["rule_pack"] == "ct-2025"
    assert shown["versions"][0]["case"]["person"]["name"] == "María Peña"
    code, out, _ = cli("decisions", "list", "--overdue", "--as", "ann", who="ann")
    assert "DECISION AMENDED TO DECLINE" in out


def test_holds_and_the_audit_trail(cli: Any, tmp_path: Path) -> None:
    _staff(cli)
    case = _case(tmp_path, tsdb_match=True, releasable_at="2026-11-19T15:00:00-05:00")
    assert cli("decisions", "add", case, "--as", "ann", who="ann")[0] == 0
    code, out, _ = cli("decisions", "list", "--overdue", "--as", "ann", who="ann")
    assert "OVERDUE by" in out
    hold = out.splitlines()[1].split()[0]
    code, out, err = cli(
        "holds",
        "close",
        hold,
        "--outcome",
        "released_other",
        "--note",
        "detainer declined on review",
        "--as",
        "ann",
        who="ann",
    )
    assert code == 0 and "closed: released_other" in out, err
    code, out, _ = cli("decisions", "list", "--active-holds", "--as", "ann", who="ann")
    assert out == "no holds\n"
    code, out, _ = cli("audit", "verify", "--as", "aud", who="aud")
    assert code == 0 and out.startswith("audit trail intact:")
    export = tmp_path / "audit.jsonl"
    code, _out, err = cli(
        "audit", "export", "--format", "jsonl", "--output", str(export), "--as", "aud", who="aud"
    )
    assert code == 0 and "audit entries written" in err
    entries = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert entries[0]["event"] == "store.created" and "María" not in export.read_text("utf-8")
    code, out, _ = cli("audit", "export", "--format", "csv", "--as", "chief", who="chief")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["seq"] == "1" and len(rows) > len(entries)  # the first export is in it
    code, _out, err = cli(
        "audit", "export", "--format", "csv", "--output", str(export), "--as", "aud", who="aud"
    )
    assert code == 2 and "never overwrites" in one_line_error(err)


@pytest.mark.parametrize("at", ["2025-11-19T15:00-05:00", "1900-01-01T00:00+14:00"])
def test_a_hold_is_not_closed_before_the_decision_that_opened_it(
    cli: Any, tmp_path: Path, at: str
) -> None:
    """A year typed wrong in --at closed the hold for good at an impossible time, shown as
    such on every memo and report (one closure per hold; a hostile review found it)."""
    _staff(cli)
    case = _case(tmp_path, tsdb_match=True, releasable_at="2026-11-19T15:00:00-05:00")
    assert cli("decisions", "add", case, "--as", "ann", who="ann")[0] == 0
    code, out, _ = cli("decisions", "list", "--active-holds", "--as", "ann", who="ann")
    hold = out.splitlines()[1].split()[0]
    close = ("holds", "close", hold, "--outcome", "ice_took_custody", "--as", "ann")
    code, out, err = cli(*close, "--at", at, who="ann")
    assert code == 2 and "is before the decision (" in one_line_error(err), err
    code, out, _ = cli("decisions", "list", "--active-holds", "--as", "ann", who="ann")
    assert out.splitlines()[1].split()[0] == hold  # still open
    code, out, err = cli(*close, "--at", "2026-11-20T12:00-05:00", who="ann")
    assert code == 0 and "closed: ice_took_custody" in out, err


@pytest.mark.sqlite_only("a data folder's own files")
def test_a_database_moved_away_from_its_log_is_named_not_called_no_record(cli: Any) -> None:
    """trustdesk.db gone, its write-ahead log still beside it: the store's own refusal
    (put it back, or restore) is said, not "there is no record here, begin a new one"."""
    _staff(cli)
    (cli.data / "trustdesk.db-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 4092)
    (cli.data / "trustdesk.db").unlink()
    code, _out, err = cli("users", "list", "--as", "chief", who="chief")
    assert code == 2 and "no TrustDesk record" not in err
    assert "moved or deleted" in one_line_error(err)


@pytest.mark.sqlite_only("a data folder's own files")
def test_a_folder_this_account_may_not_enter_is_said_so(cli: Any) -> None:
    """Run by an account the folder shuts out: "permission denied" in words, not an
    internal error (a hostile review found the record check before the open raising).
    Root is shut out too, its rights to pass over permissions dropped (setpriv)."""
    import os
    import sys

    _staff(cli)
    command = [sys.executable, "-m", "trustdesk", "--data-dir", str(cli.data)]
    if os.geteuid() == 0:
        drop = "--bounding-set=-dac_override,-dac_read_search,-fowner"
        command = ["setpriv", drop, *command]
    env = {**os.environ, "TRUSTDESK_DEBUG": "", "TRUSTDESK_PASSWORD": ADMIN_PW}
    cli.data.chmod(0)
    try:
        result = subprocess.run(
            [*command, "users", "list", "--as", "chief"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
        )
    finally:
        cli.data.chmod(0o700)
    assert result.returncode == 2 and "internal error" not in result.stderr
    assert "permission denied" in result.stderr.lower(), result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--from", "2026-12-31", "--to", "2026-01-01"), "swap --from and --to"),
        (("--limit", "0"), "--limit 0 lists nothing"),
        (("--limit", "-5"), "--limit -5 lists nothing"),
    ],
)
def test_decisions_list_refuses_a_period_backwards_or_a_limit_below_one(
    cli: Any, tmp_path: Path, database: str | None, args: tuple[str, ...], said: str
) -> None:
    """A period ending before it starts answered "no decisions found", and --limit 0 or
    -5 listed as if 1 (a hostile review found it); refused before anything is recorded."""
    from trustdesk.store.store import Store

    _staff(cli)
    case = _case(tmp_path, tsdb_match=True)
    assert cli("decisions", "add", case, "--as", "ann", who="ann")[0] == 0
    with Store.open(cli.data, database=database) as store:
        head = store.audit.head()
    code, out, err = cli("decisions", "list", *args, "--as", "ann", who="ann")
    assert code == 2 and out == "" and said in one_line_error(err)
    with Store.open(cli.data, database=database) as store:
        assert store.audit.head() == head


def test_accounts_from_the_command_line(cli: Any) -> None:
    _staff(cli)
    for _ in range(4):
        code, _out, err = cli("decisions", "list", "--as", "ann", who="wrong guess")
        assert code == 2 and "wrong user name or password" in one_line_error(err)
    code, _out, err = cli("decisions", "list", "--as", "ann", who="wrong guess")
    # locked now, said only to whoever proves the password (issue 17)
    assert code == 2 and "wrong user name or password" in one_line_error(err)
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 2 and "locked" in err
    code, out, _ = cli("users", "list", "--as", "aud", who="aud")
    assert "ann" in out and "locked" in out
    assert cli("users", "unlock", "ann", "--as", "chief", who="chief")[0] == 0
    assert cli("decisions", "list", "--as", "ann", who="ann")[0] == 0
    code, out, _ = cli(
        "users", "set-role", "ann", "--role", "supervisor", "--as", "chief", who="chief"
    )
    assert out == "ann is now supervisor\n"
    assert cli("users", "disable", "ann", "--as", "chief", who="chief")[1] == "ann disabled\n"
    assert cli("decisions", "list", "--as", "ann", who="ann")[0] == 2
    assert cli("users", "enable", "ann", "--as", "chief", who="chief")[0] == 0
    code, _out, err = cli(
        "users", "reset-password", "ann", "--as", "chief", who="chief", new="password1"
    )
    assert code == 2 and "common or breached" in one_line_error(err)
    assert (
        cli(
            "users", "reset-password", "ann", "--as", "chief", who="chief", new="brand new words 9"
        )[0]
        == 0
    )
    PASSWORDS["ann2"] = "brand new words 9"
    assert cli("users", "passwd", "--as", "ann", who="ann2", new="newer words again")[0] == 0
    assert cli("decisions", "list", "--as", "ann", who="newer words again")[0] == 0
    code, _out, err = cli(
        "users", "add", "zed", "--role", "officer", "--as", "sam", who="sam", new="zed long words"
    )
    assert code == 2 and "may not manage user accounts" in one_line_error(err)


def test_a_new_data_folder_says_how_to_begin(cli: Any) -> None:
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 2 and "users add NAME --role administrator" in one_line_error(err)


@pytest.mark.sqlite_only("a data folder's own record")
@pytest.mark.parametrize(
    "argv",
    [
        ("decisions", "list", "--as", "chief"),
        ("audit", "verify", "--as", "chief"),
        ("users", "list", "--as", "chief"),
        ("holds", "close", "1", "--outcome", "ice_took_custody", "--as", "chief"),
    ],
)
def test_a_mistyped_data_folder_is_not_made_a_new_record(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
) -> None:
    """A reading command on a folder with no record made a new, empty one there and
    invited its first administrator: a second, separate record (a hostile review found
    it). It says there is none, and creates nothing; the first administrator begins one."""
    typo = tmp_path / "TrustDsk"
    monkeypatch.setenv("TRUSTDESK_PASSWORD", ADMIN_PW)
    code = main(["--data-dir", str(typo), *argv])
    err = one_line_error(capsys.readouterr().err)
    assert code == 2 and not typo.exists()
    assert f"there is no TrustDesk record in {typo} (trustdesk.db not found)" in err
    assert "Check --data-dir" in err and "users add NAME --role administrator" in err
    monkeypatch.delenv("TRUSTDESK_PASSWORD")
    monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", ADMIN_PW)
    code = main(["--data-dir", str(typo), "users", "add", "chief", "--role", "administrator"])
    assert code == 0 and (typo / "trustdesk.db").exists(), capsys.readouterr().err


def test_no_password_in_a_script_is_a_clear_error(cli: Any) -> None:
    _staff(cli)
    code, _out, err = cli("decisions", "list", "--as", "ann")
    assert code == 2 and "TRUSTDESK_PASSWORD" in one_line_error(err)


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_audit_verify_fails_with_3_naming_the_first_broken_entry(cli: Any, tmp_path: Path) -> None:
    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    conn = sqlite3.connect(cli.data / "trustdesk.db", isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    seq = conn.execute(
        "SELECT seq FROM audit_log WHERE event = 'user.created' LIMIT 1 OFFSET 1"
    ).fetchone()[0]
    conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = ?", (seq,))
    conn.close()
    code, out, err = cli("audit", "verify", "--as", "aud", who="aud")
    assert code == 3 and out == ""
    assert f"first broken entry: {seq}" in err and f"audit entry {seq}" in err


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_audit_verify_reports_a_table_renamed_away_with_3(cli: Any, tmp_path: Path) -> None:
    """Not "internal error (OperationalError); this is a bug in TrustDesk": the table
    that held the decisions is gone from the record, and the report says so."""
    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    _rename_away(cli, "decisions")
    code, out, err = cli("audit", "verify", "--as", "aud", who="aud")
    assert code == 3 and out == "", err
    assert err.startswith("AUDIT TRAIL BROKEN: the record's tables are not the ones TrustDesk")
    assert "no such table: decisions" in err and "internal error" not in err


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
@pytest.mark.parametrize("table", ["users", "agency"])
def test_a_table_read_before_the_check_renamed_away_is_one_line(
    cli: Any, tmp_path: Path, table: str
) -> None:
    """The accounts (and, in the installed program, the agency's profile) are read while
    signing in, before the check begins: a command met there stops with one line naming
    what is gone (exit 2); met by the check, it is the check's finding (exit 3). Never
    "internal error … a bug in TrustDesk"."""
    _staff(cli)
    _rename_away(cli, table)
    code, out, err = cli("audit", "verify", "--as", "aud", who="aud")
    said = "the record's tables are not the ones TrustDesk made"
    assert (code, out) in ((2, ""), (3, "")), err
    assert err.startswith(f"trustdesk: {said}" if code == 2 else f"AUDIT TRAIL BROKEN: {said}")
    assert f"no such table: {table}" in err and "internal error" not in err
    assert len(err.strip().splitlines()) == 1
    if table == "users":  # signing in reads it: the command stops there
        assert code == 2


@pytest.mark.sqlite_only("backup files are SQLite files; on a server: test_pg_server")
def test_backup_and_restore_commands(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    target = tmp_path / "backup.tdb"
    code, out, err = cli("backup", str(target), "--as", "chief", who="chief")
    assert code == 0 and "1 decision records" in out, err
    code, _out, err = cli("backup", str(target), "--as", "chief", who="chief")
    assert code == 2 and "already exists" in one_line_error(err)
    code, _out, err = cli("backup", str(tmp_path / "b2"), "--as", "ann", who="ann")
    assert code == 2 and "may not make backups" in one_line_error(err)
    cli("decisions", "add", _case(tmp_path, "2.json"), "--as", "ann", who="ann")
    copy = tmp_path / "copy.db"
    copy.write_bytes((cli.data / "trustdesk.db").read_bytes())
    code, _out, err = cli("restore", str(copy), "--as", "chief", who="chief")
    assert code == 2 and "plain copy of trustdesk.db" in one_line_error(err)
    code, out, err = cli("restore", str(target), "--as", "chief", who="chief")
    assert code == 2 and "--discard-newer" in one_line_error(err)
    code, out, err = cli("restore", str(target), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0 and "kept in" in out, err
    code, out, _ = cli("decisions", "list", "--as", "ann", who="ann")
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["1"]
    # disaster recovery: an empty data folder, restored by an administrator of the backup
    empty = tmp_path / "new-machine"
    monkeypatch.setenv("TRUSTDESK_PASSWORD", "not it at all")
    code = main(["--data-dir", str(empty), "restore", str(target), "--as", "chief"])
    assert code == 2 and "as stored in the backup" in one_line_error(capsys.readouterr().err)
    monkeypatch.setenv("TRUSTDESK_PASSWORD", ADMIN_PW)
    code = main(["--data-dir", str(empty), "restore", str(target), "--as", "chief"])
    assert code == 0, capsys.readouterr().err
    monkeypatch.setenv("TRUSTDESK_PASSWORD", PASSWORDS["ann"])
    assert main(["--data-dir", str(empty), "decisions", "list", "--as", "ann"]) == 0


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
@pytest.mark.parametrize("table", ["meta", "decisions", "users", "agency"])
def test_restore_repairs_a_table_renamed_away(cli: Any, tmp_path: Path, table: str) -> None:
    """The one line a renamed table gives says to restore the last good backup: `restore`
    does so over the changed file (a hostile review found it refused)."""
    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    target = tmp_path / "backup.tdb"
    code, _out, err = cli("backup", str(target), "--as", "chief", who="chief")
    assert code == 0, err
    _rename_away(cli, table)
    code, _out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code in (2, 3) and "Restore the records from the last good backup" in err, err
    # The backup's own entry (and any sign-in since) leaves the record: said, as over a
    # sound database (the next test), so the restore is confirmed.
    code, out, err = cli("restore", str(target), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    code, out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == ["1"], err


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
@pytest.mark.parametrize("table", ["users", "decisions"])
def test_restore_over_a_changed_table_keeps_newer_records_unless_told(
    cli: Any, tmp_path: Path, table: str
) -> None:
    """Over a table renamed away the record is still there to read: what the backup does
    not hold leaves it only with --discard-newer, as over a sound database (a hostile
    review found newer records dropped without a word)."""
    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    target = tmp_path / "backup.tdb"
    assert cli("backup", str(target), "--as", "chief", who="chief")[0] == 0
    cli("decisions", "add", _case(tmp_path, "2.json"), "--as", "ann", who="ann")
    _rename_away(cli, table)
    code, out, err = cli("restore", str(target), "--as", "chief", who="chief")
    assert code == 2 and "--discard-newer" in err, err
    assert "restoring it would take out of the live record 1 decision" in err
    assert "Nothing was changed" in err
    assert not list(cli.data.glob("trustdesk-damaged-*"))
    code, out, err = cli("restore", str(target), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    code, out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 0 and [line.split()[0] for line in out.splitlines()[1:]] == ["1"], err


def _entries(db: Path, event: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT objects FROM audit_log WHERE event = ?", (event,))
        return [json.loads(objects) for (objects,) in rows.fetchall()]
    finally:
        conn.close()


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_a_restore_over_a_changed_table_records_what_left_the_record(
    cli: Any, tmp_path: Path
) -> None:
    """Confirmed with --discard-newer, what left the record is recorded as by a restore
    over a sound database (decision 0066), so a memo printed from a decision that left it
    is explained, not taken for a forgery (a hostile review found nothing recorded); and
    nothing is written beside the file by a refused restore."""
    import os

    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    target = tmp_path / "backup.tdb"
    assert cli("backup", str(target), "--as", "chief", who="chief")[0] == 0
    code, _out, err = cli("decisions", "add", _case(tmp_path, "2.json"), "--as", "ann", who="ann")
    assert code == 0, err
    db = cli.data / "trustdesk.db"
    _rename_away(cli, "users")
    files = sorted(os.listdir(cli.data))
    code, _out, err = cli("restore", str(target), "--as", "chief", who="chief")
    assert code == 2 and "--discard-newer" in err, err
    assert sorted(os.listdir(cli.data)) == files  # nothing written beside it
    code, _out, err = cli("restore", str(target), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    [completed] = _entries(db, "restore.completed")
    assert completed["confirmed_discard_newer"] is True
    assert completed["rolled_back_decisions"] == 1
    assert completed["rolled_back_kept_in"].startswith("trustdesk-damaged-")
    [over] = _entries(db, "restore.over_damaged")
    assert over["confirmed_discard_newer"] is True and over["rolled_back_decisions"] == 1


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
@pytest.mark.parametrize("table", ["users", "audit_log"])
def test_a_memo_code_of_a_decision_that_left_over_a_changed_table_is_explained(
    cli: Any, tmp_path: Path, table: str
) -> None:
    """After a restore over a changed table, the code of a memo printed from a decision
    that left the record is explained by that restore, naming the file set aside that
    holds it (a hostile review found the empty copy of the fresh record named, and with
    the log itself renamed, no explanation at all: a code that looked forged)."""
    from trustdesk.memo.verification import short_code

    _staff(cli)
    _added(cli, tmp_path, "1.json")
    target = tmp_path / "backup.tdb"
    assert cli("backup", str(target), "--as", "chief", who="chief")[0] == 0
    _id, digest = _added(cli, tmp_path, "2.json")
    db = cli.data / "trustdesk.db"
    _rename_away(cli, table)
    code, _out, err = cli("restore", str(target), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    [kept] = [path.name for path in cli.data.glob("trustdesk-damaged-*.db")]
    [completed] = _entries(db, "restore.completed")
    if table == "audit_log":  # the file's log could not say what left it
        assert completed["rolled_back_uncounted"] is True
    else:
        assert completed["confirmed_discard_newer"] is True
    code, out, _err = cli(
        "verify", "--code", short_code(digest),
        "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 3 and "The record was restored from an older backup" in out, out
    assert f"kept in {kept} in the data folder" in out, out
    if table == "users":
        assert "taking out 1 decision" in out


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_a_memo_taken_out_by_an_earlier_restore_is_explained_by_that_one(
    cli: Any, tmp_path: Path
) -> None:
    """A restore that recorded taking a memo's entry out is named for it, not a later
    restore over a changed file whose log could not say what left it, nor a later one
    whose entries taken out all come after the memo's (a hostile review found both)."""
    _staff(cli)
    _added(cli, tmp_path, "1.json")
    first = tmp_path / "first.tdb"
    assert cli("backup", str(first), "--as", "chief", who="chief")[0] == 0
    taken, _digest = _added(cli, tmp_path, "2.json")
    memo = tmp_path / "taken.pdf"
    code, _out, err = cli("memo", taken, "-o", str(memo), *AGENCY, "--as", "ann", who="ann")
    assert code == 0, err
    code, _out, err = cli("restore", str(first), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    [earlier] = _entries(cli.data / "trustdesk.db", "restore.completed")
    kept = earlier["replaced_file"]
    _added(cli, tmp_path, "3.json")
    second = tmp_path / "second.tdb"
    assert cli("backup", str(second), "--as", "chief", who="chief")[0] == 0
    _added(cli, tmp_path, "4.json")
    _rename_away(cli, "audit_log")
    code, _out, err = cli("restore", str(second), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    code, out, _err = cli("verify", str(memo), "--as", "chief", who="chief")
    assert code == 3 and f"kept in {kept} in the data folder" in out, out


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_a_memo_two_restores_may_have_taken_out_names_both(cli: Any, tmp_path: Path) -> None:
    """A memo taken out by a counted restore, then a later restore over a changed log (it
    could not count what left) of a backup older than the memo's head: both restores may
    have taken it out. Only the later one was named, and the file that holds the memo's
    decision (the copy the earlier one kept) was not (decision 0077 left this open)."""
    _staff(cli)
    _added(cli, tmp_path, "1.json")
    first = tmp_path / "first.tdb"
    assert cli("backup", str(first), "--as", "chief", who="chief")[0] == 0
    for name in ("2.json", "3.json", "4.json"):
        taken, _digest = _added(cli, tmp_path, name)
    memo = tmp_path / "taken.pdf"
    code, _out, err = cli("memo", taken, "-o", str(memo), *AGENCY, "--as", "ann", who="ann")
    assert code == 0, err
    code, _out, err = cli("restore", str(first), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    [earlier] = _entries(cli.data / "trustdesk.db", "restore.completed")
    second = tmp_path / "second.tdb"
    assert cli("backup", str(second), "--as", "chief", who="chief")[0] == 0
    for name in ("5.json", "6.json", "7.json", "8.json"):
        _added(cli, tmp_path, name)
    _rename_away(cli, "audit_log")
    code, _out, err = cli("restore", str(second), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    [later] = _entries(cli.data / "trustdesk.db", "restore.completed")[-1:]
    assert later["rolled_back_uncounted"] is True
    assert later["backup_head_seq"] < earlier["rolled_back_upto_seq"]
    code, out, _err = cli("verify", str(memo), "--as", "chief", who="chief")
    assert code == 3, out
    assert f"kept in {later['rolled_back_kept_in']} in the data folder" in out, out
    assert f"kept in {earlier['replaced_file']} in the data folder" in out, out
    assert "Either of two restores" in out


@pytest.mark.sqlite_only("damages the SQLite file's pages")
def test_a_memo_code_of_a_decision_that_left_over_damaged_pages_is_explained(
    cli: Any, tmp_path: Path
) -> None:
    """Over a file damaged in its pages nothing can be counted: the restore records that
    what left is uncounted and where it is kept, so the code of a decision that left is
    explained (a hostile review found a bare "no recorded decision has the code")."""
    from trustdesk.memo.verification import short_code

    _staff(cli)
    _added(cli, tmp_path, "1.json")
    target = tmp_path / "backup.tdb"
    assert cli("backup", str(target), "--as", "chief", who="chief")[0] == 0
    _id, digest = _added(cli, tmp_path, "2.json")
    db = cli.data / "trustdesk.db"
    scribble_pages(db, indexes_only=False)
    code, _out, err = cli("restore", str(target), "--as", "chief", who="chief")
    assert code == 0, err
    [kept] = [path.name for path in cli.data.glob("trustdesk-damaged-*.db")]
    [completed] = _entries(db, "restore.completed")
    assert completed["rolled_back_uncounted"] is True
    assert completed["confirmed_discard_newer"] is False
    code, out, _err = cli("verify", "--code", short_code(digest), "--as", "chief", who="chief")
    assert code == 3 and f"kept in {kept} in the data folder" in out, out


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_a_backup_of_another_history_is_refused_over_a_changed_table(
    cli: Any, tmp_path: Path
) -> None:
    """A backup whose chain differs from the changed file's holds records this store
    never held: refused without --replace-with-other-store, as over a sound database (a
    hostile review found it accepted with --discard-newer alone)."""
    _staff(cli)
    cli("decisions", "add", _case(tmp_path, tsdb_match=True), "--as", "ann", who="ann")
    first = tmp_path / "first.tdb"
    assert cli("backup", str(first), "--as", "chief", who="chief")[0] == 0
    cli("decisions", "add", _case(tmp_path, "2.json"), "--as", "ann", who="ann")
    second = tmp_path / "second.tdb"
    assert cli("backup", str(second), "--as", "chief", who="chief")[0] == 0
    code, _out, err = cli("restore", str(first), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    cli("decisions", "add", _case(tmp_path, "3.json"), "--as", "ann", who="ann")
    _rename_away(cli, "users")
    code, _out, err = cli("restore", str(second), "--discard-newer", "--as", "chief", who="chief")
    assert code == 2 and "--replace-with-other-store" in err, err
    assert "holds records this store never held" in err
    code, _out, err = cli(
        "restore", str(second), "--discard-newer", "--replace-with-other-store",
        "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err


def test_a_changed_server_table_is_not_restored_over_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a desk whose records are on a database server, a table changed there is not
    "restored" into a new SQLite file in the data folder (a hostile review found it
    reported as done): the command stops, saying what is wrong."""
    from trustdesk.cli import signon
    from trustdesk.store.schema_gone import SchemaChanged

    config = tmp_path / "config.toml"
    config.write_text('database = "postgresql://desk@127.0.0.1:1/trustdesk"\n', "utf-8")
    monkeypatch.setenv("TRUSTDESK_CONFIG", str(config))
    monkeypatch.setenv("TRUSTDESK_PASSWORD", ADMIN_PW)

    def changed(*_args: object, **_options: object) -> None:
        raise SchemaChanged('the tables are not as made (relation "agency" does not exist)')

    monkeypatch.setattr(signon, "open_services", changed)
    monkeypatch.setattr("trustdesk.cli.backup.open_services", changed)
    data = tmp_path / "data"
    backup = tmp_path / "backup.tdb"
    backup.write_bytes(b"")
    code = main(["--data-dir", str(data), "restore", str(backup), "--as", "chief"])
    err = capsys.readouterr().err
    assert code == 2 and 'relation "agency" does not exist' in err, err
    assert not (data / "trustdesk.db").exists()


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
def test_audit_verify_reports_the_agency_table_renamed_away(cli: Any) -> None:
    """The agency's profile is read while the command opens the store (its time zone):
    met there, the renamed table is still `audit verify`'s finding (exit 3)."""
    _staff(cli)
    _rename_away(cli, "agency")
    code, out, err = cli("audit", "verify", "--as", "aud", who="aud")
    assert code == 3 and out == "", err
    assert err.startswith("AUDIT TRAIL BROKEN: the record's tables are not the ones")
    assert "table agency is missing" in err


@pytest.mark.sqlite_only("a backup file is a SQLite file")
def test_a_handed_in_backup_with_a_table_renamed_is_refused_writing_nothing_beside_it(
    cli: Any, tmp_path: Path
) -> None:
    """Finding which of TrustDesk's tables a handed-in file lacks reads it as it is: a
    file in WAL mode read plainly would get its -wal and -shm beside it."""
    import os

    from trustdesk.store import backup as backups
    from trustdesk.store.errors import StoreError

    _staff(cli)
    made = tmp_path / "made.tdb"
    assert cli("backup", str(made), "--as", "chief", who="chief")[0] == 0
    handed = tmp_path / "handed"
    handed.mkdir()
    target = handed / "backup.tdb"
    target.write_bytes(made.read_bytes())
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("ALTER TABLE decisions RENAME TO decisions_elsewhere")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert sorted(os.listdir(handed)) == ["backup.tdb"]
    with pytest.raises(StoreError):
        backups.check_backup(target)
    assert sorted(os.listdir(handed)) == ["backup.tdb"]


def _real(data: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_trustdesk(data, *args, password=password, new_password=ADMIN_PW)


@pytest.mark.slow
def test_the_real_program(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _real(data, "users", "add", "chief", "--role", "administrator").returncode == 0
    done = _real(
        data, "users", "add", "ann", "--role", "officer", "--as", "chief", password=ADMIN_PW
    )
    assert done.returncode == 0, done.stderr
    case = _case(tmp_path, tsdb_match=True)
    added = _real(data, "decisions", "add", case, "--as", "ann", password=ADMIN_PW)
    assert added.returncode == 0 and added.stdout == "1\n", added.stderr
    db = data / "trustdesk.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("DROP TRIGGER decisions_no_update")
    conn.execute("UPDATE decisions SET outcome = 'decline'")
    conn.close()
    verify = _real(data, "audit", "verify", "--as", "chief", password=ADMIN_PW)
    assert verify.returncode == 3 and "decision 1 version 1" in verify.stderr
    db.write_bytes(b"")
    broken = _real(data, "decisions", "list", "--as", "ann", password=ADMIN_PW)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert "empty file" in one_line_error(broken.stderr)


def test_a_supervisor_approves_with_a_note(cli: Any, tmp_path: Path) -> None:
    _staff(cli)
    flagged = _case(tmp_path, tsdb_match=None)
    code, out, err = cli("decisions", "add", flagged, "--as", "ann", who="ann")
    assert code == 0, err
    decision = out.strip()
    review = ("decisions", "review", decision, "--approve", "--as", "sam")
    code, _out, err = cli(*review, "--reason", "bell \a", who="sam")
    assert code == 2 and "control characters" in one_line_error(err)
    note = "Confirmed the TSDB entry by phone"
    code, out, err = cli(*review, "--reason", note, who="sam")
    assert code == 0 and "approved by sam" in out, err
    code, out, _err = cli("decisions", "show", decision, "--as", "sam", who="sam")
    assert code == 0 and note in " ".join(out.split())

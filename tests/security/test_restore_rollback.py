"""A restore of an older backup silently took recorded decisions and memos out of the record.

Hostile review: decision 1 → backup → decision 2 → memo of 2 (verify: MATCH) → restore
the backup (no prompt, rc 0) → decision 2 gone, and `verify` of the genuine memo said
"the file was changed after printing". Now the restore says what would leave the live
record and refuses unless `--discard-newer` confirms it; the restored record says what
left; and verifying a memo the record no longer holds says so (decision 0066).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from recordkit import audit_objects, case_file, desk_cli, one_line_error, staff

from trustdesk.store import audit
from trustdesk.store.connection import connect

pytestmark = pytest.mark.sqlite_only("backup files are SQLite files")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    run = desk_cli(tmp_path / "data", monkeypatch, capsys)
    staff(run)
    return run


def _decide(cli: Any, tmp_path: Path, number: int) -> None:
    case = case_file(tmp_path, f"case-{number}.json", tsdb_match=True)
    code, out, err = cli("decisions", "add", case, "--as", "ann", who="ann")
    assert code == 0 and out == f"{number}\n", err


def _older_backup_and_newer_memo(cli: Any, tmp_path: Path) -> tuple[Path, Path, str]:
    _decide(cli, tmp_path, 1)
    backup = tmp_path / "bk.tdb"
    assert cli("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    _decide(cli, tmp_path, 2)
    memo = tmp_path / "m.pdf"
    code, _out, err = cli("memo", "2", "-o", str(memo), "--as", "ann", who="ann")
    assert code == 0, err
    found = re.search(r"code (\S+)", err)
    assert found is not None
    code, out, err = cli("verify", str(memo), "--as", "aud", who="aud")
    assert code == 0 and out.startswith("MATCH"), err
    return backup, memo, found.group(1)


def test_an_older_backup_is_refused_saying_what_would_leave(cli: Any, tmp_path: Path) -> None:
    backup, memo, _code = _older_backup_and_newer_memo(cli, tmp_path)
    db = cli.data / "trustdesk.db"
    code, out, err = cli("restore", str(backup), "--as", "chief", who="chief")
    assert code == 2, out
    message = one_line_error(err)
    assert "older than the live record" in message and "--discard-newer" in message
    assert "1 decision, 1 memo printed and " in message and "was not changed" in message
    assert "Leaving the live record" in out and "1 decision" in out
    # Nothing left the record: decision 2 is still there and the memo still matches.
    code, out, err = cli("decisions", "show", "2", "--as", "ann", who="ann")
    assert code == 0, err
    code, out, err = cli("verify", str(memo), "--as", "aud", who="aud")
    assert code == 0 and out.startswith("MATCH"), err
    refused = audit_objects(db, "restore.refused")[-1]
    assert refused["reason"] == "newer records"
    assert refused["rolled_back_decisions"] == 1 and refused["rolled_back_entries"] > 2


def test_a_confirmed_rollback_is_recorded_and_the_memo_is_not_called_changed(
    cli: Any, tmp_path: Path
) -> None:
    backup, memo, memo_code = _older_backup_and_newer_memo(cli, tmp_path)
    db = cli.data / "trustdesk.db"
    with connect(db, immutable=True) as conn:
        live_head = audit.head(conn)
    code, out, err = cli("restore", str(backup), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    assert "Leaving the live record" in out
    code, _out, err = cli("decisions", "show", "2", "--as", "ann", who="ann")
    assert code == 2 and "no decision 2" in err
    done = audit_objects(db, "restore.completed")[-1]
    assert done["confirmed_discard_newer"] is True
    assert done["rolled_back_decisions"] == 1 and done["rolled_back_counts"]["memo.printed"] == 1
    # The live head that was replaced, and the file the replaced records are kept in
    # (with the restore's own `restore.replacing` after that head, and the start of the
    # copy that keeps them, recorded before it is made).
    assert (done["rolled_back_upto_seq"], done["rolled_back_upto_hash"]) == live_head
    assert done["replaced_head_seq"] == live_head[0] + 2
    assert (cli.data / done["replaced_file"]).is_file()
    # The genuine memo: the record does not hold it, and says why; not "changed".
    code, out, err = cli("verify", str(memo), "--as", "aud", who="aud")
    assert code == 3, err
    assert out.startswith("NOT IN THE RECORD: the record does not hold this memo")
    assert "changed after printing" not in out
    assert "restored from an older backup" in out and done["replaced_file"] in out
    # The code typed from the paper: not found, and the restore is named.
    code, out, err = cli("verify", "--code", memo_code, "--as", "aud", who="aud")
    assert code == 3 and "restored from an older backup" in out, err


def test_a_changed_file_is_still_called_changed(cli: Any, tmp_path: Path) -> None:
    _backup, memo, _code = _older_backup_and_newer_memo(cli, tmp_path)
    data = memo.read_bytes()
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(data.replace(b"%%EOF", b"%%EOF\n% an edit\n"))
    code, out, err = cli("verify", str(changed), "--as", "aud", who="aud")
    assert code == 3 and out.startswith("MISMATCH") and "changed after printing" in out, err

"""issue 17 §3: `restore` of another agency's backup replaced its records unasked.

Every store has an identity (a store id, recorded in the audit chain, and its agency);
a restore shows what is replaced by what and refuses another store's backup unless the
administrator says `--replace-with-other-store`; both the kept copy and the restored
database record what happened.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from recordkit import audit_objects, case_file, desk_cli, one_line_error, staff

from trustdesk.store.connection import connect


def _agency(cli: Any, name: str) -> None:
    code, _out, err = cli(
        "agency", "set", "--name", name, "--facility", "Lock-up", "--ori", "CT0009300",
        "--as", "chief", who="chief",
    )  # fmt: skip
    assert code == 0, err


def _folder(
    tmp_path: Path, name: str, agency: str, decisions: int, monkeypatch: Any, capsys: Any
) -> Any:
    cli = desk_cli(tmp_path / name, monkeypatch, capsys)
    staff(cli)
    _agency(cli, agency)
    for n in range(decisions):
        case = case_file(tmp_path, f"{name}-{n}.json", tsdb_match=True)
        assert cli("decisions", "add", case, "--as", "ann", who="ann")[0] == 0
    return cli


def _listed(cli: Any) -> int:
    code, out, err = cli("decisions", "list", "--as", "ann", who="ann")
    assert code == 0, err
    return len(out.splitlines()) - 1


@pytest.fixture
def two_agencies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> Any:
    ours = _folder(tmp_path, "ours", "New Haven Police", 3, monkeypatch, capsys)
    theirs = _folder(tmp_path, "theirs", "Bridgeport Police", 2, monkeypatch, capsys)
    backup = tmp_path / "theirs.tdb"
    assert theirs("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    return ours, theirs, backup


def test_another_agencys_backup_is_refused_and_both_are_shown(two_agencies: Any) -> None:
    ours, _theirs, backup = two_agencies
    before = (ours.data / "trustdesk.db").stat().st_size
    code, out, err = ours("restore", str(backup), "--as", "chief", who="chief")
    assert code == 2
    message = one_line_error(err)
    assert "Bridgeport Police" in message and "New Haven Police" in message
    assert "--replace-with-other-store" in message and "was not changed" in message
    # What is about to be replaced by what: agency, store id, counts, dates, chain heads.
    replacing, _, incoming = out.partition("with the backup")
    assert "New Haven Police" in replacing and "3 decision(s)" in replacing
    assert "Bridgeport Police" in incoming and "2 decision(s)" in incoming
    assert replacing.count("audit chain head: entry") == 1 and "2026-11-19" in incoming
    assert _listed(ours) == 3 and (ours.data / "trustdesk.db").stat().st_size >= before
    refused = audit_objects(ours.data / "trustdesk.db", "restore.refused")[-1]
    assert refused["reason"] == "other store" and refused["other_store"] is True
    assert refused["backup_agency"] == "Bridgeport Police"


def test_confirmed_it_is_done_and_audited_in_the_kept_copy_and_the_new_one(
    two_agencies: Any,
) -> None:
    ours, _theirs, backup = two_agencies
    own_id = audit_objects(ours.data / "trustdesk.db", "store.created")[0]["store_id"]
    code, out, err = ours(
        "restore", str(backup), "--replace-with-other-store", "--as", "chief", who="chief"
    )
    assert code == 0, err
    kept = Path(out.strip().split("kept in ")[-1])
    assert _listed(ours) == 2
    done = audit_objects(ours.data / "trustdesk.db", "restore.completed")[-1]
    assert done["confirmed_other_store"] is True and done["replaced_store_id"] == own_id
    assert done["replaced_agency"] == "New Haven Police"
    replacing = audit_objects(kept, "restore.replacing")[-1]
    assert replacing["other_store"] is True and replacing["backup_agency"] == "Bridgeport Police"


def test_our_own_backup_needs_no_other_store_confirmation(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """Only the confirmation that newer records leave (decision 0066), not another store's."""
    ours = _folder(tmp_path, "ours", "New Haven Police", 1, monkeypatch, capsys)
    backup = tmp_path / "ours.tdb"
    assert ours("backup", str(backup), "--as", "chief", who="chief")[0] == 0
    ours("decisions", "add", case_file(tmp_path, "late.json"), "--as", "ann", who="ann")
    code, out, err = ours("restore", str(backup), "--discard-newer", "--as", "chief", who="chief")
    assert code == 0, err
    assert "Replacing these records:" in out and "2 decision(s)" in out
    assert _listed(ours) == 1
    assert (
        audit_objects(ours.data / "trustdesk.db", "restore.completed")[-1]["other_store"] is False
    )


def test_a_store_id_edited_to_pass_for_ours_is_refused(two_agencies: Any) -> None:
    ours, _theirs, backup = two_agencies
    own_id = audit_objects(ours.data / "trustdesk.db", "store.created")[0]["store_id"]
    conn = sqlite3.connect(backup, isolation_level=None)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'store_id'", (own_id,))
    conn.execute("UPDATE backup_manifest SET store_id = ?", (own_id,))
    conn.close()
    code, _out, err = ours("restore", str(backup), "--as", "chief", who="chief")
    assert code == 2 and "altered outside TrustDesk" in one_line_error(err)
    assert _listed(ours) == 3


def test_an_older_database_gets_its_identity_chained_by_a_migration(tmp_path: Path) -> None:
    import test_store_migrations as old

    from trustdesk.store.store import Store

    folder = tmp_path / "old"
    old.build_old(folder, 6)
    conn = connect(folder / "trustdesk.db", immutable=True)
    meta_id = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]
    conn.close()
    with Store.open(folder) as store:
        entries = store.audit.of_events("store.identity")
        assert [json.loads(e.objects)["store_id"] for e in entries] == [meta_id]
        assert store.summary().store_id == meta_id
        assert store.verify().ok
    with Store.open(folder) as store:  # once only
        assert len(store.audit.of_events("store.identity")) == 1


def test_a_new_store_has_a_uuid_identity_in_its_first_entry(tmp_path: Path) -> None:
    import uuid

    from trustdesk.store.store import Store

    with Store.open(tmp_path / "new") as store:
        created = store.audit.of_events("store.created")
        store_id = json.loads(created[0].objects)["store_id"]
        assert uuid.UUID(store_id).version == 4 and created[0].seq == 1
        assert store.summary().store_id == store_id

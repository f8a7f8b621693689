"""A desk's record moved onto a server by ``store migrate``: recorded on both sides, and
the data folder closed for work afterwards (store/moved.py, decision 0082).

Before, the move recorded nothing anywhere, and the folder stayed a working record: a
desk started on it without the server setting began a second history of the same store
beside the server's. Real PostgreSQL (tests/pgkit.py), the real command line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from storekit import ROLE_PASSWORDS, Clock, in_process_cli, open_desk

from trustdesk.store import transfer
from trustdesk.store.errors import RecordMoved, StoreError
from trustdesk.store.postgresql.connection import describe
from trustdesk.store.store import Store
from trustdesk.store.transfer import migrate

ADMIN = ROLE_PASSWORDS["administrator"]


@pytest.fixture
def desk(tmp_path: Path, rules: Any) -> Path:
    """A desk's data folder with its accounts (and their audit entries), closed."""
    data = tmp_path / "desk"
    open_desk(data, rules, Clock()).services.close()
    return data


@pytest.fixture
def server(pg_cluster: Any) -> str:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    return str(url)


def _entry(store: Store, event: str) -> Any:
    found = store.audit.of_events(event)
    assert len(found) == 1, (event, found)
    return found[0]


def test_the_move_is_recorded_on_both_sides_and_both_verify(desk: Path, server: str) -> None:
    with Store.open(desk) as before:
        store_id = before.summary().store_id
        head = before.audit.head()
    report = migrate(desk, server, lambda line: None)

    with Store.open(database=server) as target:
        arrived = _entry(target, "store.migrated_in")
        assert (arrived.seq, arrived.hash) == (report.head_seq, report.head_hash)
        assert arrived.seq == head[0] + 1 and arrived.prev_hash == head[1]
        about = arrived.objects_dict()
        assert about["store_id"] == store_id
        assert (about["from_head_seq"], about["from_head_hash"]) == head
        assert about["from_folder"] == str(desk.resolve())
        assert about["server_role"] == "postgres" and about["os_user"]
        assert arrived.workstation and arrived.actor is None
        assert target.verify().ok

    with Store.open(desk, moved_ok=True) as old:
        left = _entry(old, "store.migrated_out")
        assert left.seq == head[0] + 1 and left.prev_hash == head[1]  # the shared head
        about = left.objects_dict()
        assert about["to"] == describe(server) and ":" not in about["to"].split(" on ")[0]
        assert (about["head_seq"], about["head_hash"]) == head
        assert (about["server_seq"], about["server_hash"]) == (arrived.seq, arrived.hash)
        assert about["store_id"] == store_id
        assert report.moved_out_seq == left.seq
        assert old.moved() is not None and old.moved().seq == left.seq  # type: ignore[union-attr]
        assert old.verify().ok


def test_a_moved_folder_is_refused_for_work_and_left_as_it_was(
    desk: Path, server: str, rules: Any
) -> None:
    migrate(desk, server, lambda line: None)
    kept = (desk / "trustdesk.db").read_bytes()
    with pytest.raises(RecordMoved) as refused:
        Store.open(desk)
    said = str(refused.value)
    assert str(desk) in said and describe(server) in said and "UTC" in said
    assert "audit entry" in said and "--database" in said and "restore a backup" in said
    with pytest.raises(RecordMoved):
        open_desk(desk, rules, Clock())  # the services, as the desktop app opens them
    with Store.open(desk, moved_ok=True) as old:
        print("ENTRIES", [(e.seq, e.event) for e in old.audit.latest(8)])
    assert (desk / "trustdesk.db").read_bytes() == kept
    # The refusals let the folder go: nothing of theirs holds it.
    with Store.open(desk, moved_ok=True) as old, old.db.alone("check"):  # type: ignore[attr-defined]
        pass


def test_a_record_moved_once_is_not_moved_again(desk: Path, server: str, pg_cluster: Any) -> None:
    migrate(desk, server, lambda line: None)
    kept = (desk / "trustdesk.db").read_bytes()
    elsewhere = pg_cluster.new_database()
    pg_cluster.init_store(elsewhere)
    for url in (server, elsewhere):
        with pytest.raises(RecordMoved, match=r"was moved on .*nothing was done"):
            migrate(desk, url, lambda line: None)
    with Store.open(desk, moved_ok=True) as old:
        print("ENTRIES", [(e.seq, e.event) for e in old.audit.latest(8)])
    assert (desk / "trustdesk.db").read_bytes() == kept
    with Store.open(database=elsewhere) as target:
        assert target.summary().head_seq == 1  # store init's own entry only


def test_a_folder_that_cannot_record_its_move_says_where_the_record_is(
    desk: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server committed; the folder's own entry failed (a full disk): said plainly,
    and the folder is not taken for moved, since nothing in it says so."""
    real = transfer.audit.append

    def full(conn: Any, event: Any, *args: Any, **kwargs: Any) -> Any:
        if event.event == "store.migrated_out":
            raise StoreError("the disk is full")
        return real(conn, event, *args, **kwargs)

    monkeypatch.setattr(transfer.audit, "append", full)
    with pytest.raises(StoreError) as failed:
        migrate(desk, server, lambda line: None)
    said = str(failed.value)
    assert "copied onto" in said and "the disk is full" in said
    assert "run this same `trustdesk store migrate` again" in said
    monkeypatch.undo()
    with Store.open(database=server) as target:
        assert target.audit.of_events("store.migrated_in")


def test_the_command_line_after_the_move(
    desk: Path, server: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Work on the folder is refused in one line; `audit verify` passes on both sides."""
    local = in_process_cli(desk, monkeypatch, capsys, {"admin": ADMIN})
    code, out, err = local("store", "migrate", "--from", str(desk), "--to", server)
    assert code == 0, err

    code, out, err = local("users", "list", "--as", "admin", who="admin")
    assert code == 2 and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "was moved on" in err, err
    code, out, err = local("backup", str(desk.parent / "b.db"), "--as", "admin", who="admin")
    assert code == 2 and "was moved on" in err and not (desk.parent / "b.db").exists()

    code, out, err = local("audit", "verify", "--as", "admin", who="admin")
    assert code == 0, err
    assert "audit trail intact" in out

    on_server = in_process_cli(desk, monkeypatch, capsys, {"admin": ADMIN}, database=server)
    code, out, err = on_server("audit", "verify", "--as", "admin", who="admin")
    assert code == 0, err
    assert "audit trail intact" in out
    with Store.open(database=server) as target:
        events = [entry.event for entry in target.audit.latest(3)]
    assert "store.migrated_in" in events and "audit.verified" in events
    with Store.open(desk, moved_ok=True) as old:
        entries = old.audit.latest(10)
    left = next(entry for entry in entries if entry.event == "store.migrated_out")
    assert json.loads(left.objects)["to"] == describe(server)


def _mark_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The folder's own entry cannot be written (a disk full at that moment)."""
    real = transfer.audit.append

    def full(conn: Any, event: Any, *args: Any, **kwargs: Any) -> Any:
        if event.event == "store.migrated_out":
            raise StoreError("the disk is full")
        return real(conn, event, *args, **kwargs)

    monkeypatch.setattr(transfer.audit, "append", full)


def test_migrating_again_repairs_a_folder_whose_mark_failed(
    desk: Path, server: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """Before, the folder stayed open for work and a second `store migrate` was refused
    ("already holds records"): nothing ever closed it. Now the second run finds its copy
    on the server, copies nothing, and writes the folder's missing mark."""
    _mark_fails(monkeypatch)
    with pytest.raises(StoreError, match="could not record that it moved"):
        migrate(desk, server, lambda line: None)
    monkeypatch.undo()
    with Store.open(desk) as still_open:  # the failure left it open for work
        assert still_open.moved() is None
        head = still_open.audit.head()
    with Store.open(database=server) as target:
        arrived = _entry(target, "store.migrated_in")
        server_before = target.summary()

    local = in_process_cli(desk, monkeypatch, capsys, {"admin": ADMIN})
    code, out, err = local("store", "migrate", "--from", str(desk), "--to", server)
    assert code == 0, err
    assert "Traceback" not in err
    assert "repaired" in out and "nothing was copied again" in out, out
    assert f"store.migrated_in at entry {arrived.seq}" in out and "store.migrated_out" in out

    with Store.open(database=server) as target:  # nothing copied a second time
        assert target.summary() == server_before
        _entry(target, "store.migrated_in")
        assert target.verify().ok
    with pytest.raises(RecordMoved, match="was moved on"):
        Store.open(desk)
    with Store.open(desk, moved_ok=True) as old:
        left = _entry(old, "store.migrated_out")
        about = left.objects_dict()
        assert left.seq == head[0] + 1 and left.prev_hash == head[1]
        assert (about["head_seq"], about["head_hash"]) == head
        assert (about["server_seq"], about["server_hash"]) == (arrived.seq, arrived.hash)
        assert about["to"] == describe(server) and about["server_role"] == "postgres"
        assert old.verify().ok
    # And a third run is the ordinary "moved once" refusal.
    code, out, err = local("store", "migrate", "--from", str(desk), "--to", server)
    assert code == 2 and "nothing was done" in err


def test_a_folder_worked_in_after_its_mark_failed_is_not_marked_over_its_new_entries(
    desk: Path, server: str, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries recorded in the folder after the copy are not on the server: the run
    names them and writes nothing (how they are carried over is not for it to guess)."""
    _mark_fails(monkeypatch)
    with pytest.raises(StoreError):
        migrate(desk, server, lambda line: None)
    monkeypatch.undo()
    with Store.open(desk) as folder:
        copied = folder.audit.head()
    worked = open_desk(desk, rules, Clock())
    worked.session("officer")  # a sign-in: recorded in the folder, not on the server
    worked.services.close()
    with Store.open(desk) as folder:
        head = folder.audit.head()
    assert head[0] > copied[0]
    with Store.open(database=server) as target:
        server_before = target.summary()

    with pytest.raises(StoreError) as refused:
        migrate(desk, server, lambda line: None)
    said = str(refused.value)
    assert f"recorded entries {copied[0] + 1:,} to {head[0]:,}" in said, said
    assert "nothing was done" in said and describe(server) in said
    with Store.open(desk) as folder:
        assert folder.moved() is None and folder.audit.head() == head
    with Store.open(database=server) as target:
        assert target.summary() == server_before


def test_audit_export_and_memo_verify_still_read_a_moved_folder(
    desk: Path,
    server: str,
    rules: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    """Documented (store/moved.py, decision 0082): the old copy stays readable by the
    commands that only check it."""
    from casekit import make_case
    from trustdesk.memo.viewmodel import AgencyHeader
    from trustdesk.rules.caseio import parse_case

    before = open_desk(desk, rules, Clock())
    raw = make_case()
    saved = before.services.decisions.create(
        before.session("officer"), parse_case(raw, "case", rules.catalog), raw
    )
    memo = tmp_path / "memo.pdf"
    header = AgencyHeader("Test Agency", "Test Facility", "CT0000000")
    printed = before.services.memos.print_memo(
        before.session("officer"), saved.record.decision_id, memo, agency=header
    )
    memo = printed.path
    before.services.close()
    migrate(desk, server, lambda line: None)

    passwords = {"auditor": ROLE_PASSWORDS["auditor"]}
    local = in_process_cli(desk, monkeypatch, capsys, passwords)
    exported = tmp_path / "audit.jsonl"
    code, out, err = local(
        "audit",
        "export",
        "--format",
        "jsonl",
        "--output",
        str(exported),
        "--as",
        "auditor",
        who="auditor",
    )
    assert code == 0, err
    lines = [json.loads(line) for line in exported.read_text(encoding="utf-8").splitlines()]
    events = [line["event"] for line in lines]
    assert "decision.created" in events and "memo.printed" in events
    assert "store.migrated_out" in events

    code, out, err = local("verify", str(memo), "--as", "auditor", who="auditor")
    assert code == 0 and out.startswith("MATCH"), out + err
    altered = bytearray(memo.read_bytes())
    altered[len(altered) // 2] ^= 0x01
    (tmp_path / "altered.pdf").write_bytes(bytes(altered))
    code, out, err = local(
        "verify", str(tmp_path / "altered.pdf"), "--as", "auditor", who="auditor"
    )
    assert code == 3 and out.startswith("MISMATCH"), out + err
    # Reading does not reopen the folder for work: after the mark, the old copy holds
    # only the checks' own record of themselves (decision 0082), no casework.
    with pytest.raises(RecordMoved):
        Store.open(desk)
    with Store.open(desk, moved_ok=True) as old:
        mark = _entry(old, "store.migrated_out").seq
        after = {entry.event for entry in old.audit.latest(50) if entry.seq > mark}
        assert old.moved() is not None and old.verify().ok
    assert {"audit.exported", "memo.verified"} <= after
    assert after <= {"logon", "account.signing_key", "audit.exported", "memo.verified"}, after

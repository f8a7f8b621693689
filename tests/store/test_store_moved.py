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
    assert "copied onto" in said and "the disk is full" in said and "move the folder" in said
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

"""Backups through SQLite's backup API, and restores that check before replacing anything."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import threading
from pathlib import Path
from unittest import mock

import pytest
from storekit import T0, actor, add_user, draft

from trustdesk.store import memo_history
from trustdesk.store.backup import MANIFEST, check_backup, file_sha256
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import FileExists, OtherStore, RestoreRefused, StoreError
from trustdesk.store.paths import DB_NAME
from trustdesk.store.records import Actor
from trustdesk.store.schema import SCHEMA_VERSION
from trustdesk.store.search import SearchQuery
from trustdesk.store.store import Store

pytestmark = pytest.mark.sqlite_only(
    "backup files are copies of the SQLite file; a server uses pg_dump (test_pg_backend)"
)


def _ids(path: Path) -> set[int]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT decision_id FROM decisions")}
    finally:
        conn.close()


@pytest.fixture
def officer(store: Store) -> Actor:
    return actor(add_user(store, "ann", "officer"))


def _add(store: Store, officer: Actor, count: int, tag: str = "B") -> list[int]:
    return [
        store.decisions.add(
            draft(person=PersonFacts(f"{tag}-{n}", f"Backup Person {n}")), officer, T0
        ).record.decision_id
        for n in range(count)
    ]


def test_backup_and_restore_round_trip(store: Store, officer: Actor, tmp_path: Path) -> None:
    kept = _add(store, officer, 5)
    target = tmp_path / "usb" / "trustdesk-2026-11-20.tdbackup"
    target.parent.mkdir()
    info = store.backup(target, officer, T0)
    assert info.decisions == 5 and info.sha256 == file_sha256(target)
    assert not Path(str(target) + "-wal").exists()  # one self-contained file
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temp file left
    assert _ids(target) == set(kept)
    head_before = store.audit.head()
    later = _add(store, officer, 3, tag="L")
    check = check_backup(target)
    assert (check.head_seq, check.decisions) == (info.head_seq, 5)
    replaced = store.restore(check, officer, T0, discard_newer=True)
    with store.db.reading() as conn:
        ids = {row[0] for row in conn.execute("SELECT decision_id FROM decisions")}
        manifest = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = ?", (MANIFEST,)
        ).fetchone()[0]
    assert ids == set(kept) and manifest == 0
    assert store.audit.head()[0] == info.head_seq + 2  # anchor.reset, restore.completed
    assert store.verify().ok and store.integrity_check() == ["ok"]
    # the records it replaced were kept, as a proper backup that can itself be restored
    assert replaced.path.parent == store.data_dir and _ids(replaced.path) == set(kept + later)
    assert check_backup(replaced.path).head_seq > head_before[0]


def test_a_backup_never_overwrites_a_file(store: Store, officer: Actor, tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"precious")
    with pytest.raises(FileExists, match="never overwrites"):
        store.backup(target, officer, T0)
    assert target.read_bytes() == b"precious"
    with pytest.raises(StoreError, match="live database's own name"):
        store.backup(store.data_dir / "trustdesk.db-copy", officer, T0)


def test_a_backup_while_decisions_are_saved_has_all_acknowledged_before_it(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    acknowledged: list[int] = []
    stop = threading.Event()
    errors: list[BaseException] = []

    def save() -> None:
        number = 0
        try:
            while not stop.is_set():
                number += 1
                saved = store.decisions.add(
                    draft(person=PersonFacts(f"C-{number}", f"Concurrent {number}")), officer, T0
                )
                acknowledged.append(saved.record.decision_id)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    writer = threading.Thread(target=save)
    writer.start()
    try:
        backups = []
        for index in range(5):
            while len(acknowledged) < 20 * (index + 1):
                stop.wait(0.005)
            before = set(acknowledged)  # everything acknowledged when the backup begins
            target = tmp_path / f"during-{index}.db"
            store.backup(target, officer, T0)
            backups.append((target, before))
    finally:
        stop.set()
        writer.join()
    assert errors == []
    for target, before in backups:
        assert before <= _ids(target)
        assert check_backup(target).decisions == len(_ids(target))


def test_a_plain_copy_of_the_live_database_is_refused(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    _add(store, officer, 5)
    wal = store.path.with_name(DB_NAME + "-wal")
    assert wal.stat().st_size > 0  # records still sit in the -wal
    copy = tmp_path / "copy.db"
    shutil.copyfile(store.path, copy)
    before = store.audit.head()
    with pytest.raises(RestoreRefused) as caught:
        check_backup(copy)
    message = str(caught.value)
    assert "plain copy" in message and "-wal" in message and "trustdesk backup" in message
    assert store.audit.head() == before
    # even with its -wal copied beside it, a live database is not a backup
    shutil.copyfile(wal, Path(str(copy) + "-wal"))
    with pytest.raises(RestoreRefused, match="live database"):
        check_backup(copy)


def _backup(store: Store, officer: Actor, tmp_path: Path, name: str = "b.db") -> Path:
    target = tmp_path / name
    store.backup(target, officer, T0)
    return target


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("added-after", "do not match its backup manifest"),
        ("newer", "newer TrustDesk"),
        ("tampered", "does not verify"),
        ("truncated", "damaged"),
        ("random", "not a TrustDesk database"),
    ],
)
def test_a_bad_backup_is_refused_and_nothing_is_replaced(
    store: Store, officer: Actor, tmp_path: Path, damage: str, words: str
) -> None:
    _add(store, officer, 4)
    target = _backup(store, officer, tmp_path)
    if damage in ("added-after", "newer", "tampered"):
        conn = sqlite3.connect(target, isolation_level=None)
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            conn.execute(f"DROP TRIGGER {name}")
        if damage == "added-after":
            conn.execute("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
        elif damage == "newer":
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        else:
            conn.execute("UPDATE decisions SET outcome = 'decline' WHERE id = 2")
        conn.close()
    elif damage == "truncated":
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    else:
        target.write_bytes(b"\x00garbage" * 1000)
    live_before = store.audit.head()
    db_bytes = store.path.read_bytes()
    with pytest.raises(RestoreRefused) as caught:
        store.restore(check_backup(target), officer, T0)
    assert words in str(caught.value) and "was not changed" in str(caught.value)
    assert store.audit.head() == live_before
    assert store.path.read_bytes() == db_bytes
    assert not list(store.data_dir.glob(".trustdesk-restore-*"))


def test_an_older_backup_is_upgraded_on_restore(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    # Written as before schema 15: no memo history kept.
    with (
        mock.patch.object(memo_history, "keep_agency", return_value=None),
        mock.patch.object(memo_history, "keep_signer", return_value=None),
        mock.patch.object(memo_history, "kept_mark", return_value={}),
    ):
        made = _add(store, officer, 2, tag="O")
    target = _backup(store, officer, tmp_path)
    conn = sqlite3.connect(target, isolation_level=None)
    # Back to schema 3: undo step 15 (the memo history), step 12 (the report's members),
    # step 9 (the receipt-time index), step 8 (contacts), step 6 (the decision lookup
    # table), step 5 (agency, officers' details, drafts), then step 4.
    for sql in (
        "DROP TABLE agency_history",
        "DROP TABLE signer_history",
        "DROP TABLE report_members",
        "DROP TABLE report_outcome_lists",
        "DROP INDEX detainers_by_receipt",
        "DROP TABLE contact_reviews",
        "DROP TABLE contacts",
        "DROP TABLE audit_decisions",
        "DROP TABLE agency",
        "DROP TABLE drafts",
        "ALTER TABLE users DROP COLUMN full_name",
        "ALTER TABLE users DROP COLUMN badge",
        "DROP TABLE people_fts",
        "DELETE FROM meta WHERE key = 'search_index'",
        "PRAGMA user_version = 3",
    ):
        conn.execute(sql)
    conn.close()
    # Step 7 adds no table (an audit entry at most), and steps 10 and 11 change nothing in
    # a SQLite file (the server's storage and report columns): no undo. A later step needs
    # its own.
    assert SCHEMA_VERSION == 15  # steps 13 and 14 only set open holds' due times: no undo
    store.restore(check_backup(target), officer, T0, discard_newer=True)
    with store.db.reading() as conn2:
        assert conn2.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn2.execute("SELECT count(*) FROM drafts").fetchone()[0] == 0
        assert conn2.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'detainers_by_receipt'"
        ).fetchone() == (1,)
        # The report's members were filled from the backup's documents (step 12).
        assert conn2.execute("SELECT count(*) FROM report_members").fetchone() == (len(made),)
    # The lookup table was rebuilt from the backup's chain while it was upgraded.
    for decision in made:
        assert [e.event for e in store.audit.of_decision(decision)] == ["decision.created"]
    assert store.verify().ok


@pytest.mark.skipif(os.name == "nt", reason="Windows files have no POSIX mode")
def test_backups_and_the_copy_a_restore_keeps_are_readable_by_their_owner_only(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    # They hold every person's data and the accounts' password hashes: with the usual
    # umask 022 a file SQLite creates is 0644, readable by every user of the machine.
    _add(store, officer, 1)
    old_umask = os.umask(0o022)
    try:
        target = tmp_path / "b1.tdb"
        store.backup(target, officer, T0)
        # The backup's own entry came after it: the restore confirms dropping it.
        replaced = store.restore(check_backup(target), officer, T0, discard_newer=True)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert replaced.path.name.startswith("trustdesk-replaced-")
    assert stat.S_IMODE(replaced.path.stat().st_mode) == 0o600


def test_a_backup_of_a_history_a_restore_left_behind_says_what_would_leave(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    # b2 holds decisions 1 and 2; restoring b1 (decision 1) then deciding again gives
    # this store a history b2 never held. Restoring b2 is refused as differing (0061),
    # and the refusal also says what would leave the live record (0066).
    _add(store, officer, 1, tag="H1")
    first, second = tmp_path / "b1.tdbackup", tmp_path / "b2.tdbackup"
    store.backup(first, officer, T0)
    _add(store, officer, 1, tag="H2")
    store.backup(second, officer, T0)
    store.restore(check_backup(first), officer, T0, discard_newer=True)
    only_here = _add(store, officer, 1, tag="H3")
    head = store.audit.head()
    with pytest.raises(OtherStore) as refused:
        store.restore(check_backup(second), officer, T0)
    text = str(refused.value)
    assert "differs from this store's own entry at that position" in text
    assert "Restoring it would take out of the live record 1 decision" in text
    assert "The live database was not changed" in text and "--replace-with-other-store" in text
    entry = store.audit.of_events("restore.refused")[-1]
    objects = entry.objects_dict()
    assert objects["reason"] == "chain differs" and objects["rolled_back_decisions"] == 1
    assert objects["rolled_back_upto_seq"] == head[0]
    # Nothing was replaced: the decision only this history holds is still on record.
    assert only_here[0] in {row.decision_id for row in store.search.decisions(SearchQuery())}


def test_a_program_that_loses_the_race_to_restore_goes_on_with_the_restored_file(
    store: Store, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Taking the folder alone gives up the shared hold for an instant. Another program's
    restore took the folder in that instant and replaced the file; this program was
    refused, kept its connection to the replaced file, and what it recorded afterwards
    was acknowledged and lost, with `audit verify` calling the record intact (a hostile
    pass; the instant is widened here by running the other restore inside it)."""
    from trustdesk.store.lock import FolderLock

    _add(store, officer, 2)
    target = tmp_path / "before.tdbackup"
    store.backup(target, officer, T0)
    _add(store, officer, 1, tag="LATER")
    other = Store.open(store.data_dir)  # another program on the same folder
    try:
        real_release = FolderLock._release_shared
        ran: list[bool] = []

        def release_then_lose_the_race(lock: FolderLock) -> None:
            real_release(lock)
            if lock is store.db._lock and not ran:  # type: ignore[attr-defined]
                ran.append(True)
                other.restore(check_backup(target), officer, T0, discard_newer=True)

        monkeypatch.setattr(FolderLock, "_release_shared", release_then_lose_the_race)
        with (
            pytest.raises(StoreError, match="another TrustDesk program"),
            store.db.alone("restore a backup"),
        ):
            pass
        assert ran
        monkeypatch.undo()
        after = _add(store, officer, 1, tag="AFTER")  # acknowledged: must be in the record
        found = other.search.decisions(SearchQuery(booking_number="AFTER-0"))
        assert [d.decision_id for d in found] == after
        assert store.verify().ok and other.verify().ok
    finally:
        other.close()


def test_a_restore_stopped_right_after_the_swap_is_recorded_in_the_record_it_made(
    store: Store, officer: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`restore.completed`, which says what left the record, was written only after the
    swap: a restore killed then (or a power cut) replaced five decisions by two and the
    record said nothing of it (a hostile pass). It is now in the file before it goes in."""
    _add(store, officer, 2)
    target = tmp_path / "two.tdbackup"
    store.backup(target, officer, T0)
    _add(store, officer, 3, tag="LEFT")

    def killed(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # stands for SIGKILL / a power cut after the swap

    monkeypatch.setattr(Store, "re_anchor", killed)
    with pytest.raises(KeyboardInterrupt):
        store.restore(check_backup(target), officer, T0, discard_newer=True)
    monkeypatch.undo()
    [completed] = store.audit.of_events("restore.completed")
    objects = completed.objects_dict()
    assert objects["replaced_file"].startswith("trustdesk-replaced-")
    assert objects["rolled_back_decisions"] == 3
    with store.db.reading() as conn:
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 2
    # The chain replays; only this workstation's anchor, not yet moved, still raises the
    # alarm, until someone who knows of the restore runs `audit reanchor`.
    [problem] = store.verify().problems
    assert "records may have been rolled back" in problem.text


def test_a_restored_backups_own_start_is_not_taken_for_a_killed_backup(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    """A backup's snapshot holds the entry of its own start, not yet ended: restored, that
    history must not tell the next backup of a backup that never finished."""
    _add(store, officer, 2)
    first = store.backup(tmp_path / "first.db", officer, T0)
    _add(store, officer, 1, tag="L")
    store.restore(check_backup(first.path), officer, T0, discard_newer=True)
    again = store.backup(tmp_path / "again.db", officer, T0)
    assert again.notes == () and store.audit.of_events("backup.unfinished") == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["again.db", "data", "first.db"]


def test_a_restore_deletes_the_copy_a_killed_restore_left_and_records_it(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    """A restore killed before its swap (kill -9, a power cut) left its prepared copy, a
    hidden copy of every person's data in the data folder, that nobody recorded."""
    from trustdesk.store.backup import prepare_restore

    _add(store, officer, 2)
    info = store.backup(tmp_path / "b.db", officer, T0)
    left = prepare_restore(check_backup(info.path), store.data_dir)  # what a kill leaves
    assert left.name.startswith(".trustdesk-restore-") and left.is_file()
    store.restore(check_backup(info.path), officer, T0, discard_newer=True)
    assert not left.exists()
    assert [p.name for p in store.data_dir.iterdir() if p.name.startswith(".")] == []
    # Recorded in the replaced record (restore.replacing), which its kept copy holds.
    kept = next(p for p in store.data_dir.iterdir() if p.name.startswith("trustdesk-replaced-"))
    conn = sqlite3.connect(f"{kept.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        objects = conn.execute(
            "SELECT objects FROM audit_log WHERE event = 'restore.replacing'"
        ).fetchone()[0]
    finally:
        conn.close()
    assert json.loads(objects)["killed_restore_copies_removed"] == [left.name]


def test_a_restore_on_a_disk_without_room_for_its_copy_says_so(
    store: Store, officer: Actor, tmp_path: Path
) -> None:
    """The backup is copied beside the record before anything is replaced. On a disk
    without room for the copy (a hostile pass, on a small tmpfs) the restore ended in
    "internal error (OperationalError)". The copy's SQLite is given a page limit here, so
    that SQLite itself reports the disk as full, as it does on a full disk."""
    from trustdesk.store import backup as backup_module
    from trustdesk.store.errors import DiskFull

    _add(store, officer, 4)
    target = _backup(store, officer, tmp_path)
    real = backup_module.connect

    def cramped(path: Path, **options: object) -> sqlite3.Connection:
        conn = real(path, **options)  # type: ignore[arg-type]
        if options.get("create"):
            conn.execute("PRAGMA max_page_count = 2")
        return conn

    live_before = store.audit.head()
    db_bytes = store.path.read_bytes()
    with mock.patch.object(backup_module, "connect", cramped), pytest.raises(DiskFull) as caught:
        store.restore(check_backup(target), officer, T0)
    assert "is full" in str(caught.value) and "nothing was recorded" in str(caught.value)
    assert store.audit.head() == live_before
    assert store.path.read_bytes() == db_bytes
    assert not list(store.data_dir.glob(".trustdesk-restore-*"))

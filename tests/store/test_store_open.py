"""Opening a data folder: first use, pragmas on every connection, one window, refusals."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from storekit import T0, actor, add_user, draft

from trustdesk.store import database
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.connection import EXPECTED_PRAGMAS, PAGE_SIZE, read_pragmas
from trustdesk.store.errors import (
    AlreadyOpen,
    DatabaseCorrupt,
    NetworkPathRefused,
    NewerSchema,
    NotATrustDeskDatabase,
    StoreError,
)
from trustdesk.store.paths import (
    DB_NAME,
    default_data_dir,
    filesystem_type,
    refuse_network_path,
    resolve_data_dir,
)
from trustdesk.store.schema import APPLICATION_ID, SCHEMA_VERSION
from trustdesk.store.store import Store

pytestmark = pytest.mark.sqlite_only("opening, locking and configuring the SQLite file")


def test_a_fresh_data_dir_is_initialised_on_first_use(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "nested"
    with Store.open(folder) as store:
        assert store.path == folder / DB_NAME
        assert store.users.count() == 0
        assert store.audit.head()[0] == 1  # store.created
        assert store.integrity_check() == ["ok"]
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(DB_NAME + "-")) == [
        DB_NAME,
        "trustdesk.lock",
        "trustdesk.setup.lock",
    ]
    header = (folder / DB_NAME).read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    with Store.open(folder) as again:  # reopening changes nothing
        assert again.audit.head()[0] == 1


def test_default_data_dir_is_the_per_user_folder() -> None:
    from platformdirs import user_data_dir

    assert default_data_dir() == Path(user_data_dir("trustdesk", appauthor=False))
    assert resolve_data_dir(None) == default_data_dir()


def test_pragmas_on_every_connection(store: Store) -> None:
    expected = dict(EXPECTED_PRAGMAS)
    assert expected["journal_mode"] == "wal" and expected["synchronous"] == 2
    assert read_pragmas(store.db.conn) == expected
    reader = store.db.open_reader()
    try:
        assert read_pragmas(reader) == expected
    finally:
        reader.close()
    with store.db.reading() as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.db.detach()
    store.db.reattach()
    assert read_pragmas(store.db.conn) == expected


def test_a_new_database_has_its_page_size_and_an_older_one_keeps_its(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New files get PAGE_SIZE (a decision row in one page, decision 0055); a file
    made with SQLite's 4 KB pages by an earlier version opens, records and verifies
    with them unchanged (only a rewrite of the whole file could change them)."""
    with Store.open(tmp_path / "new") as store:
        assert store.db.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE == 16384
    monkeypatch.setattr(database, "PAGE_SIZE", 4096)
    with Store.open(tmp_path / "old") as store:
        store.decisions.add(draft(), actor(add_user(store, "ann", "officer")), T0)
    monkeypatch.undo()
    with Store.open(tmp_path / "old") as store:
        assert store.db.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
        store.decisions.add(
            draft(person=PersonFacts("B-2", "Second")), actor(add_user(store, "bo", "officer")), T0
        )
        with store.db.reading() as conn:
            assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 2
        assert store.verify().ok


def test_a_second_program_on_the_same_data_dir_is_welcome(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as first, Store.open(folder) as second:
        add_user(second, "ann", "administrator", first=True)
        assert first.users.count() == 1  # the other program's write is seen at once
        assert first.audit.head() == second.audit.head()


def test_a_second_window_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder, window=True):
        with pytest.raises(AlreadyOpen, match="already open in another TrustDesk window"):
            Store.open(folder, window=True)
        probe = (
            "import sys\nfrom trustdesk.store.store import Store\n"
            "from trustdesk.store.errors import AlreadyOpen\n"
            f"try:\n    Store.open({str(folder)!r}, window=True)\nexcept AlreadyOpen as e:\n"
            "    print(e); sys.exit(7)\n"
        )
        other = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=False
        )
        assert other.returncode == 7, other.stderr
        assert f"pid {os.getpid()}" in other.stdout
        with Store.open(folder) as script:  # a command-line program is not a window
            assert script.audit.head()[0] >= 1
    with Store.open(folder, window=True):  # released on close
        pass


def test_the_window_lock_dies_with_a_killed_process(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom trustdesk.store.store import Store\n"
            f"s = Store.open({str(folder)!r}, window=True)\nprint('open', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(AlreadyOpen):
            Store.open(folder, window=True)
        child.kill()
        child.wait()
    with Store.open(folder, window=True) as store:
        assert store.integrity_check() == ["ok"]


MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:1 / / rw,relatime - ext4 /dev/vda rw
40 27 0:50 / /mnt/share rw,relatime - cifs //server/share rw
41 27 0:51 / /home/ann/nfs\\040home rw - nfs4 server:/home rw
42 27 0:52 / /media/usb rw - vfat /dev/sdb1 rw
43 27 0:53 / /mnt/ssh rw - fuse.sshfs ann@host: rw
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/var/lib/trustdesk", "ext4"),
        ("/mnt/share/trustdesk", "cifs"),
        ("/mnt/shared", "ext4"),
        ("/home/ann/nfs home/td", "nfs4"),
        ("/media/usb/td", "vfat"),
        ("/mnt/ssh", "fuse.sshfs"),
    ],
)
def test_filesystem_type_from_mountinfo(path: str, kind: str) -> None:
    assert filesystem_type(Path(path), MOUNTINFO) == kind


@pytest.mark.parametrize("path", ["/mnt/share/trustdesk", "/home/ann/nfs home/x", "/mnt/ssh/d"])
def test_network_paths_are_refused(path: str) -> None:
    with pytest.raises(NetworkPathRefused, match="network file system"):
        refuse_network_path(Path(path), mountinfo=MOUNTINFO)


def test_local_paths_are_accepted(tmp_path: Path) -> None:
    refuse_network_path(Path("/var/lib/trustdesk"), mountinfo=MOUNTINFO)
    refuse_network_path(tmp_path)  # this machine's real mount table


def _trustdesk_db(tmp_path: Path) -> bytes:
    folder = tmp_path / "model"
    with Store.open(folder) as store:
        officer = add_user(store, "ann", "officer")
        from storekit import actor

        for number in range(30):
            store.decisions.add(
                draft(decision_json='{"pad": "' + "x" * 3000 + f'", "n": {number}}}'),
                actor(officer),
                draft().decision_time,
            )
    return (folder / DB_NAME).read_bytes()


def _foreign_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('another app')")
    conn.commit()
    conn.close()


def _newer(tmp_path: Path) -> bytes:
    model = tmp_path / "newer.db"
    model.write_bytes(_trustdesk_db(tmp_path))
    conn = sqlite3.connect(model)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    return model.read_bytes()


@pytest.mark.parametrize(
    ("kind", "error", "words"),
    [
        ("empty", NotATrustDeskDatabase, "empty file"),
        ("random", NotATrustDeskDatabase, "not an SQLite file"),
        ("text", NotATrustDeskDatabase, "not an SQLite file"),
        ("foreign", NotATrustDeskDatabase, "another application's SQLite database"),
        ("truncated", DatabaseCorrupt, "truncated"),
        ("header-only", DatabaseCorrupt, "truncated"),
        ("tiny", DatabaseCorrupt, "shorter than an SQLite header"),
        ("newer", NewerSchema, "newer TrustDesk"),
    ],
)
def test_bad_files_are_refused_and_left_unchanged(
    tmp_path: Path, kind: str, error: type[StoreError], words: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / DB_NAME
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "random":
        path.write_bytes(os.urandom(8192))
    elif kind == "text":
        path.write_text("name,booking\nJosé,NH-1\n", encoding="utf-8")
    elif kind == "foreign":
        _foreign_sqlite(path)
    elif kind == "truncated":
        full = _trustdesk_db(tmp_path)
        path.write_bytes(full[: len(full) // 2])
    elif kind == "header-only":
        path.write_bytes(_trustdesk_db(tmp_path)[:4096])
    elif kind == "tiny":
        path.write_bytes(_trustdesk_db(tmp_path)[:50])
    else:
        path.write_bytes(_newer(tmp_path))
    before = path.read_bytes()
    with pytest.raises(error) as caught:
        Store.open(folder)
    message = str(caught.value)
    assert words in message
    assert "\n" not in message and str(path) in message
    assert path.read_bytes() == before
    assert not (folder / (DB_NAME + "-wal")).exists() or kind == "newer"
    with pytest.raises(error):  # and again: still refused, still unchanged
        Store.open(folder)
    assert path.read_bytes() == before


def test_a_missing_db_beside_its_wal_is_not_replaced_by_a_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / (DB_NAME + "-wal")).write_bytes(b"\x37\x7f\x06\x82" + b"\0" * 60)
    with pytest.raises(DatabaseCorrupt, match="missing"):
        Store.open(folder)
    assert not (folder / DB_NAME).exists()


def test_an_unfinished_first_start_leaves_no_database(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    leftover = folder / f".{DB_NAME}.init-deadbeef"
    leftover.write_bytes(b"half-built")
    with Store.open(folder) as store:
        assert store.integrity_check() == ["ok"]
    assert not leftover.exists()

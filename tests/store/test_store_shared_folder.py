"""A data folder shared by a group (the Debian package's /var/lib/trustdesk, used with
umask 0007) stays usable by every member: each file TrustDesk makes in it is
group-writable as far as the umask allows, and a private folder stays private."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from trustdesk.store.store import Store


@pytest.fixture
def umask() -> Iterator[object]:
    def set_umask(value: int) -> None:
        os.umask(value)

    previous = os.umask(0o022)
    try:
        yield set_umask
    finally:
        os.umask(previous)


def modes(folder: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}


def test_every_file_of_a_shared_folder_is_group_writable(tmp_path: Path, umask: Any) -> None:
    umask(0o007)
    data = tmp_path / "shared"
    data.mkdir()
    with Store.open(data) as store, store.db.reading() as conn:
        conn.execute("SELECT count(*) FROM decisions").fetchone()
        found = modes(data)
    assert {"trustdesk.db", "trustdesk.lock", "trustdesk.db-wal", "trustdesk.db-shm"} <= set(found)
    assert all(mode == 0o660 for mode in found.values()), {k: oct(v) for k, v in found.items()}


def test_a_private_folder_stays_private(tmp_path: Path, umask: Any) -> None:
    umask(0o022)
    data = tmp_path / "mine"
    with Store.open(data):
        found = modes(data)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert all(mode & 0o022 == 0 for mode in found.values()), found

"""trustdesk/newfile.py: the one way store/ and memo/ write a new file."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from trustdesk import newfile
from trustdesk.newfile import new_file, write_first_free
from trustdesk.store import files as store_files
from trustdesk.store.errors import FileExists


def test_new_file_publishes_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    with new_file(target) as temp:
        temp.write_text("a,b\n")
        assert not target.exists()  # nothing under the final name while writing
    assert target.read_text() == "a,b\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]


def test_a_failure_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"

    def write_half() -> None:
        with new_file(target) as temp:
            temp.write_text("half")
            raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        write_half()
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_text("keep me")
    with pytest.raises(FileExistsError), new_file(target):
        pass
    # Taken while the file was being written: the link refuses, the first file stays.
    other = tmp_path / "late.csv"

    def write_late() -> None:
        with new_file(other) as temp:
            temp.write_text("new")
            other.write_text("arrived first")

    with pytest.raises(FileExistsError):
        write_late()
    assert other.read_text() == "arrived first"
    assert target.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv", "late.csv"]


def test_without_hard_links_an_exclusive_create_reserves_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(_src: object, _dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(newfile.os, "link", no_links)
    (tmp_path / "a.pdf").write_bytes(b"keep")
    path = write_first_free(b"data", [tmp_path / "a.pdf", tmp_path / "a-2.pdf"])
    assert path.name == "a-2.pdf" and path.read_bytes() == b"data"
    assert (tmp_path / "a.pdf").read_bytes() == b"keep"
    with pytest.raises(FileExistsError):
        write_first_free(b"more", [tmp_path / "a.pdf", tmp_path / "a-2.pdf"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-2.pdf", "a.pdf"]


def test_the_store_words_the_errors_its_own_way(tmp_path: Path) -> None:
    target = tmp_path / "backup.tdb"
    target.write_text("x")
    with pytest.raises(FileExists, match="never overwrites"), store_files.new_file(target):
        pass
    assert store_files.missing_step(tmp_path / "nope" / "x.tdb") is not None

"""Writing a PDF: temp file, fsync, unique final name, never an overwrite."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from trustdesk import newfile
from trustdesk.memo import files
from trustdesk.memo.errors import MemoFileError
from trustdesk.memo.files import write_pdf_atomically

DATA = b"%PDF-1.4 test\n%%EOF\n"


def test_writes_under_the_stem_and_leaves_no_temp_file(tmp_path: Path) -> None:
    path = write_pdf_atomically(DATA, tmp_path, "memo-1042-v1")
    assert path == tmp_path / "memo-1042-v1.pdf"
    assert path.read_bytes() == DATA
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo-1042-v1.pdf"]


def test_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "memo.pdf").write_bytes(b"keep me")
    first = write_pdf_atomically(DATA, tmp_path, "memo")
    second = write_pdf_atomically(DATA + b"2", tmp_path, "memo")
    assert (first.name, second.name) == ("memo-2.pdf", "memo-3.pdf")
    assert (tmp_path / "memo.pdf").read_bytes() == b"keep me"
    assert second.read_bytes() == DATA + b"2"
    assert not list(tmp_path.glob(".*.tmp"))


def test_without_hard_links_an_exclusive_create_reserves_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(_src: object, _dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(newfile.os, "link", no_links)
    (tmp_path / "memo.pdf").write_bytes(b"keep me")
    path = write_pdf_atomically(DATA, tmp_path, "memo")
    assert path.name == "memo-2.pdf"
    assert path.read_bytes() == DATA
    assert (tmp_path / "memo.pdf").read_bytes() == b"keep me"
    assert not list(tmp_path.glob(".*.tmp"))


def test_every_name_taken_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "MAX_ATTEMPTS", 3)
    for name in ("memo.pdf", "memo-2.pdf", "memo-3.pdf"):
        (tmp_path / name).write_bytes(b"x")
    with pytest.raises(MemoFileError, match="already exist"):
        write_pdf_atomically(DATA, tmp_path, "memo")
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("stem", ["", "../memo", "a/b", ".hidden", "memo:1", "x\x00y"])
def test_bad_stems_are_refused(tmp_path: Path, stem: str) -> None:
    with pytest.raises(MemoFileError, match="cannot use"):
        write_pdf_atomically(DATA, tmp_path, stem)


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MemoFileError, match="does not exist"):
        write_pdf_atomically(DATA, tmp_path / "nope", "memo")


def test_a_file_in_the_way_of_the_folder_is_named_as_a_file(tmp_path: Path) -> None:
    """`-o afile/m.pdf` said "folder afile does not exist" when afile was a file."""
    (tmp_path / "afile").write_bytes(b"x")
    with pytest.raises(MemoFileError) as caught:
        write_pdf_atomically(DATA, tmp_path / "afile", "memo")
    assert f"{tmp_path / 'afile'} is a file, not a folder" in str(caught.value)


def test_disk_full_is_a_clear_error_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(newfile.os, "fsync", full)
    with pytest.raises(MemoFileError, match="is full"):
        write_pdf_atomically(DATA, tmp_path, "memo")
    assert list(tmp_path.iterdir()) == []


def test_no_permission_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*_args: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(newfile.os, "open", denied)
    with pytest.raises(MemoFileError, match="no permission to write"):
        write_pdf_atomically(DATA, tmp_path, "memo")

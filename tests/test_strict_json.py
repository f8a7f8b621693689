"""Strict JSON decoding refuses what Python's json module would silently accept."""

from __future__ import annotations

import pytest

from trustdesk.rules.errors import InputError
from trustdesk.rules.strict_json import load_path, loads


@pytest.mark.parametrize(
    ("data", "pointer", "reason"),
    [
        (b'{"a": 1, "a": 2}', "", "duplicate key 'a'"),
        (b'{"a": {"b": [0, {"c": 1, "c": 1}]}}', "/a/b/1", "duplicate key 'c'"),
        (b'{"x/y": {"k": 1, "k": 2}}', "/x~1y", "duplicate key 'k'"),
        (b"[NaN]", "", "NaN is not allowed"),
        (b'{"n": -Infinity}', "", "-Infinity is not allowed"),
        (b'{"n": 1e400}', "", "too large"),
        (b'{"a": "\xff"}', "", "not valid UTF-8 at byte 7"),
        (b'\xef\xbb\xbf{"a": 1}', "", "byte-order mark"),
        (b'{"a": 1,}', "", "line 1, column 9"),
        (b"", "", "not valid JSON"),
        (b"[" * 100_000, "", "not valid JSON"),
    ],
)
def test_refused_with_place_and_reason(data: bytes, pointer: str, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        loads(data, "case.json")
    assert caught.value.source == "case.json"
    assert caught.value.pointer == pointer
    assert reason in caught.value.reason
    assert str(caught.value).startswith(f"case.json: {pointer or '/'}: ")
    assert "\n" not in str(caught.value)


def test_valid_json_is_returned_unchanged() -> None:
    assert loads(b'{"a": [1, 2.5, "P\xc3\xa9na", null, true]}', "f") == {
        "a": [1, 2.5, "Péna", None, True]
    }


def test_missing_file_and_folder(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    with pytest.raises(InputError, match="file not found"):
        load_path(tmp_path / "absent.json")
    with pytest.raises(InputError, match="is a folder"):
        load_path(tmp_path)

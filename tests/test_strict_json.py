"""Strict JSON decoding refuses what Python's json module would silently accept."""

from __future__ import annotations

import io

import pytest

from trustdesk.rules import strict_json
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
    with pytest.raises(InputError, match=r"is not a file \(a folder, a pipe or a device\)"):
        load_path(tmp_path)


def test_a_number_too_long_to_read_is_refused_in_words() -> None:
    # Python's own refusal advised calling sys.set_int_max_str_digits().
    with pytest.raises(InputError) as caught:
        loads(b'{"n": ' + b"9" * 5000 + b"}", "case.json")
    assert caught.value.reason == (
        "not valid JSON: a number of 5000 digits is too long; numbers may have at most 100 digits"
    )
    assert loads(b'{"n": -' + b"9" * 100 + b"}", "f") == {"n": -int("9" * 100)}


class _Endless(io.RawIOBase):
    """A stream without end (a pipe fed by ``yes``), which refuses to be read whole."""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        assert 0 <= size <= strict_json.MAX_FILE_BYTES + 1, "asked to read it all"
        return b" " * size


def test_a_stream_larger_than_the_limit_is_not_read_whole() -> None:
    with pytest.raises(InputError) as caught:
        strict_json.read_limited(_Endless(), "<stdin>")
    assert caught.value.reason.startswith("is larger than 8 MiB, the most a case or rule file")
    assert strict_json.read_limited(io.BytesIO(b"{}"), "<stdin>") == b"{}"

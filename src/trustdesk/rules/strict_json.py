"""Strict JSON decoding: bad UTF-8, duplicate keys, NaN and Infinity are errors.

Python's json module silently keeps the last of two duplicate keys and accepts NaN;
for legal data and evidence both must be refused, with the place they occur.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from trustdesk.named_file import NotAFile, read_capped
from trustdesk.rules.errors import InputError

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, BinaryIO

MAX_FILE_BYTES = 8 * 1024 * 1024
#: The longest whole number read (Python's own limit for text to int is 4,300 digits; no
#: count, id or year in a case or a rule pack comes near this).
MAX_INT_DIGITS = 100


def _too_large(
    source: str, what: str = "case or rule", error: type[InputError] = InputError
) -> InputError:
    return error(
        source,
        "",
        f"is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB, the most "
        f"{'an' if what[0] in 'aeiou' else 'a'} {what} file may hold; name the {what} file "
        "itself (not a device or an endless stream)",
    )


def read_file(
    path: Path, what: str = "case or rule", error: type[InputError] = InputError
) -> bytes:
    """The bytes of the file a person named at ``path`` (a case, rule pack, catalog or
    key: ``what`` names it in the message), at most ``MAX_FILE_BYTES``. A folder, pipe
    or device is refused unread and a larger file after ``MAX_FILE_BYTES + 1`` bytes,
    as ``error``; a missing or unreadable file is the caller's ``OSError`` to word."""
    try:
        data = read_capped(path, MAX_FILE_BYTES)
    except NotAFile:
        raise error(
            str(path),
            "",
            f"is not a file (a folder, a pipe or a device); name the {what} file itself",
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(str(path), what, error)
    return data


def read_limited(stream: BinaryIO, source: str) -> bytes:
    """At most ``MAX_FILE_BYTES`` from ``stream``: one byte more and it is refused unread
    (``/dev/zero`` or an endless pipe would otherwise fill the memory)."""
    data = stream.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(source)
    return data


class _Duplicate:
    """Marks where a duplicate key was met so its JSON pointer can be reported."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key


_DUP_SLOT = "\x00duplicate"


def _pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result and _DUP_SLOT not in result:
            result[_DUP_SLOT] = _Duplicate(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text} is too large")
    return value


def _whole_number(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise ValueError(
            f"a number of {digits} digits is too long; numbers may have at most "
            f"{MAX_INT_DIGITS} digits"
        )
    return int(text)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _find_duplicate(node: Any, pointer: str) -> tuple[str, str] | None:
    if isinstance(node, dict):
        marker = node.get(_DUP_SLOT)
        if isinstance(marker, _Duplicate):
            return pointer, marker.key
        for key, value in node.items():
            found = _find_duplicate(value, f"{pointer}/{_escape(key)}")
            if found:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _find_duplicate(value, f"{pointer}/{index}")
            if found:
                return found
    return None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _find_surrogate(node: Any, pointer: str) -> str | None:
    """The pointer of the first key or text holding a lone surrogate, if any."""
    if isinstance(node, str):
        return pointer if _SURROGATE.search(node) else None
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and _SURROGATE.search(key):
                return pointer or "/"
            found = _find_surrogate(value, f"{pointer}/{_escape(key)}")
            if found is not None:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _find_surrogate(value, f"{pointer}/{index}")
            if found is not None:
                return found
    return None


def loads(data: bytes, source: str) -> Any:
    """Decode ``data`` (UTF-8 JSON) strictly; ``source`` names it in errors."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            source, "", f"not valid UTF-8 at byte {exc.start}; save the file as UTF-8"
        ) from None
    if text.startswith("\ufeff"):
        raise InputError(source, "", "starts with a byte-order mark; save as UTF-8 without BOM")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs_hook,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_whole_number,
        )
    except json.JSONDecodeError as exc:
        raise InputError(
            source, "", f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:
        raise InputError(source, "", f"not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(source, "", "not valid JSON: nested too deeply") from None
    # A lone surrogate can only arrive as a \\uD8xx-style escape; it is no character, and
    # writing it anywhere (a database, a terminal, a PDF) fails later, far from here.
    if _SURROGATE_ESCAPE.search(text):
        found = _find_surrogate(value, "")
        if found is not None:
            raise InputError(
                source,
                found,
                "contains an unpaired surrogate escape (\\ud800 to \\udfff), which is no "
                "character; remove it or write the character itself",
            )
    duplicate = _find_duplicate(value, "")
    if duplicate is not None:
        pointer, key = duplicate
        raise InputError(source, pointer, f"duplicate key {key!r}; each key may appear once")
    return value


def read_path(path: Path, what: str = "case or rule") -> bytes:
    """``read_file`` with a missing or unreadable file an InputError too."""
    try:
        return read_file(path, what)
    except FileNotFoundError:
        raise InputError(str(path), "", "file not found") from None
    except OSError as exc:
        raise InputError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None


def load_path(path: Path, what: str = "case or rule") -> Any:
    """Read and strictly decode a JSON file; missing or unreadable files are InputErrors."""
    return loads(read_path(path, what), str(path))

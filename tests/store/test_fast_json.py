"""fast_json: orjson's texts and reads stand in for canonical_json and json.loads only
where they agree; anything else is None (the caller's exact way) or a different text.

Verification accepts an entry or a row on a fast text only when its digest matches the
recorded one, so each fast function is compared with its definition here, on ordinary
values and on what a tampered file may hold.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from trustdesk.store.audit import decision_named, entry_hash
from trustdesk.store.encoding import canonical_json
from trustdesk.store.fast_json import (
    ascii_fragment,
    ascii_json,
    decision_named_fast,
    decision_named_of,
    entry_hash_fast,
    parsed_objects,
)

TEXTS = [
    "",
    "plain",
    'quote " and \\ backslash / slash',
    "\x00\x01\x08\t\n\x0b\x0c\r\x1e\x1f\x7f",
    "Łukasz Ortiz José Peña Zoë Ångström",
    "\u2028\u2029\ufeff\uffff",
    "\U0001f600 \U0010ffff",
]


@pytest.mark.parametrize("text", TEXTS)
def test_strings_are_escaped_as_canonical_json_escapes_them(text: str) -> None:
    assert ascii_json([text, {"k": text}], [text]) == canonical_json([text, {"k": text}]).encode()


@pytest.mark.parametrize("text", [*TEXTS, "\ud800 lone", 'caf\u00e9 "quoted"'])
def test_a_fragment_is_the_text_as_canonical_json_writes_it(text: str) -> None:
    """ascii_fragment's text, put into orjson's, gives canonical_json's text of the
    value, non-ASCII (lone surrogates too), control characters and DEL alike."""
    written = ascii_json({"a": ascii_fragment(text), "b": [1, None]}, [], option=0)
    assert written == canonical_json({"a": text, "b": [1, None]}).encode()


@pytest.mark.parametrize(
    "value", [0, -1, 2**63 - 1, -(2**63), 2**64 - 1, None, True, False, 2.5, -0.0, 0.1]
)
def test_numbers_and_constants_are_written_as_canonical_json_writes_them(value: Any) -> None:
    assert ascii_json([value], [value]) == canonical_json([value]).encode()


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), 2**64, -(2**64), b"blob", {1, 2}]
)
def test_what_orjson_cannot_stand_for_is_refused(value: Any) -> None:
    """orjson writes inf and NaN as null (NULL's text): refused, as are values orjson
    cannot write at all."""
    assert ascii_json({"a": value, "b": None}, [value, None]) is None


ENTRY_VALUES: list[Any] = [*TEXTS, None, 7, -3, 2**70, 1.5, float("inf"), b"\x00"]


@pytest.mark.parametrize("seed", range(40))
def test_entry_hash_fast_is_entry_hash_or_nothing(seed: int) -> None:
    rng = random.Random(seed)
    row = (
        rng.choice([1, 2**62, 2**70, "1", 1.0]),
        *(rng.choice(ENTRY_VALUES) for _ in range(7)),
        "p" * 64,
        "h" * 64,
    )
    prev = rng.choice(["0" * 64, "a" * 64, ""])
    expected = entry_hash(prev, *row[:8])
    fast = entry_hash_fast(prev, row)
    if fast is not None:
        # Equal, unless a finite float is spelled otherwise (then never another's hash).
        has_float = any(type(value) is float for value in row[:8])
        assert fast == expected or has_float


@pytest.mark.parametrize("seed", range(40))
def test_entry_hash_fast_without_the_float_guard_is_entry_hash_for_typed_columns(
    seed: int,
) -> None:
    """``floats=False``: what the server's integer and text columns give (int, str,
    None) hashes as entry_hash does; a float or a blob, which such columns cannot give,
    would be the caller's mistake, and inf then passes for NULL (why the guard exists)."""
    rng = random.Random(seed)
    typed = [
        value
        for value in ENTRY_VALUES
        if type(value) in (str, type(None)) or (type(value) is int and abs(value) < 2**63)
    ]
    row = (rng.choice([1, 2**62]), *(rng.choice(typed) for _ in range(7)), "p" * 64, "h" * 64)
    prev = rng.choice(["0" * 64, "a" * 64])
    assert entry_hash_fast(prev, row, floats=False) == entry_hash(prev, *row[:8])
    inf_row = (row[0], float("inf"), *row[2:])
    null_row = (row[0], None, *row[2:])
    assert entry_hash_fast(prev, inf_row) is None
    assert entry_hash_fast(prev, inf_row, floats=False) == entry_hash(prev, *null_row[:8])


def test_an_ordinary_entry_hashes_alike() -> None:
    row = (5, "2026-01-01T00:00:00.000000Z", "desk-1", "ann", 3, "logon", "success", '{"user":3}')
    assert entry_hash_fast("0" * 64, row) == entry_hash("0" * 64, *row)
    assert entry_hash_fast("0" * 64, (*row[:3], None, None, *row[5:])) == entry_hash(
        "0" * 64, *row[:3], None, None, *row[5:]
    )


OBJECTS = [
    '{"decision":5}',
    '{"decision":5,"decision":6}',
    '{"decision":-9223372036854775808}',
    '{"decision":9223372036854775808}',
    '{"decision":18446744073709551616}',
    '{"decision":123456789012345678901234567890}',
    '{"decision":5.0}',
    '{"decision":true}',
    '{"decision":"5"}',
    '{"decision":NaN}',
    '{"decision":Infinity}',
    '{"x":"\\ud800","decision":4}',
    '{"d\\u0065cision":7}',
    '[{"decision":5}]',
    '{"other":1}',
    "not json",
    "",
    '{"decision":5} trailing',
    '{"decision":5,}',
    ' \t\n{"decision" : 8 }\n',
]


@pytest.mark.parametrize("objects", OBJECTS)
def test_decision_named_fast_is_decision_named(objects: str) -> None:
    assert decision_named_fast(objects) == decision_named(objects)


@pytest.mark.parametrize("objects", [*OBJECTS, None, b'{"decision": 1}', 7, "null", "[1]"])
def test_decision_named_of_what_parsed_objects_read_is_decision_named(objects: Any) -> None:
    """The chain pass reads each entry's objects once (decision 0049) and takes the
    decision it names from that reading: the same answer as decision_named's."""
    assert decision_named_of(objects, parsed_objects(objects)) == decision_named(objects)


@pytest.mark.parametrize("objects", OBJECTS)
def test_what_parsed_objects_reads_json_loads_reads_alike(objects: str) -> None:
    """Where orjson reads a text, its integers (within 64 bits) and strings are
    json.loads'; where it does not, None (the caller's general check reads it)."""
    fast = parsed_objects(objects)
    if fast is None:
        return
    exact = json.loads(objects)
    if type(fast) is dict:
        assert fast.keys() == exact.keys()
        for key, value in fast.items():
            if type(value) in (int, str):
                assert exact[key] == value and type(exact[key]) is type(value)
    else:
        assert type(fast) is type(exact)


def test_parsed_objects_of_a_non_text_is_none() -> None:
    assert parsed_objects(b'{"a":1}') is None
    assert parsed_objects(None) is None

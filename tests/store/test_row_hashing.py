"""row_hashing gives the same digests as the definitions (record_sha256, row_digest).

Verification accepts a row only when row_hashing's digest matches the recorded one, so
these must agree byte for byte: on ordinary values and on what a tampered file may hold
(blobs, floats, huge integers, non-ASCII text, NULLs).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from trustdesk.store.decisions import (
    DETAINER_FIELDS,
    HOLD_FIELDS,
    PERSON_FIELDS,
    RECORD_FIELDS,
    record_sha256,
)
from trustdesk.store.encoding import row_digest
from trustdesk.store.row_hashing import (
    DETAINER_COLUMNS,
    PERSON_COLUMNS,
    RECORD_COLUMNS,
    record_digest,
    row_digest_of,
)

ODD_VALUES: list[Any] = [
    None,
    0,
    -(2**63),
    2**70,
    2.5,
    float("inf"),
    True,
    b"\x00blob",
    "",
    "plain",
    'quote " and \\ backslash',
    "Łukasz Ortiz \u2028 \U0001f600",
    "\x00\x1e\x1f",
    "{not json",
]


def _values(rng: random.Random, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: rng.choice(ODD_VALUES) for field in fields}


@pytest.mark.parametrize("seed", range(40))
def test_record_digest_is_record_sha256(seed: int) -> None:
    rng = random.Random(seed)
    values = _values(rng, RECORD_FIELDS)
    values["case_json"] = rng.choice(['{"a":1}', "é" * 3000, None, 7, b"x"])
    values["decision_json"] = rng.choice(['{"b":[1,2]}', "", None])
    person = _values(rng, PERSON_FIELDS)
    detainer = _values(rng, DETAINER_FIELDS)
    answers = [(f"q{rng.randrange(5)}", rng.choice(["yes", "no", "ü", ""])) for _ in range(6)]
    expected = record_sha256(values, person, detainer, answers)
    got = record_digest(
        [values[field] for field in RECORD_COLUMNS],
        values["case_json"],
        values["decision_json"],
        [person[field] for field in PERSON_COLUMNS],
        [detainer[field] for field in DETAINER_COLUMNS],
        [list(pair) for pair in answers],
    )
    assert got == expected


def test_record_digest_notices_any_one_changed_value() -> None:
    rng = random.Random(1)
    values = {field: f"v-{field}" for field in RECORD_FIELDS}
    person = {field: f"p-{field}" for field in PERSON_FIELDS}
    detainer = {field: f"d-{field}" for field in DETAINER_FIELDS}
    base = record_sha256(values, person, detainer, [("a", "b")])
    record = [values[field] for field in RECORD_COLUMNS]
    for index in range(len(record)):
        changed = list(record)
        changed[index] = rng.choice(["other", 5, None])
        digest = record_digest(
            changed,
            values["case_json"],
            values["decision_json"],
            [person[field] for field in PERSON_COLUMNS],
            [detainer[field] for field in DETAINER_COLUMNS],
            [["a", "b"]],
        )
        assert digest != base, RECORD_COLUMNS[index]


def test_record_digest_refuses_a_short_record() -> None:
    with pytest.raises(ValueError, match="columns"):
        record_digest([], "", "", [], [], [])


@pytest.mark.parametrize("seed", range(20))
def test_row_digest_of_is_row_digest(seed: int) -> None:
    rng = random.Random(seed)
    values = _values(rng, HOLD_FIELDS)
    digest = row_digest_of("holds", HOLD_FIELDS)
    assert digest([values[field] for field in sorted(HOLD_FIELDS)]) == row_digest("holds", values)


ANSWER_TEXTS = ["yes", 'quote " and \\ backslash', "\x00\x01\x08\x09\x0a\x0c\x0d\x1f\x7f", "/", ""]


@pytest.mark.parametrize("seed", range(20))
def test_the_answers_text_sqlite_writes_is_canonical_json(seed: int) -> None:
    """checks._ANSWERS_JSON (what verification hashes instead of encoding the pairs in
    Python) writes canonical_json(sorted(answers)) for ASCII text but DEL; for anything
    else the digest it gives differs from the record's, so the row takes the general
    check."""
    import sqlite3

    from trustdesk.store.checks import _ANSWERS_JSON
    from trustdesk.store.encoding import canonical_json
    from trustdesk.store.row_hashing import record_digest_of_text

    rng = random.Random(seed)
    pairs = {
        rng.choice([*ANSWER_TEXTS, "q1", "q2", "ü", "\U0001f600"]): rng.choice(
            [*ANSWER_TEXTS, "no", "é"]
        )
        for _ in range(rng.randrange(0, 6))
    }
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE decision_answers (record_id, field, value)")
    conn.execute("CREATE TABLE decisions (id)")
    conn.execute("INSERT INTO decisions VALUES (1)")
    conn.executemany("INSERT INTO decision_answers VALUES (1, ?, ?)", list(pairs.items()))
    (text,) = conn.execute(f"SELECT {_ANSWERS_JSON['sqlite']} FROM decisions t").fetchone()
    answers = [[field, value] for field, value in pairs.items()]
    expected = canonical_json(sorted(answers))
    record = [f"v-{field}" for field in RECORD_COLUMNS]
    person = [f"p-{field}" for field in PERSON_COLUMNS]
    detainer = [f"d-{field}" for field in DETAINER_COLUMNS]
    by_text = record_digest_of_text(record, "c", "d", person, detainer, text)
    by_pairs = record_digest(record, "c", "d", person, detainer, answers)
    # Equal texts, equal digests; a text written otherwise never gives the record's digest.
    assert (text == expected) == (by_text == by_pairs)
    if all(f"{f}{v}".isascii() and "\x7f" not in f"{f}{v}" for f, v in pairs.items()):
        assert text == expected  # control characters, quotes, backslashes alike
    else:
        assert by_text != by_pairs  # raw UTF-8 or DEL (canonical_json escapes it)


def test_a_blob_answer_makes_the_text_invalid_not_shorter() -> None:
    import sqlite3

    from trustdesk.store.checks import _ANSWERS_JSON

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE decision_answers (record_id, field, value)")
    conn.execute("CREATE TABLE decisions (id)")
    conn.execute("INSERT INTO decisions VALUES (1)")
    conn.execute("INSERT INTO decision_answers VALUES (1, 'a', 'yes'), (1, 'b', x'00')")
    (text,) = conn.execute(f"SELECT {_ANSWERS_JSON['sqlite']} FROM decisions t").fetchone()
    assert text == '[["a","yes"],!]'

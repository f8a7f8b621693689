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
from trustdesk.store.encoding import canonical_json, row_digest
from trustdesk.store.row_hashing import (
    DETAINER_COLUMNS,
    PERSON_COLUMNS,
    RECORD_COLUMNS,
    document_digest,
    record_digest,
    record_digest_fast,
    row_digest_fast_of,
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
    """The answers' JSON SQLite writes into a decision's candidate text
    (candidates_sqlite.answers) is canonical_json(sorted(answers)) for ASCII text but
    DEL; for anything else the digest it gives differs from the record's until escaped
    as canonical_json escapes (candidates.ascii_text, here record_digest_fast)."""
    import sqlite3

    from trustdesk.store.candidates_sqlite import answers as answers_sql
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
    # As the schema has it: the pairs come in the primary key's order.
    conn.execute(
        "CREATE TABLE decision_answers (record_id INTEGER NOT NULL, field TEXT NOT NULL, "
        "value TEXT NOT NULL, PRIMARY KEY (record_id, field)) WITHOUT ROWID"
    )
    conn.execute("CREATE TABLE decisions (id)")
    conn.execute("INSERT INTO decisions VALUES (1)")
    conn.executemany("INSERT INTO decision_answers VALUES (1, ?, ?)", list(pairs.items()))
    (text,) = conn.execute(f"SELECT {answers_sql(False)} FROM decisions t").fetchone()
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
    # The fast digest escapes what SQLite writes raw as canonical_json does: equal.
    fast = record_digest_fast(
        record, document_digest(b"c"), document_digest("d"), person, detainer, text
    )
    assert fast == by_pairs


def test_answers_out_of_order_only_make_the_digest_differ() -> None:
    """A table rebuilt without its key (behind TrustDesk's back) may hand the pairs over
    in another order: the text differs from canonical_json's, so does the digest."""
    import sqlite3

    from trustdesk.store.candidates_sqlite import answers as answers_sql

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE decision_answers (record_id, field, value)")
    conn.execute("CREATE TABLE decisions (id)")
    conn.execute("INSERT INTO decisions VALUES (1)")
    conn.execute("INSERT INTO decision_answers VALUES (1, 'b', 'yes'), (1, 'a', 'no')")
    (text,) = conn.execute(f"SELECT {answers_sql(False)} FROM decisions t").fetchone()
    record = [f"v-{field}" for field in RECORD_COLUMNS]
    person = [f"p-{field}" for field in PERSON_COLUMNS]
    detainer = [f"d-{field}" for field in DETAINER_COLUMNS]
    answers = [["b", "yes"], ["a", "no"]]
    assert text == '[["b","yes"],["a","no"]]'
    fast = record_digest_fast(
        record, document_digest("c"), document_digest("d"), person, detainer, text
    )
    assert fast != record_digest(record, "c", "d", person, detainer, answers)


def test_a_blob_answer_stops_the_fast_text_and_is_never_text_in_the_guarded_one() -> None:
    import sqlite3

    from trustdesk.store.candidates_sqlite import BLOB_REFUSED
    from trustdesk.store.candidates_sqlite import answers as answers_sql

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE decision_answers (record_id, field, value)")
    conn.execute("CREATE TABLE decisions (id)")
    conn.execute("INSERT INTO decisions VALUES (1)")
    conn.execute("INSERT INTO decision_answers VALUES (1, 'a', 'yes'), (1, 'b', x'00')")
    with pytest.raises(sqlite3.OperationalError, match=BLOB_REFUSED):
        conn.execute(f"SELECT {answers_sql(False)} FROM decisions t").fetchone()
    (text,) = conn.execute(f"SELECT {answers_sql(True)} FROM decisions t").fetchone()
    assert text == '[["a","yes"],["b",[]]]'


# Floats orjson spells as canonical_json does (and inf, which it cannot stand for).
SAME_SPELLING = [value for value in ODD_VALUES if not isinstance(value, float)] + [
    2.5,
    float("inf"),
    float("-inf"),
    float("nan"),
]


@pytest.mark.parametrize("seed", range(40))
def test_record_digest_fast_is_record_sha256(seed: int) -> None:
    """orjson's text, put right (fast_json.ascii_json), is canonical_json's: odd values,
    non-ASCII, control characters, DEL, big integers, blobs, NaN and infinities alike
    (the documents as text or as their UTF-8 bytes)."""
    rng = random.Random(seed)
    values = {field: rng.choice(SAME_SPELLING) for field in RECORD_FIELDS}
    case = rng.choice(['{"a":1}', "é" * 3000, None, 7])
    decision = rng.choice(['{"b":[1,2]}', "", None, "\x7f\U0001f600"])
    values["case_json"], values["decision_json"] = case, decision
    person = {field: rng.choice(SAME_SPELLING) for field in PERSON_FIELDS}
    detainer = {field: rng.choice(SAME_SPELLING) for field in DETAINER_FIELDS}
    answers = [(f"q{rng.randrange(5)}", rng.choice(["yes", "ü\x7f", "\x01"])) for _ in range(4)]
    expected = record_sha256(values, person, detainer, answers)

    def fetched(document: object) -> object:
        return document.encode("utf-8") if isinstance(document, str) and seed % 2 else document

    got = record_digest_fast(
        [values[field] for field in RECORD_COLUMNS],
        document_digest(fetched(case)),
        document_digest(fetched(decision)),
        [person[field] for field in PERSON_COLUMNS],
        [detainer[field] for field in DETAINER_COLUMNS],
        canonical_json(sorted([list(pair) for pair in answers])),
    )
    assert got == expected


@pytest.mark.parametrize("odd", [*ODD_VALUES, 1e16, 1e-7, float("nan"), -0.0, 2**64, False])
def test_record_digest_fast_never_passes_a_changed_value(odd: Any) -> None:
    """Each column in turn set to an odd value (None where the record had text, inf
    where it had NULL, a float spelled otherwise): the digest never stays the record's."""
    values = {field: f"v-{field}" for field in RECORD_FIELDS}
    values["amends"] = None  # NULL in the record: inf or NaN must not pass for it
    person = {field: f"p-{field}" for field in PERSON_FIELDS}
    detainer = {field: f"d-{field}" for field in DETAINER_FIELDS}
    base = record_sha256(values, person, detainer, [("a", "b")])
    record = [values[field] for field in RECORD_COLUMNS]
    for index in range(len(record)):
        changed = list(record)
        changed[index] = odd
        digest = record_digest_fast(
            changed,
            document_digest(values["case_json"]),
            document_digest(values["decision_json"]),
            [person[field] for field in PERSON_COLUMNS],
            [detainer[field] for field in DETAINER_COLUMNS],
            '[["a","b"]]',
        )
        same = canonical_json(odd) == canonical_json(record[index])
        assert (digest == base) == same, (RECORD_COLUMNS[index], odd)


@pytest.mark.parametrize("seed", range(20))
def test_row_digest_fast_of_is_row_digest(seed: int) -> None:
    rng = random.Random(seed)
    values = {field: rng.choice(SAME_SPELLING) for field in HOLD_FIELDS}
    digest = row_digest_fast_of("holds", HOLD_FIELDS)
    assert digest([values[field] for field in sorted(HOLD_FIELDS)]) == row_digest("holds", values)


# What PostgreSQL's integer and text columns give (``checks._may_give_floats``).
TYPED_VALUES = [
    value
    for value in SAME_SPELLING
    if type(value) in (str, type(None)) or (type(value) is int and abs(value) < 2**63)
] + ["Jos\u00e9 Pe\u00f1a \x7f", "\U0001f600\ud800", 'Zo\u00eb "x" \\']


@pytest.mark.parametrize("seed", range(40))
def test_record_digest_fast_of_typed_columns_is_record_sha256(seed: int) -> None:
    """Without the float guard (``floats=False``), on the values typed columns give,
    the person's non-ASCII texts escaped apart (``ascii_fragment``): record_sha256."""
    rng = random.Random(seed)
    values = {field: rng.choice(TYPED_VALUES) for field in RECORD_FIELDS}
    values["case_json"], values["decision_json"] = '{"a":1}', "\u00e9" * 30
    person = {field: rng.choice(TYPED_VALUES) for field in PERSON_FIELDS}
    detainer = {field: rng.choice(TYPED_VALUES) for field in DETAINER_FIELDS}
    answers = [("q1", "ü\x7f"), ("q2", "yes")]
    got = record_digest_fast(
        [values[field] for field in RECORD_COLUMNS],
        document_digest(values["case_json"]),
        document_digest(values["decision_json"]),
        [person[field] for field in PERSON_COLUMNS],
        [detainer[field] for field in DETAINER_COLUMNS],
        canonical_json(sorted([list(pair) for pair in answers])),
        floats=False,
    )
    assert got == record_sha256(values, person, detainer, answers)
    digest = row_digest_fast_of("holds", HOLD_FIELDS, floats=False)
    hold = {field: rng.choice(TYPED_VALUES) for field in HOLD_FIELDS}
    assert digest([hold[field] for field in sorted(HOLD_FIELDS)]) == row_digest("holds", hold)


def test_a_float_spelled_otherwise_only_makes_the_digest_differ() -> None:
    """orjson writes 1e-7 as 1e-7 where canonical_json writes 1e-07: a candidate text
    that is not canonical_json's gives another digest (the row takes the exact check),
    never the digest of another value."""
    digest = row_digest_fast_of("holds", HOLD_FIELDS)
    values = dict.fromkeys(HOLD_FIELDS, "x")
    values[HOLD_FIELDS[0]] = 1e-7
    fast = digest([values[field] for field in sorted(HOLD_FIELDS)])
    assert fast != row_digest("holds", values)
    for other in (0, "1e-7", None):
        assert fast != row_digest("holds", {**values, HOLD_FIELDS[0]: other})


def test_the_answers_text_the_server_writes_is_canonical_json_once_escaped() -> None:
    """PostgreSQL's array_to_json leaves non-ASCII and DEL as they are; record_digest_fast
    escapes them as canonical_json does, so an intact record's digest is its own."""
    text = '[["a\\"\\\\","\u00e9\\u0001\x7f"],["b","x"]]'  # as the server writes it
    answers = [['a"\\', "\u00e9\x01\x7f"], ["b", "x"]]
    record = [f"v-{field}" for field in RECORD_COLUMNS]
    person = [f"p-{field}" for field in PERSON_COLUMNS]
    detainer = [f"d-{field}" for field in DETAINER_COLUMNS]
    digests = document_digest("c"), document_digest("d")
    fast = record_digest_fast(record, *digests, person, detainer, text)
    assert fast == record_digest(record, "c", "d", person, detainer, answers)

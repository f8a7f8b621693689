"""The candidate texts SQLite writes (store/candidates*.py, decision 0040), and the parts
of a decision's text the PostgreSQL server writes (store/postgresql/candidates.py).

Verification accepts a row when the digest of the text its database wrote matches the
recorded one, so that text must be canonical_json's, byte for byte, on every value
TrustDesk stores: odd text (non-ASCII, beyond U+FFFF, quotes, backslashes, control
characters, NUL, DEL, empty), integers to 64 bits, NULL. Values only a tampered SQLite
file holds (floats, blobs) must never give an accepted text.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import sqlite3
import struct
from collections.abc import Iterator
from typing import Any

import apsw
import pytest

from trustdesk.store import candidates_sqlite
from trustdesk.store.candidates import ascii_text
from trustdesk.store.checks import _ENGINES
from trustdesk.store.decisions import (
    DETAINER_FIELDS,
    PERSON_FIELDS,
    RECORD_FIELDS,
    record_sha256,
)
from trustdesk.store.encoding import canonical_json, row_digest
from trustdesk.store.fast_reader import _Cursor
from trustdesk.store.postgresql import candidates as candidates_pg

TEXTS = [
    "",
    "plain",
    'quote " and \\ backslash',
    "Łukasz Ortiz \u2028 é",
    "\U0001f600 astral \U00010000",
    "\x01\x08\x09\x0a\x0c\x0d\x1e\x1f control",
    "DEL \x7f here",
    "/ slash and </script>",
    "{not json",
]
NUL = "NUL \x00 inside"
INTEGERS = [0, 1, -1, 2**63 - 1, -(2**63), 12345678901]
HOLD_COLUMNS = ("a", "b", "c", "d")


def _sqlite() -> sqlite3.Connection:
    return sqlite3.connect(":memory:")


class _ApswMemory:
    """apsw's SQLite in memory, called as the standard library's is: the SQLite of the
    faster reader of ``audit verify`` (store/fast_reader.py, decision 0075)."""

    def __init__(self) -> None:
        self.conn = apsw.Connection(":memory:")
        self.keeps_json = bool(self.execute(candidates_sqlite.SUBQUERY_PROBE).fetchone()[0])

    def execute(self, sql: str, parameters: tuple[Any, ...] = ()) -> Any:
        return _Cursor(self.conn.execute(sql, parameters))

    def close(self) -> None:
        self.conn.close()


@pytest.fixture(params=["sqlite", "apsw"])
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """(engine, a connection to run the engine's candidate SQL on): SQLite's, the one
    backend whose database writes the texts (decision 0040), through the standard
    library and through the faster reader's apsw (decision 0075)."""
    conn = _sqlite() if request.param == "sqlite" else _ApswMemory()
    yield request.param, conn
    conn.close()


@pytest.fixture
def pg(request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """("postgresql", a connection to a fresh database on the test cluster)."""
    import psycopg

    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_database()
    with psycopg.connect(url, autocommit=True) as conn:
        yield "postgresql", conn
    cluster.drop(url)


def _values(backend: str) -> list[Any]:
    # PostgreSQL's text cannot hold NUL at all (so no stored value has it there).
    return [*TEXTS, *([NUL] if backend != "postgresql" else []), *INTEGERS, None]


def _module(backend: str) -> Any:
    assert backend in ("sqlite", "apsw")  # on PostgreSQL the client writes the texts (0040)
    return candidates_sqlite


def _create(conn: Any, backend: str, table: str, columns: dict[str, str]) -> None:
    kinds = {"text": "TEXT", "int": "INTEGER" if backend != "postgresql" else "bigint"}
    spec = ", ".join(f"{name} {kinds[kind]}" for name, kind in columns.items())
    conn.execute(f"CREATE TEMP TABLE {table} ({spec})")


def _insert(conn: Any, backend: str, table: str, row: dict[str, Any]) -> None:
    marks = ", ".join(("?" if backend != "postgresql" else "%s") for _ in row)
    conn.execute(f"INSERT INTO {table} ({', '.join(row)}) VALUES ({marks})", tuple(row.values()))


def _fetch(conn: Any, sql: str) -> list[Any]:
    return [tuple(row) for row in conn.execute(sql).fetchall()]


def test_a_rows_text_is_canonical_json(engine: tuple[str, Any]) -> None:
    backend, conn = engine
    _create(conn, backend, "t", {"a": "text", "b": "text", "c": "int", "d": "text"})
    texts = [v for v in _values(backend) if not isinstance(v, int)]
    rows = []
    for n, text in enumerate(texts):
        row = {"a": text, "b": texts[-1 - n], "c": INTEGERS[n % len(INTEGERS)], "d": None}
        _insert(conn, backend, "t", row)
        rows.append(row)
    sql = _module(backend).row_text("holds", HOLD_COLUMNS, False)
    got = _fetch(conn, f"SELECT {sql} FROM t")
    assert len(got) == len(rows)
    for (text,), row in zip(got, rows, strict=True):
        fixed = ascii_text(bytes(text))
        assert fixed == canonical_json({"table": "holds", "row": row}).encode("ascii")
        assert hashlib.sha256(fixed).hexdigest() == row_digest("holds", row)


def test_an_entrys_text_is_what_the_chain_hashes(engine: tuple[str, Any]) -> None:
    backend, conn = engine
    names = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")
    kinds = dict.fromkeys(names, "text") | {"seq": "int", "actor_id": "int"}
    _create(conn, backend, "audit_log", {**kinds, "prev_hash": "text"})
    entries = []
    values = _values(backend)
    texts = [v for v in values if isinstance(v, str)]
    for n, text in enumerate(texts):
        entry = {
            "seq": INTEGERS[n % len(INTEGERS)],
            "at": text,
            "workstation": texts[-1 - n],
            "actor": None if n % 3 == 0 else text,
            "actor_id": None if n % 2 else INTEGERS[-1 - n % len(INTEGERS)],
            "event": "decision.created",
            "outcome": "success",
            "objects": '{"decision":7,"note":"' + text.replace('"', "") + '"}',
            "prev_hash": "f" * 64,
        }
        _insert(conn, backend, "audit_log", entry)
        entries.append(entry)
    got = _fetch(conn, f"SELECT {_module(backend).entry_text(False)} FROM audit_log")
    for (text,), entry in zip(got, entries, strict=True):
        hashed = {key: value for key, value in entry.items() if key != "prev_hash"}
        expected = (entry["prev_hash"] + canonical_json(hashed)).encode("ascii")
        assert ascii_text(bytes(text)) == expected


def _record_tables(conn: Any, backend: str) -> None:
    record = dict.fromkeys(RECORD_FIELDS, "text")
    for name in ("id", "decision_id", "version", "amends", "officer_id", "person_id"):
        record[name] = "int"
    record.update(detainer_id="int", audit_seq="int", needs_review="int")
    record.update(review_required="int", record_sha256="text")
    _create(conn, backend, "decisions", record)
    _create(conn, backend, "people", {**dict.fromkeys(PERSON_FIELDS, "text"), "id": "int"})
    _create(conn, backend, "detainers", {**dict.fromkeys(DETAINER_FIELDS, "text"), "id": "int"})
    _create(
        conn, backend, "decision_answers", {"record_id": "int", "field": "text", "value": "text"}
    )


def test_the_servers_answers_and_document_digests_are_what_record_sha256_takes(
    pg: tuple[str, Any],
) -> None:
    """On PostgreSQL the server writes a decision's answers as JSON and hashes its
    documents (store/postgresql/candidates.py); the client escapes non-ASCII and DEL."""
    backend, conn = pg
    _record_tables(conn, backend)
    texts = [v for v in _values(backend) if isinstance(v, str)]
    for n, document in enumerate(texts):
        record = dict.fromkeys(RECORD_FIELDS) | {"id": n + 1, "case_json": document * 3}
        record["decision_json"] = texts[-1 - n]
        _insert(conn, backend, "decisions", record)
        for k in range(n % 5):
            _insert(
                conn,
                backend,
                "decision_answers",
                {
                    "record_id": n + 1,
                    "field": texts[(n + k) % len(texts)] + str(k),
                    "value": texts[k],
                },
            )
    case, decision = candidates_pg.DOCUMENTS
    rows = _fetch(
        conn,
        f"SELECT t.id, t.case_json, t.decision_json, {case}, {decision}, "
        f"{candidates_pg.ANSWERS} FROM decisions t ORDER BY t.id",
    )
    for record_id, case_text, decision_text, case_hex, decision_hex, answers in rows:
        assert case_hex == hashlib.sha256(case_text.encode("utf-8")).hexdigest()
        assert decision_hex == hashlib.sha256(decision_text.encode("utf-8")).hexdigest()
        pairs = _fetch(
            conn, f"SELECT field, value FROM decision_answers WHERE record_id = {record_id}"
        )
        expected = canonical_json(sorted([list(pair) for pair in pairs]))
        assert ascii_text(answers.encode("utf-8")) == expected.encode("ascii")


def _record_sql(backend: str, conn: Any) -> str:
    keeps_json = candidates_sqlite.subquery_keeps_json(conn)
    _template, parts = _ENGINES[backend].record_texts(False, keeps_json)
    # As checks reads them: the record's digest, id, event and objects come first.
    return (
        f"SELECT NULL, NULL, NULL, NULL, {', '.join(parts)} FROM decisions t "
        "LEFT JOIN people p ON p.id = t.person_id "
        "LEFT JOIN detainers x ON x.id = t.detainer_id ORDER BY t.id"
    )


def _whole(backend: str, row: tuple[Any, ...]) -> bytes:
    row = tuple(bytes(part) if isinstance(part, memoryview) else part for part in row)
    fixed = ascii_text(_ENGINES[backend].record_text(row))
    assert fixed is not None
    return fixed


def test_a_decisions_text_gives_record_sha256(engine: tuple[str, Any]) -> None:
    """Odd values in every column of the record, its person, its detainer, its answers
    (in code-point order, as the primary key keeps them)."""
    backend, conn = engine
    _record_tables(conn, backend)
    values = _values(backend)
    texts = [v for v in values if isinstance(v, str)]
    expected = []
    for n in range(len(texts)):
        record: dict[str, Any] = {}
        for k, field in enumerate(RECORD_FIELDS):
            record[field] = texts[(n + k) % len(texts)]
        record.update(id=n + 1, decision_id=n + 1, version=1, amends=None, audit_seq=2**63 - 1)
        record.update(officer_id=-(2**63), person_id=n + 1, detainer_id=n + 1)
        record.update(needs_review=0, review_required=None)
        record["case_json"] = texts[n] * 50
        record["decision_json"] = "" if n % 2 else "\x7f\U0001f600 é"
        person = {f: texts[(n + 3 * k) % len(texts)] for k, f in enumerate(PERSON_FIELDS)}
        person.update(id=n + 1, date_of_birth=None if n % 2 else person["date_of_birth"])
        detainer = {f: texts[(n + 5 * k) % len(texts)] for k, f in enumerate(DETAINER_FIELDS)}
        detainer["id"] = n + 1
        answers = sorted({(texts[(n + k) % len(texts)] + str(k), texts[k]) for k in range(n % 4)})
        _insert(conn, backend, "decisions", {**record, "record_sha256": "x"})
        _insert(conn, backend, "people", person)
        _insert(conn, backend, "detainers", detainer)
        for field, value in answers:
            _insert(
                conn,
                backend,
                "decision_answers",
                {"record_id": n + 1, "field": field, "value": value},
            )
        expected.append(record_sha256(record, person, detainer, answers))
    got = [
        hashlib.sha256(_whole(backend, row)).hexdigest()
        for row in _fetch(conn, _record_sql(backend, conn))
    ]
    assert got == expected


TAMPERED = [2.5, 1.0, 1e300, float("inf"), b"\x00blob", b"plain"]


@pytest.mark.parametrize("value", TAMPERED)
def test_a_float_or_a_blob_never_gives_an_accepted_sqlite_text(value: object) -> None:
    """Only a tampered SQLite file holds them: the text then matches no digest (a float
    is written as a number with a point or an exponent, or ``Inf``, which no canonical
    value is), or SQLite refuses the blob (then the guarded text, which writes a blob and
    a float as ``[]``)."""
    conn = _sqlite()
    conn.execute("CREATE TABLE t (a, b INTEGER, c TEXT, d)")
    original = {"a": "1.0", "b": 1, "c": "plain", "d": None}
    for column in HOLD_COLUMNS:
        row = {**original, column: value}
        conn.execute("DELETE FROM t")
        conn.execute("INSERT INTO t VALUES (?, ?, ?, ?)", tuple(row.values()))
        stored = conn.execute(f"SELECT {column}, typeof({column}) FROM t").fetchone()
        if stored[1] not in ("real", "blob"):
            continue  # the column's affinity made it text or an integer: not tampering
        for guarded in (False, True):
            sql = candidates_sqlite.row_text("holds", HOLD_COLUMNS, guarded)
            try:
                (text,) = conn.execute(f"SELECT {sql} FROM t").fetchone()
            except sqlite3.OperationalError as exc:
                assert not guarded and candidates_sqlite.BLOB_REFUSED in str(exc)
                continue
            fixed = ascii_text(text)
            for other in (original[column], str(value), 1, None, "[]"):
                assert (
                    fixed
                    != canonical_json({"table": "holds", "row": {**row, column: other}}).encode()
                )
            token = text.split(b'"' + column.encode() + b'":', 1)[1].split(b",")[0].rstrip(b"}")
            if guarded:
                assert token == b"[]"
            else:
                assert stored[1] == "real" and _float_token(token), token


def _float_token(token: bytes) -> bool:
    """A token no canonical text of an integer, a text or a null is."""
    return re.fullmatch(rb"-?Inf|-?[0-9]+\.[0-9]+(e[-+][0-9]+)?", token) is not None


def test_sqlite_writes_no_float_as_a_canonical_integer_text_or_null() -> None:
    """The unguarded texts leave a float to json_object (decision 0052): every double,
    whole numbers and the extremes included, must come out as a token with a point, an
    exponent or ``Inf`` — never digits alone, a quoted text or ``null``, the only tokens
    canonical_json writes for a stored value — so a float in a tampered row can never
    give the text of the value the writer hashed."""
    conn = _sqlite()
    # The faster reader's SQLite too (decision 0075), which writes infinity as 9.0e+999:
    # its row-by-row guard leaves every float to json_object.
    newer = _ApswMemory()
    rng = random.Random(52)
    values = [0.0, -0.0, 1.0, -3.0, 1e15, 1e16, 1e17, 1e20, 2.0**63, -(2.0**63), 2.0**64]
    values += [1e300, 1e-300, 5e-324, 0.1, float("inf"), float("-inf"), 1.7976931348623157e308]
    for _ in range(20_000):
        values.append(struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0])
        values.append(float(rng.randint(-(10**18), 10**18)))
    for value in values:
        if math.isnan(value):  # SQLite stores NULL for it
            continue
        for reader in (conn, newer):
            text, kind = reader.execute(
                "SELECT json_object('k', ?), typeof(?)", (value, value)
            ).fetchone()
            assert kind == "real"
            assert _float_token(text[len('{"k":') : -1].encode()), (value, text)

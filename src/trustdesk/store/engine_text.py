"""Canonical JSON of stored rows written by the database engine itself, for ``audit verify``.

A row's digest is the SHA-256 of the canonical JSON of its values (``encoding``): a text
of fixed shape in which only the values change. The database can write that text in
its own C code, one concatenation per row: each text value by the engine's JSON
quoting (SQLite ``json_quote``, PostgreSQL ``to_json``), integers as their digits, NULL
as ``null``. Python then only hashes the text it receives (``ascii_text`` first turns
the engine's raw UTF-8 into canonical_json's ``\\uXXXX`` escapes), instead of
reading every value into Python objects and encoding them again.

Why a match proves the columns: the engine's text is a JSON encoding of the columns'
values in the row's fixed shape, and the recorded digest is that of canonical_json of
the values as written. Equal hashes mean equal texts, and a JSON text decodes to one
value only, so the columns hold exactly what was recorded. A value the engine encodes
differently (a float, a blob, a byte the quoting spells another way) gives another text,
so another hash: the row is then checked again the general way, which decides. The
engine's text can only turn a good row into a second look, never a bad row into a pass.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from typing import Any

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_quote = json.encoder.encode_basestring_ascii


def dialect_of(conn: Any) -> str:
    """``"sqlite"`` or ``"postgresql"``: whose SQL spelling ``conn`` needs."""
    return "sqlite" if isinstance(conn, sqlite3.Connection) else "postgresql"


def column(expression: str) -> tuple[str, str]:
    """A value for ``object_sql``: a column (or expression) holding a stored value."""
    return ("value", expression)


def json_text(expression: str) -> tuple[str, str]:
    """A value for ``object_sql``: an expression that already gives JSON text."""
    return ("json", expression)


Value = tuple[str, str]


def object_sql(members: dict[str, Any], dialect: str) -> str:
    """SQL writing canonical_json of a JSON object whose members are ``column``s,
    ``json_text``s or nested dicts of them, keys sorted as canonical_json sorts them.

    SQLite: one ``json_object`` call (one buffer per row, values quoted by its C code);
    a blob, which ``json_object`` refuses, is written as an object no stored value can
    be, so the text differs and the row takes the general check. PostgreSQL: the
    members' ``to_json`` texts concatenated.
    """
    if dialect == "sqlite":
        parts = []
        for key in sorted(members):
            parts.append(_literal(key))
            parts.append(sqlite_member(members[key]))
        return "json_object(" + ", ".join(parts) + ")"
    pieces = []
    for n, key in enumerate(sorted(members)):
        pieces.append(_literal(("{" if n == 0 else ",") + _quote(key) + ":"))
        pieces.append(f"({_postgresql_member(members[key])})")
    pieces.append("'}'")
    # concat(): one buffer, where a chain of || copies the growing text at each step.
    # No piece is NULL (to_json is wrapped in coalesce), which concat would drop.
    return f"concat({', '.join(pieces)})"


def sqlite_member(value: Any) -> str:
    if isinstance(value, dict):
        return object_sql(value, "sqlite")
    kind, expression = value
    if kind == "json":
        return f"json({expression})"
    return (
        f"CASE typeof({expression}) WHEN 'blob' THEN json_object('$blob', 0) ELSE {expression} END"
    )


def _postgresql_member(value: Any) -> str:
    if isinstance(value, dict):
        return object_sql(value, "postgresql")
    kind, expression = value
    if kind == "json":
        return str(expression)
    return f"coalesce(to_json({expression})::text, 'null')"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ascii_text(text: str) -> str:
    """``text`` (the engine's JSON, raw UTF-8 inside strings) as canonical_json writes it:
    every character outside ASCII as its ``\\uXXXX`` escape (two for astral ones)."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda found: str(_quote(found.group()))[1:-1], text)


def _simple(key: str, objects: str) -> str:
    # No backslash (so no escaped key) and the key spelled at most once (so no duplicate,
    # whose reading JSON parsers differ on): then the engine's JSON reading is Python's.
    token = _literal(f'"{key}":')
    return (
        f"length(replace({objects}, '\\', '')) = length({objects}) AND "
        f"length({objects}) - length(replace({objects}, {token}, '')) <= {len(key) + 3}"
    )


def simple_sql(key: str, objects: str = "a.objects") -> str:
    """SQL true when the engine reads member ``key`` of ``objects`` exactly as Python's
    ``json.loads`` does (see ``_simple``); when false the caller parses in Python."""
    return _simple(key, objects)


def member_sql(
    key: str, dialect: str, objects: str = "a.objects", parsed: str | None = None
) -> str:
    """SQL giving the top-level text member ``key`` of an entry's objects, or NULL (also
    when the reading could be ambiguous: the caller's general check then decides).

    On PostgreSQL an objects text that is no JSON at all stops the statement (no check
    of validity before 16); the caller falls back to the general check for everything.
    """
    if dialect == "sqlite":
        return (
            f"CASE WHEN {_simple(key, objects)} THEN CASE WHEN json_valid({objects}) THEN "
            f"CASE WHEN json_type({objects}, '$.{key}') = 'text' "
            f"THEN json_extract({objects}, '$.{key}') END END END"
        )
    json = parsed or f"({objects}::json)"  # PostgreSQL: ``parsed``, the text read once
    return (
        f"CASE WHEN {_simple(key, objects)} THEN "
        f"CASE WHEN json_typeof({json} -> '{key}') = 'string' "
        f"THEN {json} ->> '{key}' END END"
    )


def integer_member_sql(
    key: str, dialect: str, objects: str = "a.objects", parsed: str | None = None
) -> str:
    """As ``member_sql``, for an integer member (an id that fits 64 bits), else NULL."""
    if dialect == "sqlite":
        return (
            f"CASE WHEN {_simple(key, objects)} THEN CASE WHEN json_valid({objects}) THEN "
            f"CASE WHEN json_type({objects}, '$.{key}') = 'integer' "
            f"THEN json_extract({objects}, '$.{key}') END END END"
        )
    json = parsed or f"({objects}::json)"
    return (
        f"CASE WHEN {_simple(key, objects)} THEN "
        f"CASE WHEN json_typeof({json} -> '{key}') = 'number' "
        f"AND ({json} ->> '{key}') ~ '^-?[0-9]{{1,19}}$' "
        f"THEN CASE WHEN ({json} ->> '{key}')::numeric "
        f"BETWEEN -9223372036854775808 AND 9223372036854775807 "
        f"THEN ({json} ->> '{key}')::bigint END END END"
    )


def contains_sql(column: str, text: str, dialect: str) -> str:
    """SQL true when ``column`` contains ``text`` (a plain substring, no wildcards)."""
    function = "instr" if dialect == "sqlite" else "strpos"
    return f"{function}({column}, {_literal(text)}) > 0"


def sha256_sql(column: str, dialect: str) -> str:
    """SQL giving the SHA-256 (hex) of a text column's UTF-8 bytes (``sha256_hex``).

    SQLite has no SHA-256: ``register`` gives its connection one (hashlib, in C)."""
    if dialect == "sqlite":
        return f"trustdesk_sha256({column})"
    return f"encode(sha256(convert_to({column}, 'UTF8')), 'hex')"


def register(conn: Any) -> None:
    """Give a SQLite connection the functions ``sha256_sql`` uses."""
    if isinstance(conn, sqlite3.Connection):
        conn.create_function("trustdesk_sha256", 1, _sha256_text, deterministic=True)


def _sha256_text(value: object) -> str | None:
    # NULL for anything but text: a blob where a document belongs takes the general check.
    return hashlib.sha256(value.encode("utf-8")).hexdigest() if isinstance(value, str) else None

"""PostgreSQL's spelling of verification's candidate texts (``store/candidates.py``,
decision 0040).

The server writes each text with ``row_to_json`` over a subquery whose columns are named
and ordered as canonical_json orders the keys (nested objects are JSON values, written
as they are): no spaces, each value's JSON as ``to_json`` writes it — for text
canonical_json's escapes but characters beyond ASCII and DEL as they are, which
``candidates.ascii_text`` puts right; an integer is its digits, NULL ``null``.
(``json_build_object`` writes spaces, and concatenating the pieces with ``||`` cost the
server twice as much.) The columns are typed (text, bigint, integer): no float or blob
can be found in them. The documents' digests are the server's (``sha256`` of their
UTF-8, in hex, as record_sha256 puts them in the record), so a decision's text comes
whole. Texts are handed over as their UTF-8 (``convert_to``), hashed by the client.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trustdesk.store.candidates import ENTRY_SHAPE, record_shape, row_shape


def _object(shape: dict[str, Any], sql: Callable[[int], str], alias: str) -> str:
    """The JSON object of ``shape`` (keys in canonical order), each slot's value
    ``sql(n)``; a nested object is a JSON value, so it is written as it is."""
    columns = []
    for n, key in enumerate(sorted(shape)):
        item = shape[key]
        if isinstance(item, dict):
            expr = _object(item, sql, f"{alias}{n}")
        elif item.startswith("\x00"):  # a value's slot
            expr = sql(int(item.strip("\x00")))
        else:  # a constant (a table's name)
            expr = "'" + item.replace("'", "''") + "'"
        columns.append(f'{expr} AS "{key}"')
    return f"(SELECT row_to_json({alias}) FROM (SELECT {', '.join(columns)}) {alias})"


def _bytes(expr: str) -> str:
    return f"convert_to({expr}::text, 'UTF8')"


_ENTRY = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")


def entry_text(guarded: bool = False) -> str:
    """An audit_log row's hashed text: its stored prev_hash, then its canonical JSON
    (``guarded`` means nothing here: the server's columns are typed)."""
    body = _object(ENTRY_SHAPE, lambda n: f"audit_log.{_ENTRY[n]}", "e")
    return f"convert_to(prev_hash || {body}::text, 'UTF8')"


#: A decision's answers as the server's JSON of a text array: no spaces, non-ASCII as it
#: is (a fifth cheaper than to_json per value), pairs in code-point ("C") order.
ANSWERS = (
    "(SELECT coalesce(array_to_json(array_agg(ARRAY[field, value] ORDER BY "
    'field COLLATE "C", value COLLATE "C")), \'[]\'::json) '
    "FROM decision_answers WHERE record_id = t.id)"
)

#: What record_sha256 puts in a record for each document of ``t``: the SHA-256 of its
#: UTF-8, in hex (NULL for a NULL).
DOCUMENTS = tuple(
    f"encode(sha256(convert_to(t.{name}, 'UTF8')), 'hex')"
    for name in ("case_json", "decision_json")
)


def record_texts(
    record: Sequence[str], person: Sequence[str], detainer: Sequence[str], guarded: bool = False
) -> list[str]:
    """A decision's candidate text, whole (``decisions t``, ``people p``, ``detainers
    x``): the server puts its documents' digests in place."""
    columns = [
        *(f"t.{name}" for name in record),
        *DOCUMENTS,
        *(f"p.{name}" for name in person),
        *(f"x.{name}" for name in detainer),
        ANSWERS,
    ]
    return [_bytes(_object(record_shape(record, person, detainer), columns.__getitem__, "r"))]


def row_text(table: str, columns: Sequence[str], guarded: bool = False) -> str:
    """A row of ``table`` (``t``)'s text as ``encoding.row_digest`` hashes it."""
    return _bytes(_object(row_shape(table, columns), lambda n: f"t.{columns[n]}", "r"))

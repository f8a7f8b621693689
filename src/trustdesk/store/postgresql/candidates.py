"""PostgreSQL's spelling of verification's candidate texts (``store/candidates.py``,
decision 0040).

Each value is written by ``to_json`` (for text: canonical_json's escapes, but characters
beyond ASCII and DEL as they are, which ``candidates.ascii_text`` puts right; an integer
is its digits), NULL as ``null``, and the pieces are concatenated in the canonical order
of the keys (the server's own JSON objects have spaces). The columns are typed (text,
bigint, integer): no float or blob can be found in them. The documents' digests are the
server's (``sha256`` of their UTF-8, in hex, as record_sha256 puts them in the record).
Texts are handed over as their UTF-8 (``convert_to``), hashed by the client.
"""

from __future__ import annotations

from collections.abc import Sequence

from trustdesk.store.candidates import ENTRY_SHAPE, concatenations, record_shape, row_shape


def value(expr: str) -> str:
    """The JSON of one value (a column: text, an integer or NULL)."""
    return f"coalesce(to_json({expr})::text, 'null')"


def _bytes(expr: str) -> str:
    return f"convert_to({expr}, 'UTF8')"


_ENTRY = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")


def entry_text(guarded: bool = False) -> str:
    """An audit_log row's hashed text: its stored prev_hash, then its canonical JSON
    (``guarded`` means nothing here: the server's columns are typed)."""
    return _bytes("prev_hash || " + concatenations(ENTRY_SHAPE, lambda n: value(_ENTRY[n]))[0])


def record_texts(
    record: Sequence[str], person: Sequence[str], detainer: Sequence[str], guarded: bool = False
) -> list[str]:
    """A decision's candidate text in three parts, cut where the two documents' digests
    go (``decisions t``, ``people p``, ``detainers x``)."""
    answers = ANSWERS
    columns = [
        *(f"t.{name}" for name in record),
        "",
        "",
        *(f"p.{name}" for name in person),
        *(f"x.{name}" for name in detainer),
    ]
    answers_at = len(columns)

    def sql(n: int) -> str:
        return answers if n == answers_at else value(columns[n])

    shape = record_shape(record, person, detainer)
    cut = (len(record), len(record) + 1)
    return [_bytes(part) for part in concatenations(shape, sql, split_at=cut)]


#: A decision's answers as the server's JSON of a text array: no spaces, non-ASCII as it
#: is (a fifth cheaper than to_json per value), pairs in code-point ("C") order.
ANSWERS = (
    "(SELECT coalesce(array_to_json(array_agg(ARRAY[field, value] ORDER BY "
    'field COLLATE "C", value COLLATE "C"))::text, \'[]\') '
    "FROM decision_answers WHERE record_id = t.id)"
)


#: What record_sha256 puts in a record for each document of ``t``: the SHA-256 of its
#: UTF-8, in hex (NULL for a NULL): 64 characters through the socket, not kilobytes.
DOCUMENTS = tuple(
    _bytes(f"encode(sha256(convert_to(t.{name}, 'UTF8')), 'hex')")
    for name in ("case_json", "decision_json")
)


def row_text(table: str, columns: Sequence[str], guarded: bool = False) -> str:
    """A row of ``table`` (``t``)'s text as ``encoding.row_digest`` hashes it."""
    return _bytes(concatenations(row_shape(table, columns), lambda n: value(f"t.{columns[n]}"))[0])

"""What the server computes for ``audit verify``'s decision rows on PostgreSQL.

On PostgreSQL the client writes each row's candidate text itself (orjson, decision
0032). Letting the server write the texts (``row_to_json`` over named columns, the way
SQLite's ``json_object`` does on SQLite, ``store/candidates_sqlite.py``) was measured
in decision 0040: the client's CPU fell by a fifth but the server's rose more, so in all
it cost more. Two things stay the server's: each document's SHA-256 (what
record_sha256 puts in the record: 64 characters through the socket instead of
kilobytes), and the answers' JSON.
"""

from __future__ import annotations

#: A decision's answers as the server's JSON of a text array: no spaces, non-ASCII as it
#: is (escaped by row_hashing as canonical_json escapes it; a fifth cheaper than to_json
#: per value), pairs in code-point ("C") order.
ANSWERS = (
    "(SELECT coalesce(array_to_json(array_agg(ARRAY[field, value] ORDER BY "
    'field COLLATE "C", value COLLATE "C"))::text, \'[]\') '
    "FROM decision_answers WHERE record_id = t.id)"
)

#: What record_sha256 puts in a record for each document of ``t``: the SHA-256 of its
#: UTF-8, in hex (NULL for a NULL).
DOCUMENTS = tuple(
    f"encode(sha256(convert_to(t.{name}, 'UTF8')), 'hex')"
    for name in ("case_json", "decision_json")
)

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
#: per value), pairs in code-point ("C") order. The pairs come sorted from a subquery
#: rather than by the aggregate's own ORDER BY, which sorted every record's few pairs
#: apart (a third of the server's work on the answers, decision 0045): since schema step
#: 10 the field is in "C" order, so its key's index gives them in that order and the
#: planner adds no sort; on a column in another order it sorts them, as before. Either
#: way the text is only a candidate (row_hashing): pairs in any other order give a digest
#: no record has, and that record takes the general check, which sorts them itself. (The
#: key makes a record's fields unique; ordering by the value too would cost a sort.)
ANSWERS = (
    "(SELECT coalesce(pg_catalog.array_to_json(pg_catalog.array_agg(ARRAY[field, value]))"
    "::text, '[]') "
    "FROM (SELECT field, value FROM decision_answers WHERE record_id = t.id "
    'ORDER BY field COLLATE "C") AS pairs)'
)

#: What record_sha256 puts in a record for each document of ``t``: the SHA-256 of its
#: UTF-8, in hex (NULL for a NULL). Here and in ``ANSWERS`` the functions are named with
#: their schema: a function of the same name with a better-matching argument type in a
#: schema of the search path would otherwise be called instead (decision 0060).
DOCUMENTS = tuple(
    f"pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(t.{name}, 'UTF8')), 'hex')"
    for name in ("case_json", "decision_json")
)

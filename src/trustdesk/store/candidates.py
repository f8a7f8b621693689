"""Candidate canonical texts written by the database engine, for ``audit verify``.

Verification recomputes a digest for every stored row: the SHA-256 of the row's
canonical JSON (``encoding.canonical_json``). Writing that text in Python, value by
value, was most of verification's time (decisions 0025, 0032). The text has a fixed
shape, only the values change, so on SQLite the engine itself writes it in the query
(``candidates_sqlite``: ``json_object`` with the keys in canonical order), and Python
only hashes it and compares (decision 0040). On PostgreSQL the client keeps writing
them (0032): the server writing them cost more CPU in all.

Such a text is only ever a *candidate*, as in 0032: a row whose candidate's digest
matches is accepted, any other row goes to the exact check (``canonical_json``, the
definition), which says what is wrong. The engines' JSON differs from canonical_json's
in one known way, put right here (``ascii_text``): characters beyond ASCII and DEL come
as they are, where canonical_json writes ``\\uXXXX`` escapes (lower-case hex, surrogate
pairs beyond U+FFFF). Everything else is the same text for the values TrustDesk stores
(text, integers, NULL: tests/store/test_candidates.py compares them on odd values); a
value of any other type (a blob, a float: only a tampered file has them) makes the
text one that no digest matches, so its row takes the exact way.
A candidate text equal to the canonical text a digest was made from is therefore the
canonical text of the row's values: a digest matched through a candidate matches
through canonical_json too.

This module holds what is not SQL: the shapes and the Python side.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from trustdesk.store.fast_json import JSON_ASCII_ERRORS


def slot(position: int) -> str:
    """A value's place in a shape (NUL never appears in a key; canonical_json writes it
    as ``\\u0000``)."""
    return f"\x00{position}\x00"


def ascii_text(text: bytes) -> bytes | None:
    """A candidate written by the engine (UTF-8) as canonical_json writes it: characters
    beyond ASCII and DEL escaped; None if it is not UTF-8 (then no row matches it)."""
    if text.isascii() and b"\x7f" not in text:
        return text
    try:
        fixed = text.decode("utf-8").encode("ascii", JSON_ASCII_ERRORS)
    except UnicodeDecodeError:
        return None
    return fixed.replace(b"\x7f", b"\\u007f")


#: An audit entry's hashed fields (``audit.entry_hash``), the first eight of
#: ``audit.COLUMNS``, as the shape of its canonical text.
ENTRY_SHAPE = {
    name: slot(n)
    for n, name in enumerate(
        ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")
    )
}


def record_shape(
    record: Sequence[str], person: Sequence[str], detainer: Sequence[str]
) -> dict[str, Any]:
    """A decision record's shape as ``decisions.record_sha256`` hashes it: its columns
    (``record``, without the two documents), the documents' digests (slots
    ``len(record)`` and ``len(record) + 1``), its person's and detainer's columns, then
    the answers (the last slot, JSON text already)."""
    at = len(record) + 2
    shape: dict[str, Any] = {name: slot(n) for n, name in enumerate(record)}
    shape["case_json_sha256"] = slot(len(record))
    shape["decision_json_sha256"] = slot(len(record) + 1)
    shape["person"] = {name: slot(at + n) for n, name in enumerate(person)}
    at += len(person)
    shape["detainer"] = {name: slot(at + n) for n, name in enumerate(detainer)}
    shape["answers"] = slot(at + len(detainer))
    return shape


def row_shape(table: str, columns: Sequence[str]) -> dict[str, Any]:
    """``encoding.row_digest``'s shape of a row of ``table``, ``columns`` in slot order."""
    return {"table": table, "row": {name: slot(n) for n, name in enumerate(columns)}}

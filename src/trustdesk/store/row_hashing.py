"""The digests ``audit verify`` recomputes for every stored row, taken from plain row tuples.

``decisions.record_sha256`` and ``encoding.row_digest`` are the definitions; this module
produces exactly the same bytes (tests/store/test_row_hashing.py compares them, also on
values a tampered file may hold) without their per-row work: no dict built key by key,
no sorting. Verification selects the columns in the sorted order of their JSON keys, so
each dict is made in C by ``dict(zip(keys, values))`` and one encoder without
``sort_keys`` writes the canonical text: with keys already in sorted order, the output is
the same text ``canonical_json`` writes. Everything else (the encoder's handling of
numbers, strings, nulls and foreign values) is the canonical encoder's own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from trustdesk.store.decisions import DETAINER_FIELDS, PERSON_FIELDS, RECORD_FIELDS
from trustdesk.store.encoding import _CANONICAL

#: canonical_json's settings, minus the sorting: callers give keys in sorted order.
_PRESORTED = json.JSONEncoder(
    sort_keys=False,
    separators=(",", ":"),
    ensure_ascii=True,
    default=_CANONICAL.default,
    check_circular=False,
)
_encode = _PRESORTED.encode
_sha256 = hashlib.sha256

_DOCUMENTS = ("case_json", "decision_json")
#: The decision record's own columns, minus the two documents (entering by SHA-256).
RECORD_COLUMNS = tuple(sorted(field for field in RECORD_FIELDS if field not in _DOCUMENTS))
PERSON_COLUMNS = tuple(sorted(PERSON_FIELDS))
DETAINER_COLUMNS = tuple(sorted(DETAINER_FIELDS))
_PARTS = (*RECORD_COLUMNS, "answers", "case_json_sha256", "decision_json_sha256")
_PARTS += ("detainer", "person")
#: The record's top-level keys in sorted order, and where each is in the tuple of parts.
_TOP = tuple(sorted(_PARTS))
_IN_ORDER = itemgetter(*(_PARTS.index(key) for key in _TOP))


def _document_digest(text: object) -> object:
    # As record_sha256: a document's SHA-256, or whatever a tampered file holds instead.
    return _sha256(text.encode("utf-8")).hexdigest() if isinstance(text, str) else text


def record_digest(
    record: Sequence[Any],
    case_json: object,
    decision_json: object,
    person: Sequence[Any],
    detainer: Sequence[Any],
    answers: list[list[str]],
) -> str:
    """``record_sha256`` of a decision: ``record`` holds RECORD_COLUMNS' values,
    ``person`` PERSON_COLUMNS', ``detainer`` DETAINER_COLUMNS', in those (sorted) orders;
    ``answers`` the [field, value] pairs in any order."""
    if len(record) != len(RECORD_COLUMNS):
        raise ValueError(f"a decision record has {len(RECORD_COLUMNS)} columns")
    parts = (
        *record,
        sorted(answers),
        _document_digest(case_json),
        _document_digest(decision_json),
        dict(zip(DETAINER_COLUMNS, detainer, strict=True)),
        dict(zip(PERSON_COLUMNS, person, strict=True)),
    )
    text = _encode(dict(zip(_TOP, _IN_ORDER(parts), strict=True)))
    return _sha256(text.encode("ascii")).hexdigest()


def row_digest_of(table: str, columns: Sequence[str]) -> Callable[[Sequence[Any]], str]:
    """A function giving ``encoding.row_digest(table, dict(zip(columns, values)))`` for a
    row's ``values`` taken in ``sorted(columns)`` order."""
    keys = tuple(sorted(columns))
    tail = "," + '"table":' + _encode(table) + "}"

    def digest(values: Sequence[Any]) -> str:
        text = '{"row":' + _encode(dict(zip(keys, values, strict=True))) + tail
        return _sha256(text.encode("ascii")).hexdigest()

    return digest

"""The digests ``audit verify`` recomputes for every stored row, taken from plain row tuples.

``decisions.record_sha256`` and ``encoding.row_digest`` are the definitions; this module
produces exactly the same bytes (tests/store/test_row_hashing.py compares them, also on
values a tampered file may hold) with less work per row. The JSON text of a row has a
fixed shape: its keys never change, only its values. So the shape is written once by
``canonical_json`` itself, with a numbered marker for each value, and turned into a
``%s`` template; per row, only the values are encoded (a string by the same C function the
canonical encoder uses, an integer or NULL directly, anything else by ``canonical_json``)
and put in place. On this machine that is about half the time of encoding the row's
dict with the C encoder, which spends most of its time on the keys.

``record_digest_fast`` and ``row_digest_fast_of`` go faster still (decision 0032): orjson
writes the row's text (``fast_json.ascii_json``), falling back to the template where
orjson's text could stand for another value.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from trustdesk.store.decisions import DETAINER_FIELDS, PERSON_FIELDS, RECORD_FIELDS
from trustdesk.store.encoding import canonical_json
from trustdesk.store.fast_json import SORTED_KEYS, Fragment, ascii_fragment, ascii_json

_quote = json.encoder.encode_basestring_ascii  # canonical_json's string encoder
_sha256 = hashlib.sha256
_MARKER = re.compile(r'"\\u0000(\d+)\\u0000"')


def _template(shape: Any) -> tuple[str, Callable[[Sequence[str]], tuple[str, ...]]]:
    """``canonical_json(shape)`` as a ``%`` template, and what orders the values for it.

    ``shape`` is the row's JSON value with each value replaced by its position in the
    row's tuple of values, as ``_slot(n)``.
    """
    text = canonical_json(shape).replace("%", "%%")
    order = [int(number) for number in _MARKER.findall(text)]
    return _MARKER.sub("%s", text), itemgetter(*order)


def _slot(position: int) -> str:
    # NUL never appears in a key; canonical_json writes it as \u0000.
    return f"\x00{position}\x00"


def _encoded(values: Sequence[Any]) -> list[str]:
    """Each value as canonical_json writes it inside a row."""
    return [_quote(value) if type(value) is str else _other(value) for value in values]


def _other(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return int.__repr__(value)
    return canonical_json(value)  # floats, blobs, booleans: only a tampered file has them


_DOCUMENTS = ("case_json", "decision_json")
#: The decision record's own columns, minus the two documents (entering by SHA-256).
RECORD_COLUMNS = tuple(sorted(field for field in RECORD_FIELDS if field not in _DOCUMENTS))
PERSON_COLUMNS = tuple(sorted(PERSON_FIELDS))
DETAINER_COLUMNS = tuple(sorted(DETAINER_FIELDS))
# A record's values, in order: its columns, its documents' digests, its person's and
# detainer's columns, then the answers (already JSON text).
_RECORD_SLOTS = (*RECORD_COLUMNS, "case_json_sha256", "decision_json_sha256")
_PERSON_AT = len(_RECORD_SLOTS)
_DETAINER_AT = _PERSON_AT + len(PERSON_COLUMNS)
_ANSWERS_AT = _DETAINER_AT + len(DETAINER_COLUMNS)
_RECORD_TEMPLATE, _RECORD_ORDER = _template(
    {
        **{key: _slot(n) for n, key in enumerate(_RECORD_SLOTS)},
        "person": {key: _slot(_PERSON_AT + n) for n, key in enumerate(PERSON_COLUMNS)},
        "detainer": {key: _slot(_DETAINER_AT + n) for n, key in enumerate(DETAINER_COLUMNS)},
        "answers": _slot(_ANSWERS_AT),
    }
)


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
    return record_digest_of_text(
        record, case_json, decision_json, person, detainer, canonical_json(sorted(answers))
    )


def record_digest_of_text(
    record: Sequence[Any],
    case_json: object,
    decision_json: object,
    person: Sequence[Any],
    detainer: Sequence[Any],
    answers_json: object,
) -> str:
    """As ``record_digest``, the answers given as their canonical JSON text already
    (``canonical_json(sorted(answers))``, e.g. written by the database); any other value
    there (NULL, text canonical_json would not write) gives a digest no record has."""
    return record_digest_of_digests(
        record,
        _document_digest(case_json),
        _document_digest(decision_json),
        person,
        detainer,
        answers_json,
    )


def record_digest_of_digests(
    record: Sequence[Any],
    case_digest: object,
    decision_digest: object,
    person: Sequence[Any],
    detainer: Sequence[Any],
    answers_json: object,
) -> str:
    """As ``record_digest_of_text``, the documents given as what record_sha256 puts in
    the record for them (``document_digest``)."""
    if len(record) != len(RECORD_COLUMNS):
        raise ValueError(f"a decision record has {len(RECORD_COLUMNS)} columns")
    values = _encoded((*record, case_digest, decision_digest, *person, *detainer))
    if len(values) != _ANSWERS_AT:
        raise ValueError("a person or detainer row has the wrong number of columns")
    # Text canonical_json would not write (not ASCII) is encoded as a JSON string: the
    # record's answers are a list, so the digest then matches no record.
    if type(answers_json) is str and answers_json.isascii():
        values.append(answers_json)
    else:
        values.append(canonical_json(answers_json))
    text = _RECORD_TEMPLATE % _RECORD_ORDER(values)
    return _sha256(text.encode("ascii")).hexdigest()


def row_digest_of(table: str, columns: Sequence[str]) -> Callable[[Sequence[Any]], str]:
    """A function giving ``encoding.row_digest(table, dict(zip(columns, values)))`` for a
    row's ``values`` taken in ``sorted(columns)`` order."""
    keys = sorted(columns)
    template, order = _template(
        {"table": table, "row": {key: _slot(n) for n, key in enumerate(keys)}}
    )
    width = len(keys)

    def digest(values: Sequence[Any]) -> str:
        if len(values) != width:
            raise ValueError(f"a {table} row has {width} columns")
        return _sha256((template % order(_encoded(values))).encode("ascii")).hexdigest()

    return digest


def record_digest_fast(
    record: Sequence[Any],
    case_digest: object,
    decision_digest: object,
    person: Sequence[Any],
    detainer: Sequence[Any],
    answers_json: object,
    *,
    floats: bool = True,
) -> str:
    """``record_digest_of_digests``' digest, the record's text written by orjson
    (``fast_json.ascii_json``); a record orjson's text cannot stand for is written by the
    template. The person's non-ASCII texts (most often the name) are escaped apart
    (``ascii_fragment``: a sixth of the row's time, decision 0057). ``floats=False``:
    the values come from columns that cannot hold a float (the guard is skipped)."""
    if type(answers_json) is str:
        people = dict(zip(PERSON_COLUMNS, person, strict=True))
        for key, value in people.items():
            if type(value) is str and not value.isascii():
                people[key] = ascii_fragment(value)
        text = ascii_json(
            {
                **dict(zip(RECORD_COLUMNS, record, strict=True)),
                "case_json_sha256": case_digest,
                "decision_json_sha256": decision_digest,
                "person": people,
                "detainer": dict(zip(DETAINER_COLUMNS, detainer, strict=True)),
                "answers": Fragment(answers_json),
            },
            (*record, case_digest, decision_digest, *person, *detainer) if floats else (),
            SORTED_KEYS,
        )
        if text is not None:
            return _sha256(text).hexdigest()
    return record_digest_of_digests(
        record, case_digest, decision_digest, person, detainer, answers_json
    )


def document_digest(document: object) -> object:
    """What record_sha256 puts in a record for a document: its SHA-256 (of its UTF-8,
    which a reader may fetch as bytes), or whatever a tampered file holds instead."""
    if type(document) is bytes:
        return _sha256(document).hexdigest()
    return _document_digest(document)


def row_digest_fast_of(
    table: str, columns: Sequence[str], *, floats: bool = True
) -> Callable[[Sequence[Any]], str]:
    """As ``row_digest_of``, the row's text written by orjson (``ascii_json``); a row
    orjson's text cannot stand for is written by the template. ``floats=False``: the
    values come from columns that cannot hold a float (the guard is skipped)."""
    keys = tuple(sorted(columns))
    exact = row_digest_of(table, columns)
    tail = b',"table":' + canonical_json(table).encode("ascii") + b"}"

    def digest(values: Sequence[Any]) -> str:
        text = ascii_json(dict(zip(keys, values, strict=True)), values if floats else ())
        if text is None:
            return exact(values)
        return _sha256(b'{"row":' + text + tail).hexdigest()

    return digest

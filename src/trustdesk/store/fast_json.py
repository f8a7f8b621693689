"""orjson's JSON for ``audit verify``'s fast paths: candidate texts and quick reads.

Verification writes canonical JSON (``encoding.canonical_json``) for millions of rows and
reads millions of audit entries' objects; orjson does both in a fraction of the time of
the standard library. Its output is only ever a *candidate* (decision 0032):

- ``ascii_json`` writes a value as orjson does, then puts right the ways orjson's text
  differs from canonical_json's (non-ASCII written as ``\\uXXXX`` escapes, DEL escaped),
  and refuses (None) where orjson's text could stand for another value: an infinite or
  NaN float, which orjson writes as ``null``. What may remain different is a finite
  float's spelling (``1e-7`` for ``1e-07``), which decodes to the same value. So a
  candidate text equal to the canonical text some digest was made from decodes to the
  same value as that text, and canonical_json writes the same text for it: a digest
  matched through a candidate would match through canonical_json too, and a candidate
  that differs only makes the caller take its exact (slower) way.
- ``ascii_fragment`` writes one text as canonical_json does (the standard library's own
  escaping, in C), for orjson to insert as it is: cheaper than escaping a whole row's
  text through a codec error handler where one value (a person's name) is non-ASCII.
- A caller whose values come from columns that cannot hold a float (``floats=False``:
  PostgreSQL's integer and text columns) skips the float guard.
- ``parsed_objects`` and ``decision_named_fast`` read objects with orjson, which reads
  every text it accepts as json.loads does except numbers beyond 64 bits (a float where
  json.loads gives an integer); callers rely only on integers and strings from it, and
  anything orjson refuses (json.loads also reads NaN and lone surrogates) goes the
  general way.

Imported by verification only (not on the desktop's start-up path).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Sequence
from json.encoder import encode_basestring_ascii
from typing import Any

import orjson

from trustdesk.store.audit import decision_named

__all__ = [
    "JSON_ASCII_ERRORS",
    "SORTED_KEYS",
    "Fragment",
    "ascii_fragment",
    "ascii_json",
    "decision_named_fast",
    "decision_named_of",
    "entry_hash_fast",
]

SORTED_KEYS = orjson.OPT_SORT_KEYS
Fragment = orjson.Fragment
_dumps, _loads, _sha256 = orjson.dumps, orjson.loads, hashlib.sha256
_SQLITE_INTEGERS = range(-(2**63), 2**63)


def _json_escape(error: UnicodeError) -> tuple[str, int]:
    """A codec error handler writing non-ASCII characters as canonical_json does:
    ``\\uXXXX`` in lower-case hex, a character beyond U+FFFF as a surrogate pair."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        code = ord(char)
        if code > 0xFFFF:
            code -= 0x10000
            out.append(f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), error.end


_ESCAPE = "trustdesk-json-ascii"
codecs.register_error(_ESCAPE, _json_escape)
#: The codec error handler writing non-ASCII characters as canonical_json does.
JSON_ASCII_ERRORS = _ESCAPE


def ascii_json(value: Any, flat: Sequence[Any], option: int = 0) -> bytes | None:
    """orjson's text of ``value`` made ASCII as canonical_json writes it, or None where
    orjson's text could stand for another value (``flat``, the scalars inside ``value``,
    holds an infinite or NaN float, which orjson writes as null) or orjson cannot write
    it (a blob, an integer beyond 64 bits: only a tampered file has them).

    Keys must be in canonical order already, or ``option`` ``SORTED_KEYS``.
    """
    try:
        text = _dumps(value, option=option)
    except TypeError:
        return None
    if b"null" in text and float in map(type, flat):
        return None
    if not text.isascii():
        text = text.decode("utf-8").encode("ascii", _ESCAPE)
    if b"\x7f" in text:  # canonical_json escapes DEL; orjson leaves it as it is
        text = text.replace(b"\x7f", b"\\u007f")
    return text


def ascii_fragment(text: str) -> Fragment:
    """``text`` as canonical_json writes a string (quoted, non-ASCII, control characters
    and DEL escaped), for orjson to insert as it is: the standard library's encoder for
    strings, which canonical_json's own encoder uses."""
    return Fragment(encode_basestring_ascii(text))


def entry_hash_fast(prev_hash: str, row: Sequence[Any], *, floats: bool = True) -> str | None:
    """``audit.entry_hash`` of an audit row (``audit.COLUMNS`` order) following
    ``prev_hash``, its text written by ``ascii_json``; None where that cannot stand
    for the entry (then ``audit.link_problem`` decides). ``floats=False``: the row's
    columns cannot hold a float (the float guard is skipped)."""
    seq, at, workstation, actor, actor_id, event, outcome, objects = row[:8]
    text = ascii_json(
        {  # canonical order of the keys
            "actor": actor,
            "actor_id": actor_id,
            "at": at,
            "event": event,
            "objects": objects,
            "outcome": outcome,
            "seq": seq,
            "workstation": workstation,
        },
        row[:8] if floats else (),
    )
    if text is None or not prev_hash.isascii():
        return None
    return _sha256(prev_hash.encode("ascii") + text).hexdigest()


def parsed_objects(text: object) -> object:
    """An audit entry's objects read by orjson; None where orjson cannot read them (the
    caller then takes its general way, which reads them with json.loads)."""
    if type(text) is not str:
        return None
    try:
        return _loads(text)
    except ValueError:
        return None


def decision_named_fast(objects: object) -> int | None:
    """``audit.decision_named``, read by orjson (the same answer in a quarter of the
    time); a text orjson refuses, or a number it reads as a float, goes to
    ``decision_named`` itself."""
    if not isinstance(objects, str) or ("decision" not in objects and "\\" not in objects):
        return None
    try:
        value = _loads(objects)
    except ValueError:  # json.loads reads some texts orjson refuses (NaN, lone surrogates)
        return decision_named(objects)
    if type(value) is not dict:
        return None
    decision = value.get("decision")
    if type(decision) is int:
        return decision if decision in _SQLITE_INTEGERS else None
    # orjson reads an integer beyond 64 bits as a float, json.loads as an integer.
    return decision_named(objects) if type(decision) is float else None


def decision_named_of(objects: object, value: object) -> int | None:
    """``decision_named_fast`` of the text ``objects`` that ``parsed_objects`` read as
    ``value`` already (the chain pass reads each entry once, decision 0049): the same
    answer, ``decision_named`` itself where orjson refused the text (None) or read the
    number as a float."""
    if type(value) is dict:
        decision = value.get("decision")
        if type(decision) is int:
            return decision if decision in _SQLITE_INTEGERS else None
        return decision_named(objects) if type(decision) is float else None
    # None: orjson refused the text (or it is JSON null, which names nothing either way).
    return decision_named(objects) if value is None and type(objects) is str else None

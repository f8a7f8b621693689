"""How values are written into the store: canonical JSON, SHA-256, UTC instants as text.

Every hash in the store is computed over canonical JSON (sorted keys, no spaces, UTF-8,
no NaN), so anyone can recompute it from an export with a few lines of any language.
Instants are stored as fixed-width UTC text (``2026-11-20T20:00:00.000000Z``) so that
text order is time order and range queries use plain indexes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

#: The ``prev_hash`` of the first audit entry.
GENESIS_HASH = "0" * 64

_UTC_LENGTH = len("2026-11-20T20:00:00.000000Z")


def _foreign(value: object) -> object:
    # TrustDesk never stores these; a tampered file may (a BLOB where text belongs).
    # Encode them distinctly instead of failing, so verification reports, not crashes.
    return {"$unexpected": repr(value)}


# check_circular=False: stored values are rows and dicts built from them, never cyclic;
# skipping the encoder's cycle bookkeeping halves the time of every hash (verification
# recomputes one per stored row). The text produced is the same.
_CANONICAL = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=True,
    default=_foreign,
    check_circular=False,
)
_DOCUMENT = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(value: Any) -> str:
    """The one text form of a JSON value that hashes are computed over.

    ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)``:
    pure ASCII (non-ASCII as \\uXXXX escapes), so any language can reproduce the bytes.
    Stored values are text, integers and nulls only (never floats).
    One shared encoder, because verification calls this millions of times.
    """
    return _CANONICAL.encode(value)


def document_json(value: Any) -> str:
    """A stored document (case input, decision): sorted keys, readable UTF-8."""
    return _DOCUMENT.encode(value)


def sha256_hex(text: str) -> str:
    return bytes_sha256_hex(text.encode("utf-8"))


def bytes_sha256_hex(data: bytes) -> str:
    # hashlib is imported on first use: it loads OpenSSL, which would cost the desktop
    # app's first window 2-4 ms, and nothing is hashed before someone signs in.
    import hashlib

    return hashlib.sha256(data).hexdigest()


def row_digest(table: str, values: dict[str, Any]) -> str:
    """The SHA-256 of one stored row, as recorded in the audit entry that created it."""
    return sha256_hex(canonical_json({"table": table, "row": values}))


def utc_text(value: datetime) -> str:
    """An aware instant as stored: UTC, microseconds, ``Z``."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"instant without a time zone: {value.isoformat()}")
    text = value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    return text + "Z"


def optional_utc_text(value: datetime | None) -> str | None:
    return None if value is None else utc_text(value)


def parse_utc(text: str) -> datetime:
    """The instant of a stored UTC text."""
    if len(text) != _UTC_LENGTH or text[-1] != "Z":
        raise ValueError(f"not a stored UTC instant: {text[:40]!r}")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def optional_parse_utc(text: str | None) -> datetime | None:
    return None if text is None else parse_utc(text)

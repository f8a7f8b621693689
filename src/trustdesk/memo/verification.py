"""The short verification code and QR payload derived from a decision record's SHA-256.

Pure standard library: the ``verify`` command reuses these without loading reportlab.
"""

from __future__ import annotations

import base64
import re

#: Crockford's base32 alphabet: no I, L, O or U, so a code typed from paper is unambiguous.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TO_CROCKFORD = str.maketrans(_RFC4648, _CROCKFORD)
#: Letters people type for the digits they resemble.
_TYPED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")

SHORT_CODE_CHARS = 10
QR_PREFIX = "TRUSTDESK MEMO"
#: How a memo's PDF metadata (Keywords) names the audit chain head when it was made.
CHAIN_HEAD_MARK = "TrustDesk-audit-chain-head"
_CHAIN_HEAD = re.compile(rb"TrustDesk-audit-chain-head entry (\d{1,19}) sha256 ([0-9a-f]{64})")


def chain_head_keyword(seq: int, digest: str) -> str:
    """The PDF keyword that anchors the audit chain head (``audit verify --anchors``)."""
    return f"{CHAIN_HEAD_MARK} entry {seq} sha256 {digest}"


def chain_heads_in(data: bytes) -> list[tuple[int, str]]:
    """The chain heads a memo's bytes anchor (its metadata), in the order found."""
    return [(int(seq), digest.decode("ascii")) for seq, digest in _CHAIN_HEAD.findall(data)]


def _checked_digest(record_sha256: str) -> bytes:
    if not _SHA256_HEX.fullmatch(record_sha256):
        raise ValueError(f"not a SHA-256 in lower-case hex (64 characters): {record_sha256[:80]!r}")
    return bytes.fromhex(record_sha256)


def short_code(record_sha256: str) -> str:
    """The first 50 bits of the record hash as ten Crockford base32 characters, e.g.
    ``7KQ2-M9XA-4B``: short enough to type from paper, long enough that two records of one
    agency practically never share one."""
    digest = _checked_digest(record_sha256)
    encoded = base64.b32encode(digest).decode("ascii")[:SHORT_CODE_CHARS]
    code = encoded.translate(_TO_CROCKFORD)
    return f"{code[0:4]}-{code[4:8]}-{code[8:10]}"


def parse_short_code(typed: str) -> str:
    """A code as a person typed it, in its printed form; ValueError says what is wrong.

    Case, spaces and hyphens do not matter, and O, I and L are read as 0, 1 and 1.
    """
    cleaned = re.sub(r"[\s\-]", "", typed).upper().translate(_TYPED)
    bad = sorted({ch for ch in cleaned if ch not in _CROCKFORD})
    if bad:
        raise ValueError(
            f"the code contains {', '.join(repr(ch) for ch in bad)}; a code uses only "
            "digits and the letters A-Z without I, L, O and U"
        )
    if len(cleaned) != SHORT_CODE_CHARS:
        raise ValueError(
            f"the code has {len(cleaned)} characters; it has {SHORT_CODE_CHARS} "
            "(printed as XXXX-XXXX-XX)"
        )
    return f"{cleaned[0:4]}-{cleaned[4:8]}-{cleaned[8:10]}"


def qr_payload(
    decision_id: str, version: int, chain_position: int | None, record_sha256: str
) -> str:
    """What the memo's QR code carries: the same facts as the printed verification block.

    Upper-case letters, digits, spaces, ``:`` and ``-`` only (for a typical id), so the QR
    code uses the compact alphanumeric mode.
    """
    _checked_digest(record_sha256)
    chain = "NONE" if chain_position is None else str(chain_position)
    return (
        f"{QR_PREFIX} DECISION:{decision_id} VERSION:{version} CHAIN:{chain} "
        f"CODE:{short_code(record_sha256)} SHA256:{record_sha256.upper()}"
    )

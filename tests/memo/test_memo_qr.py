"""The QR matrix is the code reportlab's encoder builds, with the standard's best mask."""

from __future__ import annotations

import random
import string

import pytest
from reportlab.graphics.barcode import qrencoder

from trustdesk.memo import qr

LEVELS = {
    "L": qrencoder.QRErrorCorrectLevel.L,
    "M": qrencoder.QRErrorCorrectLevel.M,
    "Q": qrencoder.QRErrorCorrectLevel.Q,
    "H": qrencoder.QRErrorCorrectLevel.H,
}
ALPHANUMERIC = string.digits + string.ascii_uppercase + " $%*+-./:"


def _payloads(seed: int, count: int, longest: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(ALPHANUMERIC) for _ in range(rng.randint(1, longest)))
        for _ in range(count)
    ]


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_error_correction_matches_reportlabs_for_every_version(level: str) -> None:
    rng = random.Random(level)
    for version in range(1, 41):
        blocks = qrencoder.QRRSBlock.getRSBlocks(version, LEVELS[level])
        words = [rng.randrange(256) for _ in range(sum(block.dataCount for block in blocks))]
        buffer = qrencoder.QRBitBuffer()
        buffer.buffer = list(words)
        assert qr.codewords(words, blocks) == qrencoder.QRCode.createBytes(buffer, blocks)


def _reportlab_matrix(payload: str, mask: int, *, test: bool) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    code.makeImpl(test, mask)
    return [[bool(cell) for cell in row] for row in code.modules]


def _rows(matrix: list[list[bool]]) -> list[int]:
    return [int("".join("1" if cell else "0" for cell in row), 2) for row in matrix]


def test_matrix_is_reportlabs_code_with_the_lowest_penalty_mask() -> None:
    # Payload lengths from 1 to 180 characters give versions 1 to 8 (7 and up carry
    # version information).
    payloads = [*_payloads(5, 24, 180), "TRUSTDESK MEMO DECISION:1042 VERSION:3 " + "A" * 120]
    versions = set()
    for payload in payloads:
        size = len(_reportlab_matrix(payload, 0, test=True))
        versions.add((size - 17) // 4)
        penalties = [
            qr._penalty(_rows(_reportlab_matrix(payload, mask, test=True)), size)
            for mask in range(8)
        ]
        best = penalties.index(min(penalties))
        expected = tuple(tuple(row) for row in _reportlab_matrix(payload, best, test=False))
        assert qr.qr_matrix.__wrapped__(payload) == expected, payload
    assert max(versions) >= 7

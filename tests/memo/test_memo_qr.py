"""The QR matrix is the code reportlab's encoder builds, with the standard's best mask."""

from __future__ import annotations

import itertools
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
        assert qr.qr_matrix(payload) == expected, payload
    assert max(versions) >= 7


def _reference_penalty(matrix: list[list[bool]]) -> int:
    """Rules N1 to N4 counted the plain way, module by module, over rows and columns."""
    size = len(matrix)
    lines = ["".join("1" if cell else "0" for cell in row) for row in matrix]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    score = 0
    for line in lines:
        for _colour, run in itertools.groupby(line):
            length = len(list(run))
            if length >= 5:
                score += 3 + (length - 5)
        for start in range(size - 10):
            if line[start : start + 11] in ("10111010000", "00001011101"):
                score += 40
    for r in range(size - 1):
        for c in range(size - 1):
            block = {matrix[r][c], matrix[r][c + 1], matrix[r + 1][c], matrix[r + 1][c + 1]}
            score += 3 if len(block) == 1 else 0
    dark = sum(map(sum, matrix))
    return score + 10 * (abs(dark * 100 // (size * size) - 50) // 5)


def test_penalty_agrees_with_a_module_by_module_count() -> None:
    rng = random.Random(3)
    for _ in range(40):
        size = rng.choice((21, 25, 41, 45))
        density = rng.choice((0.1, 0.5, 0.9))
        matrix = [[rng.random() < density for _ in range(size)] for _ in range(size)]
        # Finder-like patterns and long runs are rare at random: plant some.
        for _ in range(3):
            row, start = rng.randrange(size), rng.randrange(size - 11)
            for offset, bit in enumerate(rng.choice(("10111010000", "00001011101"))):
                matrix[row][start + offset] = bit == "1"
        assert qr._penalty(_rows(matrix), size) == _reference_penalty(matrix)

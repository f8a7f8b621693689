"""The QR code matrix of the verification block, with a fast choice of mask.

reportlab encodes the data (``qrencoder``), but picks the mask by building all eight
masked matrices module by module and scoring them in pure Python: about 10 ms, a fifth
of a memo. Here the eight candidates are built and scored row-wise on integers and
strings (regular expressions do the run counting), and reportlab then builds the final
matrix with the chosen mask. Any mask yields a valid code; the ISO/IEC 18004 penalty
score only picks the one that scanners read most easily.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache
from itertools import pairwise

from reportlab.graphics.barcode import qrencoder

Matrix = tuple[tuple[bool, ...], ...]

_RUNS = re.compile(r"0{5,}|1{5,}")
_FINDER_LIKE = re.compile(r"(?=10111010000|00001011101)")
#: The eight mask conditions of ISO/IEC 18004 (the same as reportlab's QRUtil masks).
_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda r, c: (r + c) % 2 == 0,
    lambda r, c: r % 2 == 0,
    lambda r, c: c % 3 == 0,
    lambda r, c: (r + c) % 3 == 0,
    lambda r, c: (r // 2 + c // 3) % 2 == 0,
    lambda r, c: (r * c) % 2 + (r * c) % 3 == 0,
    lambda r, c: ((r * c) % 2 + (r * c) % 3) % 2 == 0,
    lambda r, c: ((r * c) % 3 + (r + c) % 2) % 2 == 0,
)


@lru_cache(maxsize=32)
def qr_matrix(payload: str) -> Matrix:
    """The modules of ``payload``'s QR code (error correction M), dark as True."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    try:
        mask = _best_mask(code)
    except (AttributeError, TypeError):  # reportlab's internals changed: its own way
        code.make()
    else:
        code.makeImpl(False, mask)
    return tuple(tuple(bool(cell) for cell in row) for row in code.modules)


def _row_int(cells: list[bool]) -> int:
    return int("".join("1" if cell else "0" for cell in cells), 2)


@cache
def _mask_rows(size: int) -> tuple[tuple[int, ...], ...]:
    """Each mask as one integer per row (bit ``size - 1 - c`` is column ``c``)."""
    return tuple(
        tuple(_row_int([mask(r, c) for c in range(size)]) for r in range(size)) for mask in _MASKS
    )


def _best_mask(code: qrencoder.QRCode) -> int:
    code.version = code.calculate_version()
    code.makeImpl(True, 0)  # the function patterns, the data and the module positions
    size = code.moduleCount
    positions = code.dataPosIterator()
    bits = list(code.dataBitIterator(code.dataCache))
    data_bits = [0] * size
    data_area = [0] * size
    for index, (col, row) in enumerate(positions):
        shift = size - 1 - col
        data_area[row] |= 1 << shift
        if index < len(bits) and bits[index]:
            data_bits[row] |= 1 << shift
    fixed = [_row_int(cells) & ~data_area[r] for r, cells in enumerate(code.modules)]
    scores = []
    for number, mask in enumerate(_mask_rows(size)):
        rows = [fixed[r] | ((data_bits[r] ^ mask[r]) & data_area[r]) for r in range(size)]
        scores.append((_penalty(rows, size), number))
    return min(scores)[1]


def _penalty(rows: list[int], size: int) -> int:
    """The ISO/IEC 18004 mask penalty (rules N1 to N4) of a matrix given as row integers."""
    lines = [format(row, f"0{size}b") for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    score = 0
    for line in lines:
        score += sum(len(run.group()) - 2 for run in _RUNS.finditer(line))  # N1: 3 + (n - 5)
        score += 40 * len(_FINDER_LIKE.findall(line))  # N3
    pairs = (1 << (size - 1)) - 1
    for upper, lower in pairwise(rows):  # N2: 2x2 blocks of one colour
        same = ~(upper ^ lower)
        block = same & (same >> 1) & ~(upper ^ (upper >> 1)) & pairs
        score += 3 * block.bit_count()
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * (abs(dark * 100 // (size * size) - 50) // 5)  # N4

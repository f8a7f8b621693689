"""The QR code matrix of the verification block, built fast on reportlab's encoder.

reportlab's ``qrencoder`` lays out the code (version, bit stream, function patterns and
module order), but it computes the Reed-Solomon error correction with general
polynomial objects and picks the mask by building all eight masked matrices module by
module: about 10 ms, a fifth of a memo. Here the error correction is a table-driven
remainder (checked against reportlab's in the tests), the function patterns are laid out
once, and the eight candidates are built and scored on integers: each row and column
is a bit string, and the runs and patterns of the penalty are found with shifts and
ANDs over all of them at once. Any mask yields a valid code; the ISO/IEC 18004
penalty score only picks the one that scanners read most easily.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from itertools import pairwise, zip_longest
from typing import Any

from reportlab.graphics.barcode import qrencoder

Matrix = tuple[tuple[bool, ...], ...]

#: Finder-like patterns (rule N3), as they read along a line.
_FINDER_LIKE = ("10111010000", "00001011101")
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


#: GF(256) with the QR code's polynomial x^8 + x^4 + x^3 + x^2 + 1: powers of 2 (the
#: table repeated, so a sum of two logarithms needs no reduction) and their logarithms.
_EXP = [0] * 512
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _EXP[_power + 255] = _value
    _LOG[_value] = _power
    _value <<= 1
    if _value & 0x100:
        _value ^= 0x11D


@cache
def _generator_logs(degree: int) -> tuple[int, ...]:
    """The logarithms of the generator polynomial's coefficients after its leading 1."""
    poly = [1]
    for power in range(degree):  # multiply by (x - 2^power)
        poly = [
            (poly[i] if i < len(poly) else 0)
            ^ (_EXP[_LOG[poly[i - 1]] + power] if 0 < i <= len(poly) and poly[i - 1] else 0)
            for i in range(len(poly) + 1)
        ]
    return tuple(_LOG[c] for c in poly[1:])


@cache
def _generator_products(degree: int) -> tuple[tuple[int, ...], ...]:
    """For each possible leading codeword, the generator polynomial times it."""
    logs = _generator_logs(degree)
    return (
        (0,) * degree,
        *(tuple(_EXP[_LOG[factor] + log] for log in logs) for factor in range(1, 256)),
    )


def error_correction(data: list[int], degree: int) -> list[int]:
    """The ``degree`` Reed-Solomon codewords of one block of data codewords."""
    products = _generator_products(degree)
    remainder = [0] * degree
    for codeword in data:
        factor = codeword ^ remainder[0]
        remainder.append(0)
        remainder = [a ^ b for a, b in zip(remainder[1:], products[factor], strict=True)]
    return remainder


def codewords(buffer: list[int], blocks: list[Any]) -> list[int]:
    """Data and error correction codewords, interleaved block by block as the standard
    orders them (what reportlab's ``QRCode.createBytes`` returns)."""
    data, correction = [], []
    offset = 0
    for block in blocks:
        data.append(buffer[offset : offset + block.dataCount])
        offset += block.dataCount
        correction.append(error_correction(data[-1], block.totalCount - block.dataCount))
    return [
        word
        for words in (*zip_longest(*data), *zip_longest(*correction))
        for word in words
        if word is not None
    ]


@lru_cache(maxsize=32)
def qr_rows(payload: str) -> tuple[str, ...]:
    """The modules of ``payload``'s QR code (error correction M), row by row from the
    top, as strings of ``1`` (dark) and ``0``."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    try:
        rows = _build(code)
    except (AttributeError, TypeError):  # reportlab's internals changed: its own way
        code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        code.addData(payload)
        code.make()
        return tuple("".join("1" if cell else "0" for cell in row) for row in code.modules)
    size = len(rows)
    return tuple(format(row, f"0{size}b") for row in rows)


def qr_matrix(payload: str) -> Matrix:
    """The same modules as booleans, dark as True."""
    return tuple(tuple(map("1".__eq__, row)) for row in qr_rows(payload))


_DIGITS = bytes.maketrans(b"\x00\x01", b"01")


def _row_int(cells: list[bool]) -> int:
    return int(bytes(cells).translate(_DIGITS), 2)


@cache
def _mask_rows(size: int) -> tuple[tuple[int, ...], ...]:
    """Each mask as one integer per row (bit ``size - 1 - c`` is column ``c``)."""
    return tuple(
        tuple(_row_int([mask(r, c) for c in range(size)]) for r in range(size)) for mask in _MASKS
    )


class _Bits:
    """A bit buffer with the interface of reportlab's ``QRBitBuffer`` (what the data
    segments write to), kept as strings of 0 and 1 rather than bit by bit."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0

    def put(self, number: int, length: int) -> None:
        if length:
            self._parts.append(format(number & ((1 << length) - 1), f"0{length}b"))
            self.length += length

    def putBit(self, bit: bool) -> None:  # reportlab's name
        self._parts.append("1" if bit else "0")
        self.length += 1

    def getLengthInBits(self) -> int:
        return self.length

    def codewords(self) -> list[int]:
        """The bits as bytes (the length is a whole number of bytes by then)."""
        return list(int("".join(self._parts), 2).to_bytes(self.length // 8, "big"))


def _data_codewords(code: qrencoder.QRCode) -> list[int]:
    """The padded data codewords, as reportlab's ``createData`` writes them."""
    blocks = qrencoder.QRRSBlock.getRSBlocks(code.version, code.errorCorrectLevel)
    capacity = 8 * sum(block.dataCount for block in blocks)
    buffer = _Bits()
    for data in code.dataList:
        data.write(buffer, code.version)
    if buffer.getLengthInBits() > capacity:
        raise ValueError("the QR payload is too long for its version")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)  # terminator
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pads = (qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1)
    for index in range((capacity - buffer.getLengthInBits()) // 8):
        buffer.put(pads[index % 2], 8)
    return codewords(buffer.codewords(), blocks)


@cache
def _function_rows(version: int, level: int, mask: int | None) -> tuple[int, ...]:
    """The function patterns of a version as row integers, laid out by reportlab, with
    the format (and version) information of ``mask``, or left blank (``None``) as they
    are while the masks are scored. Zero over the data area."""
    code = qrencoder.QRCode(version, level)
    size = code.moduleCount = version * 4 + 17
    code.modules = [[False] * size for _row in range(size)]
    code.setupPositionProbePattern(0, 0)
    code.setupPositionProbePattern(size - 7, 0)
    code.setupPositionProbePattern(0, size - 7)
    code.setupPositionAdjustPattern()
    code.setupTimingPattern()
    code.setupTypeInfo(mask is None, mask or 0)
    if version >= 7:
        code.setupTypeNumber(mask is None)
    area = _data_positions(code)[1]
    return tuple(_row_int(cells) & ~area[r] for r, cells in enumerate(code.modules))


@cache
def _function_columns(version: int, level: int) -> tuple[list[int], list[int]]:
    """The blank-format function patterns and the data area, as column integers."""
    size = version * 4 + 17
    rows = _function_rows(version, level, None)  # which also works out the data area
    return _transpose(rows, size), _transpose(_POSITIONS[version][1], size)


def _build(code: qrencoder.QRCode) -> list[int]:
    """The finished code as row integers: the data placed and masked on integers, with
    the best-scoring mask, over function patterns laid out once per version."""
    version = code.version = code.calculate_version()
    level = code.errorCorrectLevel
    size = code.moduleCount = version * 4 + 17
    stream = "".join(format(word, "08b") for word in _data_codewords(code))
    positions, data_area = _data_positions(code)
    data_bits = [0] * size
    for (row, bit), dark in zip(positions, stream, strict=False):
        if dark == "1":
            data_bits[row] |= bit

    masks = _mask_rows(size)
    fixed = _function_rows(version, level, None)
    # The same in columns, so that each candidate is scored without a transposition.
    fixed_t, area_t = _function_columns(version, level)
    bits_t = _transpose(data_bits, size)
    masks_t = _mask_columns(size)

    def score(number: int) -> tuple[int, int]:
        mask, mask_t = masks[number], masks_t[number]
        rows = [fixed[i] | ((data_bits[i] ^ mask[i]) & data_area[i]) for i in range(size)]
        cols = [fixed_t[i] | ((bits_t[i] ^ mask_t[i]) & area_t[i]) for i in range(size)]
        return _penalty(rows, size, cols), number

    best = min(score(number) for number in range(len(_MASKS)))[1]
    final = _function_rows(version, level, best)
    mask = masks[best]
    return [final[i] | ((data_bits[i] ^ mask[i]) & data_area[i]) for i in range(size)]


_POSITIONS: dict[int, tuple[list[tuple[int, int]], tuple[int, ...]]] = {}


def _data_positions(code: qrencoder.QRCode) -> tuple[list[tuple[int, int]], tuple[int, ...]]:
    """Where the data bits go, in order, as (row, column bit), and the data area as row
    integers: fixed for a version, so worked out once per version."""
    if code.version not in _POSITIONS:
        size = code.moduleCount
        order = [(row, 1 << (size - 1 - col)) for col, row in code.dataPosIterator()]
        area = [0] * size
        for row, bit in order:
            area[row] |= bit
        _POSITIONS[code.version] = order, tuple(area)
    return _POSITIONS[code.version]


def _transpose(rows: list[int] | tuple[int, ...], size: int) -> list[int]:
    """Row integers turned into column integers (bit ``size - 1 - r`` is row ``r``)."""
    lines = [format(row, f"0{size}b") for row in rows]
    return [int("".join(column), 2) for column in zip(*lines, strict=True)]


@cache
def _mask_columns(size: int) -> tuple[list[int], ...]:
    return tuple(_transpose(rows, size) for rows in _mask_rows(size))


@cache
def _line_mask(size: int) -> int:
    """Ones where :func:`_lines_int` puts the modules of its ``2 * size`` lines."""
    return int("0".join(["1" * size] * (2 * size)), 2)


def _lines_int(rows: list[int], cols: list[int], size: int) -> int:
    """Every row and column as one integer, each line ``size`` bits, one zero bit apart:
    a run or a pattern that is tested with shifts and ANDs cannot span two lines."""
    joined = 0
    for line in (*rows, *cols):
        joined = (joined << (size + 1)) | line
    return joined


def _runs_penalty(bits: int) -> int:
    """Rule N1 for the runs of ones in ``bits``: 3 + (n - 5) for each run of n >= 5."""
    starts = bits & (bits >> 1) & (bits >> 2) & (bits >> 3) & (bits >> 4)  # n - 4 per run
    runs = (starts & ~(starts >> 1)).bit_count()  # one block of starts per run
    return starts.bit_count() + 2 * runs


#: Rule N3's finder-like patterns, read from the end of a line (bit 0) towards its start.
_FINDER_BITS = tuple(tuple(int(bit) for bit in reversed(p)) for p in _FINDER_LIKE)


def _penalty(rows: list[int], size: int, cols: list[int] | None = None) -> int:
    """The ISO/IEC 18004 mask penalty (rules N1 to N4) of a matrix given as row integers
    (and, if at hand, as column integers). Rules N1 and N3 are counted over all rows and
    columns at once, on one integer (:func:`_lines_int`)."""
    if cols is None:
        cols = _transpose(rows, size)
    dark_bits = _lines_int(rows, cols, size)
    light_bits = ~dark_bits & _line_mask(size)  # the separators are in neither
    score = _runs_penalty(dark_bits) + _runs_penalty(light_bits)  # N1
    for pattern in _FINDER_BITS:  # N3: 40 for each place a pattern starts
        found = -1
        for shift, bit in enumerate(pattern):
            found &= (dark_bits if bit else light_bits) >> shift
        score += 40 * found.bit_count()
    pairs = (1 << (size - 1)) - 1
    for upper, lower in pairwise(rows):  # N2: 2x2 blocks of one colour
        same = ~(upper ^ lower)
        block = same & (same >> 1) & ~(upper ^ (upper >> 1)) & pairs
        score += 3 * block.bit_count()
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * (abs(dark * 100 // (size * size) - 50) // 5)  # N4

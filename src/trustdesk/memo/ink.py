"""Text and rules written as PDF operators into a reportlab canvas's page content.

reportlab's text object formats every number and escapes every string through general,
pure-Python helpers, and sets the font and leading again at each subset change; for the
memo's some 150 pieces of text that was the largest part of drawing a page
(docs/decisions/0006). The memo needs only positioned, unrotated runs of text in its
embedded TrueType fonts and straight rules, so this module writes those operators
itself. The fonts stay reportlab's: each string is mapped to the font's subsets by
``TTFont.splitString``, and ``getSubsetInternalName`` registers the subset, so reportlab
embeds exactly the glyphs used, as it does for its own text objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import getFont

#: A byte of a subset-encoded string as it is written inside ``( )``: the delimiters and
#: the backslash escaped, anything outside printable ASCII as an octal escape (so that
#: a carriage return cannot turn into a line feed when the file is read).
_ESCAPED = tuple(
    "\\" + chr(code) if chr(code) in "\\()" else chr(code) if 32 <= code < 127 else f"\\{code:03o}"
    for code in range(256)
)


def number(value: float) -> str:
    """``value`` as a PDF number: at most four decimals, as reportlab writes coordinates
    on a page (far below what a printer can show), no trailing zeros."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@cache
def fill(color: Color) -> str:
    """The operator that sets ``color`` as the fill (text) colour."""
    red, green, blue = color.rgb()
    return f"{number(red)} {number(green)} {number(blue)} rg"


@cache
def _font(name: str) -> Any:
    font = getFont(name)
    if not getattr(font, "_dynamicFont", False):
        raise ValueError(f"{name} is not an embedded TrueType font")
    return font


class TextObject:
    """One PDF text object (``BT`` … ``ET``) of runs placed at given points.

    ``show`` draws a run at the current point; the point moves to the end of the run, as
    in PDF. The font operator is written only when the font, its subset or the size
    changes. ``close`` adds the object to the canvas's page content.
    """

    def __init__(self, canvas: Any, color: Color) -> None:
        self._canvas = canvas
        self._doc = canvas._doc
        self._ops = ["BT", fill(color)]
        self._current: tuple[str, int, float] | None = None

    def move_to(self, x: float, y: float) -> None:
        """Starts the next run at (x, y), in the canvas's current coordinates."""
        self._ops.append(f"1 0 0 1 {number(x)} {number(y)} Tm")

    def show(self, text: str, font_name: str, size: float) -> None:
        font = _font(font_name)
        ops = self._ops
        for subset, codes in font.splitString(text, self._doc):
            if (font_name, subset, size) != self._current:
                self._current = (font_name, subset, size)
                ops.append(f"{font.getSubsetInternalName(subset, self._doc)} {number(size)} Tf")
            ops.append(f"({''.join(map(_ESCAPED.__getitem__, codes))}) Tj")

    def close(self) -> None:
        self._ops.append("ET")
        self._canvas.addLiteral("\n".join(self._ops))
        self._ops = []


def draw_string(
    canvas: Any, x: float, y: float, text: str, font: str, size: float, color: Color
) -> None:
    """One line of text with its baseline starting at (x, y)."""
    writer = TextObject(canvas, color)
    writer.move_to(x, y)
    writer.show(text, font, size)
    writer.close()


def stroke_segments(
    canvas: Any,
    segments: Iterable[tuple[float, float, float, float]],
    width: float,
    color: Color,
    *,
    round_caps: bool = False,
) -> None:
    """Straight lines (x1, y1, x2, y2) as one stroked path, butt-capped unless
    ``round_caps``; the line width, cap and colour hold only for this path."""
    red, green, blue = color.rgb()
    cap = 1 if round_caps else 0
    ops = [
        "q",
        f"{number(red)} {number(green)} {number(blue)} RG {number(width)} w {cap} J",
    ]
    ops += [
        f"{number(x1)} {number(y1)} m {number(x2)} {number(y2)} l" for x1, y1, x2, y2 in segments
    ]
    ops.append("S Q")
    canvas.addLiteral("\n".join(ops))

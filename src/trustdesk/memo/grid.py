"""A light table for the memo's grids: fixed columns, top-aligned cells, thin rules.

reportlab's Table supports spans, per-cell styles, automatic widths and much more, and
pays for it on every cell: a style lookup, a saved canvas state and a coordinate change
per cell, and a deep copy of the frame each time a table is test-wrapped. The memo's
grids need little of that (docs/decisions/0006): columns of given widths, a one-line
string or a flowable in each cell, one padding for all cells, optional rules between
all cells, and an optional shaded header row that repeats when the grid breaks across
pages. ``Grid`` draws exactly that; strings go into one text object per grid and the
rules into one path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from reportlab.platypus import Flowable

from trustdesk.memo.ink import TextObject, stroke_segments
from trustdesk.memo.styles import INK, SHADE, printable
from trustdesk.memo.text import place


class CellFont(NamedTuple):
    """The font of a grid's string cells."""

    name: str
    size: float
    leading: float


class Padding(NamedTuple):
    left: float
    right: float
    top: float
    bottom: float


class Grid(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Rows of cells in columns of fixed ``widths``.

    A string cell is one line in its column's font (``fonts``; the header row in
    ``header_font``); any other cell is a flowable wrapped to the column's inner width.
    Rows never break inside: a grid splits between rows, repeating its header row.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[Any]],
        widths: Sequence[float],
        fonts: Sequence[CellFont],
        *,
        padding: Padding,
        header_font: CellFont | None = None,
        rule_width: float | None = None,
    ) -> None:
        super().__init__()
        if any(len(row) != len(widths) for row in rows) or len(fonts) != len(widths):
            raise ValueError("every row, and the fonts, must have one entry per column")
        self.rows = [list(row) for row in rows]
        self.widths = list(widths)
        self.fonts = list(fonts)
        self.padding = padding
        self.header_font = header_font
        self.rule_width = rule_width
        self.hAlign = "LEFT"
        self._heights: list[float] = []
        self._cell_heights: dict[tuple[int, int], float] = {}
        self._wrapped_width: float | None = None

    def _font(self, row: int, col: int) -> CellFont:
        if row == 0 and self.header_font is not None:
            return self.header_font
        return self.fonts[col]

    def _row_height(self, row: int) -> float:
        """The row's height; each flowable cell's own height is kept for drawing."""
        pad = self.padding
        tallest = 0.0
        for col, cell in enumerate(self.rows[row]):
            if isinstance(cell, str):
                height = self._font(row, col).leading
            else:
                height = cell.wrap(self.widths[col] - pad.left - pad.right, 1e9)[1]
                self._cell_heights[row, col] = height
            tallest = max(tallest, height)
        return tallest + pad.top + pad.bottom

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        if avail_width != self._wrapped_width or len(self._heights) != len(self.rows):
            self._heights = [self._row_height(row) for row in range(len(self.rows))]
            self._wrapped_width = avail_width
        self.width = sum(self.widths)
        self.height = sum(self._heights)
        return self.width, self.height

    def first_part_height(self, avail_width: float) -> float:
        """The least of this grid a page must hold: a table with a header (a list that
        may run over pages) its header and first row, any other grid all of it."""
        self.wrap(avail_width, 1e9)
        if self.header_font is None:
            return self.height
        return sum(self._heights[:2])

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        header = 1 if self.header_font is not None else 0
        used, fits = 0.0, 0
        for height in self._heights:
            if used + height > avail_height:
                break
            used += height
            fits += 1
        if fits <= header or fits >= len(self.rows):
            return []
        return [self._part(self.rows[:fits]), self._part(self.rows[:header] + self.rows[fits:])]

    def _part(self, rows: list[list[Any]]) -> Grid:
        return Grid(
            rows,
            self.widths,
            self.fonts,
            padding=self.padding,
            header_font=self.header_font,
            rule_width=self.rule_width,
        )

    def draw(self) -> None:
        canvas = self.canv
        pad = self.padding
        lefts = [sum(self.widths[:col]) for col in range(len(self.widths))]
        if self.header_font is not None:
            canvas.setFillColor(SHADE)
            canvas.rect(0, self.height - self._heights[0], self.width, self._heights[0], 0, 1)
        # Strings go into one text object until a flowable cell comes, so that the page
        # content stays in reading order (text extraction and screen readers follow it).
        text: TextObject | None = None
        top = self.height
        for row, cells in enumerate(self.rows):
            for col, cell in enumerate(cells):
                x = lefts[col] + pad.left
                if not isinstance(cell, str):
                    if text is not None:
                        text.close()
                        text = None
                    place(canvas, cell, x, top - pad.top - self._cell_heights[row, col])
                elif cell:
                    if text is None:
                        text = TextObject(canvas, INK)
                    cell_font = self._font(row, col)
                    text.move_to(x, top - pad.top - cell_font.size)
                    # Written out where the font lacks a glyph (flowables.fit measured it so).
                    text.show(printable(cell, cell_font.name), cell_font.name, cell_font.size)
            top -= self._heights[row]
        if text is not None:
            text.close()
        if self.rule_width is not None:
            self._draw_rules(lefts, self.rule_width)

    def _draw_rules(self, lefts: list[float], width: float) -> None:
        ys = [self.height]
        for height in self._heights:
            ys.append(ys[-1] - height)
        segments: list[tuple[float, float, float, float]] = [(0, y, self.width, y) for y in ys]
        segments += [(x, 0, x, self.height) for x in (*lefts, self.width)]
        stroke_segments(self.canv, segments, width, INK, round_caps=True)

"""Blocks that are laid out as one piece: stacks, boxed columns and the signature block.

The memo used reportlab's KeepTogether and Table for these. KeepTogether test-wraps its
content on a deep copy of the frame, and Table pays per cell for styles and saved
states (docs/decisions/0006). These blocks never split, so platypus moves a block that
does not fit to the next page whole, which is what KeepTogether was there for.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from reportlab.platypus import Flowable

from trustdesk.memo.grid import CellFont, Padding
from trustdesk.memo.ink import draw_string, stroke_segments
from trustdesk.memo.styles import INK
from trustdesk.memo.text import place

VerticalAlign = Literal["top", "middle", "bottom"]


class Stack(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Flowables one under the other (with their space before and after), never split."""

    def __init__(self, items: Sequence[Flowable]) -> None:
        super().__init__()
        self.items = list(items)
        self._placed: list[tuple[Flowable, float, float]] = []  # item, its top, its height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._placed = []
        y = 0.0
        for index, item in enumerate(self.items):
            if index:
                y += item.getSpaceBefore()
            height = item.wrap(avail_width, avail_height)[1]
            self._placed.append((item, y, height))
            y += height
            if index < len(self.items) - 1:
                y += item.getSpaceAfter()
        self.width, self.height = avail_width, y
        return self.width, self.height

    def getSpaceBefore(self) -> float:
        return float(self.items[0].getSpaceBefore()) if self.items else 0.0

    def getSpaceAfter(self) -> float:
        return float(self.items[-1].getSpaceAfter()) if self.items else 0.0

    def draw(self) -> None:
        self.draw_at(self.canv, 0.0, 0.0)

    def draw_at(self, canvas: Any, x: float, y: float) -> None:
        for item, top, height in self._placed:
            place(canvas, item, x, y + self.height - top - height)


class Columns(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Stacks side by side in columns of fixed ``widths``, padded, optionally boxed."""

    def __init__(
        self,
        columns: Sequence[Sequence[Flowable]],
        widths: Sequence[float],
        *,
        padding: Padding,
        align: Sequence[VerticalAlign],
        border: float | None = None,
    ) -> None:
        super().__init__()
        if not len(columns) == len(widths) == len(align):
            raise ValueError("every column needs a width and an alignment")
        self.stacks = [Stack(column) for column in columns]
        self.widths = list(widths)
        self.padding = padding
        self.align = list(align)
        self.border = border
        self.hAlign = "LEFT"

    def wrap(self, _avail_width: float, avail_height: float) -> tuple[float, float]:
        pad = self.padding
        tallest = max(
            stack.wrap(width - pad.left - pad.right, avail_height)[1]
            for stack, width in zip(self.stacks, self.widths, strict=True)
        )
        self.width = sum(self.widths)
        self.height = tallest + pad.top + pad.bottom
        return self.width, self.height

    def draw(self) -> None:
        pad = self.padding
        inner = self.height - pad.top - pad.bottom
        x = 0.0
        for stack, width, align in zip(self.stacks, self.widths, self.align, strict=True):
            room = inner - stack.height
            offset = {"top": room, "middle": room / 2, "bottom": 0.0}[align]
            place(self.canv, stack, x + pad.left, pad.bottom + offset)
            x += width
        if self.border is not None:
            self.canv.setStrokeColor(INK)
            self.canv.setLineWidth(self.border)
            self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


class SignOff(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A signature block: a title, then labelled lines to write on, each value (if
    printed) standing on its line.

    ``rows`` are (label, value or None, row height); values are flowables drawn at the
    bottom of their row, above the line.
    """

    LINE_WIDTH = 0.7
    BOTTOM = 3  # from a row's bottom edge (its line) to the text

    def __init__(
        self,
        title: str,
        title_font: CellFont,
        rows: Sequence[tuple[str, Flowable | None, float]],
        label_font: CellFont,
        *,
        width: float,
        label_width: float,
        title_height: float,
    ) -> None:
        super().__init__()
        self.title = title
        self.title_font = title_font
        self.rows = list(rows)
        self.label_font = label_font
        self.width = width
        self.label_width = label_width
        self.title_height = title_height
        self.height = title_height + sum(height for _label, _value, height in rows)

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        value_width = self.width - self.label_width - 6
        for _label, value, _height in self.rows:
            if value is not None:
                value.wrap(value_width, 1e9)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        bottom = self.height - self.title_height
        title = self.title_font
        draw_string(canvas, 0, bottom + self.BOTTOM, self.title, title.name, title.size, INK)
        lines = []
        label_font = self.label_font
        for label, value, height in self.rows:  # label, then value: reading order
            bottom -= height
            draw_string(
                canvas, 0, bottom + self.BOTTOM, label, label_font.name, label_font.size, INK
            )
            if value is not None:
                place(canvas, value, self.label_width, bottom + self.BOTTOM)
            lines.append((self.label_width, bottom, self.width, bottom))
        stroke_segments(canvas, lines, self.LINE_WIDTH, INK)

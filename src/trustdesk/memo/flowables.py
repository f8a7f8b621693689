"""Small building blocks shared by the memo and the notices: text, headings, tables, boxes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable
from reportlab.platypus.flowables import CondPageBreak

from trustdesk.memo.grid import CellFont, Grid, Padding
from trustdesk.memo.ink import draw_string, stroke_segments
from trustdesk.memo.qr import qr_rows
from trustdesk.memo.styles import INK, RULE_WIDTH, printable
from trustdesk.memo.text import Text

FRAME_WIDTH = 7.1 * 72  # letter width less two 0.7 in margins
CELL_PADDING = 3


def para(text: str, style: ParagraphStyle, *, markup: str = "", bold: bool = False) -> Text:
    """A paragraph of plain ``text`` (escaped: names may hold & or <), optionally prefixed
    by trusted ``markup`` such as ``<b>Label:</b> ``."""
    body = f"<b>{escape(text)}</b>" if bold else escape(text)
    return Text(markup + body, style)


def fit(text: str, style: ParagraphStyle, width: float) -> str | Text:
    """``text`` as a plain grid string when it fits on one line of ``width`` (the grid
    draws it directly), else a text block. Measured as it will print: what the font lacks
    written out (``styles.printable``)."""
    text = printable(text, style.fontName)
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return para(text, style)


def lines(texts: Sequence[str], style: ParagraphStyle, *, bullet: str = "") -> Text:
    """Several lines of plain text in one block, each starting with ``bullet``."""
    return Text("<br/>".join(bullet + escape(text) for text in texts), style)


class Heading(Text):
    """A section heading with a rule under it."""

    RULE_GAP = 3  # from the text to the rule

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _width, height = super().wrap(avail_width, avail_height)
        self.height = height + self.RULE_GAP + RULE_WIDTH
        return self.width, self.height

    def getSpaceAfter(self) -> float:
        return 4.0

    def draw_at(self, canvas: Any, x: float, y: float) -> None:
        super().draw_at(canvas, x, y + self.RULE_GAP + RULE_WIDTH)
        rule_y = y + RULE_WIDTH / 2
        stroke_segments(canvas, [(x, rule_y, x + self.width, rule_y)], RULE_WIDTH, INK)


#: At most this much of the section after a heading is kept on the heading's page
#: (points); a section whose start is taller may start on the page after its heading.
KEEP_AT_MOST = 250.0


class KeepHeading(CondPageBreak):  # type: ignore[misc]  # reportlab is untyped
    """Starts a new page when the heading and the start of its section would not fit
    together, so a heading never stands alone at the foot of a page."""

    def __init__(self, heading: Heading, follower: Flowable) -> None:
        super().__init__(0)
        self.heading = heading
        self.follower = follower

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        head = self.heading.wrap(avail_width, avail_height)[1] + self.heading.getSpaceAfter()
        start = getattr(self.follower, "first_part_height", None)
        follow = start(avail_width) if start else self.follower.wrap(avail_width, 1e9)[1]
        self.height = head + min(follow, KEEP_AT_MOST)
        return super().wrap(avail_width, avail_height)  # type: ignore[no-any-return]


def section(title: str, style: ParagraphStyle, content: Sequence[Flowable]) -> list[Flowable]:
    """A heading, kept with the start of ``content``, then ``content``."""
    head = Heading(escape(title), style)
    return [KeepHeading(head, content[0]), head, *content]


#: The padding of every grid cell (points).
GRID_PADDING = Padding(left=CELL_PADDING, right=CELL_PADDING, top=2, bottom=3)
GRID_RULE = 0.4


def cell_font(style: ParagraphStyle) -> CellFont:
    return CellFont(style.fontName, style.fontSize, style.leading)


def grid(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    fonts: Sequence[ParagraphStyle],
    *,
    header: ParagraphStyle | None = None,
) -> Grid:
    """A table with thin black rules; a shaded ``header`` row repeats on each page.
    String cells take their column's font from ``fonts``."""
    return Grid(
        rows,
        widths,
        [cell_font(style) for style in fonts],
        padding=GRID_PADDING,
        header_font=None if header is None else cell_font(header),
        rule_width=GRID_RULE,
    )


LABEL_WIDTH = 1.65 * 72


def key_values(
    rows: Sequence[tuple[str, Any]], label: ParagraphStyle, value: ParagraphStyle
) -> Grid:
    """Label/value rows; a label is one short line, a value is text or a flowable."""
    room = FRAME_WIDTH - LABEL_WIDTH - 2 * CELL_PADDING
    cells = [
        [name, fit(item, value, room) if isinstance(item, str) else item] for name, item in rows
    ]
    return grid(cells, (LABEL_WIDTH, FRAME_WIDTH - LABEL_WIDTH), (label, value))


class CheckBox(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """An empty square to tick by hand."""

    def __init__(self, size: float = 10) -> None:
        super().__init__()
        self.size = size

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, self.size, self.size, stroke=1, fill=0)


class FillLine(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A labelled blank line to write on: ``Label: ______________``."""

    def __init__(self, label: str, font: str, size: float, width: float = FRAME_WIDTH) -> None:
        super().__init__()
        self.label = label
        self.font = font
        self.font_size = size
        self.line_width = width

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return self.line_width, self.font_size * 2.4

    def draw(self) -> None:
        canvas = self.canv
        draw_string(canvas, 0, 3, self.label, self.font, self.font_size, INK)
        start = stringWidth(self.label, self.font, self.font_size) + 6
        stroke_segments(canvas, [(start, 1, self.line_width, 1)], 0.6, INK)


class QrCode(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A QR code drawn as one filled path of module runs.

    reportlab's QrCodeWidget encodes the data twice per render and draws every module as
    its own shape, which cost most of a memo's rendering time; the matrix is the same.
    """

    QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks

    def __init__(self, payload: str, size: float) -> None:
        super().__init__()
        self.rows = qr_rows(payload)
        self.size = size

    def wrap(self, _avail_width: float, _avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        count = len(self.rows)
        cell = self.size / (count + 2 * self.QUIET_ZONE)
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(INK)
        # In module units (top row first, flipped), each run of dark modules is one small
        # integer rectangle: a few kilobytes of path instead of hundreds of scaled numbers.
        canvas.transform(
            cell, 0, 0, -cell, self.QUIET_ZONE * cell, self.size - self.QUIET_ZONE * cell
        )
        canvas.addLiteral(" ".join(_dark_runs(self.rows)) + " f")
        canvas.restoreState()


_DARK_RUN = re.compile("1+")


def _dark_runs(rows: Sequence[str]) -> list[str]:
    """``x y w 1 re`` for every horizontal run of dark modules (row y counted from the top)."""
    return [
        f"{run.start()} {y} {run.end() - run.start()} 1 re"
        for y, row in enumerate(rows)
        for run in _DARK_RUN.finditer(row)
    ]

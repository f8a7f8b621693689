"""The report's charts, drawn once with reportlab's graphics: vector in the PDF report,
SVG bytes for the GUI's Reports page (QtSvg shows them; no second plotting stack).

Readable without colour: every series differs in more than its hue — lines by marker
shape and dash pattern, stacked bars by hatching — and is named by a label next to it
(no legend to match colours against); every bar carries its number. The hues are the
Okabe–Ito palette, which readers with the common colour-vision deficiencies tell apart,
taken in steps of lightness, so that a greyscale print keeps them apart too.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

from reportlab.graphics import renderSVG
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from trustdesk.memo.report_model import ChartSpec
from trustdesk.memo.styles import SANS, register_fonts

#: Okabe–Ito hues in steps of lightness (black, blue, orange, yellow, then vermillion):
#: the first four stay apart in a greyscale print, as well as for colour-blind readers.
PALETTE = (
    colors.black,
    colors.HexColor("#0072B2"),
    colors.HexColor("#E69F00"),
    colors.HexColor("#F0E442"),
    colors.HexColor("#D55E00"),
)
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (5, 2), (1.5, 2), (6, 2, 1.5, 2), (3, 3))
MARKERS = ("circle", "square", "triangle", "diamond", "circle")
GRID = colors.Color(0.82, 0.82, 0.82)
WIDTH = 300.0
HEIGHT = 190.0
FONT_SIZE = 7.5
TITLE_SIZE = 9.0


def nice_step(top: float, ticks: int = 5) -> float:
    """A round tick step (1, 2 or 5 × 10^k) giving at most ``ticks`` steps up to ``top``."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1.0, float(factor * power))
    return float(10 * power)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"


def _text(
    x: float, y: float, text: str, *, size: float = FONT_SIZE, anchor: str = "start"
) -> String:
    return String(
        x, y, text, fontName=SANS, fontSize=size, fillColor=colors.black, textAnchor=anchor
    )


def _fit(text: str, width: float, size: float = FONT_SIZE) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` points."""
    if stringWidth(text, SANS, size) <= width:
        return text
    while text and stringWidth(text + "…", SANS, size) > width:
        text = text[:-1]
    return text + "…"


def chart_drawing(spec: ChartSpec, width: float = WIDTH, height: float = HEIGHT) -> Drawing:
    """The chart of ``spec`` as a reportlab Drawing (a flowable in the PDF report)."""
    register_fonts()
    drawing = Drawing(width, height)
    # On white paper, in the PDF and on any screen palette alike.
    drawing.add(Rect(0, 0, width, height, fillColor=colors.white, strokeColor=None))
    drawing.add(
        _text(0, height - TITLE_SIZE - 1, _fit(spec.title, width, TITLE_SIZE), size=TITLE_SIZE)
    )
    plot = (0.0, 0.0, width, height - TITLE_SIZE - 8)
    total = sum(sum(series.values) for series in spec.series)
    if not spec.categories or total == 0:
        drawing.add(
            _text(width / 2, plot[3] / 2, "Nothing to show in this period", anchor="middle")
        )
        return drawing
    if spec.kind == "line":
        drawing.add(_line_chart(spec, plot))
    elif spec.kind == "bar":
        drawing.add(_bar_chart(spec, plot))
    else:
        drawing.add(_column_chart(spec, plot, stacked=spec.kind == "stacked_bar"))
    return drawing


_CLIP_PATH = re.compile(r"<clipPath\b.*?</clipPath>", re.DOTALL)
_CLIP_USE = re.compile(r"clip-path:\s*url\(#[^)]*\);?")


def chart_svg(spec: ChartSpec, width: float = WIDTH, height: float = HEIGHT) -> bytes:
    """The same chart as SVG (UTF-8 bytes), for the GUI (QSvgWidget / QSvgRenderer).

    Written for SVG Tiny 1.2, what QtSvg draws: reportlab clips a drawing to its own
    bounds with a ``clipPath``, which Tiny lacks (QtSvg painted the clip's rectangle
    black over the chart), so the clip is left out (nothing is drawn outside anyway);
    and the font is named by its family, not by TrustDesk's registration name.
    """
    text = str(renderSVG.drawToString(chart_drawing(spec, width, height)))
    text = _CLIP_USE.sub("", _CLIP_PATH.sub("", text))
    return text.replace(f'font-family="{SANS}"', 'font-family="DejaVu Sans, sans-serif"').encode(
        "utf-8"
    )


def _value_axis(
    group: Group, left: float, bottom: float, right: float, top: float, peak: float
) -> float:
    """Horizontal grid lines with their numbers; returns the value at ``top``."""
    step = nice_step(peak)
    ceiling = step * math.ceil(peak / step)
    value = 0.0
    while value <= ceiling + 1e-9:
        y = bottom + (top - bottom) * value / ceiling
        group.add(Line(left, y, right, y, strokeColor=GRID, strokeWidth=0.4))
        group.add(_text(left - 3, y - 2.5, _fmt(value), anchor="end"))
        value += step
    group.add(Line(left, bottom, right, bottom, strokeColor=colors.black, strokeWidth=0.6))
    return ceiling


def _marker(kind: str, x: float, y: float, color: colors.Color) -> Circle | Rect | Polygon:
    r = 2.4
    if kind == "square":
        return Rect(
            x - r, y - r, 2 * r, 2 * r, fillColor=colors.white, strokeColor=color, strokeWidth=1
        )
    if kind == "triangle":
        return Polygon([x - r, y - r, x + r, y - r, x, y + r], fillColor=color, strokeColor=color)
    if kind == "diamond":
        return Polygon(
            [x, y - r, x + r, y, x, y + r, x - r, y], fillColor=colors.white, strokeColor=color
        )
    return Circle(x, y, r, fillColor=color, strokeColor=color)


def _category_labels(
    group: Group, xs: Sequence[float], labels: Sequence[str], bottom: float
) -> None:
    """The category names under the axis: all when they fit, else every n-th (the table
    beside the chart has them all)."""
    size = FONT_SIZE - 0.5
    widest = max(stringWidth(label, SANS, size) for label in labels) + 4
    span = (xs[-1] - xs[0]) / (len(xs) - 1) if len(xs) > 1 else widest
    every = max(1, math.ceil(widest / span))
    for index in range(0, len(labels), every):
        group.add(_text(xs[index], bottom - 10, labels[index], anchor="middle", size=size))


def _line_chart(spec: ChartSpec, plot: tuple[float, float, float, float]) -> Group:
    x0, y0, width, height = plot
    label_room = max(stringWidth(s.name, SANS, FONT_SIZE) for s in spec.series) + 14
    left, bottom, right, top = x0 + 34, y0 + 16, x0 + width - label_room, y0 + height
    group = Group()
    peak = max(max(s.values) for s in spec.series)
    ceiling = _value_axis(group, left, bottom, right, top, peak)
    count = len(spec.categories)
    span = (right - left) / max(count - 1, 1)
    xs = [left + span * i if count > 1 else (left + right) / 2 for i in range(count)]
    _category_labels(group, xs, spec.categories, bottom)
    ends: list[tuple[float, str, colors.Color]] = []
    for index, series in enumerate(spec.series):
        color = PALETTE[index % len(PALETTE)]
        ys = [bottom + (top - bottom) * v / ceiling for v in series.values]
        points = list(zip(xs, ys, strict=True))
        for (xa, ya), (xb, yb) in itertools.pairwise(points):
            line = Line(xa, ya, xb, yb, strokeColor=color, strokeWidth=1.3)
            if DASHES[index % len(DASHES)] is not None:
                line.strokeDashArray = list(DASHES[index % len(DASHES)] or ())
            group.add(line)
        for x, y in zip(xs, ys, strict=True):
            group.add(_marker(MARKERS[index % len(MARKERS)], x, y, color))
        ends.append((ys[-1], series.name, color))
    # Direct labels at the lines' ends, pushed apart so that none overlap.
    ends.sort()
    placed: list[float] = []
    for end, name, color in ends:
        y = max(end - 2.5, placed[-1] + FONT_SIZE + 1) if placed else end - 2.5
        placed.append(y)
        group.add(_text(xs[-1] + 6, y, name))
        group.add(
            Line(xs[-1] + 1, y + 2.5, xs[-1] + 5, y + 2.5, strokeColor=color, strokeWidth=0.6)
        )
    return group


def _bar_chart(spec: ChartSpec, plot: tuple[float, float, float, float]) -> Group:
    """Horizontal bars, one per category, each with its number at its end."""
    x0, y0, width, height = plot
    group = Group()
    labels = [_fit(c, width * 0.42) for c in spec.categories]
    label_room = max(stringWidth(label, SANS, FONT_SIZE) for label in labels) + 6
    values = spec.series[0].values
    peak = max(values) or 1.0
    number_room = stringWidth(_fmt(peak), SANS, FONT_SIZE) + 6
    left, right = x0 + label_room, x0 + width - number_room
    slot = height / len(values)
    bar = min(slot * 0.7, 16)
    color = PALETTE[1]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = y0 + height - slot * (index + 1) + (slot - bar) / 2
        length = (right - left) * value / peak
        group.add(_text(left - 4, y + bar / 2 - 2.5, label, anchor="end"))
        group.add(
            Rect(left, y, length, bar, fillColor=color, strokeColor=colors.black, strokeWidth=0.5)
        )
        group.add(_text(left + length + 3, y + bar / 2 - 2.5, _fmt(value)))
    group.add(Line(left, y0, left, y0 + height, strokeColor=colors.black, strokeWidth=0.6))
    return group


def _hatch(group: Group, x: float, y: float, w: float, h: float, pattern: int) -> None:
    """Diagonal (/, \\) or horizontal hatching inside a rectangle, for stacked series."""
    if pattern == 0 or w <= 0 or h <= 0:
        return
    gap = 3.5
    if pattern % 3 == 0:
        yy = y + gap
        while yy < y + h:
            group.add(Line(x, yy, x + w, yy, strokeColor=colors.black, strokeWidth=0.4))
            yy += gap
        return
    rising = pattern % 3 == 1
    c = -h
    while c < w:
        # The line x' = c + t, y' = t (rising) or h - t, clipped to the rectangle.
        low, high = max(0.0, -c), min(h, w - c)
        if low < high:
            ya, yb = (low, high) if rising else (h - low, h - high)
            line = Line(x + c + low, y + ya, x + c + high, y + yb)
            line.strokeColor, line.strokeWidth = colors.black, 0.4
            group.add(line)
        c += gap


def _column_chart(
    spec: ChartSpec, plot: tuple[float, float, float, float], *, stacked: bool
) -> Group:
    """Vertical columns: a histogram (touching bins) or stacked series (hatched)."""
    x0, y0, width, height = plot
    label_room = 0.0
    if stacked:
        label_room = max(stringWidth(s.name, SANS, FONT_SIZE) for s in spec.series) + 12
    left, bottom, right, top = x0 + 34, y0 + 16, x0 + width - label_room - 12, y0 + height - 10
    group = Group()
    count = len(spec.categories)
    totals = [sum(s.values[i] for s in spec.series) for i in range(count)]
    peak = max(totals) if stacked else max(max(s.values) for s in spec.series)
    ceiling = _value_axis(group, left, bottom, right, top, peak)
    slot = (right - left) / count
    bar = slot if spec.kind == "histogram" else slot * 0.7
    xs = [left + slot * i + slot / 2 for i in range(count)]
    _category_labels(group, xs, spec.categories, bottom)
    for i, x in enumerate(xs):
        base = bottom
        for index, series in enumerate(spec.series if stacked else spec.series[:1]):
            value = series.values[i]
            h = (top - bottom) * value / ceiling
            fill = PALETTE[(index + 1) % len(PALETTE)] if stacked else colors.Color(0.55, 0.7, 0.85)
            group.add(
                Rect(
                    x - bar / 2,
                    base,
                    bar,
                    h,
                    fillColor=fill,
                    strokeColor=colors.black,
                    strokeWidth=0.5,
                )
            )
            if stacked:
                _hatch(group, x - bar / 2, base, bar, h, index)
            base += h
        group.add(
            _text(
                x,
                base + 2,
                _fmt(totals[i] if stacked else spec.series[0].values[i]),
                anchor="middle",
            )
        )
    if stacked:
        y = top
        for index, series in enumerate(spec.series):
            swatch_y = y - 8 * (index + 1) - 4 * index
            fill = PALETTE[(index + 1) % len(PALETTE)]
            group.add(
                Rect(
                    right + 4,
                    swatch_y,
                    8,
                    8,
                    fillColor=fill,
                    strokeColor=colors.black,
                    strokeWidth=0.5,
                )
            )
            _hatch(group, right + 4, swatch_y, 8, 8, index)
            group.add(_text(right + 15, swatch_y + 1, series.name))
    return group

"""The memo's grid: row heights, page breaks between rows with the header repeated, and
cells read back in reading order."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from memokit import normalize
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from trustdesk.memo.flowables import GRID_PADDING, cell_font, grid
from trustdesk.memo.grid import CellFont, Grid, Padding
from trustdesk.memo.styles import stylesheet
from trustdesk.memo.text import Text


def _criteria_like(count: int) -> Grid:
    styles = stylesheet()
    rows: list[list[object]] = [["Status", "Criterion"]]
    for number in range(count):
        lines = "<br/>".join(f"Criterion {number} line {line}" for line in range(number % 4 + 1))
        rows.append([f"S{number}", Text(lines, styles.cell)])
    return grid(rows, (60, 300), (styles.cell_bold, styles.cell), header=styles.cell_bold)


def test_row_heights_are_the_tallest_cell_plus_padding() -> None:
    styles = stylesheet()
    table = _criteria_like(4)
    width, height = table.wrap(360, 1000)
    assert width == 360
    pad = GRID_PADDING.top + GRID_PADDING.bottom
    expected = styles.cell_bold.leading + pad  # the header: one line of strings
    expected += sum((n % 4 + 1) * styles.cell.leading + pad for n in range(4))
    assert height == pytest.approx(expected)


def test_a_grid_splits_between_rows_and_repeats_its_header() -> None:
    table = _criteria_like(30)
    _width, height = table.wrap(360, 1000)
    first, rest = table.split(360, height / 2)
    assert first.wrap(360, 1000)[1] <= height / 2
    assert first.rows[0] == rest.rows[0] == table.rows[0]
    assert first.rows[1:] + rest.rows[1:] == table.rows[1:]
    header_only = table._heights[0] + table._heights[1] - 1
    assert table.split(360, header_only) == []  # not even one row under the header: next page
    assert table.split(360, height + 1) == []  # all of it fits: no split


def test_cells_read_back_row_by_row_across_pages() -> None:
    table = _criteria_like(120)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1).build([table])
    reader = pypdf.PdfReader(io.BytesIO(buffer.getvalue()))
    assert len(reader.pages) > 1
    text = normalize(" ".join(page.extract_text() for page in reader.pages))
    assert text.count("Status Criterion") == len(reader.pages)  # the header on every page
    body = re.sub(r"Status Criterion ", "", text)
    expected = " ".join(
        f"S{n} " + " ".join(f"Criterion {n} line {line}" for line in range(n % 4 + 1))
        for n in range(120)
    )
    assert body == normalize(expected)


def test_rules_frame_every_cell() -> None:
    styles = stylesheet()
    table = grid([["a", "b"], ["c", "d"], ["e", "f"]], (50, 50), (styles.cell, styles.cell))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1, pageCompression=0).build([table])
    content = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0].get_contents().get_data()
    segments = re.findall(rb"[\d.]+ [\d.]+ m [\d.]+ [\d.]+ l", content)
    assert len(segments) == 4 + 3  # four horizontal rules for three rows, three vertical


def test_rows_must_match_the_columns() -> None:
    font = cell_font(stylesheet().cell)
    with pytest.raises(ValueError, match="one entry per column"):
        Grid([["a"]], (50, 50), [font, font], padding=Padding(1, 1, 1, 1))
    with pytest.raises(ValueError, match="one entry per column"):
        Grid([["a", "b"]], (50, 50), [CellFont("x", 8, 10)], padding=Padding(1, 1, 1, 1))


class _Recorder(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """A 10 x 10 cell that, like CheckBox, does not keep its size in ``height``."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn_at: list[float] = []

    def wrap(self, _width: float, _height: float) -> tuple[float, float]:
        return 10, 10

    def drawOn(self, _canvas: object, _x: float, y: float, _spacing: float = 0) -> None:
        self.drawn_at.append(y)


def test_a_flowable_cell_is_drawn_at_the_top_of_its_row() -> None:
    styles = stylesheet()
    box = _Recorder()
    tall = Text("one<br/>two<br/>three", styles.cell)
    table = grid([[tall, box]], (50, 50), (styles.cell, styles.cell))
    _width, height = table.wrap(100, 1000)
    buffer = io.BytesIO()
    table.drawOn(Canvas(buffer), 0, 0)
    assert box.drawn_at == [pytest.approx(height - GRID_PADDING.top - 10)]

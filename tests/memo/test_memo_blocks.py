"""Blocks laid out as one piece, and headings kept with the start of their section."""

from __future__ import annotations

import io

import pypdf
import pytest
from memokit import normalize
from reportlab.lib.pagesizes import LETTER
from reportlab.platypus import SimpleDocTemplate, Spacer

from trustdesk.memo.blocks import Columns, SignOff, Stack
from trustdesk.memo.flowables import Heading, cell_font, grid, para, section
from trustdesk.memo.grid import Padding
from trustdesk.memo.styles import stylesheet
from trustdesk.memo.text import Text

FRAME = LETTER[1] - 2 * 72  # SimpleDocTemplate's frame: one-inch margins


def _pages(story: list[object]) -> list[str]:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1).build(story)
    reader = pypdf.PdfReader(io.BytesIO(buffer.getvalue()))
    return [normalize(page.extract_text()) for page in reader.pages]


def test_a_stack_adds_heights_and_the_space_between_items() -> None:
    styles = stylesheet()
    first, second = para("one", styles.body), para("two", styles.body)
    stack = Stack([first, second])
    _width, height = stack.wrap(300, 1000)
    # The space after the first item counts; the space after the last is the stack's own.
    assert height == pytest.approx(2 * styles.body.leading + styles.body.spaceAfter)
    assert stack.getSpaceAfter() == styles.body.spaceAfter


def test_a_block_that_does_not_fit_moves_to_the_next_page_whole() -> None:
    styles = stylesheet()
    block = Stack([Heading("Signatures", styles.heading), para("Printed name", styles.body)])
    pages = _pages([Spacer(1, FRAME - 20), block])
    assert len(pages) == 2
    assert "Signatures" in pages[1] and "Printed name" in pages[1]


def test_columns_are_as_tall_as_the_tallest_column_plus_padding() -> None:
    styles = stylesheet()
    tall = Text("a<br/>b<br/>c", styles.cell)
    columns = Columns(
        [[tall], [Spacer(10, 10)]],
        [200, 100],
        padding=Padding(left=6, right=6, top=5, bottom=5),
        align=["top", "middle"],
        border=1.4,
    )
    assert columns.wrap(300, 1000) == (300, pytest.approx(3 * styles.cell.leading + 10))
    with pytest.raises(ValueError, match="width and an alignment"):
        Columns([[tall]], [100, 100], padding=Padding(0, 0, 0, 0), align=["top"])


def test_a_signature_block_reads_label_then_value() -> None:
    styles = stylesheet()
    block = SignOff(
        "Deciding officer",
        cell_font(styles.label),
        [
            ("Printed name", para("María Peña", styles.cell), 20.0),
            ("Badge number", para("1187", styles.cell), 20.0),
            ("Signature", None, 30.0),
        ],
        cell_font(styles.cell),
        width=250,
        label_width=68,
        title_height=16,
    )
    assert block.wrap(250, 1000) == (250, 16 + 20 + 20 + 30)
    (page,) = _pages([block])
    assert page == "Deciding officer Printed name María Peña Badge number 1187 Signature"


def test_a_heading_is_never_left_alone_at_the_foot_of_a_page() -> None:
    styles = stylesheet()
    rows = [["Name", "José Nuñez Peña"], ["Booking", "NH-2026-1105"]]
    table = grid(rows, (100, 200), (styles.label, styles.cell))
    # Room for the heading, not for the grid under it: both go to the next page.
    pages = _pages([Spacer(1, FRAME - 40), *section("Person", styles.heading, [table])])
    assert len(pages) == 2
    assert pages[1].startswith("Person Name José Nuñez Peña")


def test_a_long_section_starts_under_its_heading_and_runs_over() -> None:
    styles = stylesheet()
    body = Text("<br/>".join(f"line {n}" for n in range(200)), styles.body)
    # Room for the heading and a few lines: the section starts here and runs on.
    pages = _pages([Spacer(1, FRAME - 80), *section("Review", styles.heading, [body])])
    assert "Review line 0 line 1" in pages[0]
    assert " ".join(pages).endswith(" ".join(f"line {n}" for n in range(200)))

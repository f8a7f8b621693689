"""memo/ink.py writes text and rules as PDF operators: read back, they are what was drawn."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from trustdesk.memo.ink import TextObject, draw_string, number, stroke_segments
from trustdesk.memo.styles import MONO, SANS, SANS_BOLD, register_fonts

PAGE = (400.0, 300.0)


def _pdf(draw: Callable[[Canvas], None]) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAGE, invariant=1)
    draw(canvas)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def _grey(data: bytes, scale: int = 4) -> Any:
    return pdfium.PdfDocument(data)[0].render(scale=scale).to_pil().convert("L")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (0, "0"),
        (12.0, "12"),
        (1.5, "1.5"),
        (-3.25, "-3.25"),
        (195.702392578125, "195.7024"),
        (-0.00001, "0"),
        (0.00006, "0.0001"),
        (612, "612"),
    ],
)
def test_numbers_are_written_short_and_exact_to_four_decimals(value: float, written: str) -> None:
    assert number(value) == written


def test_pdf_delimiters_backslashes_and_accents_read_back_as_written() -> None:
    line = r"Peña (Nuñez) \ Gonçalves — § 54-192h, 100% \(sic)"

    data = _pdf(lambda canvas: draw_string(canvas, 20, 200, line, SANS, 10, colors.black))

    assert _text(data).strip() == line


def test_runs_in_three_fonts_keep_their_order_and_their_fonts() -> None:
    def draw(canvas: Canvas) -> None:
        text = TextObject(canvas, colors.black)
        text.move_to(20, 250)
        text.show("Code ", SANS, 9)
        text.show("ZKQA-WDMF-0Z", MONO, 9)
        text.move_to(20, 230)
        text.show("Warning:", SANS_BOLD, 9)
        text.show(" the clock is unknown", SANS, 9)
        text.close()

    data = _pdf(draw)

    lines = [line.strip() for line in _text(data).splitlines()]
    assert lines == ["Code ZKQA-WDMF-0Z", "Warning: the clock is unknown"]
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    subsets = {name.split("+")[-1] for name in names if "+" in name}  # not the canvas's
    assert subsets == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono"}  # Helvetica


def test_text_beyond_one_font_subset_switches_subsets_and_reads_back() -> None:
    # reportlab embeds a TrueType font in subsets of at most 256 glyphs: 400 distinct
    # characters need two, and a run that crosses them must change subset mid-run.
    letters = "".join(chr(code) for code in range(0x100, 0x100 + 400) if chr(code).isalpha())
    rows = [letters[start : start + 40] for start in range(0, len(letters), 40)]

    def draw(canvas: Canvas) -> None:
        text = TextObject(canvas, colors.black)
        for number_, row in enumerate(rows):
            text.move_to(10, 280 - 12 * number_)
            text.show(row, SANS, 8)
        text.close()

    data = _pdf(draw)

    assert len(PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]) >= 2
    assert [line.strip() for line in _text(data).splitlines()] == rows


def test_text_is_drawn_where_it_is_placed_in_the_colour_asked() -> None:
    grey = colors.Color(0.5, 0.5, 0.5)
    x, y, size = 40.0, 150.0, 30.0
    width = stringWidth("MMMM", SANS_BOLD, size)

    data = _pdf(lambda canvas: draw_string(canvas, x, y, "MMMM", SANS_BOLD, size, grey))

    image = _grey(data)
    top = PAGE[1] - y  # baseline, from the page's top, in points
    inked = [
        image.getpixel((int(px * 4), int((top - size * 0.35) * 4)))
        for px in range(int(x), int(x + width))
    ]
    darkest = min(inked)
    assert 100 < darkest < 160  # grey, not black, and not missing
    assert image.getpixel((int((x - 5) * 4), int((top - size * 0.35) * 4))) == 255
    assert image.getpixel((int((x + width + 5) * 4), int((top - size * 0.35) * 4))) == 255


def test_segments_are_stroked_and_leave_the_graphics_state_as_it_was() -> None:
    def draw(canvas: Canvas) -> None:
        stroke_segments(canvas, [(20, 100, 380, 100), (200, 20, 200, 280)], 3, colors.black)
        # Drawn after the segments with the canvas's own (unchanged) state: a hairline
        # of the default width 1 in the default colour, black.
        canvas.line(20, 60, 380, 60)

    image = _grey(_pdf(draw))

    def dark(x: float, y: float) -> bool:
        return bool(image.getpixel((int(x * 4), int((PAGE[1] - y) * 4))) < 128)

    assert dark(50, 100) and dark(370, 100)  # the horizontal rule, end to end
    assert dark(200, 30) and dark(200, 270)  # the vertical one
    assert dark(50, 101) and dark(201, 30)  # 3 points wide
    assert not dark(50, 102) and not dark(202, 30)  # and not more
    assert dark(50, 60)
    assert not dark(50, 61)  # the later line is 1 point wide: the width was restored


def test_a_font_that_is_not_embedded_is_refused() -> None:
    def draw(canvas: Canvas) -> None:
        TextObject(canvas, colors.black).show("x", "Helvetica", 9)

    with pytest.raises(ValueError, match="Helvetica is not an embedded TrueType font"):
        _pdf(draw)

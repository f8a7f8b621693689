"""Fonts and the paragraph styles of the memo and notices, built once per process.

The fonts are DejaVu Sans, Sans Bold and Sans Mono (Debian package fonts-dejavu-core
2.37), shipped in resources/fonts/ with their licence and embedded (subset) in every
PDF, so a document looks the same everywhere and names like Peña or Gonçalves print.
Everything is black on white; grey only shades table headers, never carries meaning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from trustdesk import resources
from trustdesk.memo.errors import MemoError

SANS = "TrustDeskSans"
SANS_BOLD = "TrustDeskSans-Bold"
MONO = "TrustDeskMono"
#: The face ``<b>`` selects in each face.
BOLD_FACES = {SANS: SANS_BOLD, SANS_BOLD: SANS_BOLD}
FONT_FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
}

INK = colors.black
SHADE = colors.Color(0.88, 0.88, 0.88)
RULE_WIDTH = 0.6


@cache
def register_fonts() -> None:
    """Register the embedded fonts with reportlab (once: parsing a TTF costs milliseconds)."""
    for name, filename in FONT_FILES.items():
        path = resources.resource("fonts", filename)
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except (OSError, TTFError) as exc:
            raise MemoError(
                f"the memo font {path} cannot be read ({exc}); reinstall TrustDesk"
            ) from None
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD
    )


#: What a character the fonts lack is printed as: its code point, so nothing typed is
#: lost or shown as an empty box (a Chinese name, a control character pasted in).
MISSING = "<U+{:04X}>"  # as core.characters.shown writes out a refused one
#: The note a document carries where MISSING was used.
MISSING_NOTE = (
    "Characters this document's font cannot show are printed as <U+XXXX>, their Unicode "
    "code point; the record keeps them as typed."
)


#: Control characters, surrogates, private use and unassigned: never printed as glyphs.
_NEVER_SHOWN = frozenset({"Cc", "Cs", "Co", "Cn"})


@cache
def _covered(font: str) -> frozenset[int]:
    register_fonts()
    return frozenset(pdfmetrics.getFont(font).face.charWidths)


def printable(text: str, font: str) -> str:
    """``text`` with each character ``font`` has no glyph for written as MISSING."""
    if text.isascii() and text.isprintable():
        return text
    return _printable(text, font)


#: The memo's note under a name printed with MISSING: the notation covers both a
#: character the font lacks and one TrustDesk refuses (``core.characters.shown``).
NAME_CODE_POINTS_NOTE = (
    "A character printed as <U+XXXX> is written as its Unicode code point: this memo's "
    "font cannot show it, or it can disguise text (a direction override, stored before "
    "TrustDesk refused such characters). The record keeps the name as typed."
)


@lru_cache(maxsize=4096)  # the notices' and the memo's own words come again and again
def _printable(text: str, font: str) -> str:
    covered = _covered(font)
    return "".join(
        char
        if char in "\t\n\r"
        or (ord(char) in covered and unicodedata.category(char) not in _NEVER_SHOWN)
        else MISSING.format(ord(char))
        for char in text
    )


def lacks_glyphs(text: str, font: str) -> bool:
    """Whether ``printable`` changes ``text``."""
    return printable(text, font) != text


@dataclass(frozen=True, slots=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    hash: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    headline: ParagraphStyle
    subline: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    label: ParagraphStyle
    code: ParagraphStyle
    notice_title: ParagraphStyle
    notice_heading: ParagraphStyle
    notice_body: ParagraphStyle
    notice_strong: ParagraphStyle


def _style(name: str, font: str, size: float, leading: float, **extra: object) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=font, fontSize=size, leading=leading, textColor=INK, **extra
    )


@cache
def stylesheet() -> Styles:
    """The styles, built once; fonts are registered first."""
    register_fonts()
    return Styles(
        body=_style("body", SANS, 9, 11.5, spaceAfter=2),
        small=_style("small", SANS, 7.5, 9.5),
        hash=_style("hash", MONO, 7, 9),
        title=_style("title", SANS_BOLD, 14, 17, spaceAfter=4),
        heading=_style("heading", SANS_BOLD, 10.5, 13, spaceBefore=9, spaceAfter=3),
        headline=_style("headline", SANS_BOLD, 21, 25, alignment=TA_CENTER),
        subline=_style("subline", SANS, 9.5, 12, alignment=TA_CENTER),
        cell=_style("cell", SANS, 8, 10, alignment=TA_LEFT),
        cell_bold=_style("cell_bold", SANS_BOLD, 8, 10),
        label=_style("label", SANS_BOLD, 8.5, 11),
        code=_style("code", MONO, 20, 24),
        notice_title=_style("notice_title", SANS_BOLD, 16, 20, spaceAfter=6),
        notice_heading=_style("notice_heading", SANS_BOLD, 11.5, 14.5, spaceBefore=7, spaceAfter=1),
        notice_body=_style("notice_body", SANS, 10.5, 13.5, spaceAfter=1),
        notice_strong=_style("notice_strong", SANS_BOLD, 12, 15.5, spaceBefore=2),
    )

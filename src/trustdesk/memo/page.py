"""Page furniture: the agency header, the footer with "Page x of y", the document template.

Page totals are known only once the story has been laid out, so the canvas keeps each
finished page and draws the footers when the document is saved (one layout pass, not
two). A document may hold several parts — the memo, then each notice — and every part
counts its own pages.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from io import BytesIO
from typing import Any

from reportlab import rl_config
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from trustdesk.memo.errors import MemoError
from trustdesk.memo.ink import TextObject, stroke_segments
from trustdesk.memo.styles import (
    INK,
    MONO,
    RULE_WIDTH,
    SANS,
    SANS_BOLD,
    printable,
    register_fonts,
)
from trustdesk.memo.viewmodel import AgencyHeader

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN = 0.7 * inch
HEADER_TOP = PAGE_HEIGHT - 0.5 * inch
FRAME_TOP = PAGE_HEIGHT - 1.15 * inch
FRAME_BOTTOM = 0.8 * inch
FRAME_HEIGHT = FRAME_TOP - FRAME_BOTTOM
FOOTER_Y = 0.45 * inch
LOGO_MAX = (1.6 * inch, 0.55 * inch)
LOGO_GAP = 8.0  # points between the header's text and the logo


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a document (the memo, a notice): its template and its footer texts."""

    template_id: str
    footer: str
    page_label: str  # e.g. "Page {page} of {pages}"


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    created_at: datetime
    language: str
    keywords: str = ""


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """Holds back every page until save, then stamps "Page x of y" per part."""

    def __init__(self, *args: Any, created_at: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held_pages: list[dict[str, Any]] = []
        self.part: Part | None = None
        stamp = created_at.astimezone(UTC)
        pdf_date = f"D:{stamp:%Y%m%d%H%M%S}+00'00'"
        self.setDateFormatter(lambda *_ignored: pdf_date)
        # The document ID is seeded from the clock, or SOURCE_DATE_EPOCH even in invariant
        # mode; seed it from the record instead so that only the view-model decides the bytes.
        self._doc.signature = hashlib.md5(
            b"TrustDesk memo " + stamp.isoformat().encode("ascii"), usedforsecurity=False
        )

    def showPage(self) -> None:  # reportlab names it so
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        parts = [page["part"] for page in self._held_pages]
        totals = Counter(parts)
        seen: Counter[Part | None] = Counter()
        for page in self._held_pages:
            self.__dict__.update(page)
            seen[self.part] += 1
            if self.part is not None:
                _draw_footer(self, self.part, seen[self.part], totals[self.part])
            super().showPage()
        super().save()


def _draw_footer(canvas: Canvas, part: Part, page: int, pages: int) -> None:
    rule_y = FOOTER_Y + 11
    stroke_segments(canvas, [(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)], RULE_WIDTH, INK)
    label = part.page_label.format(page=page, pages=pages)
    right = PAGE_WIDTH - MARGIN - stringWidth(label, SANS_BOLD, 8.5)
    text = TextObject(canvas, INK)
    text.move_to(MARGIN, FOOTER_Y)
    text.show(printable(part.footer, SANS), SANS, 7.5)
    text.move_to(right, FOOTER_Y)
    text.show(label, SANS_BOLD, 8.5)
    text.close()


#: The header's lines: (font, size at full scale); the name, the facility, the ORI.
HEADER_STYLES = ((SANS_BOLD, 12.0), (SANS, 8.5), (MONO, 8.5))
#: Where each line's baseline sits below HEADER_TOP when every one fits at full size.
HEADER_DROPS = (4.0, 17.0, 29.0)
#: The header's rule, below HEADER_TOP; the lowest baseline stays this far above it.
HEADER_RULE = 37.0
HEADER_CLEARANCE = 2.5
#: At most this many lines for the name, the facility and the ORI.
HEADER_LINES = (3, 2, 1)
#: The scales tried, largest first, until every line fits in the header's width.
HEADER_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.4)


def header_lines(agency: AgencyHeader, width: float) -> list[tuple[str, str, float, float]]:
    """The header as (text, font, size, baseline drop below HEADER_TOP), every line
    within ``width``: the name and facility as typed (up to 200 characters each), never
    cut at the page's edge or run under the logo. At full size each on one line, as it
    always was; a longer one is set smaller, on more lines if it must (broken between
    words, or inside a word longer than the line)."""
    texts = (agency.name, agency.facility, f"ORI {agency.ori}")
    for scale in HEADER_SCALES:
        items = [
            (_wrapped(printable(text, font), font, size * scale, width), font, size * scale)
            for text, (font, size) in zip(texts, HEADER_STYLES, strict=True)
        ]
        if scale == 1.0 and all(len(lines) == 1 for lines, _f, _s in items):
            return [
                (lines[0], font, size, drop)
                for (lines, font, size), drop in zip(items, HEADER_DROPS, strict=True)
            ]
        placed: list[tuple[str, str, float, float]] = []
        drop = HEADER_DROPS[0] - (HEADER_STYLES[0][1] - items[0][2]) * 0.7  # tops level
        for lines, font, size in items:
            for number, line in enumerate(lines):
                if placed:
                    drop += size * (1.2 if number else 1.45)
                placed.append((line, font, size, drop))
        fits = all(
            len(lines) <= most for (lines, _f, _s), most in zip(items, HEADER_LINES, strict=True)
        )
        if fits and drop + HEADER_CLEARANCE <= HEADER_RULE:
            return placed
    return placed  # 200 characters each always fit by the smallest scale


def _wrapped(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines of at most ``width`` points: broken at spaces, and inside a word
    only where the word alone is wider than a line."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if line and stringWidth(line + ch, font, size) > width:
                lines.append(line)
                line = ""
            line += ch
    lines.append(line)
    return lines


def _draw_header(canvas: Canvas, _doc: Any, *, agency: AgencyHeader, part: Part, logo: Any) -> None:
    canvas.part = part
    width = PAGE_WIDTH - 2 * MARGIN - (LOGO_MAX[0] + LOGO_GAP if logo is not None else 0)
    text = TextObject(canvas, INK)
    for line, font, size, drop in header_lines(agency, width):
        text.move_to(MARGIN, HEADER_TOP - drop)
        text.show(line, font, size)  # the agency's name as typed
    text.close()
    if logo is not None:
        width, height = LOGO_MAX
        canvas.drawImage(
            logo,
            PAGE_WIDTH - MARGIN - width,
            HEADER_TOP - height + 6,
            width,
            height,
            preserveAspectRatio=True,
            anchor="ne",
            mask="auto",
        )
    rule_y = HEADER_TOP - 37
    stroke_segments(canvas, [(MARGIN, rule_y, PAGE_WIDTH - MARGIN, rule_y)], 1.2, INK)


def _logo(agency: AgencyHeader) -> Any:
    if agency.logo is None:
        return None
    try:
        reader = ImageReader(BytesIO(agency.logo))
        reader.getSize()  # reportlab reads lazily: fail here, with a message, not mid-build
    except Exception as exc:  # reportlab and PIL raise many kinds
        raise MemoError(
            f"the agency logo cannot be read ({type(exc).__name__}); "
            "replace or remove it in the agency settings"
        ) from None
    return reader


def make_document(
    buffer: BytesIO, info: DocumentInfo, agency: AgencyHeader, parts: list[Part]
) -> BaseDocTemplate:
    """A letter-size document with one page template per part, in invariant mode."""
    register_fonts()
    frame_args = {
        "x1": MARGIN,
        "y1": FRAME_BOTTOM,
        "width": PAGE_WIDTH - 2 * MARGIN,
        "height": FRAME_TOP - FRAME_BOTTOM,
        "leftPadding": 0,
        "rightPadding": 0,
        "topPadding": 0,
        "bottomPadding": 0,
    }
    logo = _logo(agency)
    templates = [
        PageTemplate(
            id=part.template_id,
            frames=[Frame(id=f"{part.template_id}-body", **frame_args)],
            onPage=partial(_draw_header, agency=agency, part=part, logo=logo),
            pagesize=LETTER,
        )
        for part in parts
    ]
    return BaseDocTemplate(
        buffer,
        pagesize=LETTER,
        pageTemplates=templates,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=PAGE_HEIGHT - FRAME_TOP,
        bottomMargin=FRAME_BOTTOM,
        title=info.title,
        author=info.author,
        subject=info.subject,
        creator="TrustDesk",
        keywords=info.keywords,
        invariant=1,
        pageCompression=1,
        initialFontName=SANS,
        lang=info.language,
    )


#: reportlab settings that change the bytes written, pinned while a document is built so a
#: local reportlab configuration cannot change them. Plain (not ASCII85) compressed
#: streams are also smaller and faster to write.
PINNED_SETTINGS = {
    "invariant": 1,
    "useA85": 0,
    "pdfComments": 0,
    "pdfMultiLine": 0,
    "ttfAsciiReadable": 1,
    "decimalSymbol": ".",
}
# reportlab's settings are process-wide: one document is built at a time.
_BUILD_LOCK = threading.Lock()


@contextmanager
def pinned_settings() -> Iterator[None]:
    with _BUILD_LOCK:
        saved = {name: getattr(rl_config, name) for name in PINNED_SETTINGS}
        try:
            for name, value in PINNED_SETTINGS.items():
                setattr(rl_config, name, value)
            yield
        finally:
            for name, value in saved.items():
                setattr(rl_config, name, value)


def build(document: BaseDocTemplate, story: list[Any], created_at: datetime) -> None:
    with pinned_settings():
        document.build(story, canvasmaker=partial(NumberedCanvas, created_at=created_at))

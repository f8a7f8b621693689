"""Benchmark: rendering one decision memo in-process, beside a minimal reportlab document.

Run: .venv/bin/python bench/memo_bench.py
Targets (issue 4): median under 60 ms per memo, and at most 2x a minimal one-page
reportlab document using the same embedded fonts, measured side by side in one run: the
two are built in turn, round after round, and the ratio is the median of each round's
ratio, so that both see the same machine load (this machine's speed drifts by a third
over minutes, which moves a ratio of two separate medians by a tenth).

The memo is the ct-2025 honored sample (three pages: every criterion, the offense
table, the hold, the checklists, the signatures and the verification block with its QR
code). "New record" gives each round a different decision id, booking number, A-number,
chain position and record hash (hence QR code). "Re-render" is the same record again (a
preview, then the print). The memo's text blocks keep their line breaks in a cache from
one memo to the next (memo/text.py), as they do in the running app; "layout cache
emptied" renders yet another new record with that cache cleared first, the cost of the
first memo a process renders. Every run starts after a garbage collection, so that none
pays for the garbage of the one before. Exits 1 if a target fails.

Three reference documents, built from the memo's own text, put the figures in context
(docs/decisions/0006): the fixed cost of a document with the memo's fonts, glyphs and
three pages but no layout; the memo's text blocks set as stock platypus Paragraphs (no
tables, no QR code), as the memo was first built; and those Paragraphs drawn with their
line breaks computed beforehand, as if every layout were cached.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate
from reportlab.platypus.paragraph import ParagraphStyle

from memo_samples import pick_tests, sample_view_model
from trustdesk.memo.blocks import Columns, SignOff, Stack
from trustdesk.memo.grid import Grid
from trustdesk.memo.page import FRAME_BOTTOM, FRAME_TOP, MARGIN, PAGE_WIDTH, pinned_settings
from trustdesk.memo.render import render_memo
from trustdesk.memo.story import memo_story
from trustdesk.memo.styles import MONO, SANS, SANS_BOLD, stylesheet
from trustdesk.memo.text import Text, clear_layout_cache
from trustdesk.memo.viewmodel import MemoViewModel
from trustdesk.rules.registry import load_rules

RUNS = 60
TARGET_MS = 60.0
TARGET_RATIO = 2.0


def platypus_pdf(story: list[Paragraph], **layout: float) -> bytes:
    """``story`` as a letter-size platypus document, in the memo's settings."""
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=LETTER, invariant=1, pageCompression=1, initialFontName=SANS, **layout
    )
    with pinned_settings():
        document.build(story)
    return buffer.getvalue()


def minimal_document() -> bytes:
    """One letter page, three short paragraphs, one in each embedded font."""
    styles = stylesheet()
    return platypus_pdf(
        [
            Paragraph("Detainer decision memo — María Peña", styles.title),
            Paragraph("A minimal document in the memo's body font.", styles.body),
            Paragraph("7WZK-YFSZ-7W", styles.hash),
        ]
    )


def memo_paragraphs(vm: MemoViewModel) -> list[tuple[str, ParagraphStyle]]:
    """Every block of text in the memo's story (inside grids and blocks too): markup and
    style. The memo's markup is a subset of Paragraph's, so stock platypus sets the same."""
    found: list[tuple[str, ParagraphStyle]] = []

    def walk(item: object) -> None:
        if isinstance(item, Paragraph | Text):
            found.append((item.text, item.style))
        elif isinstance(item, list | tuple):
            for part in item:
                walk(part)
        elif isinstance(item, Grid):
            walk(item.rows)
        elif isinstance(item, Stack):
            walk(item.items)
        elif isinstance(item, Columns):
            walk(item.stacks)
        elif isinstance(item, SignOff):
            walk([value for _label, value, _height in item.rows])

    walk(memo_story(vm, stylesheet()))
    return found


def floor_document(glyphs: str, pages: int) -> bytes:
    """No layout at all: every glyph of the memo once per font on each of its pages."""
    buffer = BytesIO()
    with pinned_settings():
        canvas = Canvas(buffer, pagesize=LETTER, invariant=1, pageCompression=1)
        for _page in range(pages):
            for font in (SANS, SANS_BOLD, MONO):
                canvas.setFont(font, 9)
                canvas.drawString(50, 700, glyphs)
            canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def paragraphs_document(paragraphs: list[tuple[str, ParagraphStyle]]) -> bytes:
    """The memo's paragraphs, parsed, broken into lines and drawn by stock platypus."""
    story = [Paragraph(text, style) for text, style in paragraphs]
    return platypus_pdf(story, leftMargin=MARGIN, rightMargin=MARGIN)


def prewrapped_document(laid_out: list[tuple[Paragraph, float]]) -> bytes:
    """The same paragraphs with their lines already broken: drawing and saving only."""
    buffer = BytesIO()
    with pinned_settings():
        canvas = Canvas(buffer, pagesize=LETTER, invariant=1, pageCompression=1)
        y = FRAME_TOP
        for paragraph, height in laid_out:
            if y - height < FRAME_BOTTOM:
                canvas.showPage()
                y = FRAME_TOP
            paragraph.drawOn(canvas, MARGIN, y - height)
            y -= height
        canvas.showPage()
        canvas.save()
    return buffer.getvalue()


def _paired(times: list[float], baselines: list[float]) -> float:
    """The median of the run-by-run ratios: each memo against the minimal document built
    in the same round, so that a drift in the machine's speed affects both alike."""
    return statistics.median(t / b for t, b in zip(times, baselines, strict=True))


def main() -> int:
    rules = load_rules()
    test = pick_tests(rules, "ct-2025")["honor"]
    # Each new record has its own decision id, booking number, A-number, chain position
    # and record hash (so its own QR code and verification code).
    fresh = [sample_view_model(rules, test["case"], "honor", n + 1) for n in range(RUNS)]
    others = [sample_view_model(rules, test["case"], "honor", RUNS + n + 1) for n in range(RUNS)]
    same = fresh[0]
    pages = render_memo(same).count(b"/Type /Page\n")
    minimal_document()  # warm: fonts registered, stylesheet built, modules imported
    paragraphs = memo_paragraphs(same)
    glyphs = "".join(sorted({ch for text, _style in paragraphs for ch in text}))
    width = PAGE_WIDTH - 2 * MARGIN
    laid_out = []
    for text, style in paragraphs:
        paragraph = Paragraph(text, style)
        laid_out.append((paragraph, paragraph.wrap(width, FRAME_TOP - FRAME_BOTTOM)[1]))
    bounds = {
        "floor": lambda: floor_document(glyphs, pages),
        "paragraphs": lambda: paragraphs_document(paragraphs),
        "prewrapped": lambda: prewrapped_document(laid_out),
    }
    timings: dict[str, list[float]] = {"new": [], "again": [], "cold": [], "minimal": []}
    timings |= {name: [] for name in bounds}

    def timed(name: str, make: Callable[[], object]) -> None:
        gc.collect()  # each run starts from a collected heap: none pays for another's garbage
        start = time.perf_counter()
        make()
        timings[name].append(time.perf_counter() - start)

    for vm, other in zip(fresh, others, strict=True):
        timed("new", lambda vm=vm: render_memo(vm))
        timed("again", lambda: render_memo(same))
        clear_layout_cache()
        timed("cold", lambda other=other: render_memo(other))
        timed("minimal", minimal_document)
        for name, make in bounds.items():
            timed(name, make)
    median = {name: statistics.median(values) * 1000 for name, values in timings.items()}
    ratio = _paired(timings["new"], timings["minimal"])
    rows = [
        (
            "memo, new record each run (ms)",
            f"< {TARGET_MS:.0f}",
            median["new"],
            median["new"] < TARGET_MS,
        ),
        (
            "memo re-rendered, same record (ms)",
            f"< {TARGET_MS:.0f}",
            median["again"],
            median["again"] < TARGET_MS,
        ),
        (
            "memo, layout cache emptied first (ms)",
            f"< {TARGET_MS:.0f}",
            median["cold"],
            median["cold"] < TARGET_MS,
        ),
        ("minimal 1-page document, same fonts (ms)", "-", median["minimal"], None),
        ("memo (new record) / minimal", f"<= {TARGET_RATIO:.0f}x", ratio, ratio <= TARGET_RATIO),
        (
            "memo, layout cache emptied / minimal",
            "-",
            _paired(timings["cold"], timings["minimal"]),
            None,
        ),
    ]
    print(f"{'measure':<44}{'target':>10}{'measured':>12}  result")
    for name, target, value, passed in rows:
        verdict = "(information)" if passed is None else ("PASS" if passed else "FAIL")
        print(f"{name:<44}{target:>10}{value:>12.2f}  {verdict}")
    print(f"  medians of {RUNS} interleaved rounds (ratios: of each round's pair);")
    print(f"  the memo has {pages} pages")
    print("reference documents from the memo's own text (docs/decisions/0006):")
    bound_rows = (
        ("floor", "memo's fonts, glyphs and pages, no layout"),
        ("paragraphs", f"its {len(paragraphs)} text blocks as platypus Paragraphs"),
        ("prewrapped", "the same, line breaks computed beforehand"),
    )
    for name, label in bound_rows:
        value = median[name]
        print(f"{label:<44}{'':>10}{value:>12.2f}  = {value / median['minimal']:.2f}x minimal")
    return 0 if all(passed is not False for *_rest, passed in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

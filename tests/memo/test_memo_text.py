"""The memo's text flowable: its markup, its line breaking, and the text it puts on a page."""

from __future__ import annotations

import io
import random

import pypdf
import pytest
from memokit import normalize
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate

from trustdesk.memo.styles import MONO, SANS, SANS_BOLD, register_fonts, stylesheet
from trustdesk.memo.text import (
    Run,
    Text,
    break_lines,
    break_words,
    clear_layout_cache,
    parse,
)


@pytest.fixture(autouse=True)
def _fonts() -> None:
    register_fonts()


def test_bold_in_a_face_without_one_is_refused() -> None:
    with pytest.raises(ValueError, match="no bold face"):
        parse("<b>x</b>", MONO, 7)


def test_markup_sets_bold_face_size_and_line_breaks() -> None:
    lines = parse(
        "<b>Label:</b> Peña &amp; Nuñez<br/><font face='TrustDeskMono' size='7'>ab&lt;c</font>",
        SANS,
        9,
    )
    assert lines == [
        [Run("Label:", SANS_BOLD, 9), Run(" Peña & Nuñez", SANS, 9)],
        [Run("ab<c", MONO, 7.0)],
    ]


def test_newlines_and_tabs_in_text_are_spaces() -> None:
    assert parse("a\nb\tc", SANS, 9) == [[Run("a b c", SANS, 9)]]


@pytest.mark.parametrize(
    "markup",
    [
        "<i>italic</i>",
        "<b>never closed",
        "closed twice</b>",
        "<a href='x'>x</a>",
        "<b>bold <i>x</i></b>",
        "<b>crossed <font size='7'>tags</b></font>",
    ],
)
def test_markup_outside_the_small_set_is_refused(markup: str) -> None:
    with pytest.raises(ValueError, match=r"markup|unbalanced"):
        parse(markup, SANS, 9)


def _words_of(lines: list[list[Run]]) -> list[str]:
    return " ".join("".join(run.text for run in line) for line in lines).split()


def test_lines_fit_the_width_keep_every_word_and_break_greedily() -> None:
    rng = random.Random(7)
    vocabulary = ["a", "of", "detainer", "Connecticut", "§", "54-192h", "Gonçalves", "ICE", "hold"]
    for _ in range(200):
        words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 60))]
        width = rng.uniform(60, 400)
        lines = break_lines([[Run(" ".join(words), SANS, 9)]], width)
        texts = ["".join(run.text for run in line.runs) for line in lines]
        assert " ".join(texts).split() == words
        space = stringWidth(" ", SANS, 9)
        for text, line, following in zip(texts, lines, [*texts[1:], ""], strict=True):
            assert line.width == pytest.approx(stringWidth(text, SANS, 9))
            assert line.width <= width + 1e-9
            if following:  # greedy: the next line's first word did not fit on this one
                first = following.split(" ")[0]
                assert line.width + space + stringWidth(first, SANS, 9) > width


def test_a_word_longer_than_the_line_is_cut_and_nothing_is_lost() -> None:
    digest = "a9e1791054d978e80f7a162de1e9ca48f0c4a2bd13481bd5f3e14cc230ed4770"
    lines = break_lines([[Run(f"SHA-256 {digest} end", MONO, 7)]], 90)
    assert len(lines) > 3
    assert all(line.width <= 90 for line in lines)
    assert "".join(run.text for line in lines for run in line.runs).replace(" ", "") == (
        f"SHA-256{digest}end"
    )


def test_a_change_of_font_inside_a_line_is_kept() -> None:
    lines = break_lines(parse("<b>Warning:</b> the clock is unknown", SANS, 9), 500)
    assert [(run.text, run.font) for run in lines[0].runs] == [
        ("Warning:", SANS_BOLD),
        (" the clock is unknown", SANS),
    ]


def _pdf_text(story: list[Text]) -> tuple[int, str]:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1).build(story)
    reader = pypdf.PdfReader(io.BytesIO(buffer.getvalue()))
    return len(reader.pages), normalize(" ".join(page.extract_text() for page in reader.pages))


def test_text_on_the_page_reads_back_and_splits_across_pages_without_loss() -> None:
    styles = stylesheet()
    sentences = [f"Sentence {n} of the grounds for José Nuñez Peña." for n in range(400)]
    pages, text = _pdf_text([Text(" ".join(sentences), styles.body)])
    assert pages > 1  # one block longer than a page was split
    assert text == normalize(" ".join(sentences))


def test_centred_lines_are_centred() -> None:
    styles = stylesheet()
    assert styles.headline.alignment == TA_CENTER
    block = Text("HOLD PERMITTED", styles.headline)
    assert block.wrap(400, 100) == (400, styles.headline.leading)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    block.drawOn(canvas, 100, 300)
    canvas.save()
    starts: list[float] = []
    page = pypdf.PdfReader(io.BytesIO(buffer.getvalue())).pages[0]
    page.extract_text(
        visitor_text=lambda text, cm, tm, *_rest: (
            starts.append(cm[4] + tm[4]) if text.strip() else None
        )
    )
    drawn = stringWidth("HOLD PERMITTED", SANS_BOLD, styles.headline.fontSize)
    assert starts == [pytest.approx(100 + (400 - drawn) / 2)]


def test_widths_are_reportlabs() -> None:
    from trustdesk.memo.text import _measure

    rng = random.Random(1)
    alphabet = "aeiouxyzÁÉñçãõ§—•·0123456789 .,;:()ABCXYZ\u4e00"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        for font in (SANS, SANS_BOLD, MONO):
            assert _measure(text, font, 8.5) == pytest.approx(stringWidth(text, font, 8.5))


def _words_of(block: Text) -> list[str]:
    return " ".join("".join(run.text for run in line.runs) for line in block._lines).split()


def test_a_block_met_before_is_laid_out_as_it_would_be_afresh() -> None:
    style = stylesheet().body
    markup = "<b>Ground:</b> " + " ".join(f"word{n}" for n in range(60))
    clear_layout_cache()
    first = Text(markup, style)
    first.wrap(300, 1000)
    again, narrower = Text(markup, style), Text(markup, style)
    again.wrap(300, 1000)
    narrower.wrap(150, 1000)  # the width is part of what is remembered

    fresh = break_lines(parse(markup, style.fontName, style.fontSize), 300)
    assert list(first._lines) == list(again._lines) == fresh
    assert list(narrower._lines) == break_lines(parse(markup, SANS, style.fontSize), 150)
    assert len(narrower._lines) > len(again._lines)


def test_a_markup_error_is_raised_for_every_block_not_only_the_first() -> None:
    for _attempt in range(2):
        with pytest.raises(ValueError, match="unsupported markup"):
            Text("a <i>typo</i>", stylesheet().body)


def test_a_part_of_a_split_block_wrapped_again_at_another_width_keeps_every_word() -> None:
    style = stylesheet().body
    block = Text(" ".join(f"w{n}" for n in range(120)), style)
    block.wrap(200, 1000)
    head, tail = block.split(200, 3 * style.leading)

    tail.wrap(120, 1000)  # a frame of another width

    assert _words_of(head) + _words_of(tail) == [f"w{n}" for n in range(120)]
    assert all(line.width <= 120 for line in tail._lines)


def test_a_line_in_one_font_breaks_exactly_as_the_general_path_breaks_it() -> None:
    # A source line in one font takes a path on strings (or fits whole); the general
    # path, word by word as runs, must give the same lines: the same runs of text, and
    # widths that differ at most by the order in which a float sum was taken.
    rng = random.Random(54192)
    alphabet = "abcdefghijklmnopqrstuvwxyzÁÉñçü§-()0123456789"
    for _case in range(400):
        words = (
            "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
            for _ in range(rng.randint(1, 40))
        )
        text = "".join(word + " " * rng.choice([1, 1, 1, 2]) for word in words).rstrip()
        if rng.random() < 0.2:
            text = "  " + text + "  " + "x" * rng.randint(30, 60)  # spaces, a word to cut
        width = rng.uniform(40, 400)
        run = Run(text, rng.choice([SANS, SANS_BOLD, MONO]), rng.choice([7, 8.5, 9]))

        fast, general = break_lines([[run]], width), break_words([run], width)

        assert [line.runs for line in fast] == [line.runs for line in general], (text, width)
        assert [line.width for line in fast] == pytest.approx([line.width for line in general])

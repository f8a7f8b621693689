"""A light text flowable for the memo's own, restricted markup.

reportlab's Paragraph parses its text with an HTML parser, builds fragments and breaks
lines through a general machinery (justification, images, links, hyphenation): for the
memo's 46 paragraphs that alone took 2.6 times a minimal document (docs/decisions/0006).
The memo needs far less: left-aligned or centred lines, bold, a font size or face
change, and explicit line breaks. ``Text`` understands exactly that markup,

    <b>…</b>   <br/>   <font face='NAME' size='N'>…</font>   &amp; &lt; &gt; &quot; &#39;

breaks lines greedily at spaces (a word wider than the line is cut where it must be, as
Paragraph does), and draws the block as one text object (``memo/ink.py``). Any other
tag is an error, so a template typo cannot print as text.

Most of a memo's text is the same from one memo to the next (criteria, citations,
checklists): the parsed markup and its lines for a width are kept in bounded caches, so
a block already met is neither parsed nor broken into lines again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from html import unescape
from typing import Any, NamedTuple

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.platypus import Flowable

from trustdesk.memo.ink import TextObject
from trustdesk.memo.styles import BOLD_FACES, printable

_TAG = re.compile(r"<(/?)(b|br|font)\b([^>]*?)(/?)>")
_WHITESPACE = re.compile(r"[\t\n\r\f\v]")
_ATTRIBUTE = re.compile(r"""(face|size)\s*=\s*(?:'([^']*)'|"([^"]*)")""")


class _GlyphWidths(dict[str, float]):
    """One font's advance widths by character (in thousandths of the size), filled in as
    characters are met; the same values and the same sum as reportlab's stringWidth."""

    def __init__(self, font: str) -> None:
        super().__init__()
        face = getFont(font).face
        self._widths = face.charWidths
        self._default = face.defaultWidth

    def __missing__(self, char: str) -> float:
        width: float = self._widths.get(ord(char), self._default)
        self[char] = width
        return width


_WIDTHS: dict[str, _GlyphWidths] = {}


def _glyphs(font: str) -> _GlyphWidths:
    widths = _WIDTHS.get(font)
    if widths is None:
        widths = _WIDTHS[font] = _GlyphWidths(font)
    return widths


def _measure(text: str, font: str, size: float) -> float:
    return 0.001 * size * sum(map(_glyphs(font).__getitem__, text))


class Run(NamedTuple):
    """A piece of text in one font and size."""

    text: str
    font: str
    size: float


class Line(NamedTuple):
    runs: tuple[Run, ...]
    width: float


def _bold_of(font: str) -> str:
    """The bold face of ``font``; ``<b>`` in a face without one is an error, not plain text."""
    try:
        return BOLD_FACES[font]
    except KeyError:
        raise ValueError(f"<b> in {font}, which has no bold face") from None


def parse(markup: str, font: str, size: float) -> list[list[Run]]:
    """``markup`` as source lines (split at ``<br/>``), each a list of runs."""
    lines: list[list[Run]] = [[]]
    open_tags: list[tuple[str, tuple[str, float]]] = []
    current = (font, size)
    position = 0

    def emit(raw: str) -> None:
        if "<" in raw or ">" in raw:
            raise ValueError(f"unsupported markup {raw[:40]!r} in {markup[:80]!r}")
        if raw:
            # A character the font lacks is printed as its code point, never as a box.
            text = printable(_WHITESPACE.sub(" ", unescape(raw)), current[0])
            lines[-1].append(Run(text, *current))

    for match in _TAG.finditer(markup):
        emit(markup[position : match.start()])
        position = match.end()
        closing, name, attributes, _self_closing = match.groups()
        if name == "br":
            lines.append([])
        elif closing:
            if not open_tags or open_tags[-1][0] != name:
                raise ValueError(f"unbalanced </{name}> in {markup[:80]!r}")
            current = open_tags.pop()[1]
        else:
            open_tags.append((name, current))
            if name == "b":
                current = (_bold_of(current[0]), current[1])
            else:
                found = {key: a or b for key, a, b in _ATTRIBUTE.findall(attributes)}
                current = (found.get("face", current[0]), float(found.get("size", current[1])))
    emit(markup[position:])
    if open_tags:
        raise ValueError(f"unbalanced <{open_tags[-1][0]}> (never closed) in {markup[:80]!r}")
    return lines


def _words(runs: Sequence[Run]) -> Iterator[tuple[list[Run], Run | None]]:
    """The words of a source line, each with the space before it (None at the start)."""
    word: list[Run] = []
    space: Run | None = None
    for run in runs:
        for index, piece in enumerate(run.text.split(" ")):
            if index:  # a space ends the word
                if word:
                    yield word, space
                word = []
                space = Run(" ", run.font, run.size)
            if piece:
                word.append(Run(piece, run.font, run.size))
    if word:
        yield word, space


def _width(runs: Sequence[Run]) -> float:
    return sum(_measure(run.text, run.font, run.size) for run in runs)


def _cut(word: list[Run], room: float) -> tuple[list[Run], list[Run]]:
    """The longest head of ``word`` that fits ``room`` (at least one character), the rest."""
    head: list[Run] = []
    used = 0.0
    for number, run in enumerate(word):
        for count in range(len(run.text), 0, -1):
            piece_width = _measure(run.text[:count], run.font, run.size)
            if used + piece_width <= room or (not head and count == 1):
                head.append(Run(run.text[:count], run.font, run.size))
                used += piece_width
                if count < len(run.text):  # the run is cut: the rest starts the next line
                    rest = Run(run.text[count:], run.font, run.size)
                    return head, [rest, *word[number + 1 :]]
                break  # the whole run fits: on to the next
        else:
            return head, word[number:]
    return head, []


def _append(line: list[Run], run: Run) -> None:
    """Adds ``run`` to ``line``, merged with the last run when the font is the same."""
    if line and line[-1].font == run.font and line[-1].size == run.size:
        line[-1] = Run(line[-1].text + run.text, run.font, run.size)
    else:
        line.append(run)


def _whole(runs: Sequence[Run], width: float) -> Line | None:
    """A source line that fits ``width`` as it stands, as one line; else None.

    Most lines of the memo (names, dates, short reasons) fit: this spares measuring and
    joining them word by word. Only text the word-by-word path would leave unchanged (no
    space at either end, no double space) qualifies.
    """
    text = "".join(run.text for run in runs)
    if not text or text[0] == " " or text[-1] == " " or "  " in text:
        return None
    used = _width(runs)
    if used > width:
        return None
    line: list[Run] = []
    for run in runs:
        _append(line, run)
    return Line(tuple(line), used)


def _break_one_font(run: Run, width: float) -> list[Line] | None:
    """A source line in one font, broken as :func:`break_words` breaks it (the same
    lines and, summed in the same order, the same widths) but on strings, without a run
    per word; None if a word is wider than the line, left to ``break_words`` to cut."""
    glyphs = _glyphs(run.font).__getitem__
    scale = 0.001 * run.size
    space = scale * sum(map(glyphs, " "))
    lines: list[Line] = []
    words: list[str] = []
    used = 0.0
    for word in run.text.split(" "):
        if not word:
            continue
        word_width = scale * sum(map(glyphs, word))
        if word_width > width:
            return None
        gap = space if words else 0.0
        if words and used + gap + word_width > width:
            lines.append(Line((Run(" ".join(words), run.font, run.size),), used))
            words, used, gap = [], 0.0, 0.0
        words.append(word)
        used += gap + word_width
    lines.append(Line((Run(" ".join(words), run.font, run.size),) if words else (), used))
    return lines


def break_lines(source: Sequence[Sequence[Run]], width: float) -> list[Line]:
    """Greedy line breaking of every source line at spaces, within ``width``."""
    result: list[Line] = []
    for runs in source:
        fits = _whole(runs, width)
        if fits is not None:
            result.append(fits)
            continue
        one_font = _break_one_font(runs[0], width) if len(runs) == 1 else None
        result.extend(one_font if one_font is not None else break_words(runs, width))
    return result


def break_words(runs: Sequence[Run], width: float) -> list[Line]:
    """The general path: one source line broken word by word, words as runs (a word may
    change font), a word wider than the line cut where it must be."""
    result: list[Line] = []
    line: list[Run] = []
    used = 0.0
    for pieces, space in _words(runs):
        word = pieces
        word_width = _width(word)
        gap = _width([space]) if line and space is not None else 0.0
        if line and used + gap + word_width > width:
            result.append(Line(tuple(line), used))
            line, used, gap = [], 0.0, 0.0
        while not line and word and word_width > width:  # longer than a whole line
            head, word = _cut(word, width)
            result.append(Line(tuple(head), _width(head)))
            word_width = _width(word)
        if gap and space is not None:
            _append(line, space)
        for run in word:
            _append(line, run)
        used += gap + word_width
    result.append(Line(tuple(line), used))
    return result


#: Blocks of text whose parsed markup and lines are kept (a memo has about 50).
LAYOUT_CACHE_SIZE = 2048


@lru_cache(maxsize=LAYOUT_CACHE_SIZE)
def _parsed(markup: str, font: str, size: float) -> tuple[tuple[Run, ...], ...]:
    return tuple(tuple(line) for line in parse(markup, font, size))


@lru_cache(maxsize=LAYOUT_CACHE_SIZE)
def _laid_out(markup: str, font: str, size: float, width: float) -> tuple[Line, ...]:
    return tuple(break_lines(_parsed(markup, font, size), width))


def clear_layout_cache() -> None:
    """Forgets every parsed and laid-out block (for measuring the uncached cost)."""
    _parsed.cache_clear()
    _laid_out.cache_clear()


class Text(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """Lines of text in a ``ParagraphStyle`` (font, size, leading, alignment, spacing)."""

    def __init__(self, markup: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = markup
        self.style = style
        self._key: tuple[str, str, float] | None = (markup, style.fontName, style.fontSize)
        self._source: Sequence[Sequence[Run]] = _parsed(*self._key)  # a markup error: here
        self._lines: Sequence[Line] = ()
        self._wrapped_width: float | None = None

    @classmethod
    def _of_lines(cls, lines: Sequence[Line], style: ParagraphStyle, width: float) -> Text:
        """A part of a split block: its lines as they are (each a source line of its own,
        should it be wrapped again at another width)."""
        part = cls.__new__(cls)
        Flowable.__init__(part)
        part.text = "".join(run.text for line in lines for run in line.runs)
        part.style = style
        part._key = None
        part._source = [line.runs for line in lines]
        part._lines = lines
        part._wrapped_width = width
        part.width = width
        part.height = len(lines) * style.leading
        return part

    def wrap(self, avail_width: float, _avail_height: float) -> tuple[float, float]:
        if avail_width != self._wrapped_width:
            if self._key is not None:
                self._lines = _laid_out(*self._key, avail_width)
            else:
                self._lines = break_lines(self._source, avail_width)
            self._wrapped_width = avail_width
        self.width = avail_width
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def first_part_height(self, avail_width: float) -> float:
        """The least of this block a page must hold: two lines, or all if fewer."""
        self.wrap(avail_width, 1e9)
        return min(2, len(self._lines)) * float(self.style.leading)

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self.wrap(avail_width, avail_height)
        fits = int(avail_height // self.style.leading)
        if fits < 1 or fits >= len(self._lines):
            return []
        return [
            Text._of_lines(self._lines[:fits], self.style, avail_width),
            Text._of_lines(self._lines[fits:], self.style, avail_width),
        ]

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def draw(self) -> None:
        self.draw_at(self.canv, 0.0, 0.0)

    def draw_at(self, canvas: Any, x: float, y: float) -> None:
        """Draws the block with its lower left corner at (x, y) of ``canvas``'s current
        coordinates. Blocks inside grids and stacks are drawn so, sparing platypus's
        saved state and coordinate change per flowable."""
        style = self.style
        leading = style.leading
        ascent = getFont(style.fontName).face.ascent * style.fontSize / 1000
        baseline = y + len(self._lines) * leading - min(ascent, leading)
        centred = style.alignment == TA_CENTER
        writer = TextObject(canvas, style.textColor)
        for number, line in enumerate(self._lines):
            if not line.runs:
                continue
            left = x + (self.width - line.width) / 2 if centred else x
            writer.move_to(left, baseline - number * leading)
            for run in line.runs:
                writer.show(run.text, run.font, run.size)
        writer.close()


def place(canvas: Any, item: Flowable, x: float, y: float) -> None:
    """Draws ``item`` with its lower left corner at (x, y): directly if it can, else the
    platypus way (saved state, translation)."""
    draw_at = getattr(item, "draw_at", None)
    if draw_at is not None:
        draw_at(canvas, x, y)
    else:
        item.drawOn(canvas, x, y)

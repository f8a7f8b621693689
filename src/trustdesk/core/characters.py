"""Characters a name or other typed text may not hold, and how stored text is shown safely.

Control characters, line and paragraph separators, lone surrogates (they cannot be
written as UTF-8) and the Unicode bidirectional controls (which make text display in an
order other than the one stored, so "Nuñez" can be made to read as another name) are
refused on input. So are the other invisible formatting characters (Unicode category
Cf: a zero-width space, a soft hyphen, a byte-order mark, a word joiner…): "Mar\u200bía"
prints exactly as "María" but is stored, searched and matched as another name, so one
person's history splits in two (a hostile pass; the text an officer types was already
held to the same rule, ``services.fields.clean_text``). Text stored before
that rule is shown with each such character written out as ``<U+202E>``, so it can never
render as something else.
"""

from __future__ import annotations

#: Bidirectional formatting characters: embeddings and overrides (U+202A–U+202E),
#: isolates (U+2066–U+2069), the implicit marks (U+200E, U+200F, U+061C Arabic letter mark).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


#: The invisible formatting characters (Unicode's category Cf, as of Unicode 15), as
#: ranges of code points. Listed here, not asked of ``unicodedata``, so the case schema
#: (``schemas/case.schema.json``, the same ranges in its text types' patterns) refuses
#: exactly what the reader refuses, whatever Unicode version Python carries.
INVISIBLE_RANGES = (
    (0x00AD, 0x00AD),  # soft hyphen
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),  # zero-width space, non-joiner, joiner; the implicit direction marks
    (0x202A, 0x202E),
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),  # byte-order mark, zero-width no-break space
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),  # tags
)
_INVISIBLE = frozenset(chr(code) for low, high in INVISIBLE_RANGES for code in range(low, high + 1))


def _is_unsafe(ch: str) -> bool:
    code = ord(ch)
    return (
        code < 0x20
        or 0x7F <= code <= 0x9F  # DEL and the C1 controls (0x9B opens a terminal sequence)
        or 0xD800 <= code <= 0xDFFF  # a lone surrogate
        or ch in BIDI_CONTROLS
        or ch in "\u2028\u2029"  # line and paragraph separators break a name in two
        or ch in _INVISIBLE  # a zero-width space, a soft hyphen, a byte-order mark…
    )


def _describe(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        kind = "an unpaired surrogate (not a character)"
    elif ch in BIDI_CONTROLS:
        kind = "a text-direction control, which can make it display as other text"
    elif ch in "\u2028\u2029":
        kind = "a line or paragraph separator"
    elif ch in _INVISIBLE:
        kind = "an invisible formatting character, which makes it another text that looks the same"
    else:
        kind = "a control character"
    return f"U+{code:04X}, {kind}"


#: Zero-width non-joiner and joiner: invisible, but typed inside words by some keyboards
#: (Persian, Indic scripts, emoji sequences). Allowed in a password, never counted.
JOINERS = frozenset("\u200c\u200d")


def first_unsafe(text: str) -> str | None:
    """The first character of ``text`` that typed text may not hold, or None."""
    # Fast path: almost every string is plain printable text.
    if text.isascii() and text.isprintable():
        return None
    return next((ch for ch in text if _is_unsafe(ch)), None)


def unsafe_character(text: str) -> str | None:
    """What is wrong with ``text`` in words (its first refused character), or None."""
    ch = first_unsafe(text)
    if ch is None:
        return None
    return f"contains {_describe(ch)}; retype it without that character"


def shown(text: str) -> str:
    """``text`` with every refused character written as ``<U+XXXX>``, for display."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(f"<U+{ord(ch):04X}>" if _is_unsafe(ch) else ch for ch in text)


def shown_lines(text: str, *, one_line: bool = False) -> str:
    """``shown``, keeping the line breaks and tabs typed text may hold (as spaces when
    ``one_line``)."""
    if one_line:
        return shown(text.replace("\n", " ").replace("\t", " "))
    return "\n".join(shown(line.replace("\t", " ")) for line in text.split("\n"))

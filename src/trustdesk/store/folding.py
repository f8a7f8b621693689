"""Folding names and booking numbers for search: case- and accent-insensitive.

``fold("María PEÑA")`` is ``"maria pena"``: NFKD decomposition with the combining marks
dropped, a few letters that have no decomposition spelled out (ø, ł, æ, ß…), case
folded and whitespace collapsed. Stored beside the name, computed in Python, so the
index does not depend on the SQLite build.
"""

from __future__ import annotations

import unicodedata

_SPELLED = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def booking_key(booking_number: str) -> str:
    """Booking numbers compare without case and surrounding spaces."""
    return " ".join(booking_number.split()).upper()

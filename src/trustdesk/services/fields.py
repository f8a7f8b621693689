"""Checks for text people type in: trimmed, bounded, free of control characters."""

from __future__ import annotations

import unicodedata

from trustdesk.services.errors import InvalidRequest

# Control, format (e.g. right-to-left overrides that disguise text), line/paragraph
# separators, surrogates and private-use characters never belong in a printed name.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co"})


def clean_text(value: object, what: str, *, max_length: int, required: bool) -> str:
    """``value`` trimmed and NFC-normalised, or InvalidRequest saying what to fix."""
    if not isinstance(value, str):
        raise InvalidRequest(f"{what} must be text")
    text = unicodedata.normalize("NFC", value.strip())
    if required and not text:
        raise InvalidRequest(f"{what} is empty; type it in (1-{max_length} characters)")
    if len(text) > max_length:
        raise InvalidRequest(
            f"{what} is {len(text)} characters long; shorten it to at most {max_length}"
        )
    bad = next((ch for ch in text if unicodedata.category(ch) in _FORBIDDEN_CATEGORIES), None)
    if bad is not None:
        raise InvalidRequest(
            f"{what} contains an invisible or control character (U+{ord(bad):04X}); retype "
            "it without line breaks, tabs or pasted formatting"
        )
    return text

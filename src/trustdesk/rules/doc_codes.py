"""Department of Correction class codes on offense lines (``ASSAULT, FIRST DEGREE  BF``)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# DOC class codes (cols 39-40 of the 40-character OFFENSE field). "C" means unknown.
DOC_CODES: dict[str, tuple[str, str]] = {
    "AF": ("felony", "A"),
    "BF": ("felony", "B"),
    "CF": ("felony", "C"),
    "DF": ("felony", "D"),
    "EF": ("felony", "E"),
    "F": ("felony", "unclassified"),
    "UF": ("felony", "unclassified"),
    "AM": ("misdemeanor", "A"),
    "BM": ("misdemeanor", "B"),
    "CM": ("misdemeanor", "C"),
    "DM": ("misdemeanor", "D"),
    "M": ("misdemeanor", "unclassified"),
    "UM": ("misdemeanor", "unclassified"),
}
UNKNOWN_CODE = "C"
_TWO_LETTER = re.compile(r"\s(AF|BF|CF|DF|EF|UF|AM|BM|CM|DM|UM)\s*$", re.IGNORECASE)
_ONE_LETTER = re.compile(r"\s{2,}([FMC])\s*$", re.IGNORECASE)
_CLASS_PHRASE = re.compile(r"\bclass\s+([a-e])\s*(felony|fel|misdemeanor|misd)?\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DocCode:
    """A class code read from a DOC line: level and class it stands for."""

    code: str
    level: str
    klass: str


def split_doc_code(text: str) -> tuple[str, DocCode | None]:
    """Split a trailing DOC class code (``... BF``) or ``class B felony`` phrase off ``text``."""
    stripped = text.rstrip()
    code: str | None = None
    rest = stripped
    # The 40-character field: description padded to 38 characters, then the code.
    tail = stripped[38:].strip().upper()
    if (
        len(stripped) == 40
        and tail in {*DOC_CODES, UNKNOWN_CODE}
        and (stripped[37] == " " or stripped[38] == " ")
    ):
        code, rest = tail, stripped[:38]
    if code is None:
        match = _TWO_LETTER.search(stripped) or _ONE_LETTER.search(stripped)
        if match is not None and stripped[: match.start()].strip():
            code, rest = match.group(1).upper(), stripped[: match.start()]
    if code is None:
        phrase = _CLASS_PHRASE.search(stripped)
        if phrase is not None:
            letter, kind = phrase.group(1).upper(), (phrase.group(2) or "").lower()
            rest = stripped[: phrase.start()] + " " + stripped[phrase.end() :]
            if kind.startswith("m"):
                code = letter + "M"
            elif kind.startswith("f"):
                code = letter + "F"
    if code is None or code == UNKNOWN_CODE:
        return rest.strip(), None
    level, klass = DOC_CODES[code]
    return rest.strip(), DocCode(code, level, klass)

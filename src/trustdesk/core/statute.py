"""Normalising statute section numbers the way officers type them.

A catalog without codes writes sections ``TITLE-NUMBER`` (``normalize_section``); one
of a state whose offenses live in several codes writes ``CODE-NUMBER``
(``SectionSyntax`` with the catalog's code spellings).

``53a-134``, ``53A-134``, ``53a134``, ``53A134`` and ``§ 53a-134(a)(2)`` all name
section ``53a-134``. A canonical section is ``TITLE[letters]-NUMBER[letters]``,
lower-case, with sub-section designators removed.
"""

from __future__ import annotations

import re

_SECTION = re.compile(
    r"""^\s*(?:§+|sec(?:tion)?\.?|cgs|c\.g\.s\.?)?\s*
        (?P<title>\d{1,3})(?P<tletters>[a-z]{0,2})
        (?P<sep>\s*(?:-|–|\s)\s*)?
        (?P<num>\d{1,4})(?P<nletters>[a-z]{0,3})
        (?P<rest>(?:\s*\([0-9a-z]+\))*)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def normalize_section(text: str) -> str | None:
    """Return the canonical section for ``text``, or None when it is not one.

    >>> normalize_section("53A134")
    '53a-134'
    >>> normalize_section("§ 53a-101(a)(2)")
    '53a-101'
    """
    match = _SECTION.match(text)
    if match is None or not (match["sep"] or match["tletters"]):
        # "53134" could be 53-134 or 531-34: without a dash or title letter it is ambiguous.
        return None
    title = match["title"].lstrip("0") or "0"
    num = match["num"].lstrip("0") or "0"
    return f"{title}{match['tletters'].lower()}-{num}{match['nletters'].lower()}"


# --- sections of a state with several codes (Penal Code, Vehicle Code…) ---------------

_CODED = re.compile(
    r"""^(?P<before>[^0-9]*?)\s*(?:§+|sec(?:tion)?\.?)?\s*
        (?P<num>\d{1,6}(?:\.\d{1,3})?)(?P<letters>[a-z]{0,2})
        (?P<rest>(?:\s*\([0-9a-z]+\))*)\s*(?P<after>[^0-9]*)$""",
    re.IGNORECASE | re.VERBOSE,
)


def _squash(text: str) -> str:
    """A code's spelling reduced to its letters: "Pen. Code" → "pencode", "H&S" → "hs"."""
    return re.sub(r"[^a-z]", "", text.lower())


class SectionSyntax:
    """How a catalog writes its canonical sections and reads what officers type.

    Without codes: ``TITLE-NUMBER`` (``53a-134``), read by ``normalize_section``. With
    codes (a state whose offenses live in several codes): ``<code>-<number>``
    (``pc-1192.7``, ``vc-23153``), where ``codes`` maps each code id to the spellings
    officers use ("PC", "Penal Code", "Pen. Code"…) before or after the number, and a
    number typed with no code is read in ``default_code`` (when the catalog names one).
    The spellings are the catalog's data; nothing here names a state.
    """

    __slots__ = ("_spellings", "codes", "default_code")

    def __init__(
        self, codes: dict[str, tuple[str, ...]] | None = None, default_code: str | None = None
    ) -> None:
        self.codes = dict(codes or {})
        self.default_code = default_code
        self._spellings: dict[str, str] = {}
        for code, spellings in self.codes.items():
            self._spellings[_squash(code)] = code
            for spelling in spellings:
                self._spellings[_squash(spelling)] = code

    @property
    def coded(self) -> bool:
        return bool(self.codes)

    def normalize(self, text: str) -> str | None:
        """The canonical section ``text`` names, or None when it names none."""
        if not self.codes:
            return normalize_section(text)
        match = _CODED.match(text.strip())
        if match is None:
            return None
        before, after = _squash(match["before"]), _squash(match["after"])
        if before and after:
            return None
        named = before or after
        code = self._spellings.get(named) if named else self.default_code
        if code is None:
            return None
        number = match["num"].lstrip("0") or "0"
        return f"{code}-{number}{match['letters'].lower()}"

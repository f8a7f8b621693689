"""Normalising Connecticut statute section numbers the way officers type them.

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

"""A long agency name or facility fits the header: never cut at the page's edge, never
under the logo (a hostile pass: a 101-character name printed as "…Central Boo").

Read back from the PDF with poppler's ``pdftotext -bbox``: every word of the header is
on page 1, in order, inside the margins and left of the logo."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from memokit import AGENCY, SCENARIOS, view_model
from test_memo_content import _png

from trustdesk.memo.page import HEADER_TOP, LOGO_GAP, LOGO_MAX, MARGIN, PAGE_HEIGHT, PAGE_WIDTH
from trustdesk.memo.render import render_memo
from trustdesk.rules.registry import RuleSet

LONG_NAME = (
    "Connecticut Department of Correction — Hartford Correctional Center, Central Booking "
    "and Intake Unit"
)
LONG_FACILITY = "Hartford Correctional Center, 177 Weston Street, Hartford — " * 3
UNBROKEN = "HartfordCorrectionalCenterCentralBookingAndIntake" * 4  # 200, no space


def header_words(pdf: bytes, tmp_path: Path) -> list[tuple[str, float, float, float]]:
    """Page 1's words above the header's rule: (word, xMin, xMax, yMin from the top)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils (scripts/test.sh does)")
    source = tmp_path / "memo.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(
        [tool, "-bbox", "-f", "1", "-l", "1", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rule_from_top = PAGE_HEIGHT - HEADER_TOP + 37
    words = []
    for x_min, y_min, x_max, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</word>', out
    ):
        if float(y_min) < rule_from_top:
            words.append((unescape(word), float(x_min), float(x_max), float(y_min)))
    return words


@pytest.mark.parametrize(
    ("name", "facility", "logo"),
    [
        (LONG_NAME, "Hartford CC", True),
        (LONG_NAME, LONG_FACILITY.strip()[:200], False),
        (UNBROKEN, LONG_FACILITY.strip()[:200], True),
    ],
)
def test_a_long_header_is_set_whole_inside_the_margins(
    rules: RuleSet, tmp_path: Path, name: str, facility: str, logo: bool
) -> None:
    agency = replace(AGENCY, name=name, facility=facility, logo=_png(60, 30) if logo else None)
    words = header_words(
        render_memo(view_model(rules, SCENARIOS["ct-2014-decline"], agency=agency)), tmp_path
    )
    right = PAGE_WIDTH - MARGIN - ((LOGO_MAX[0] + LOGO_GAP) if logo else 0)
    assert words
    for word, x_min, x_max, _y in words:
        assert x_min >= MARGIN - 1 and x_max <= right + 1, (word, x_max, right)
    printed = "".join(word for word, *_ in words)
    expected = "".join(f"{name}{facility}ORI {AGENCY.ori}".split())
    assert printed == expected


def test_a_header_that_fits_is_set_as_it_always_was(rules: RuleSet, tmp_path: Path) -> None:
    """Name at 12 points and facility at 8.5 on one line each, where they always were:
    the memos of an agency with a short name are unchanged."""
    from trustdesk.memo.page import header_lines

    lines = header_lines(AGENCY, PAGE_WIDTH - 2 * MARGIN)
    assert [(size, drop) for _text, _font, size, drop in lines] == [
        (12.0, 4.0),
        (8.5, 17.0),
        (8.5, 29.0),
    ]
    words = header_words(render_memo(view_model(rules, SCENARIOS["ct-2014-decline"])), tmp_path)
    assert (
        " ".join(word for word, *_ in words) == f"{AGENCY.name} {AGENCY.facility} ORI {AGENCY.ori}"
    )

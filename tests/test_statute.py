"""Section numbers are recognised however officers type them."""

from __future__ import annotations

import pytest

from trustdesk.core.statute import normalize_section


@pytest.mark.parametrize(
    ("typed", "section"),
    [
        ("53a-134", "53a-134"),
        ("53A-134", "53a-134"),
        ("53a134", "53a-134"),
        ("53A134", "53a-134"),
        (" § 53a-134(a)(2) ", "53a-134"),
        ("sec. 21a-278", "21a-278"),
        ("53-21", "53-21"),
        ("53 21", "53-21"),
        ("14-227a", "14-227a"),
        ("53a-100aa", "53a-100aa"),
        ("53a–134", "53a-134"),
    ],
)
def test_normalises(typed: str, section: str) -> None:
    assert normalize_section(typed) == section


@pytest.mark.parametrize("typed", ["", "robbery", "53134", "53a-", "-134", "53a-134x(1"])
def test_not_a_section(typed: str) -> None:
    assert normalize_section(typed) is None

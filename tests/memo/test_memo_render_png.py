"""Page 1 of a memo and a notice as PNG images, for a person to look at (pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from memokit import SCENARIOS, view_model

from trustdesk.memo.render import render_memo, render_notice
from trustdesk.rules.registry import RuleSet

#: Kept after the run (build/ is ignored by git) so a reviewer can open the pictures.
OUTPUT = Path(__file__).resolve().parents[2] / "build" / "test-output"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def pdftoppm() -> str:
    found = shutil.which("pdftoppm")
    if found is None:
        pytest.fail(
            "pdftoppm is missing: install poppler-utils (apt-get install poppler-utils); "
            "scripts/test.sh installs it when run as root"
        )
    return found


def to_png(pdf: bytes, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    source = OUTPUT / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [
            pdftoppm(),
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(OUTPUT / name),
        ],
        check=True,
        capture_output=True,
    )
    return OUTPUT / f"{name}.png"


def ink_share(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        dark = sum(grey.histogram()[:128])
        return dark / (grey.width * grey.height)


@pytest.mark.parametrize("name", ["ct-2025-honor", "ct-2019-decline"])
def test_memo_page_one_renders_to_png(rules: RuleSet, name: str) -> None:
    png = to_png(render_memo(view_model(rules, SCENARIOS[name])), f"memo-{name}")
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert 0.01 < ink_share(png) < 0.5  # a page with text on it, not blank, not black


@pytest.mark.parametrize("language", ["en", "es"])
def test_notice_renders_to_png(rules: RuleSet, language: str) -> None:
    vm = view_model(rules, SCENARIOS["ct-2025-honor"])
    png = to_png(render_notice(vm, language), f"notice-{language}")
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert 0.01 < ink_share(png) < 0.5

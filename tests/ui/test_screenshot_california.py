"""The California result screenshot (README's set-up section), taken under Xvfb like the
other screenshots (test_screenshots.py); written to build/screenshots/california/."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_screenshots import ROOT, xserver  # noqa: F401  (the fixture)

TOUR = Path(__file__).with_name("california_tour.py")


@pytest.mark.xserver
def test_screenshot_of_a_california_result(xserver: str, tmp_path: Path) -> None:  # noqa: F811
    base = Path(os.environ.get("TRUSTDESK_SCREENSHOTS", ROOT / "build" / "screenshots"))
    out = base / "california"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    env = {**os.environ, "DISPLAY": xserver, "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run(
        [sys.executable, str(TOUR), str(out), str(tmp_path / "data")],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["01-california-result.png"]
    from PySide6.QtGui import QImage

    image = QImage(str(out / "01-california-result.png"))
    assert image.width() >= 1150 and image.height() >= 780
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 17) for y in range(0, image.height(), 13)
    }
    assert len(colours) > 8, "the screenshot looks blank"

"""Screenshots of every main screen under a real X server (Xvfb), for a reviewer to open.

The PNGs go to build/screenshots/ (set TRUSTDESK_SCREENSHOTS to choose another folder).
scripts/test.sh installs Xvfb where it is missing; without it this test fails, it is
never skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from xvfbkit import running_xvfb

ROOT = Path(__file__).resolve().parents[2]
TOUR = Path(__file__).with_name("screenshot_tour.py")


@pytest.fixture
def xserver() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    assert xvfb, "Xvfb is not installed: run scripts/test.sh (it installs xvfb as root)"
    with running_xvfb(xvfb, "2600x1800x24") as display:
        yield display


@pytest.mark.xserver
@pytest.mark.parametrize(
    ("folder", "scale", "dark"),
    [("", 1.0, False), ("scale-200", 2.0, False), ("dark-150", 1.5, True)],
)
def test_screenshots_of_every_main_screen(
    xserver: str, tmp_path: Path, folder: str, scale: float, dark: bool
) -> None:
    base = Path(os.environ.get("TRUSTDESK_SCREENSHOTS", ROOT / "build" / "screenshots"))
    out = base / folder
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):
        old.unlink()
    env = {
        **os.environ,
        "DISPLAY": xserver,
        "QT_QPA_PLATFORM": "xcb",
        "QT_SCALE_FACTOR": str(scale),
    }
    if dark:
        env["TRUSTDESK_TOUR_DARK"] = "1"
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
    names = result.stdout.split()
    expected = [
        "sign-in",
        "board",
        "wizard-person",
        "wizard-detainer",
        "wizard-convictions",
        "wizard-tsdb",
        "result",
        "saved-with-memo-preview",
        "history",
        "contact-dialog",
        "find",
        "person",
        "reports",
        "locked",
    ]
    assert [name.split("-", 1)[1].removesuffix(".png") for name in names] == expected

    from PySide6.QtGui import QImage

    for name in names:
        image = QImage(str(out / name))
        # The window is 1200 x 820 device-independent pixels, scaled as asked.
        assert image.width() >= int(1150 * scale) and image.height() >= int(780 * scale), name
        # A real picture, not a blank window: many distinct colours on a sample grid.
        colours = {
            image.pixel(x, y)
            for x in range(0, image.width(), 17)
            for y in range(0, image.height(), 13)
        }
        assert len(colours) > 8, f"{name} looks blank"

"""Renders trustdesk.svg to the PNG (Linux menus) and ICO (Windows) beside it.

Run after editing the SVG: ``.venv/bin/python packaging/icons/make_icons.py``. The
outputs are committed, so a build needs neither this script nor Qt's SVG module.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(HERE / "trustdesk.svg")).render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QGuiApplication([*sys.argv[:1], "-platform", "offscreen"])
    for size in (48, 256):
        if not render(size).save(str(HERE / f"trustdesk-{size}.png")):
            return 1
    return 0 if render(256).save(str(HERE / "trustdesk.ico")) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Small real images for the logo tests, made with Pillow in memory."""

from __future__ import annotations

import io

from PIL import Image


def png(width: int = 60, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 40, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(width: int = 60, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 40, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()

"""The agency logo as reportlab sees it: checked once when stored, not at every memo."""

from __future__ import annotations

import warnings
from io import BytesIO

from trustdesk.memo.errors import MemoError


class LogoTooLarge(MemoError):
    """The image has more pixels than a header logo may."""


class LogoUnreadable(MemoError):
    """reportlab cannot decode the image; the message is the library's reason, briefly."""


def decode_logo(data: bytes, *, max_pixels: int) -> tuple[int, int]:
    """The logo's (width, height) once every pixel has decoded; LogoTooLarge or LogoUnreadable.

    The size is checked before the pixels are decoded: a small file of huge dimensions
    ("decompression bomb") would otherwise exhaust memory.
    """
    from reportlab.lib.utils import ImageReader

    try:
        # Warnings (truncated data, huge images) count as failures here, as they would
        # mean a memo whose header depends on how lenient the image library is.
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            reader = ImageReader(BytesIO(data))
            width, height = reader.getSize()
            if width * height > max_pixels:
                raise LogoTooLarge(
                    f"the logo is {width} × {height} pixels; scale it down to at most "
                    f"{max_pixels:,} pixels (e.g. 600 × 200)"
                )
            reader.getRGBData()  # a damaged file fails here, not halfway through a memo
    except LogoTooLarge:
        raise
    except Exception as exc:  # reportlab and Pillow raise many kinds
        raise LogoUnreadable(type(exc).__name__) from None
    return int(width), int(height)

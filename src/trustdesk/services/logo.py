"""The agency logo: a PNG or JPEG, small, that the memo renderer can really draw."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustdesk.services.errors import InvalidRequest
from trustdesk.store.schema import LOGO_MAX_BYTES

if TYPE_CHECKING:
    from pathlib import Path

PNG, JPEG = "image/png", "image/jpeg"
_MAGIC = ((b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
#: Pixels a logo may have: a header logo is under an inch tall, and decoding a small file
#: of huge dimensions ("decompression bomb") would exhaust memory.
MAX_PIXELS = 4096 * 4096


def media_type(data: bytes) -> str | None:
    """PNG or JPEG by the file's first bytes (never by its name); None for anything else."""
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def check_logo(data: bytes) -> str:
    """The logo's media type, or InvalidRequest saying what is wrong and how to fix it."""
    if not data:
        raise InvalidRequest("the logo file is empty; choose a PNG or JPEG image")
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidRequest(
            f"the logo is {len(data) / 1024:,.0f} KiB; use a PNG or JPEG of at most "
            f"{LOGO_MAX_BYTES // 1024} KiB (600 pixels wide is plenty for the memo header)"
        )
    kind = media_type(data)
    if kind is None:
        raise InvalidRequest(
            "the logo is not a PNG or JPEG image (judged by its content, not its name); "
            "save it as PNG or JPEG"
        )
    _decode(data, "PNG" if kind == PNG else "JPEG")
    return kind


def _decode(data: bytes, label: str) -> None:
    from trustdesk.memo.logo import LogoTooLarge, LogoUnreadable, decode_logo

    try:
        decode_logo(data, max_pixels=MAX_PIXELS)
    except LogoTooLarge as exc:
        raise InvalidRequest(str(exc)) from None
    except LogoUnreadable as exc:
        raise InvalidRequest(
            f"the logo looks like a {label} file but cannot be decoded ({exc}); open it in "
            "an image editor and save it again"
        ) from None


def read_logo_file(path: Path) -> bytes:
    """The first bytes of the logo file at ``path``: one more than a logo may have, so
    the check can say it is too large. A pipe, a device or a folder given as the logo is
    refused without reading it (a pipe nobody writes to would wait for ever)."""
    from trustdesk.named_file import NotAFile, read_capped

    try:
        return read_capped(path, LOGO_MAX_BYTES)
    except NotAFile:
        raise InvalidRequest(
            f"the logo {path} is not a file (a folder, a pipe or a device); choose a PNG "
            "or JPEG image file"
        ) from None
    except OSError as exc:
        raise InvalidRequest(f"cannot read the logo {path}: {exc.strerror or exc}") from None

"""Reading the memo PDF a person names to be verified (``trustdesk verify FILE``, the
Verify dialog): a regular file of a memo's size at most, never a pipe or a device."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trustdesk.named_file import NotAFile, read_capped
from trustdesk.services.errors import InvalidRequest

if TYPE_CHECKING:
    from pathlib import Path

#: A memo is a few pages: about 75 KB with notices in two languages, plus the agency logo
#: (at most ``store.schema.LOGO_MAX_BYTES``, 512 KiB, drawn once) — well under 1 MiB.
#: 50 MiB leaves room for any logo reportlab re-encodes and for a memo re-saved by a PDF
#: program, while a device or a wrong file is refused before it fills the memory.
MAX_MEMO_BYTES = 50 * 1024 * 1024


def read_memo_file(path: Path) -> bytes:
    """The bytes of the memo PDF at ``path``; InvalidRequest (nothing read past the cap)
    for a folder, a pipe, a device, a file larger than any memo or one that cannot be read."""
    try:
        data = read_capped(path, MAX_MEMO_BYTES)
    except NotAFile:
        raise InvalidRequest(
            f"{path} is not a file (a folder, a pipe or a device); name the memo's PDF file itself"
        ) from None
    except OSError as exc:
        raise InvalidRequest(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_MEMO_BYTES:
        raise InvalidRequest(
            f"{path} is larger than {MAX_MEMO_BYTES // 1024 // 1024} MiB, far larger than any "
            "memo; name the memo's PDF file itself"
        )
    return data

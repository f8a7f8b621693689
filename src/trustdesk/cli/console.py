"""The command line's output streams where they cannot encode every character.

On Windows, Python writes a console window in Unicode, but a pipe or a file (``trustdesk
rules import pack > import.txt``, PowerShell capturing the output, a scheduled task's
log) in the ANSI code page, cp1252 on a US desk. That code page has no "→", which the
pack review prints, nor most characters outside Western European names; a strict stream
then raises UnicodeEncodeError in the middle of a command, which the user sees as an
internal error and, for ``rules import``, as no import at all.

Such streams are made to write a stand-in instead: a few signs get a readable ASCII
spelling ("→" becomes "->"), a letter with an accent its base letter where the code page
lacks it, anything else "?". The output stays in the code page other Windows tools read.
Streams that encode UTF-8 (Linux, a Windows console) are left exactly as they are.

JSON is a record a program reads back, so no character of it is ever replaced: what the
stream cannot encode is written as a JSON escape (``\\u0142``), which only strings hold
and every JSON reader turns back into the same character (:func:`json_for`).
"""

from __future__ import annotations

import codecs
import json
import sys
import unicodedata
from typing import Any, TextIO

ERRORS = "trustdesk-stand-in"

_SPELLED = {
    "→": "->",
    "←": "<-",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "✔": "[ok]",
    "✖": "[x]",
    "⚠": "(!)",
}


def stand_in(text: str) -> str:
    """What is written for ``text``, a run of characters the stream cannot encode."""
    out = []
    for char in text:
        spelled = _SPELLED.get(char)
        if spelled is None:
            base = unicodedata.normalize("NFKD", char)
            base = "".join(c for c in base if not unicodedata.combining(c))
            spelled = base if base and base.isascii() else "?"
        out.append(spelled)
    return "".join(out)


def _handler(error: UnicodeError) -> tuple[str | bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    if all("\udc80" <= char <= "\udcff" for char in text):
        # Bytes that came in undecodable (a file name, say) go out as they came.
        escaped: tuple[str | bytes, int] = codecs.lookup_error("surrogateescape")(error)
        return escaped
    return stand_in(text), error.end


codecs.register_error(ERRORS, _handler)


def _is_utf(encoding: str | None) -> bool:
    name = codecs.lookup(encoding).name if encoding else ""
    return name.startswith("utf")


def tolerate(stream: TextIO) -> None:
    """Make ``stream`` write stand-ins for what its code page cannot encode."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is None or _is_utf(getattr(stream, "encoding", None)):
        return
    # "surrogateescape" is what Python takes where the locale is unset (wine does so);
    # it fails on the same characters. A stream set to replace or escape is left so.
    if getattr(stream, "errors", "strict") in ("strict", "surrogateescape"):
        reconfigure(errors=ERRORS)


def tolerate_standard_streams() -> None:
    """:func:`tolerate` for stdout and stderr (a closed or missing one is skipped)."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not stream.closed:
            tolerate(stream)


def json_for(document: Any, stream: TextIO | None = None) -> str:
    """``document`` as indented JSON that ``stream`` (stdout) can write without a loss.

    Characters the stream's code page holds are written as they are, as on Linux; any
    other is escaped the way JSON escapes it (a pair of escapes beyond U+FFFF).
    """
    text = json.dumps(document, indent=2, ensure_ascii=False)
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None)
    if _is_utf(encoding):
        return text
    return "".join(_json_char(char, encoding or "ascii") for char in text)


def _json_char(char: str, encoding: str) -> str:
    if char.isascii():
        return char
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return json.dumps(char)[1:-1]  # ensure_ascii: \uXXXX, or a surrogate pair
    return char

"""Errors raised while reading rule packs, catalogs and case files."""

from __future__ import annotations


class RulesError(Exception):
    """Expected trouble with rule data or input files, reported in one line."""


class InputError(RulesError):
    """A file (rule pack, catalog, case) is not acceptable.

    The message names the file, the JSON pointer and what is wrong, so that it can be
    printed as is on one line.
    """

    def __init__(self, source: str, pointer: str, reason: str) -> None:
        self.source = source
        self.pointer = pointer
        self.reason = reason
        super().__init__(_one_line(f"{source}: {pointer or '/'}: {reason}"))


def _one_line(text: str) -> str:
    """Escape control characters (a key named "\\n", say) so the message stays one line."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


class PackTestFailure(RulesError):
    """A rule pack's own embedded test cases do not pass; the pack is refused."""

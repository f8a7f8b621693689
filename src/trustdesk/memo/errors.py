"""The memo layer's base exception: expected trouble rendering or writing a document."""

from __future__ import annotations


class MemoError(Exception):
    """A memo or notice could not be built, rendered or written; the message says why."""


class NoticeTextError(MemoError):
    """A notice wording file is missing, malformed or lacks a text the notice needs."""


class MemoFileError(MemoError):
    """A PDF could not be written to disk (folder missing, disk full, read-only…)."""

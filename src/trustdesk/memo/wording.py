"""The notice wording files (resources/notices/LANG.json): loaded strictly and checked.

An agency may adjust the wording without a code change; a file that lacks a text, has
an unknown key, a wrong type or a placeholder the notice cannot fill is refused with
the file, the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from trustdesk import resources
from trustdesk.memo.errors import NoticeTextError
from trustdesk.rules.errors import InputError
from trustdesk.rules.strict_json import load_path

LANGUAGES = ("en", "es")
MAX_TEXT = 600

_TEXT = "text"
_LINES = "lines"
_NAMES = "names"
#: Every key of a wording file, its kind and the placeholders its text may use.
_KEYS: dict[str, tuple[str, frozenset[str]]] = {
    "language": (_TEXT, frozenset()),
    "title": (_TEXT, frozenset()),
    "intro": (_LINES, frozenset()),
    "label_name": (_TEXT, frozenset()),
    "label_booking": (_TEXT, frozenset()),
    "label_received": (_TEXT, frozenset()),
    "label_date": (_TEXT, frozenset()),
    "not_recorded": (_TEXT, frozenset()),
    "heading_received": (_TEXT, frozenset()),
    "received": (_LINES, frozenset()),
    "form_named": (_TEXT, frozenset({"form"})),
    "heading_copy": (_TEXT, frozenset()),
    "copy": (_LINES, frozenset()),
    "heading_intent": (_TEXT, frozenset()),
    "intent_hold": (_LINES, frozenset()),
    "intent_notify": (_LINES, frozenset()),
    "intent_decline": (_LINES, frozenset()),
    "hold_end_label": (_TEXT, frozenset()),
    "hold_end_unknown": (_TEXT, frozenset()),
    "law_required": (_TEXT, frozenset()),
    "heading_questions": (_TEXT, frozenset()),
    "questions": (_LINES, frozenset()),
    "heading_served": (_TEXT, frozenset()),
    "label_officer": (_TEXT, frozenset()),
    "label_when": (_TEXT, frozenset()),
    "label_signature": (_TEXT, frozenset()),
    "page": (_TEXT, frozenset({"page", "pages"})),
    "footer": (_TEXT, frozenset({"decision_id", "version", "code"})),
    "weekdays": (_NAMES, frozenset()),
    "months": (_NAMES, frozenset()),
    "ampm": (_NAMES, frozenset()),
    "datetime_format": (
        _TEXT,
        frozenset(
            {"weekday", "day", "month", "year", "hour24", "hour12", "minute", "ampm", "zone"}
        ),
    ),
    "date_format": (_TEXT, frozenset({"weekday", "day", "month", "year"})),
    "zone_names": ("zones", frozenset()),
}
_COUNTS = {"weekdays": 7, "months": 12, "ampm": 2}


@dataclass(frozen=True, slots=True)
class Wording:
    """One language's notice texts; ``text(key)`` and ``lines(key)`` read them."""

    language: str
    path: Path
    values: MappingProxyType[str, Any]

    def text(self, key: str) -> str:
        value: str = self.values[key]
        return value

    def lines(self, key: str) -> tuple[str, ...]:
        value: tuple[str, ...] = self.values[key]
        return value

    def zone_name(self, abbreviation: str) -> str:
        zones: MappingProxyType[str, str] = self.values["zone_names"]
        return zones.get(abbreviation, abbreviation)


def wording_path(language: str) -> Path:
    return resources.resource("notices", f"{language}.json")


@cache
def load_wording(language: str) -> Wording:
    """The bundled wording for ``language`` (``en`` or ``es``), read once per process."""
    if language not in LANGUAGES:
        raise NoticeTextError(
            f"no notice wording for language {language!r}; available: {', '.join(LANGUAGES)}"
        )
    return read_wording(wording_path(language), language)


def read_wording(path: Path, language: str) -> Wording:
    """Read and check a wording file; NoticeTextError names the file, key and reason."""
    try:
        raw = load_path(path)
    except InputError as exc:
        raise NoticeTextError(str(exc)) from None
    if not isinstance(raw, dict):
        raise NoticeTextError(f"{path}: must be a JSON object of notice texts")
    for key in raw:
        if key not in _KEYS:
            raise NoticeTextError(f"{path}: /{key}: unknown key; allowed: {', '.join(_KEYS)}")
    values: dict[str, Any] = {}
    for key, (kind, fields) in _KEYS.items():
        if key not in raw:
            raise NoticeTextError(f"{path}: missing the text {key!r}")
        values[key] = _checked(path, key, kind, fields, raw[key])
    if values["language"] != language:
        raise NoticeTextError(
            f"{path}: /language: says {values['language']!r} but the file is for {language!r}"
        )
    return Wording(language, path, MappingProxyType(values))


def _checked(path: Path, key: str, kind: str, fields: frozenset[str], value: Any) -> Any:
    where = f"{path}: /{key}"
    if kind == "zones":
        if not isinstance(value, dict) or not all(
            isinstance(v, str) and v.strip() for v in value.values()
        ):
            raise NoticeTextError(f"{where}: must map zone abbreviations to non-empty names")
        return MappingProxyType(dict(value))
    if kind in (_LINES, _NAMES):
        if not isinstance(value, list) or not value:
            raise NoticeTextError(f"{where}: must be a non-empty list of texts")
        if key in _COUNTS and len(value) != _COUNTS[key]:
            raise NoticeTextError(f"{where}: must list exactly {_COUNTS[key]} names")
        return tuple(_one(f"{where}/{n}", fields, item) for n, item in enumerate(value))
    return _one(where, fields, value)


def _one(where: str, fields: frozenset[str], value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise NoticeTextError(f"{where}: must be a non-empty text")
    if len(value) > MAX_TEXT:
        raise NoticeTextError(f"{where}: is longer than {MAX_TEXT} characters")
    if not fields:
        return value
    try:
        value.format(**dict.fromkeys(fields, "x"))
    except KeyError as exc:
        allowed = ", ".join("{" + name + "}" for name in sorted(fields)) or "none"
        raise NoticeTextError(
            f"{where}: unknown placeholder {{{exc.args[0]}}}; allowed here: {allowed}"
        ) from None
    except (ValueError, IndexError) as exc:
        raise NoticeTextError(
            f"{where}: braces must enclose a placeholder name ({exc}); write {{{{ or }}}} "
            "for a literal brace"
        ) from None
    return value

"""The notice wording files (resources/notices/LANG.json): loaded strictly and checked.

A file holds the labels every document shares (names, dates, page footer, the officer's
"given to you by" block) and, under ``documents``, one entry per document a rule pack can
require (``detainer_copy_and_intent``, ``detainer_copy``, ``release_date_told``,
``truth_consent``). A new language is one new file with the same keys as ``en.json``.
An agency may adjust the wording without a code change; a file that lacks a text, has
an unknown key, a wrong type or a placeholder the document cannot fill is refused with
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

MAX_TEXT = 600

_TEXT = "text"
_LINES = "lines"
_NAMES = "names"
_NONE: frozenset[str] = frozenset()
KeySpec = dict[str, tuple[str, frozenset[str]]]

#: The labels every document shares: each key's kind and the placeholders it may use.
_SHARED: KeySpec = {
    "language": (_TEXT, _NONE),
    "label_name": (_TEXT, _NONE),
    "label_booking": (_TEXT, _NONE),
    "label_received": (_TEXT, _NONE),
    "label_date": (_TEXT, _NONE),
    "not_recorded": (_TEXT, _NONE),
    # Beside the agency's intent while a supervisor has still to review the decision.
    "review_pending": (_TEXT, _NONE),
    "heading_questions": (_TEXT, _NONE),
    "questions": (_LINES, _NONE),
    "heading_served": (_TEXT, _NONE),
    "label_officer": (_TEXT, _NONE),
    "label_when": (_TEXT, _NONE),
    "label_signature": (_TEXT, _NONE),
    "page": (_TEXT, frozenset({"page", "pages"})),
    "footer": (_TEXT, frozenset({"decision_id", "version", "code"})),
    "weekdays": (_NAMES, _NONE),
    "months": (_NAMES, _NONE),
    "ampm": (_NAMES, _NONE),
    "datetime_format": (
        _TEXT,
        frozenset(
            {"weekday", "day", "month", "year", "hour24", "hour12", "minute", "ampm", "zone"}
        ),
    ),
    "date_format": (_TEXT, frozenset({"weekday", "day", "month", "year"})),
    "zone_names": ("zones", _NONE),
    # In the hour repeated when the clocks go back, the general name ("Eastern Time")
    # does not say which of the two times it was: the exact one is written there.
    "zone_names_exact": ("zones", _NONE),
}

#: The keys of every document (``review_flag`` is the one optional key: a line printed on
#: the document while its wording awaits a certified translator's review).
_DOCUMENT_COMMON: KeySpec = {
    "title": (_TEXT, _NONE),
    "intro": (_LINES, _NONE),
    "law_required": (_TEXT, _NONE),
}
_RECEIVED: KeySpec = {
    "heading_received": (_TEXT, _NONE),
    "received": (_LINES, _NONE),
    "form_named": (_TEXT, frozenset({"form"})),
    "heading_copy": (_TEXT, _NONE),
    "copy": (_LINES, _NONE),
    "heading_intent": (_TEXT, _NONE),
    "intent_hold": (_LINES, _NONE),
    "intent_decline": (_LINES, _NONE),
}
#: Each document id and the keys of its own texts.
DOCUMENT_KEYS: dict[str, KeySpec] = {
    # Connecticut (Conn. Gen. Stat. § 54-192h(c) from 2019): the copy and the intent.
    "detainer_copy_and_intent": {
        **_DOCUMENT_COMMON,
        **_RECEIVED,
        "intent_notify": (_LINES, _NONE),
        "hold_end_label": (_TEXT, _NONE),
        "hold_end_unknown": (_TEXT, _NONE),
    },
    # California (Gov. Code § 7283.1(b)): a copy of any hold, notification or transfer
    # request and whether the agency intends to comply.
    "detainer_copy": {
        **_DOCUMENT_COMMON,
        **_RECEIVED,
        "release_date_may_share": (_LINES, _NONE),
        "release_date_no_share": (_LINES, _NONE),
        # Above the hold's end once it is known (a law that allows a hold: AB 4).
        "hold_end_label": (_TEXT, _NONE),
    },
    # California (Gov. Code § 7283.1(b)): told in writing that ICE was given a release date.
    "release_date_told": {
        **_DOCUMENT_COMMON,
        "heading_told": (_TEXT, _NONE),
        "told": (_LINES, _NONE),
        # When ICE was told (the contact's time), or a line to write it on.
        "told_at": (_TEXT, frozenset({"when"})),
        "label_told_at": (_TEXT, _NONE),
        "label_release": (_TEXT, _NONE),
        "heading_copy_to": (_TEXT, _NONE),
        "copy_to": (_LINES, _NONE),
        "label_copy_to": (_TEXT, _NONE),
    },
    # California (Gov. Code § 7283.1(a)): the consent form before an ICE interview.
    "truth_consent": {
        **_DOCUMENT_COMMON,
        "heading_purpose": (_TEXT, _NONE),
        "purpose": (_LINES, _NONE),
        "heading_voluntary": (_TEXT, _NONE),
        "voluntary": (_LINES, _NONE),
        "heading_choice": (_TEXT, _NONE),
        "choice_instruction": (_TEXT, _NONE),
        "choice_agree": (_TEXT, _NONE),
        "choice_attorney": (_TEXT, _NONE),
        "choice_decline": (_TEXT, _NONE),
        "label_person_signature": (_TEXT, _NONE),
        "label_person_date": (_TEXT, _NONE),
        "label_interpreter": (_TEXT, _NONE),
    },
}
_OPTIONAL = {"review_flag": (_TEXT, _NONE)}
_COUNTS = {"weekdays": 7, "months": 12, "ampm": 2}


@dataclass(frozen=True, slots=True)
class DocumentWording:
    """One document's texts in one language; ``text(key)`` and ``lines(key)`` read them."""

    id: str
    values: MappingProxyType[str, Any]

    def text(self, key: str) -> str:
        value: str = self.values[key]
        return value

    def lines(self, key: str) -> tuple[str, ...]:
        value: tuple[str, ...] = self.values[key]
        return value

    @property
    def review_flag(self) -> str:
        """Not empty while the wording awaits a certified translator's review."""
        value: str = self.values.get("review_flag", "")
        return value


@dataclass(frozen=True, slots=True)
class Wording:
    """One language's shared labels and documents."""

    language: str
    path: Path
    values: MappingProxyType[str, Any]
    documents: MappingProxyType[str, DocumentWording]

    def text(self, key: str) -> str:
        value: str = self.values[key]
        return value

    def lines(self, key: str) -> tuple[str, ...]:
        value: tuple[str, ...] = self.values[key]
        return value

    def zone_name(self, abbreviation: str, *, exact: bool = False) -> str:
        """The zone's name in this language: its general name ("Eastern Time"), or with
        ``exact`` the name that tells daylight from standard time."""
        zones: MappingProxyType[str, str] = self.values[
            "zone_names_exact" if exact else "zone_names"
        ]
        return zones.get(abbreviation, abbreviation)

    def document(self, document_id: str) -> DocumentWording:
        try:
            return self.documents[document_id]
        except KeyError:
            raise NoticeTextError(
                f"{self.path}: has no document {document_id!r}; "
                f"documents: {', '.join(self.documents)}"
            ) from None


def wording_path(language: str) -> Path:
    return resources.resource("notices", f"{language}.json")


def available_languages() -> tuple[str, ...]:
    """The languages with a bundled wording file, English first (a file is a language)."""
    folder = wording_path("en").parent
    found = sorted(path.stem for path in folder.glob("*.json"))
    return tuple(sorted(found, key=lambda lang: (lang != "en", lang)))


#: The bundled languages when this module was loaded.
LANGUAGES = available_languages()


@cache
def load_wording(language: str) -> Wording:
    """The bundled wording for ``language`` (``en``, ``es``…), read once per process."""
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
    values = _section(path, "", raw, {**_SHARED, "documents": ("documents", _NONE)}, {})
    values.pop("documents")
    if values["language"] != language:
        raise NoticeTextError(
            f"{path}: /language: says {values['language']!r} but the file is for {language!r}"
        )
    documents = raw["documents"]
    if not isinstance(documents, dict):
        raise NoticeTextError(f"{path}: /documents: must be an object of documents")
    for document_id in documents:
        if document_id not in DOCUMENT_KEYS:
            raise NoticeTextError(
                f"{path}: /documents/{document_id}: unknown document; "
                f"known: {', '.join(DOCUMENT_KEYS)}"
            )
    checked: dict[str, DocumentWording] = {}
    for document_id, keys in DOCUMENT_KEYS.items():
        if document_id not in documents:
            raise NoticeTextError(f"{path}: missing the document {document_id!r}")
        body = documents[document_id]
        where = f"/documents/{document_id}"
        if not isinstance(body, dict):
            raise NoticeTextError(f"{path}: {where}: must be an object of texts")
        texts = _section(path, where, body, keys, _OPTIONAL)
        checked[document_id] = DocumentWording(document_id, MappingProxyType(texts))
    return Wording(language, path, MappingProxyType(values), MappingProxyType(checked))


def _section(
    path: Path, where: str, raw: dict[str, Any], keys: KeySpec, optional: KeySpec
) -> dict[str, Any]:
    allowed = {**keys, **optional}
    for key in raw:
        if key not in allowed:
            raise NoticeTextError(
                f"{path}: {where}/{key}: unknown key; allowed: {', '.join(allowed)}"
            )
    values: dict[str, Any] = {}
    for key, (kind, fields) in allowed.items():
        if key not in raw:
            if key in optional:
                continue
            place = f" in {where}" if where else ""
            raise NoticeTextError(f"{path}: missing the text {key!r}{place}")
        if kind == "documents":
            values[key] = raw[key]
            continue
        values[key] = _checked(f"{path}: {where}/{key}", key, kind, fields, raw[key])
    return values


def _checked(where: str, key: str, kind: str, fields: frozenset[str], value: Any) -> Any:
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

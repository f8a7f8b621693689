"""Notice wording files: the bundled ones load; a broken one is refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustdesk.memo.errors import NoticeTextError
from trustdesk.memo.wording import (
    DOCUMENT_KEYS,
    LANGUAGES,
    load_wording,
    read_wording,
    wording_path,
)

CT = "detainer_copy_and_intent"


def _doc(data: Any) -> Any:
    return data["documents"][CT]


@pytest.mark.parametrize("language", LANGUAGES)
def test_bundled_wording_loads(language: str) -> None:
    wording = load_wording(language)
    assert wording.language == language
    assert len(wording.lines("weekdays")) == 7


def test_both_languages_have_the_same_shape() -> None:
    english, spanish = (load_wording(language) for language in ("en", "es"))
    for key, value in english.values.items():
        if isinstance(value, tuple) and key not in ("weekdays", "months", "ampm"):
            assert len(value) == len(spanish.values[key]), key
    for document, texts in english.documents.items():
        for key, value in texts.values.items():
            if isinstance(value, tuple):
                assert len(value) == len(spanish.document(document).values[key]), (document, key)


def _keys(data: Any, prefix: str = "") -> set[str]:
    found: set[str] = set()
    for key, value in data.items():
        found.add(prefix + key)
        if key == "documents" or (prefix.startswith("documents/") and prefix.count("/") == 1):
            found |= _keys(value, f"{prefix}{key}/")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_file_has_every_key_of_english(language: str) -> None:
    """A new language is one new file: it must say everything en.json says."""
    english = json.loads(wording_path("en").read_text(encoding="utf-8"))
    other = json.loads(wording_path(language).read_text(encoding="utf-8"))
    optional = {key for key in _keys(other) if key.endswith("/review_flag")}
    assert _keys(english) - _keys(other) == set()
    assert _keys(other) - _keys(english) - optional == set()


def test_every_document_has_its_own_title_in_every_language() -> None:
    titles = {
        language: {doc: load_wording(language).document(doc).text("title") for doc in DOCUMENT_KEYS}
        for language in LANGUAGES
    }
    assert set(titles["en"]) == {
        "detainer_copy_and_intent",
        "detainer_copy",
        "release_date_told",
        "truth_consent",
    }
    assert titles["en"]["truth_consent"] != titles["es"]["truth_consent"]


def test_unverified_spanish_documents_carry_the_translator_flag() -> None:
    """No certified translator has read any of the Spanish texts. The Connecticut
    notice's once went without the flag, as it shipped first; lines added to it since
    (a decision still to be reviewed, the hold's end) were printed to the person with no
    word that nobody had checked them (a hostile pass). Every document carries it."""
    spanish = load_wording("es")
    for document in (
        "detainer_copy_and_intent",
        "detainer_copy",
        "release_date_told",
        "truth_consent",
    ):
        assert "certified translator" in spanish.document(document).review_flag


def write(tmp_path: Path, change: Any) -> Path:
    data = json.loads(wording_path("en").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "en.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _doc(d).pop("title"), f"missing the text 'title' in /documents/{CT}"),
        (lambda d: d.update(extra="x"), "/extra: unknown key"),
        (lambda d: _doc(d).update(extra="x"), f"/documents/{CT}/extra: unknown key"),
        (lambda d: d["documents"].update(fax={}), "/documents/fax: unknown document"),
        (lambda d: d["documents"].pop("truth_consent"), "missing the document 'truth_consent'"),
        (lambda d: _doc(d).update(title=""), f"/documents/{CT}/title: must be a non-empty text"),
        (lambda d: _doc(d).update(intro="one"), "/intro: must be a non-empty list of texts"),
        (lambda d: d.update(weekdays=["Mon"]), "/weekdays: must list exactly 7 names"),
        (lambda d: d.update(page="Page {page} of {total}"), r"unknown placeholder \{total\}"),
        (lambda d: _doc(d).update(form_named="form {form"), "braces must enclose a placeholder"),
        (lambda d: d.update(language="es"), "says 'es' but the file is for 'en'"),
        (lambda d: d.update(zone_names={"EST": 5}), "must map zone abbreviations"),
    ],
)
def test_broken_wording_is_refused(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(NoticeTextError, match=message):
        read_wording(write(tmp_path, change), "en")


def test_strict_json_duplicate_keys_are_refused(tmp_path: Path) -> None:
    text = wording_path("en").read_text(encoding="utf-8")
    path = tmp_path / "en.json"
    path.write_text(text.replace('"title":', '"title": "x", "title":', 1), encoding="utf-8")
    with pytest.raises(NoticeTextError, match="duplicate key 'title'"):
        read_wording(path, "en")


def test_literal_braces_in_plain_texts_are_fine(tmp_path: Path) -> None:
    wording = read_wording(write(tmp_path, lambda d: _doc(d).update(title="Notice {draft}")), "en")
    assert wording.document(CT).text("title") == "Notice {draft}"

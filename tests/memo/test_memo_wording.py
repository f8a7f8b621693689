"""Notice wording files: the bundled ones load; a broken one is refused with the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustdesk.memo.errors import NoticeTextError
from trustdesk.memo.wording import LANGUAGES, load_wording, read_wording, wording_path


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


def write(tmp_path: Path, change: Any) -> Path:
    data = json.loads(wording_path("en").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "en.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("title"), "missing the text 'title'"),
        (lambda d: d.update(extra="x"), "/extra: unknown key"),
        (lambda d: d.update(title=""), "/title: must be a non-empty text"),
        (lambda d: d.update(intro="one line"), "/intro: must be a non-empty list of texts"),
        (lambda d: d.update(weekdays=["Mon"]), "/weekdays: must list exactly 7 names"),
        (lambda d: d.update(page="Page {page} of {total}"), r"unknown placeholder \{total\}"),
        (lambda d: d.update(form_named="form {form"), "braces must enclose a placeholder"),
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
    wording = read_wording(write(tmp_path, lambda d: d.update(title="Notice {draft}")), "en")
    assert wording.text("title") == "Notice {draft}"

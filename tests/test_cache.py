"""The validation cache: where it lives, and that a broken one is simply redone."""

from __future__ import annotations

import pytest
from platformdirs import user_cache_dir

from trustdesk.rules import cache


@pytest.mark.parametrize("xdg", [None, "/srv/cache", "relative/ignored", ""])
def test_default_folder_is_platformdirs_answer(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    monkeypatch.delenv("TRUSTDESK_CACHE_DIR", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert str(cache.cache_dir()) == user_cache_dir("trustdesk", appauthor=False)


def test_override_and_round_trip(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path))
    assert cache.read("facts") == {}
    cache.write("facts", {"a": True})
    assert cache.read("facts") == {"a": True}
    for stored in cache.cache_dir().glob("facts-*.json"):
        stored.write_text("[1, 2")
    assert cache.read("facts") == {}


def test_disabled_cache_neither_reads_nor_writes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("TRUSTDESK_NO_CACHE", "1")
    cache.write("facts", {"a": True})
    assert list(cache.cache_dir().glob("*")) == []
    assert cache.read("facts") == {}

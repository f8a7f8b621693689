"""A cache folder shared by the desk's accounts (``TRUSTDESK_CACHE_DIR`` set machine-wide):
what another account could have written there is not believed. The cache holds the
federal holidays the hold clock skips and which pack files passed validation, so a
planted file would lengthen every hold, or let a pack skip its checks."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from trustdesk.rules import cache, calendar

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX owners and modes")

#: A Tuesday that is no holiday.
ORDINARY_DAY = date(2026, 3, 10)


def _plant_holiday(folder: Path) -> Path:
    name = calendar._cache_name()
    assert name is not None
    days = {str(year): {} for year in range(2010, 2046)}
    days["2026"] = {ORDINARY_DAY.isoformat(): "Independence Day"}
    planted = cache._file(name)
    assert planted.parent == folder
    planted.write_text(json.dumps({"years": days}), encoding="utf-8")
    return planted


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    folder = tmp_path / "shared-cache"
    folder.mkdir()
    folder.chmod(0o1777)
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(folder))
    monkeypatch.delenv("TRUSTDESK_NO_CACHE", raising=False)
    return folder


def test_a_holiday_planted_in_a_file_others_can_write_is_not_believed(shared: Path) -> None:
    planted = _plant_holiday(shared)
    planted.chmod(0o666)
    assert calendar._FederalHolidays().name(ORDINARY_DAY) is None
    # The genuine calendar was computed and written over it, for this account only.
    assert calendar._FederalHolidays().name(date(2026, 7, 3)) == "Independence Day (observed)"
    assert planted.stat().st_mode & 0o077 == 0


def test_a_pack_marked_trusted_in_a_file_others_can_write_is_not_believed(shared: Path) -> None:
    cache.write("facts", {"a": True})
    assert cache.read("facts") == {"a": True}
    (stored,) = shared.glob("facts-*.json")
    stored.chmod(0o664)
    assert cache.read("facts") == {}


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_a_cache_file_of_another_account_is_not_believed(shared: Path) -> None:
    planted = _plant_holiday(shared)
    planted.chmod(0o600)
    os.chown(planted, 65534, 65534)  # written by another desk account (nobody)
    assert calendar._FederalHolidays().name(ORDINARY_DAY) is None

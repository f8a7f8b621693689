"""Shared test setup: an isolated cache folder, the loaded rule set, case builders."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import pytest

# Tests never read or write the user's real cache (set before trustdesk is imported).
os.environ["TRUSTDESK_CACHE_DIR"] = tempfile.mkdtemp(prefix="trustdesk-test-cache-")
# ... nor its log folder; and Qt draws offscreen unless a test asks for a real X server.
os.environ["TRUSTDESK_LOG_DIR"] = tempfile.mkdtemp(prefix="trustdesk-test-log-")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# ... nor the real per-user data folder, for a command run without --data-dir.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="trustdesk-test-data-")
os.environ.pop("TRUSTDESK_DATA_DIR", None)
# ... nor the per-user chain-head anchors (store/anchor.py).
os.environ["TRUSTDESK_ANCHOR_DIR"] = tempfile.mkdtemp(prefix="trustdesk-test-anchors-")
# ... nor this machine's config file (/etc/trustdesk/config.toml): an empty one sets nothing.
os.environ["TRUSTDESK_CONFIG"] = os.path.join(
    tempfile.mkdtemp(prefix="trustdesk-test-config-"), "config.toml"
)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustdesk.rules.registry import RuleSet

from casekit import BASE_CASE, conviction, make_case
from trustdesk.config import KEYS

# (Created here: a statement above would end the imports. config reads files only when asked.)
open(os.environ["TRUSTDESK_CONFIG"], "w").close()
# ... nor settings of this machine's environment.
for _key in KEYS:
    os.environ.pop(_key.env, None)

__all__ = ["BASE_CASE", "conviction", "make_case"]


@pytest.fixture(autouse=True)
def _fresh_settings() -> Any:
    """Each test reads the machine settings afresh (the CLI keeps those it started with)."""
    yield
    from trustdesk import config

    config.forget()


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    from trustdesk.rules.registry import load_rules

    return load_rules()


# --- decision store and services (tests/store) -------------------------------------------


@pytest.fixture
def store(tmp_path: Any) -> Any:
    """A fresh store in a temporary data folder, closed after the test."""
    from trustdesk.store.store import Store

    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def desk(tmp_path: Any, rules: RuleSet) -> Any:
    """Services over a fresh store with users of every role (see tests/store/storekit.py)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "store"))
    from storekit import open_desk

    opened = open_desk(tmp_path / "data", rules)
    yield opened
    opened.services.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives widgets is a ``gui`` test: ``-m "not gui"`` runs the rest."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)

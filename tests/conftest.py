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


#: The store's backends. The store and service suites run on both; a test about the
#: SQLite file itself says so with ``@pytest.mark.sqlite_only("why")``.
BACKENDS = ("sqlite", "postgresql")
BOTH_BACKENDS_IN = ("store", "services")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``backend`` (under ``store``/``desk``/``database``): both in tests/store and
    tests/services, SQLite elsewhere and where a test is marked ``sqlite_only``, the
    server alone where it is marked ``postgresql_only``."""
    if "backend" not in metafunc.fixturenames:
        return
    path = metafunc.definition.path
    both = path.parent.name in BOTH_BACKENDS_IN and path.parent.parent.name == "tests"
    if metafunc.definition.get_closest_marker("sqlite_only") is not None:
        both = False
    if metafunc.definition.get_closest_marker("postgresql_only") is not None:
        metafunc.parametrize("backend", ("postgresql",))
    elif both:
        metafunc.parametrize("backend", BACKENDS)


@pytest.fixture
def backend() -> str:
    """The store's backend where a test is not run on both: SQLite."""
    return BACKENDS[0]


@pytest.fixture(scope="session")
def pg_cluster() -> Any:
    """A throwaway PostgreSQL cluster for the session (tests/pgkit.py); never skipped:
    without the server's binaries it fails and says how to install them."""
    from pgkit import PgCluster

    cluster = PgCluster()
    yield cluster
    cluster.destroy()


@pytest.fixture
def server(pg_cluster: Any) -> Any:
    """The test cluster as a test stops and starts it (``stop()`` is an immediate stop);
    started again after the test if the test left it stopped."""
    state = {"up": True}

    class Server:
        def stop(self) -> None:
            pg_cluster.stop("immediate")
            state["up"] = False

        def start(self) -> None:
            pg_cluster.start()
            state["up"] = True

    yield Server()
    if not state["up"]:
        pg_cluster.start()


@pytest.fixture
def database(backend: str, request: pytest.FixtureRequest) -> Any:
    """None (SQLite in the data folder) or the URL of a fresh store database on the test
    cluster, for a desk login role; dropped after the test."""
    if backend == "sqlite":
        yield None
        return
    cluster = request.getfixturevalue("pg_cluster")
    url = cluster.new_store_database()
    yield url
    cluster.drop(url)


@pytest.fixture
def store(tmp_path: Any, database: str | None) -> Any:
    """A fresh store (SQLite in a temporary data folder, or on the test cluster), closed
    after the test."""
    from trustdesk.store.store import Store

    opened = Store.open(tmp_path / "data", database=database)
    yield opened
    opened.close()


@pytest.fixture
def desk(tmp_path: Any, rules: RuleSet, database: str | None) -> Any:
    """Services over a fresh store with users of every role (see tests/store/storekit.py)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent / "store"))
    from storekit import open_desk

    opened = open_desk(tmp_path / "data", rules, database=database)
    yield opened
    opened.services.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives widgets is a ``gui`` test: ``-m "not gui"`` runs the rest."""
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)

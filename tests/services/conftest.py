"""Fixtures shared by the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servicekit import FAST_HASHER, Clock

from trustdesk.services.bundle import Services, open_services


@pytest.fixture
def fresh(tmp_path: Path, rules: Any) -> Iterator[Services]:
    """Services over a brand-new data folder: no account, no profile."""
    services = open_services(tmp_path / "new", rules, hasher=FAST_HASHER, clock=Clock())
    yield services
    services.close()

"""The store tests' helpers (tests/store/storekit.py), importable from this folder too."""

from __future__ import annotations

import sys
from pathlib import Path

# Test folders are not packages, and a second conftest.py here would shadow the root one
# for ``from casekit import …``: so the path is set here, by the module that needs it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))

from storekit import (
    FAST_HASHER,
    ROLE_PASSWORDS,
    Clock,
    Desk,
)

__all__ = ["FAST_HASHER", "ROLE_PASSWORDS", "Clock", "Desk"]

"""Case builders shared by the tests (a module of its own: ``from casekit import`` would
find whichever conftest.py comes first on sys.path when tests/ui runs alongside)."""

from __future__ import annotations

import copy
from typing import Any

BASE_CASE: dict[str, Any] = {
    "decision_time": "2026-11-19T09:00:00-05:00",
    "detainer": {"form": "I-247A", "judicial_warrant": False, "administrative_warrant": "I-200"},
    "person": {
        "name": "María Peña",
        "date_of_birth": "1990-04-17",
        "booking_number": "NH-2026-0412",
    },
    "convictions": [],
    "pending_charges": [],
    "outstanding_ct_warrant": False,
    "gang_member": False,
    "security_risk_group": False,
    "tsdb_match": False,
    "final_removal_order": False,
    "public_safety_risk": {"asserted": False},
}


def make_case(**changes: Any) -> dict[str, Any]:
    """A complete, valid case dict with top-level fields replaced by ``changes``."""
    case = copy.deepcopy(BASE_CASE)
    case.update(changes)
    return case


def conviction(
    statute: str, level: str, klass: str, jurisdiction: str = "CT", **extra: Any
) -> dict[str, Any]:
    return {
        "statute": statute,
        "level": level,
        "class": klass,
        "jurisdiction": jurisdiction,
        **extra,
    }

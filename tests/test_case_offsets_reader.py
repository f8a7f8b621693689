"""The check of a case's offsets against its zones, as the reader's intake applies it
(core/offsets.py, decision 0085)."""

from __future__ import annotations

from typing import Any

import pytest

from casekit import make_case
from trustdesk.core.offsets import offset_mismatch
from trustdesk.rules.caseio import parse_case

NY = ["America/New_York"]


def _case(rules: Any, **changes: Any) -> Any:
    return parse_case(make_case(**changes), "case.json", rules.sections)


@pytest.mark.parametrize(
    "decided",
    [
        "2026-11-19T09:00:00-05:00",
        "2025-07-04T10:00:00-04:00",
        "2026-11-01T01:30:00-04:00",  # the repeated hour, first reading
        "2026-11-01T01:30:00-05:00",  # and second
        "2025-07-04T14:00:00Z",
        "2025-07-04T14:00:00+00:00",
    ],
)
def test_offsets_the_zone_had_are_accepted(rules: Any, decided: str) -> None:
    assert offset_mismatch(_case(rules, decision_time=decided), NY) is None


def test_the_detainer_s_time_is_checked_too(rules: Any) -> None:
    detainer = {
        "form": "I-247A",
        "judicial_warrant": False,
        "received_at": "2025-07-04T08:00-05:00",
    }
    found = offset_mismatch(
        _case(rules, decision_time="2025-07-04T10:00:00-04:00", detainer=detainer), NY
    )
    assert found is not None and found.pointer == "/detainer/received_at"


def test_a_wall_time_skipped_in_spring_is_said_not_to_exist(rules: Any) -> None:
    """02:30 on 8 Mar 2026 never showed on a New York clock; -05:00 makes it 03:30 EDT."""
    found = offset_mismatch(_case(rules, decision_time="2026-03-08T02:30:00-05:00"), NY)
    assert found is not None and found.pointer == "/decision_time"
    assert "read by its offset it is Sun 08 Mar 2026 03:30 EDT" in found.message
    assert (
        "read as the wall clock in America/New_York, 02:30 did not exist that day" in found.message
    )
    assert "2026-03-08T03:30:00-04:00 if the instant the offset gives was meant" in found.message

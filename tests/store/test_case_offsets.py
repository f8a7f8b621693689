"""A case time whose UTC offset its zone did not have then is refused where a case is
taken in, naming the field and both readings; nothing is recorded (decision 0085)."""

from __future__ import annotations

from typing import Any

import pytest
from storekit import Desk

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import InvalidRequest
from trustdesk.store.records import AgencyProfile
from trustdesk.store.search import SearchQuery

#: 10:00 with New York's winter offset, on the Fourth of July (New York is on -04:00).
JULY_WRONG = "2025-07-04T10:00:00-05:00"


def _case(rules: Any, **changes: Any) -> tuple[Any, dict[str, Any]]:
    raw = make_case(**changes)
    return parse_case(raw, "test case", rules.catalog), raw


def _decisions(desk: Desk) -> list[Any]:
    return list(desk.services.decisions.search(desk.session("supervisor"), SearchQuery()))


@pytest.mark.parametrize("field", ["decision_time", "releasable_at"])
def test_an_offset_the_zone_did_not_have_is_refused_with_both_readings(
    desk: Desk, rules: Any, field: str
) -> None:
    times = {"decision_time": "2025-07-04T09:00:00-04:00", "releasable_at": JULY_WRONG}
    if field == "decision_time":
        times = {"decision_time": JULY_WRONG}
    case, raw = _case(rules, convictions=[conviction("53a-134", "felony", "B")], **times)
    with pytest.raises(InvalidRequest) as refused:
        desk.services.decisions.create(desk.session("officer"), case, raw)
    message = str(refused.value)
    assert message.startswith(f"/{field}: 2025-07-04T10:00:00-05:00 carries the UTC offset -05:00")
    assert "America/New_York did not have at that time (it was on -04:00, EDT)" in message
    assert "read by its offset it is Fri 04 Jul 2025 11:00 EDT" in message
    assert "read as the wall clock in America/New_York, Fri 04 Jul 2025 10:00 EDT" in message
    assert "2025-07-04T10:00:00-04:00 if 10:00 on the wall clock was meant" in message
    assert "2025-07-04T11:00:00-04:00 if the instant the offset gives was meant" in message
    assert _decisions(desk) == []


def test_both_readings_of_the_repeated_hour_and_utc_are_accepted(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    for decided in ("2026-11-01T01:30:00-04:00", "2026-11-01T01:30:00-05:00", "2026-11-19T14:00Z"):
        case, raw = _case(rules, decision_time=decided)
        desk.services.decisions.create(officer, case, raw)
    assert len(_decisions(desk)) == 3


def test_the_agency_s_own_zone_is_accepted_as_the_desk_writes_it(desk: Desk, rules: Any) -> None:
    """The review wizard writes times in the agency profile's zone: a desk in Chicago
    under Connecticut's packs writes -06:00, and that is not a wrong offset."""
    admin = desk.session("admin")
    desk.services.agency.update(admin, AgencyProfile("A", "F", "CT0009300", "America/Chicago"))
    case, raw = _case(rules, decision_time="2026-11-19T08:00:00-06:00")
    desk.services.decisions.create(desk.session("officer"), case, raw)
    case, raw = _case(rules, decision_time="2026-11-19T08:00:00-07:00")
    with pytest.raises(InvalidRequest, match="America/Chicago did not have at that time"):
        desk.services.decisions.create(desk.session("officer"), case, raw)
    assert len(_decisions(desk)) == 1

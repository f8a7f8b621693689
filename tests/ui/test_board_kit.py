"""Helpers shared by the board and history tests: decisions on the desk, a page's context.

(Named ``test_*`` only so that it sits with the tests it serves; it holds no tests.)
"""

from __future__ import annotations

from typing import Any

from uikit import FakeTime

from casekit import make_case as base_case
from trustdesk.rules.caseio import parse_case
from trustdesk.store.case_records import SavedDecision
from trustdesk.ui.context import RulesHolder, UiContext

#: T0 (Fri 20 Nov 2026, 11:00 in Connecticut), as the case files write it.
DECIDED = "2026-11-20T11:00:00-05:00"
#: A conviction that lets the detainer be honoured (a hold opens).
SERIOUS = {"statute": "53a-134", "level": "felony", "class": "B", "jurisdiction": "CT"}


def make_case(**changes: Any) -> dict[str, Any]:
    """The shared complete case (tests/casekit.py), decided at T0."""
    return base_case(**{"decision_time": DECIDED, **changes})


def decide(desk: Any, rules: Any, officer: str = "officer", **changes: Any) -> SavedDecision:
    """Record a decision through the service, as the review wizard would."""
    raw = make_case(**changes)
    case = parse_case(raw, "test", rules.sections)
    return desk.services.decisions.create(desk.session(officer), case, raw)  # type: ignore[no-any-return]


def hold(
    desk: Any, rules: Any, name: str, booking: str, releasable: str | None, **changes: Any
) -> SavedDecision:
    """An honoured detainer: a hold expiring 48 business hours after ``releasable``."""
    person = {"name": name, "date_of_birth": "1990-04-17", "booking_number": booking}
    extra = {} if releasable is None else {"releasable_at": releasable}
    if releasable is None:
        changes.setdefault("tsdb_match", True)  # honoured without a known start
    else:
        changes.setdefault("convictions", [SERIOUS])
    saved = decide(desk, rules, person=person, **extra, **changes)
    assert saved.hold_id is not None
    return saved


def context(desk: Any, rules: Any, time: FakeTime, username: str = "officer") -> UiContext:
    session = desk.session(username)
    role = desk.store.users.by_id(session.user_id).role
    return UiContext(
        desk.services, RulesHolder(rules), time.clock(), session, role, "America/New_York"
    )


def events(desk: Any, name: str) -> list[Any]:
    return list(desk.store.audit.of_events(name))

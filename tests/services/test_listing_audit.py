"""A list shown again unchanged is not audited again; a changed list or a new session is."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
from storekit import open_desk

from trustdesk.rules.caseio import parse_case


def listed(desk: Any) -> list[dict[str, Any]]:
    return [e.objects_dict() for e in desk.store.audit.of_events("holds.listed")]


def test_refreshing_an_unchanged_board_writes_one_entry(tmp_path: Path, rules: Any) -> None:
    from casekit import make_case

    desk = open_desk(tmp_path / "data", rules)
    try:
        officer = desk.session("officer")
        for _ in range(5):
            desk.services.holds.active(officer)
        assert len(listed(desk)) == 1
        raw = make_case(
            decision_time=desk.clock.now.isoformat(),
            releasable_at=desk.clock.now.isoformat(),
            detainer={"form": "I-247A", "judicial_warrant": True},
        )
        desk.services.decisions.create(officer, parse_case(raw, "t", rules.sections), raw)
        desk.services.holds.active(officer)
        desk.services.holds.active(officer)
        entries = listed(desk)
        assert len(entries) == 2 and len(entries[-1]["shown"]) == 1
        desk.clock.advance(seconds=1)
        again = desk.session("officer")  # a new session is audited afresh
        desk.services.holds.active(again)
        assert len(listed(desk)) == 3
    finally:
        desk.services.close()

"""Reports follow the packs: decisions that recorded action outcomes (rule-pack format 3)
are counted per action and outcome, on both backends; records without them add nothing
and leave the report's figures as they were."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import reportkit
from reportkit import NOW, PERIOD, make_record, outcomes_for, truth

from trustdesk.services.report_figures import ACTION_OUTCOMES, DISCLOSURE_WORDS
from trustdesk.services.reports import ReportRequest, build_report


@pytest.fixture
def record(desk: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    reportkit.with_action_outcomes(monkeypatch)
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    return desk, make_record(desk.store, users)


def test_counts_per_action_outcome(record: Any) -> None:
    desk, planned = record
    made = build_report(
        desk.services.ctx, ReportRequest(desk.session("supervisor"), *PERIOD, by="decided")
    )
    expected: dict[str, Counter[str]] = {}
    for item in truth(planned, "decided").counted:
        for entry in outcomes_for(item.latest):
            expected.setdefault(entry["id"], Counter())[entry["outcome"]] += 1
    figure = made.figure("action_outcomes")
    found = {row[0]: row[1:] for row in figure.rows}
    assert found == {
        DISCLOSURE_WORDS[action]: (
            *(counts[key] for key, _ in ACTION_OUTCOMES),
            sum(counts.values()),
        )
        for action, counts in expected.items()
    }
    assert len(figure.columns) == 2 + len(ACTION_OUTCOMES)


def test_records_without_outcomes_add_no_figure(desk: Any) -> None:
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    make_record(desk.store, users)
    made = build_report(
        desk.services.ctx, ReportRequest(desk.session("supervisor"), *PERIOD, by="decided")
    )
    assert "action_outcomes" not in {figure.id for figure in made.figures}

"""Report figures against a generated record whose true counts are known (reportkit),
on both backends, counted by decision time and by receipt time, with each filter."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import Any

import pytest
from reportkit import NOW, PERIOD, Truth, make_record, nearest_rank, outcomes_for, truth

from trustdesk.memo.report_model import NO_HOLD_ROW, Report
from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.services.report_figures import (
    ACTION_OUTCOMES,
    DISCLOSURE_WORDS,
    LATENESS,
    custody_bin,
    duration,
)
from trustdesk.services.reports import REASONS_WITHHELD, ReportRequest, build_report


@pytest.fixture
def record(desk: Any) -> Any:
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    planned = make_record(desk.store, users)
    return desk, planned


def report(kit: Any, user: str = "supervisor", **request: Any) -> Report:
    start, end = request.pop("start", PERIOD[0]), request.pop("end", PERIOD[1])
    asked = ReportRequest(kit.session(user), start, end, **request)
    return build_report(kit.services.ctx, asked)


def rows(report: Report, figure_id: str) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in report.figure(figure_id).rows}


def check_every_figure_and_action(kit: Any, planned: list[Any]) -> None:
    """check_every_figure by each ``--by`` choice, on a record with unverified data, and
    the format-3 action outcomes: each counted decision's outcome under each action
    (for stores that group the outcome lists by a key of their own)."""
    for by in ("decided", "received"):
        made = report(kit, by=by)
        true = truth(planned, by)
        check_every_figure(made, true)
        assert true.unverified > 0
        expected: dict[str, Counter[str]] = {}
        for item in true.counted:
            for entry in outcomes_for(item.latest):
                expected.setdefault(entry["id"], Counter())[entry["outcome"]] += 1
        assert expected
        assert rows(made, "action_outcomes") == {
            DISCLOSURE_WORDS[action]: (
                *(counts[key] for key, _ in ACTION_OUTCOMES),
                sum(counts.values()),
            )
            for action, counts in expected.items()
        }


def check_every_figure(made: Report, true: Truth) -> None:
    decided = len(true.counted)
    assert decided > 10  # the plan really puts decisions in the period
    assert rows(made, "received_by_form") == {
        **{form: (n,) for form, n in true.forms.items()},
        "Total": (decided,),
    }
    assert rows(made, "received_by_warrant") == {
        **{kind: (n,) for kind, n in true.warrants.items()},
        "Total": (decided,),
    }
    honored = sum(c["honor"] for c in true.packs.values())
    assert rows(made, "decisions_by_ground") == {
        **{ground: (n,) for ground, n in true.grounds.items()},
        "Honored": (honored,),
        NO_HOLD_ROW: (sum(true.no_hold_asked.values()),),
        "Declined": (decided - honored,),
    }
    assert rows(made, "decisions_by_pack") == {
        pack: (c["honor"], true.no_hold_asked[pack], c["decline"], c["honor"] + c["decline"])
        for pack, c in true.packs.items()
    }
    review = rows(made, "reviews")
    assert review["Decisions needing review"][0] == true.review["needed"]
    assert review["Reviewed"][0] == true.review["reviewed"]
    assert review["Waiting for review"][0] == true.review["pending"]
    assert review["Median time to review"][0] == duration(true.review["median"])
    assert review["90th percentile time to review"][0] == duration(true.review["p90"])
    holds = rows(made, "holds_by_outcome")
    assert holds["ICE took custody"] == (true.holds["ice_took_custody"],)
    assert holds["Released at the hold's expiry"] == (true.holds["released_at_expiry"],)
    assert holds["Released otherwise"] == (true.holds["released_other"],)
    assert holds["Still open"] == (true.holds["open"],)
    assert holds["Total"] == (sum(true.holds.values()),)
    overdue = rows(made, "overdue_holds")
    bounds = [bound for bound, _ in LATENESS] + [10**9]
    labels = [label for _, label in LATENESS] + ["24 hours or more"]
    for low, high, label in zip([0, *bounds[:-1]], bounds, labels, strict=True):
        ended = sum(1 for m, closed in true.overdue if low <= m < high and closed)
        still = sum(1 for m, closed in true.overdue if low <= m < high and not closed)
        assert overdue[label] == (ended, still), label
    assert overdue["Total"] == (
        sum(1 for _, closed in true.overdue if closed),
        sum(1 for _, closed in true.overdue if not closed),
    )
    definition = made.figure("overdue_holds").definition
    assert f"never entered): {true.holds_expiry_unknown}." in definition
    longest = max((m for m, _ in true.overdue), default=None)
    assert f"Longest: {duration(longest)}." in definition
    custody = rows(made, "custody_time")
    for label, count in custody.items():
        if label != "Median":
            assert count == (sum(1 for m in true.custody if custody_bin(m) == label),), label
    assert custody["Median"] == (duration(nearest_rank(true.custody, 0.5)),)
    assert f"left out: {true.custody_start_unknown}." in made.figure("custody_time").definition
    assert rows(made, "amendments") == {
        **{reason: (n,) for reason, n in true.amendments.items()},
        "Total": (sum(true.amendments.values()),),
    }
    unverified = rows(made, "unverified")
    assert unverified["Decisions resting on unverified data"] == (true.unverified,)
    if true.unverified:
        assert unverified['Offenses added in 2025 [the "list"]'] == (true.unverified,)
    assert rows(made, "by_month") == {
        month: (
            sum(true.by_month[month].values()),
            true.by_month[month]["honor"],
            true.by_month[month]["decline"],
            0,
        )
        for month in true.months
    }
    for figure_id, table in (("by_officer", true.officers), ("by_desk", true.desks)):
        assert rows(made, figure_id) == {
            key: (c["honor"], c["decline"], c["honor"] + c["decline"]) for key, c in table.items()
        }
    # Every figure carries its definition, and the report what it was computed from.
    assert all(len(figure.definition) > 40 for figure in made.figures)
    assert made.head_seq > 0 and len(made.head_hash) == 64
    assert made.statement == ""


@pytest.mark.parametrize("by", ["decided", "received"])
def test_every_figure_matches_the_generated_record(record: Any, by: str) -> None:
    desk, planned = record
    true = truth(planned, by)
    assert sum(true.no_hold_asked.values()) > 0  # honored I-247Ns, told apart from holds
    made = report(desk, by=by)
    check_every_figure(made, true)
    # The chart of grounds shows grounds: not the totals, nor the part of "Honored".
    (grounds,) = [chart for chart in made.charts if chart.id == "grounds"]
    assert set(grounds.categories) == set(true.grounds)
    assert (f"{true.receipt_unknown} detainers had no receipt time" in " ".join(made.notes)) == (
        by == "received" and true.receipt_unknown > 0
    )


@pytest.mark.parametrize("by", ["decided", "received"])
def test_filters_by_officer_and_desk(record: Any, by: str) -> None:
    desk, planned = record
    check_every_figure(
        report(desk, by=by, officer="officer2"), truth(planned, by, officer="officer2")
    )
    check_every_figure(report(desk, by=by, desk="desk-b"), truth(planned, by, desk="desk-b"))


def test_the_two_ways_of_counting_differ_on_this_record(record: Any) -> None:
    # Detainers received in one month and decided in the next: the months must differ,
    # or the --by tests above prove nothing about --by.
    desk, planned = record
    assert truth(planned, "decided").by_month != truth(planned, "received").by_month
    assert rows(report(desk, by="decided"), "by_month") != rows(
        report(desk, by="received"), "by_month"
    )


def test_an_officer_reports_on_their_own_decisions_only(record: Any) -> None:
    desk, planned = record
    own = report(desk, "officer2")
    check_every_figure(own, truth(planned, "decided", officer="officer2"))
    assert ("Officer", "officer2") in own.filters
    with pytest.raises(PermissionDenied, match="their own decisions only"):
        report(desk, "officer2", officer="officer")
    denied = desk.store.audit.of_events("permission.denied")
    assert json.loads(denied[-1].objects)["operation"] == "report.make"


@pytest.mark.parametrize("role_user", ["supervisor", "auditor", "admin"])
def test_supervisors_auditors_and_administrators_report_on_everyone(
    record: Any, role_user: str
) -> None:
    desk, planned = record
    made = report(desk, role_user)
    assert sum(r[3] for r in made.figure("by_officer").rows) == len(
        truth(planned, "decided").counted
    )


def test_an_administrator_sees_how_many_amendments_not_their_reasons(record: Any) -> None:
    """An amendment's reason is typed into a case file and may name the person; an
    administrator, who makes reports but does not read case files, read every reason
    word for word in "Amendments and their reasons" (a hostile pass)."""
    desk, planned = record
    true = truth(planned, "decided")
    assert len(true.amendments) > 1  # the record has several reasons to withhold
    made = report(desk, "admin")
    assert rows(made, "amendments") == {
        REASONS_WITHHELD: (sum(true.amendments.values()),),
        "Total": (sum(true.amendments.values()),),
    }
    for reason in true.amendments:
        assert reason not in str(made.figure("amendments").rows)
    # Those who read case files still see each reason.
    assert set(rows(report(desk, "auditor"), "amendments")) == {*true.amendments, "Total"}


def test_making_a_report_is_audited_with_the_chain_head_it_was_computed_at(record: Any) -> None:
    desk, _planned = record
    made = report(desk, by="received", desk="desk-a")
    entry = desk.store.audit.of_events("report.made")[-1]
    objects = json.loads(entry.objects)
    assert objects["head_seq"] == made.head_seq
    assert objects["head_hash"] == made.head_hash
    assert entry.seq == made.head_seq + 1
    assert objects["by"] == "received"
    assert objects["filters"] == {"Desk": "desk-a"}
    assert entry.actor == "supervisor"


def test_an_empty_period_says_no_detainers_were_received(record: Any) -> None:
    desk, _planned = record
    empty = report(desk, by="received", start=date(2019, 1, 1), end=date(2019, 3, 31))
    assert empty.statement == "No detainers were received in this period."
    assert rows(empty, "received_by_form") == {"Total": (0,)}
    assert [r[0] for r in empty.figure("by_month").rows] == [
        date(2019, 1, 1),
        date(2019, 2, 1),
        date(2019, 3, 1),
    ]
    assert empty.chart("trend").categories == ("2019-01", "2019-02", "2019-03")
    decided = report(desk, start=date(2019, 1, 1), end=date(2019, 1, 1))
    assert decided.statement == "No detainers were decided in this period."


def test_bad_requests_are_refused_with_the_fix(record: Any) -> None:
    desk, _planned = record
    with pytest.raises(InvalidRequest, match="swap --from and --to"):
        report(desk, start=date(2026, 5, 1), end=date(2026, 4, 1))
    with pytest.raises(InvalidRequest, match="no such user"):
        report(desk, officer="nobody")
    with pytest.raises(InvalidRequest, match="--by must be one of"):
        report(desk, by="sideways")
    with pytest.raises(InvalidRequest, match="one TrustDesk store holds one facility"):
        report(desk, facility="Somewhere Else")
    # The date boxes of the Reports page go to 9999-12-31, whose next day does not exist.
    before = len(desk.store.audit.of_events("report.made"))
    years = "--from is in the year 9999; give a date in the years 1900 to 2199"
    with pytest.raises(InvalidRequest, match=years):
        report(desk, start=date(9999, 12, 1), end=date(9999, 12, 31))
    with pytest.raises(InvalidRequest, match="--from is in the year 1752"):
        report(desk, start=date(1752, 9, 14), end=date(1760, 1, 1))
    assert len(desk.store.audit.of_events("report.made")) == before


def test_a_desk_nobody_used_is_refused_naming_the_desks_on_record(record: Any) -> None:
    desk, _planned = record
    before = len(desk.store.audit.of_events("report.made"))
    with pytest.raises(InvalidRequest) as refused:
        report(desk, desk="desk-z")
    message = str(refused.value)
    assert "\n" not in message
    assert "'desk-z'" in message and "'desk-a'" in message and "'desk-b'" in message
    assert "leave out --desk" in message
    # The refused report was not made, so it is not in the audit log either.
    assert len(desk.store.audit.of_events("report.made")) == before


def test_an_officer_naming_an_unknown_desk_is_not_told_every_desk_on_record(
    record: Any,
) -> None:
    """An officer reports on their own decisions only, yet a mistyped desk told them
    the name of every desk of the agency (a minor leak, found in a hostile pass)."""
    desk, _planned = record
    with pytest.raises(InvalidRequest) as refused:
        report(desk, "officer2", desk="desk-z")
    message = str(refused.value)
    assert message == (
        "--desk 'desk-z': no decision was recorded at a desk of that name; check the name "
        "(a decision's history says at which desk it was recorded), or leave out --desk "
        "for all your decisions"
    )
    assert "desk-a" not in message and "desk-b" not in message
    # A desk on record is a filter as before.
    assert ("Desk", "desk-a") in report(desk, "officer2", desk="desk-a").filters


def test_time_to_review_is_the_first_reviews_not_the_quickest(desk: Any, rules: Any) -> None:
    """A decision waited ten days for its first review; amended the next day, its
    amendment was approved five minutes later. The figure said 5 min: it took the
    quickest of the decision's reviews (a hostile pass), not the first."""
    from datetime import UTC, datetime, timedelta

    from livekit import honored

    desk.clock.now = datetime(2026, 11, 20, 16, 10, tzinfo=UTC)  # decided at 16:00 UTC
    decisions = desk.services.decisions
    case, raw = honored(rules)
    saved = decisions.create(desk.session("officer"), case, raw)
    desk.clock.now += timedelta(days=10)
    decisions.approve(desk.session("supervisor"), saved.record.decision_id)
    desk.clock.now += timedelta(days=1)
    decisions.amend(desk.session("officer"), saved.record.decision_id, case, raw, "badge corrected")
    desk.clock.now += timedelta(minutes=5)
    decisions.approve(desk.session("supervisor"), saved.record.decision_id)
    made = report(desk, start=date(2026, 11, 1), end=date(2026, 11, 30))
    figure = rows(made, "reviews")
    assert figure["Reviewed"] == (1, None)
    assert figure["Median time to review"] == ("10 d 0 h 00 min", 240.0)
    assert figure["90th percentile time to review"] == ("10 d 0 h 00 min", 240.0)
    assert "from the recording of the version its first review reviewed" in (
        made.figure("reviews").definition
    )


def test_a_period_not_over_says_so_and_is_not_sent_in_the_state_layout(
    record: Any, tmp_path: Any
) -> None:
    """A report of next year, or of the month under way, read as final (a hostile pass):
    "No detainers were decided in this period.", and a state-layout row of zeros for the
    whole of next year. Now each says it had not begun or not ended when made, and the
    state layout, whose counts look final, is refused until the period is over."""
    from trustdesk.services.report_files import save_report

    desk, _planned = record  # made at NOW, 2026-05-20 12:00 in New York
    ahead = report(desk, start=date(2027, 1, 1), end=date(2027, 12, 31))
    assert ahead.unfinished
    assert ahead.notes[0] == (
        "This period had not begun when the report was made (2026-05-20 12:00, "
        "America/New_York): nothing in it could be counted yet."
    )
    under_way = report(desk, start=date(2026, 5, 1), end=date(2026, 5, 31))
    assert under_way.unfinished
    assert under_way.notes[0].startswith("This period had not ended when the report was made")
    assert under_way.notes[0].endswith("its figures run only to that time.")
    # Ending yesterday (New York): over, and no such note.
    over = report(desk, start=date(2026, 5, 1), end=date(2026, 5, 19))
    assert not over.unfinished
    assert not any("had not" in note for note in over.notes)
    exported = len(desk.store.audit.of_events("report.exported"))
    for made in (ahead, under_way):
        target = tmp_path / f"{made.end}.csv"
        with pytest.raises(InvalidRequest, match="had not ended when the report was made"):
            save_report(desk.services.ctx, desk.session("supervisor"), made, "state-csv", target)
        assert not target.exists()
        target = target.with_suffix(".json")
        save_report(desk.services.ctx, desk.session("supervisor"), made, "json", target)
        assert json.loads(target.read_text(encoding="utf-8"))["notes"][0] == made.notes[0]
    save_report(desk.services.ctx, desk.session("supervisor"), over, "state-csv", tmp_path / "s")
    assert len(desk.store.audit.of_events("report.exported")) == exported + 3


def test_a_report_on_screen_is_not_saved_once_its_maker_is_disabled_or_demoted(
    record: Any, tmp_path: Any
) -> None:
    """A report stays on the Reports page; saving it did not look at the account again,
    so a supervisor disabled (or made an officer) since still wrote everyone's figures
    to a file (a hostile pass). Refused in words, nothing written, the refusal audited."""
    from trustdesk.services.errors import AuthenticationFailed
    from trustdesk.services.report_files import save_report

    desk, _planned = record
    ctx, admin = desk.services.ctx, desk.session("admin")
    supervisor = desk.session("supervisor")
    everyone = build_report(ctx, ReportRequest(supervisor, *PERIOD))
    officer2 = desk.session("officer2")
    own = build_report(ctx, ReportRequest(officer2, *PERIOD))
    exported = len(desk.store.audit.of_events("report.exported"))
    desk.services.accounts.set_active(admin, "supervisor", False)
    target = tmp_path / "everyone.csv"
    with pytest.raises(AuthenticationFailed, match="not saved: account 'supervisor' is disabled"):
        save_report(ctx, supervisor, everyone, "csv", target)
    assert not target.exists()
    desk.services.accounts.set_active(admin, "supervisor", True)
    desk.services.accounts.set_role(admin, "supervisor", "officer")
    with pytest.raises(PermissionDenied, match="own decisions only, and this one counts everyone"):
        save_report(ctx, supervisor, everyone, "csv", target)
    assert not target.exists()
    denied = [json.loads(e.objects) for e in desk.store.audit.of_events("permission.denied")]
    assert [d["operation"] for d in denied[-2:]] == ["report.export", "report.export"]
    assert len(desk.store.audit.of_events("report.exported")) == exported
    # An officer's report of their own decisions is still theirs to save.
    save_report(ctx, officer2, own, "csv", tmp_path / "own.csv")
    assert len(desk.store.audit.of_events("report.exported")) == exported + 1

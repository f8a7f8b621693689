"""Schema step 13: a store whose open hold rests on a version honoring a detainer that
asks for no hold (an I-247N, corrected from an I-247A, then corrected again) had that
hold due at the expiry's NULL, "release time not yet known"; upgraded, release is due
from the first version that asked for none (store/hold_due.py, docs/decisions/0068), and
the record verifies."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
from storekit import Desk, open_desk

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.store.postgresql.schema import SCHEMA
from trustdesk.store.schema import SCHEMA_VERSION

FACTS = {
    "releasable_at": "2026-11-20T15:00:00-05:00",
    "convictions": [conviction("53a-134", "felony", "B")],
}


def _amend(desk: Desk, rules: Any, decision_id: int, reason: str, raw: dict[str, Any]) -> Any:
    """The officer's amendment of ``decision_id`` to the case ``raw``: the new version."""
    case = parse_case(raw, "t", rules.catalog)
    return desk.services.decisions.amend(
        desk.session("officer"), decision_id, case, raw, reason
    ).record


def _amended_to_no_hold(desk: Desk, rules: Any) -> tuple[int, Any]:
    """A hold opened on an I-247A, then the decision corrected to an I-247N: the hold's
    id and the correcting version."""
    raw = make_case(**FACTS)
    saved = desk.services.decisions.create(
        desk.session("officer"), parse_case(raw, "t", rules.catalog), raw
    )
    assert saved.hold_id is not None
    decision_id = saved.record.decision_id
    later = make_case(detainer={**raw["detainer"], "form": "I-247N"}, **FACTS)
    amended = _amend(desk, rules, decision_id, "the detainer is an I-247N", later)
    assert amended.asks_no_hold
    # A later correction that still asks for no hold keeps the time release became due.
    desk.clock.advance(hours=1)
    detainer = {**raw["detainer"], "form": "I-247N", "administrative_warrant": None}
    retyped = make_case(detainer=detainer, **FACTS)
    _amend(desk, rules, decision_id, "no administrative warrant came with it", retyped)
    return saved.hold_id, amended


def _due_now(desk: Desk) -> Any:
    (active,) = desk.services.holds.active(desk.session("officer"))
    return active.release_due_at


def _as_schema(folder: Path, version: int, due: str) -> None:
    """The SQLite file as TrustDesk of schema ``version`` left it: open holds' due times
    set by ``due`` (an SQL expression), and the version before the later steps."""
    with sqlite3.connect(folder / "trustdesk.db") as conn:
        conn.execute(f"UPDATE open_holds SET release_due_at = {due}")
        conn.execute(f"PRAGMA user_version = {int(version)}")
    conn.close()


def test_a_sqlite_store_of_schema_12_is_brought_to_the_rule(tmp_path: Path, rules: Any) -> None:
    folder = tmp_path / "data"
    desk = open_desk(folder, rules)
    _hold, amended = _amended_to_no_hold(desk, rules)
    desk.services.close()
    _as_schema(folder, 12, "NULL")  # the expiry's NULL
    desk = open_desk(folder, rules)
    try:
        with desk.store.db.reading() as reading:
            assert reading.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert _due_now(desk) == amended.recorded_at
        assert desk.store.verify().ok
    finally:
        desk.services.close()


def test_a_server_store_of_schema_12_is_brought_to_the_rule(
    pg_cluster: Any, tmp_path: Path, rules: Any
) -> None:
    from trustdesk.store.postgresql import setup

    admin_url = pg_cluster.new_database()
    desk_url = re.sub(r"^postgresql://[^@/]*@", "postgresql://desk_test@", admin_url)
    setup.init_store(admin_url, grant_desk="desk_test")
    desk = open_desk(tmp_path / "data", rules, database=desk_url)
    _hold, amended = _amended_to_no_hold(desk, rules)
    desk.services.close()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"SET search_path = {SCHEMA}")
        conn.execute("UPDATE open_holds SET release_due_at = NULL")
        conn.execute("UPDATE schema_version SET version = 12")
    result = setup.init_store(admin_url, grant_desk="desk_test")
    assert (result.created, result.version) == (False, SCHEMA_VERSION)
    desk = open_desk(tmp_path / "data", rules, database=desk_url)
    try:
        assert _due_now(desk) == amended.recorded_at
        assert desk.store.verify().ok
    finally:
        desk.services.close()


def test_step_14_starts_the_run_at_its_first_version_not_the_earliest_clock(
    tmp_path: Path, rules: Any
) -> None:
    # Schema 13 took the earliest recording time of the versions that hold nobody: a
    # correction from a desk whose clock was behind made release due before the decline.
    from datetime import timedelta

    folder = tmp_path / "data"
    desk = open_desk(folder, rules)
    raw = make_case(**FACTS)
    saved = desk.services.decisions.create(
        desk.session("officer"), parse_case(raw, "t", rules.catalog), raw
    )
    decision_id = saved.record.decision_id
    desk.clock.advance(hours=1)
    declined_raw = make_case(releasable_at=FACTS["releasable_at"])
    declined = _amend(desk, rules, decision_id, "the conviction was another person's", declined_raw)
    assert declined.outcome == "decline"
    desk.clock.now -= timedelta(minutes=30)
    person = {**raw["person"], "name": raw["person"]["name"] + " "}
    retyped = make_case(releasable_at=FACTS["releasable_at"], person=person)
    _amend(desk, rules, decision_id, "name typo", retyped)
    desk.services.close()
    _as_schema(folder, 13, "(SELECT min(recorded_at) FROM decisions WHERE version > 1)")
    desk = open_desk(folder, rules)
    try:
        assert _due_now(desk) == declined.recorded_at
        assert desk.store.verify().ok
    finally:
        desk.services.close()


def test_the_report_counts_a_hold_corrected_to_an_i247n_and_says_how(
    tmp_path: Path, rules: Any
) -> None:
    # A hold opened on an I-247A, corrected to an I-247N 20 minutes later, the person
    # released three hours after that: one decision honored without a hold asked, and one
    # hold, overdue from the correction. The figures' definitions say so (they said such
    # decisions "open no hold", and that a hold was overdue only after its expiry or a
    # decline: an auditor could not reconcile the counts).
    from datetime import date, timedelta

    from trustdesk.memo.report_model import NO_HOLD_ROW
    from trustdesk.services.reports import ReportRequest, build_report

    desk = open_desk(tmp_path / "data", rules)
    try:
        hold_id, amended = _amended_to_no_hold(desk, rules)
        desk.clock.now = amended.recorded_at + timedelta(hours=3)
        desk.services.holds.close(
            desk.session("officer"), hold_id, "released_other", note="released on bond"
        )
        asked = ReportRequest(desk.session("supervisor"), date(2026, 11, 1), date(2026, 11, 30))
        made = build_report(desk.services.ctx, asked)
        ground = {row[0]: row[1:] for row in made.figure("decisions_by_ground").rows}
        assert ground["Honored"] == (1,) and ground[NO_HOLD_ROW] == (1,)
        holds = {row[0]: row[1:] for row in made.figure("holds_by_outcome").rows}
        assert holds["Total"] == (1,)
        overdue = made.figure("overdue_holds")
        assert {row[0]: row[1:] for row in overdue.rows}["Total"] == (1, 0)
        note = made.figure("decisions_by_ground").definition
        assert "they open no hold" not in note
        assert "a hold opened before the form was corrected to it is counted with the holds" in (
            note
        )
        assert "corrected it to a form that asks for no hold" in overdue.definition
        assert "Longest: 3 h 00 min." in overdue.definition  # from the correction
    finally:
        desk.services.close()

"""Migrations: every earlier schema version, with its data, upgrades to the current one."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from storekit import FAST_HASHER, T0, draft

from trustdesk.store import audit, memo_history, schema
from trustdesk.store.case_records import DecisionDraft, PersonFacts
from trustdesk.store.connection import configure, connect
from trustdesk.store.decisions import (
    _detainer_row,
    _person_row,
    answers_digest,
    record_sha256,
    write_version,
)
from trustdesk.store.encoding import row_digest, utc_text
from trustdesk.store.errors import NewerSchema
from trustdesk.store.holds import write_closure
from trustdesk.store.migrations import apply, migrate, schema_version
from trustdesk.store.paths import DB_NAME
from trustdesk.store.records import Actor, AgencyProfile, AuditEvent
from trustdesk.store.reviews import write_review
from trustdesk.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, Migration
from trustdesk.store.search import SearchQuery
from trustdesk.store.sql import insert
from trustdesk.store.store import Store
from trustdesk.store.users import account_objects

WS = "old-ws"


def _officer(conn: sqlite3.Connection, name: str, role: str) -> Actor:
    when = utc_text(T0)
    values = {
        "username": name,
        "role": role,
        "password_hash": FAST_HASHER.hash("old password here"),
        "active": 1,
        "created_at": when,
        "created_by": None,
        "password_changed_at": when,
    }
    user_id = insert(conn, "users", values)
    audit.append(
        conn,
        AuditEvent("user.created", "success", account_objects({"id": user_id, **values})),
        Actor(None, None, WS),
        T0,
    )
    # A failed sign-in, kept as TrustDesk has always kept one: the row and its entry.
    insert(conn, "login_failures", {"user_id": user_id, "at": when})
    failure = {"user": user_id, "reason": "bad_password", "recent_failures": 1}
    audit.append(conn, AuditEvent("logon", "failure", failure), Actor(None, None, WS), T0)
    return Actor(user_id, name, WS)


def _v2_decision(conn: sqlite3.Connection, value: DecisionDraft, author: Actor) -> None:
    """A decision as schema 2 stored it (no holds, no review queue yet)."""
    seq = audit.head(conn)[0] + 1
    record_id = conn.execute("SELECT ifnull(max(id), 0) + 1 FROM decisions").fetchone()[0]
    person = _person_row(conn, value.person)
    detainer = _detainer_row(conn, value.detainer)
    values: dict[str, Any] = {
        "id": record_id,
        "decision_id": record_id,
        "version": 1,
        "amends": None,
        "reason": None,
        "officer_id": author.user_id,
        "recorded_at": utc_text(T0),
        "decision_time": utc_text(value.decision_time),
        "outcome": value.outcome,
        "needs_review": int(value.needs_review),
        "review_required": int(value.review_required),
        "releasable_at": None,
        "hold_expires_at": None,
        "rule_pack": value.rule_pack,
        "rule_pack_sha256": value.rule_pack_sha256,
        "app_version": "0.0.9",
        "person_id": person["id"],
        "detainer_id": detainer["id"],
        "case_json": value.case_json,
        "decision_json": value.decision_json,
        "audit_seq": seq,
    }
    digest = record_sha256(values, person, detainer, list(value.answers))
    insert(conn, "decisions", {**values, "record_sha256": digest})
    conn.executemany(
        "INSERT INTO decision_answers VALUES (?, ?, ?)",
        [(record_id, f, v) for f, v in value.answers],
    )
    objects = {
        "decision": record_id,
        "record": record_id,
        "version": 1,
        "record_sha256": digest,
        "person": person["id"],
        "person_sha256": row_digest("people", person),
        "detainer_sha256": row_digest("detainers", detainer),
        "answers_sha256": answers_digest(record_id, list(value.answers)),
    }
    audit.append(conn, AuditEvent("decision.created", "success", objects), author, T0)


THROWAWAY_LOOKUP = "CREATE TEMP TABLE audit_decisions (seq INTEGER, decision_id INTEGER)"
#: Today's write_version keeps what reports read of each document in two tables, which
#: schemas before 12 lack: there it writes to throwaway ones (gone with the connection).
THROWAWAY_MEMBERS = (
    "CREATE TEMP TABLE report_outcome_lists (id INTEGER PRIMARY KEY, outcomes UNIQUE)",
    "CREATE TEMP TABLE report_members (record_id, grounds, unverified, outcomes_list)",
)


def build_old(folder: Path, version: int) -> dict[str, int]:
    """A data folder as TrustDesk at schema ``version`` left it, with typical data."""
    if version >= 15:
        return _build_old(folder, version)
    # Before schema 15 the writers kept no memo history (step 15 makes its baseline).
    with (
        mock.patch.object(memo_history, "keep_agency", return_value=None),
        mock.patch.object(memo_history, "keep_signer", return_value=None),
        mock.patch.object(memo_history, "kept_mark", return_value={}),
    ):
        return _build_old(folder, version)


def _build_old(folder: Path, version: int) -> dict[str, int]:
    folder.mkdir(parents=True)
    conn = connect(folder / DB_NAME, create=True)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    configure(conn, wal=False)
    migrate(conn, target=version)
    if version < 6:
        # Today's audit.append files entries naming a decision in audit_decisions, which
        # schemas before 6 lack: here they go to a throwaway table (gone with the
        # connection); the upgrade must rebuild them from the chain alone.
        conn.execute(THROWAWAY_LOOKUP)
    if version < 12:
        for statement in THROWAWAY_MEMBERS:
            conn.execute(statement)
    counts = {"decisions": 0, "users": 0, "needs_review": 0}
    if version >= 1:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO meta VALUES ('store_id', ?), ('created_at', ?)",
            (uuid.uuid4().hex, T0.isoformat()),
        )
        audit.append(conn, AuditEvent("store.created", "success", {}), Actor(None, None, WS), T0)
        officer = _officer(conn, "ann", "officer")
        supervisor = _officer(conn, "sam", "supervisor")
        counts["users"] = 2
        conn.execute("COMMIT")
    if version == 2:
        conn.execute("BEGIN IMMEDIATE")
        _v2_decision(conn, draft(person=PersonFacts("OLD-2", "Zoë Ångström")), officer)
        _v2_decision(
            conn,
            draft(person=PersonFacts("OLD-3", "Łukasz Nowak"), review_required=True),
            officer,
        )
        conn.execute("COMMIT")
        counts.update(decisions=2, needs_review=1)
    if version >= 3:
        conn.execute("BEGIN IMMEDIATE")
        first, _hold, _entry = write_version(
            conn, draft(person=PersonFacts("OLD-2", "Zoë Ångström")), author=officer, at=T0
        )
        _second, _hold, _entry = write_version(
            conn,
            draft(person=PersonFacts("OLD-3", "Łukasz Nowak"), review_required=True),
            author=officer,
            at=T0 + timedelta(minutes=5),
        )
        write_review(
            conn,
            decision_id=first,
            record_id=first,
            verdict="approved",
            result_record_id=None,
            reason=None,
            reviewer=supervisor,
            at=T0 + timedelta(hours=1),
        )
        conn.execute("COMMIT")
        counts.update(decisions=2, needs_review=1)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return counts


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [(kind, name, " ".join((sql or "").split())) for kind, name, sql in rows]


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_every_earlier_version_upgrades_with_its_data(tmp_path: Path, version: int) -> None:
    folder = tmp_path / "data"
    counts = build_old(folder, version)
    with Store.open(folder) as store:
        with store.db.reading() as conn:
            assert schema_version(conn) == SCHEMA_VERSION
            upgraded = _schema(conn)
            assert (
                conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == counts["decisions"]
            )
        report = store.verify()
        assert report.ok, report.problems
        if version >= 1:
            assert [u.username for u in store.users.all()] == ["ann", "sam"]
        if counts["decisions"]:
            found = store.search.decisions(SearchQuery(name="angstrom"))
            assert [row.name for row in found] == ["Zoë Ångström"]
            assert len(store.search.decisions(SearchQuery(name="NOWAK"))) == 1
            assert len(store.search.awaiting_review()) == counts["needs_review"]
    with Store.open(tmp_path / "fresh") as fresh, fresh.db.reading() as conn:
        assert _schema(conn) == upgraded


def test_each_step_commits_alone_and_a_failed_step_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "steps.db"
    conn = connect(path, create=True)

    def broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("power cut in the middle of a step")

    steps = (*MIGRATIONS[:2], Migration(3, "broken", broken))
    with pytest.raises(RuntimeError, match="power cut"):
        migrate(conn, steps=steps)
    assert schema_version(conn) == 2
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    assert "decisions" in names and "half_done" not in names
    assert migrate(conn) == list(range(3, SCHEMA_VERSION + 1))
    assert schema_version(conn) == SCHEMA_VERSION
    with pytest.raises(RuntimeError, match="needs schema"):
        apply(conn, MIGRATIONS[0])
    conn.close()


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))


def test_a_newer_schema_is_never_migrated(tmp_path: Path) -> None:
    conn = connect(tmp_path / "n.db", create=True)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 3}")
    with pytest.raises(NewerSchema, match="newer TrustDesk"):
        migrate(conn)
    assert schema_version(conn) == SCHEMA_VERSION + 3
    conn.close()


def test_schema_4_gains_agency_officer_details_and_drafts(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    build_old(folder, 4)
    with Store.open(folder) as store:
        ann = store.users.get("ann")
        assert (ann.full_name, ann.badge) == ("", "")  # existing accounts: nothing invented
        assert store.agency.get() is None
        chief = Actor(ann.id, "ann", WS)
        profile = AgencyProfile("Old Town Police", "Main Street", "CT0001234")
        assert store.agency.save(profile, actor=chief, at=T0) == profile
        store.users.change(
            ann.id, "user.details_changed", {"badge": "77"}, actor=chief, at=T0, note={}
        )
        draft_id = store.drafts.save(ann.id, None, "half done", '{"a":1}', actor=chief, at=T0)
        assert store.drafts.payload(ann.id, draft_id) == '{"a":1}'
        assert store.users.get("ann").badge == "77"
        report = store.verify()
        assert report.ok, report.problems
    with Store.open(folder) as store:  # and the upgrade is kept
        assert store.agency.get() == profile
        assert [d.label for d in store.drafts.of_user(ann.id)] == ["half done"]


@pytest.mark.sqlite_only("reads SQLite's trigger list; the server's grants: test_pg_privileges")
def test_drafts_and_settings_are_not_append_only(store: Store) -> None:
    from trustdesk.store.schema import APPEND_ONLY_TABLES

    assert "drafts" not in APPEND_ONLY_TABLES and "agency" not in APPEND_ONLY_TABLES
    with store.db.reading() as conn:
        triggers = {
            row[0]
            for row in conn.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        }
    assert triggers.isdisjoint({"drafts", "agency", "users"})


def test_schema_5_upgrade_files_every_entry_naming_a_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    build_old(folder, 5)  # decisions 1 and 2, decision 1 reviewed
    conn = connect(folder / DB_NAME)
    configure(conn)
    conn.execute(THROWAWAY_LOOKUP)
    ann = Actor(1, "ann", WS)
    conn.execute("BEGIN IMMEDIATE")
    for event, objects in (
        ("decision.viewed", {"decision": 1, "records": [1]}),
        ("decisions.searched", {"filters": ["name"], "shown": [1, 2]}),
        ("decision.viewed", {"decision": 2, "records": [2]}),
        ("memo.printed", {"decision": 1, "version": 1, "pdf_sha256": "c" * 64}),
        ("permission.denied", {"operation": "memo.print", "decision": 2, "role": "auditor"}),
        ("permission.denied", {"operation": "decision.view", "decision": 99}),
        ("odd.one", {"decision": True}),
        ("odd.two", {"decision": "1"}),
        ("odd.three", {"decision": 1.0}),
        ("odd.four", {"case": {"decision": 1}}),
    ):
        audit.append(conn, AuditEvent(event, "success", objects), ann, T0)
    hold = conn.execute("SELECT id FROM holds WHERE decision_id = 1").fetchone()[0]
    write_closure(conn, hold, outcome="released_other", ended_at=T0, note=None, officer=ann, at=T0)
    conn.execute("COMMIT")
    conn.close()
    monkeypatch.setattr(schema, "BACKFILL_BATCH", 3)  # several rounds of the stream
    with Store.open(folder) as store:
        with store.db.reading() as reading:
            assert schema_version(reading) == SCHEMA_VERSION
            entries = list(audit.entries(reading))
        trails = {d: [e.event for e in store.audit.of_decision(d)] for d in (1, 2, 99, 3)}
        assert trails == {
            1: [
                "decision.created",
                "decision.reviewed",
                "decision.viewed",
                "memo.printed",
                "hold.closed",
            ],
            2: ["decision.created", "decision.viewed", "permission.denied"],
            99: ["permission.denied"],
            3: [],
        }
        named = [e.seq for e in entries if type(e.objects_dict().get("decision")) is int]
        with store.db.reading() as reading:
            filed = [row[0] for row in reading.execute("SELECT seq FROM audit_decisions")]
        assert sorted(filed) == named and len(named) == 9
        report = store.verify()
        assert report.ok, report.problems
        # After the upgrade, new entries are filed as they are written.
        store.decisions.view(2, ann, T0)
        assert store.audit.of_decision(2)[-1].event == "decision.viewed"
        assert store.verify().ok

"""``store migrate``: a desk's SQLite record copied onto a new PostgreSQL store, exactly.

The source is a real record made through the services, with every kind of row: decisions
with and without holds, an amendment, a review approved with a note and one amended by a
supervisor, a pending review, open and closed holds, viewings, a draft, the agency
profile with its logo, accounts locked, disabled and renamed, failed log-ons. After the
copy, every table is compared row by row and field by field on both sides, the store's
identity and chain head are the same, ``audit verify`` passes on the server, and a desk
can go on recording there. Refusals and failures leave the target exactly as empty as it
was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from storekit import Clock, add_user, draft, open_desk

from casekit import conviction, make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.services.contacts import ContactInput, ContactService
from trustdesk.services.errors import ServiceError
from trustdesk.store import record_copy
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.errors import StoreError
from trustdesk.store.postgresql import copy_in
from trustdesk.store.record_copy import COPIED, NOT_COPIED, ChainBroken, TargetNotEmpty
from trustdesk.store.records import Actor, AgencyProfile
from trustdesk.store.store import Store
from trustdesk.store.transfer import migrate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from imagekit import png


def _case(rules: Any, **changes: Any) -> tuple[Any, dict[str, Any]]:
    raw = make_case(**changes)
    return parse_case(raw, "test case", rules.catalog), raw


def make_rich_record(data: Path, rules: Any) -> None:
    """A desk's record with at least one row in every copied table."""
    desk = open_desk(data, rules, Clock())
    s = desk.services
    try:
        admin = desk.session("admin")
        s.agency.update(
            admin,
            AgencyProfile(
                "Town of Testbury Police",
                "Booking desk",
                "CT0009300",
                logo=png(),
                logo_type="image/png",
            ),
        )
        s.accounts.set_details(admin, "officer", "Ann O'Fficer", "B-117")
        officer = desk.session("officer")
        held, raw = _case(
            rules,
            decision_time="2026-11-20T10:00:00-05:00",
            releasable_at="2026-11-20T10:30:00-05:00",
            convictions=[conviction("53a-134", "felony", "B")],
        )
        first = s.decisions.create(officer, held, raw)
        other, raw_other = _case(
            rules,
            decision_time="2026-11-20T09:00:00-05:00",
            releasable_at="2026-11-20T09:30:00-05:00",
            convictions=[conviction("53a-134", "felony", "B")],
            person={"name": "José Nuñez", "booking_number": "NH-2026-0500"},
        )
        closing = s.decisions.create(officer, other, raw_other)
        assert closing.hold_id is not None
        s.holds.close(officer, closing.hold_id, "ice_took_custody")
        corrected, raw_corrected = _case(
            rules,
            decision_time="2026-11-20T10:00:00-05:00",
            releasable_at="2026-11-20T10:45:00-05:00",
            convictions=[conviction("53a-134", "felony", "B")],
        )
        s.decisions.amend(
            officer, first.record.decision_id, corrected, raw_corrected, "release time corrected"
        )
        unsure = [
            s.decisions.create(
                officer,
                *_case(
                    rules,
                    tsdb_match=None,
                    person={"name": f"Zoë Ångström {n}", "booking_number": f"NH-2026-06{n}"},
                ),
            )
            for n in range(3)
        ]
        supervisor = desk.session("supervisor")
        s.decisions.approve(supervisor, unsure[0].record.decision_id, note="checked with ICE")
        settled, raw_settled = _case(
            rules,
            tsdb_match=False,
            person={"name": "Zoë Ångström 1", "booking_number": "NH-2026-061"},
        )
        s.decisions.review_amend(
            supervisor, unsure[1].record.decision_id, settled, raw_settled, "TSDB answered: no"
        )
        s.decisions.view(supervisor, first.record.decision_id)
        contacts = ContactService(s.ctx, rules)
        asked = ContactInput(
            kind="release_info_request",
            direction="from_ice",
            occurred_at=datetime(2026, 11, 20, 15, 40, tzinfo=UTC),
            channel="phone",
            decision_id=first.record.decision_id,
            ice_office="ERO Hartford",
            ice_officer="Officer Lee",
            asked="release date?",
            given=("release_date", "confidential"),  # confidential: never allowed
            unlawful_reason="told by the shift commander",
        )
        told = contacts.record(officer, asked)
        contacts.amend(officer, told.contact_id, replace(asked, channel="email"), "was e-mail")
        contacts.review(supervisor, told.contact_id, note="spoke with the officer")
        s.drafts.save(officer, None, "half-done review", {"step": 2, "name": "Kim Lee"})
        for _ in range(5):  # officer2 locks itself out
            with pytest.raises(ServiceError):
                s.accounts.log_on("officer2", "wrong password, again")
        s.accounts.set_active(admin, "auditor", False)
    finally:
        s.close()


def _pg_rows(url: str, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    from trustdesk.store.postgresql.connection import open_connection

    raw = open_connection(url)
    try:
        rows = raw.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1").fetchall()
    finally:
        raw.close()
    return [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]


def _reltuples(url: str, table: str) -> float:
    """How many rows the server's planner believes ``table`` holds."""
    from trustdesk.store.postgresql.connection import open_connection

    raw = open_connection(url)
    try:
        row = raw.execute(
            "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", (table,)
        ).fetchone()
    finally:
        raw.close()
    assert row is not None
    return float(row[0])


def _sqlite_rows(data: Path, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    import sqlite3

    conn = sqlite3.connect(f"{(data / 'trustdesk.db').as_uri()}?mode=ro", uri=True)
    try:
        columns = record_copy.source_columns(conn, table)
        rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1").fetchall()
    finally:
        conn.close()
    return columns, rows


@pytest.fixture(scope="module")
def rich_source(tmp_path_factory: Any, rules: Any) -> Path:
    data = tmp_path_factory.mktemp("rich") / "data"
    make_rich_record(data, rules)
    return data


@pytest.fixture
def source(rich_source: Path, tmp_path: Path) -> Path:
    """A copy of the rich record for one test: a move closes the folder it moved."""
    copy = tmp_path / "desk"
    shutil.copytree(rich_source, copy)
    return copy


def _empty(url: str) -> bool:
    from trustdesk.store.postgresql.connection import open_connection

    raw = open_connection(url)
    try:
        with raw.cursor() as cur:
            return copy_in.occupied(cur) == []
    finally:
        raw.close()


def test_every_row_arrives_field_by_field_and_verifies(pg_cluster: Any, source: Path) -> None:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    with Store.open(source) as desk:
        before = desk.summary()
        head = desk.audit.head()
    rows = {table: _sqlite_rows(source, table) for table in COPIED}
    lines: list[str] = []
    report = migrate(source, url, lines.append)

    for table in COPIED:
        columns, expected = rows[table]
        assert expected, f"the source record has no {table} row: make_rich_record misses one"
        copied = _pg_rows(url, table, columns)
        if table == "audit_log":  # and after the desk's chain, the server's own entry
            assert copied[-1][columns.index("event")] == "store.migrated_in"
            copied = copied[:-1]
        assert copied == expected, table
        assert report.rows(table) == len(expected)
        # Analysed before the copy was verified (decision 0056): the planner counted the
        # rows (a table never analysed says -1).
        assert _reltuples(url, table) == len(expected), table
    assert (report.source_seq, report.source_hash) == head
    assert report.head_seq == head[0] + 1
    assert any("verifying" in line for line in lines)
    with Store.open(database=url) as target:
        after = target.summary()
        assert target.verify().ok
        assert target.users.get("officer2").locked_at is not None
        assert not target.users.get("auditor").active
        assert target.agency.get() is not None and target.agency.get().logo == png()
    assert after.store_id == before.store_id
    assert (after.decisions, after.head_seq) == (before.decisions, before.head_seq + 1)


def test_a_desk_goes_on_recording_after_the_move(pg_cluster: Any, source: Path) -> None:
    url = pg_cluster.new_database()
    desk_url = pg_cluster.init_store(url)
    migrate(source, url, lambda line: None)
    with Store.open(database=desk_url) as store:
        last = store.audit.head()[0]
        officer = store.users.get("officer")
        saved = store.decisions.add(
            replace(draft(), person=PersonFacts("NH-2026-0999", "After Move")),
            Actor(officer.id, officer.username, "desk-2"),
            store_now(),
        )
        newcomer = add_user(store, "newcomer", "officer")
        assert saved.audit.seq > last
        report = store.verify()
    assert report.ok, report.problems[:3]
    with Store.open(source, moved_ok=True) as desk, desk.db.reading() as conn:
        top_decision = conn.execute("SELECT max(id) FROM decisions").fetchone()[0]
        top_user = conn.execute("SELECT max(id) FROM users").fetchone()[0]
    assert saved.record.id == top_decision + 1
    assert newcomer.id == top_user + 1


def store_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def test_a_target_with_records_is_refused_and_left_alone(
    pg_cluster: Any, source: Path, rich_source: Path, tmp_path: Path, rules: Any
) -> None:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    migrate(source, url, lambda line: None)
    with Store.open(database=url) as target:
        before = target.summary()
    other = tmp_path / "other"  # another desk's record: another store
    open_desk(other, rules, Clock()).services.close()
    with pytest.raises(TargetNotEmpty, match=r"already holds records.*nothing was written"):
        migrate(other, url, lambda line: None)
    with Store.open(other) as desk:  # not moved: still the desk's to work in
        assert desk.moved() is None
    with Store.open(database=url) as target:
        assert target.summary() == before
    # A copy of the very record the server holds (same store, same head: the desk's own
    # folder when a backup of it was the one moved) is that record's old copy: it is
    # marked moved, copying nothing (docs/several-desks.md, section 5).
    same = tmp_path / "same"
    shutil.copytree(rich_source, same)
    assert migrate(same, url, lambda line: None).repaired
    with Store.open(same, moved_ok=True) as desk:
        assert desk.moved() is not None
    with Store.open(database=url) as target:
        assert target.summary() == before


def test_a_failure_half_way_leaves_the_target_empty(
    pg_cluster: Any, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)

    def broken(*args: Any) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(copy_in, "copy_meta", broken)  # after every table was copied
    with pytest.raises(OSError, match="disk gone"):
        migrate(source, url, lambda line: None)
    assert _empty(url)
    monkeypatch.undo()
    migrate(source, url, lambda line: None)  # and it can simply be run again
    assert not _empty(url)


def test_a_copy_that_does_not_verify_is_rolled_back(
    pg_cluster: Any, source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    real = record_copy.source_rows

    def altered(conn: Any, table: str, columns: Any) -> Any:
        for stored in real(conn, table, columns):
            row = stored
            if table == "decisions" and row[0] == 1:
                at = list(columns).index("outcome")
                row = (*row[:at], "decline" if row[at] == "honor" else "honor", *row[at + 1 :])
            yield row

    monkeypatch.setattr(record_copy, "source_rows", altered)
    with pytest.raises(ChainBroken, match=r"copy does not verify.*rolled back"):
        migrate(source, url, lambda line: None)
    assert _empty(url)


def test_a_folder_without_a_record_is_refused(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    with pytest.raises(StoreError, match="holds no TrustDesk record"):
        migrate(tmp_path / "nothing", url, lambda line: None)
    assert not (tmp_path / "nothing").exists()
    assert _empty(url)


def test_a_target_of_a_newer_trustdesk_is_refused(pg_cluster: Any, source: Path) -> None:
    """`store init` refuses a store a newer TrustDesk set up; `store migrate` copied into
    it, leaving a record no desk of this version opens (a hostile review found it)."""
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER TABLE trustdesk.schema_version DISABLE TRIGGER USER")
        conn.execute("UPDATE trustdesk.schema_version SET version = version + 1")
    with pytest.raises(StoreError, match=r"set up by a newer TrustDesk.*nothing was written"):
        migrate(source, url, lambda line: None)
    assert _empty(url)


def test_a_database_never_set_up_is_refused_saying_to_set_it_up(
    pg_cluster: Any, source: Path
) -> None:
    """Without `store init`, the move called the missing tables a record changed behind
    TrustDesk's back, to be restored (a hostile review found it)."""
    url = pg_cluster.new_database()
    with pytest.raises(StoreError) as refused:
        migrate(source, url, lambda line: None)
    said = str(refused.value)
    assert "holds no TrustDesk store" in said and "store init" in said
    assert "behind TrustDesk's back" not in said
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT to_regnamespace('trustdesk')").fetchone() == (None,)


def test_a_folder_another_trustdesk_has_open_is_refused(pg_cluster: Any, source: Path) -> None:
    """A desk left open on the folder would go on recording there, where the server never
    reads: the move is refused while another TrustDesk program has it open."""
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    with Store.open(source), pytest.raises(StoreError, match=r"another TrustDesk program"):
        migrate(source, url, lambda line: None)
    assert _empty(url)
    migrate(source, url, lambda line: None)  # closed there, it moves
    assert not _empty(url)


def test_a_damaged_folder_is_named_by_the_flag_that_named_it(
    pg_cluster: Any, tmp_path: Path
) -> None:
    """The folder's damage advised choosing another folder with --data-dir, a flag
    `store migrate` does not have (a hostile review found it)."""
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "trustdesk.db").write_bytes(b"hello\n")
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    with pytest.raises(StoreError) as refused:
        migrate(folder, url, lambda line: None)
    assert "(--from)" in str(refused.value) and "--data-dir" not in str(refused.value)
    assert _empty(url)


def _trustdesk(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRUSTDESK_DEBUG": ""}
    return subprocess.run(
        [sys.executable, "-m", "trustdesk", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def test_the_command_copies_then_refuses_a_second_time(pg_cluster: Any, source: Path) -> None:
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    done = _trustdesk("store", "migrate", "--from", str(source), "--to", url)
    assert done.returncode == 0, done.stderr
    assert "verified on the target: audit trail intact" in done.stdout
    assert "store.migrated_out" in done.stdout and "no longer opens for work" in done.stdout
    assert "decisions" in done.stdout and done.stderr.count("\n") <= 1  # only warnings
    with Store.open(database=url) as target:
        server = target.summary()
    kept = (source / "trustdesk.db").read_bytes()
    again = _trustdesk("store", "migrate", "--from", str(source), "--to", url)
    assert again.returncode == 2
    lines = again.stderr.strip().splitlines()
    assert len(lines) == 1 and "was moved on" in lines[0], again.stderr
    assert "nothing was done" in lines[0] and _where(url) in lines[0]
    assert "Traceback" not in again.stderr
    # Nothing changed on either side.
    with Store.open(database=url) as target:
        assert target.summary() == server
    assert (source / "trustdesk.db").read_bytes() == kept


def _where(url: str) -> str:
    from trustdesk.store.postgresql.connection import describe

    return describe(url)


def test_the_command_says_plainly_when_the_server_cannot_be_reached(
    source: Path,
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql://postgres@127.0.0.1:{port}/trustdesk"
    done = _trustdesk("store", "migrate", "--from", str(source), "--to", url)
    assert done.returncode == 2
    assert "cannot be reached" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_copy_is_what_psycopg_reads_too(pg_cluster: Any, source: Path) -> None:
    """The server's own view (not the store's shim) of a migrated record's chain head."""
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    report = migrate(source, url, lambda line: None)
    with psycopg.connect(url) as conn:
        schemas = [row[0] for row in conn.execute("SELECT nspname FROM pg_namespace")]
        schema = next(name for name in schemas if name.startswith("trustdesk"))
        top = conn.execute(
            f"SELECT seq, hash FROM {schema}.audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    assert top == (report.head_seq, report.head_hash)


def test_the_command_refuses_a_password_on_its_command_line(pg_cluster: Any, source: Path) -> None:
    plain = pg_cluster.new_database()
    pg_cluster.init_store(plain)
    url = plain.replace("postgres@", "postgres:secret@", 1)
    done = _trustdesk("store", "migrate", "--from", str(source), "--to", url)
    assert done.returncode == 2
    assert "password" in done.stderr and "secret" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert _empty(plain)


def test_a_backup_of_the_desk_can_be_moved_in_its_place(
    pg_cluster: Any, source: Path, tmp_path: Path
) -> None:
    """The IT guide's way: back up the desk, carry the file to the server, migrate it."""
    with Store.open(source) as desk:
        admin = desk.users.get("admin")
        info = desk.backup(tmp_path / "desk.db", Actor(admin.id, admin.username, "ws"), store_now())
        head = desk.audit.head()
    moved = tmp_path / "move"
    moved.mkdir()
    info.path.rename(moved / "trustdesk.db")
    url = pg_cluster.new_database()
    pg_cluster.init_store(url)
    report = migrate(moved, url, lambda line: None)
    # The backup's own audit entry (backup.created) is written after the copy was made.
    assert report.source_seq == info.head_seq == head[0] - 1
    assert report.source_hash == info.head_hash


def test_every_table_of_the_desk_is_copied_or_said_why_not(source: Path) -> None:
    """A table added to the SQLite schema later must be added to the copy (or excluded)."""
    import sqlite3

    conn = sqlite3.connect(f"{(source / 'trustdesk.db').as_uri()}?mode=ro", uri=True)
    try:
        tables = set(record_copy.source_tables(conn))
    finally:
        conn.close()
    assert tables == set(COPIED) | set(NOT_COPIED)

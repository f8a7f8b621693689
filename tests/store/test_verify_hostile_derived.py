"""Tamperings a hostile review found that ``audit verify`` accepted: the derived tables,
accounts' lock-out state, people, the agency profile, the store's id, the name index
(decision 0060). Each changes stored data behind TrustDesk's back (as someone who can
write the SQLite file, or a PostgreSQL superuser), shows that the desk now sees
something else, and asserts that verification reports it.
"""

from __future__ import annotations

from typing import Any

import pytest
from hostilekit import one, says
from storekit import ROLE_PASSWORDS, T0, actor, add_user, draft, raw_connection
from test_verify_split import _attacker, six_decisions

from trustdesk.services.errors import AccountRecordAltered, ServiceError
from trustdesk.store.records import AgencyProfile
from trustdesk.store.store import Store

WRONG = "not the password at all"


@pytest.fixture
def record(store: Store) -> Store:
    """test_verify_split's six decisions, holds, closures and review."""
    return six_decisions(store)


def _lock_out(desk: Any, username: str) -> None:
    for _ in range(5):
        with pytest.raises(ServiceError):
            desk.services.accounts.log_on(username, WRONG)
    assert desk.store.users.get(username).locked_at is not None


# --- accounts: the lock-out state ---------------------------------------------------------


def test_a_lock_lifted_in_the_users_table_is_reported(desk: Any) -> None:
    """An officer locked out after five wrong passwords, the lock lifted by clearing
    ``users.locked_at`` (and the failures deleted): the officer would sign in again, but
    sign-in now refuses the account as altered, and verification names it."""
    _lock_out(desk, "officer")
    with pytest.raises(ServiceError, match="locked"):
        desk.session("officer")
    with _attacker(desk.store) as conn:
        conn.execute("UPDATE users SET locked_at = NULL WHERE username = 'officer'")
        conn.execute(
            "DELETE FROM login_failures WHERE user_id = "
            "(SELECT id FROM users WHERE username = 'officer')"
        )
    with pytest.raises(AccountRecordAltered, match="locked_at"):
        desk.session("officer")
    report = desk.store.verify()
    says(report, "lock-out state (locked_at)")


def test_a_lock_out_disarmed_by_a_future_unlock_time_is_reported(desk: Any) -> None:
    """``users.unlocked_at`` set far in the future: failed log-ons before it would not
    count, so no number of wrong passwords would lock the account (guessing without end);
    sign-in now refuses the account as altered, and verification names it."""
    with _attacker(desk.store) as conn:
        conn.execute(
            "UPDATE users SET unlocked_at = '9999-12-31T00:00:00.000000Z' WHERE username = 'admin'"
        )
    with pytest.raises(AccountRecordAltered, match="unlocked_at"):
        desk.session("admin")
    report = desk.store.verify()
    says(report, "lock-out state (unlocked_at)")


def test_an_account_locked_in_the_users_table_is_reported(desk: Any) -> None:
    """The only administrator locked out by setting ``users.locked_at`` (no failed
    log-on, no ``account.locked`` entry): they cannot sign in."""
    with _attacker(desk.store) as conn:
        conn.execute(
            "UPDATE users SET locked_at = '2026-11-20T16:00:00.000000Z' WHERE username = 'admin'"
        )
    with pytest.raises(ServiceError, match="locked"):
        desk.services.accounts.log_on("admin", ROLE_PASSWORDS["administrator"])
    report = desk.store.verify()
    says(report, "lock-out state (locked_at)")


# --- the agency profile ---------------------------------------------------------------------


def test_the_agency_profile_edited_in_its_table_is_reported(store: Store) -> None:
    """The agency's name, ORI and time zone changed in the ``agency`` row: every memo
    header, the sign-in page and every time shown or reported in the agency's zone
    change with them; the ``settings.changed`` entry holds the profile's digest."""
    admin = actor(add_user(store, "chief", "administrator", first=True))
    store.agency.save(
        AgencyProfile("Hartford Police", "Lock-up", "CT0006400", "America/New_York"),
        actor=admin,
        at=T0,
    )
    assert store.verify().ok
    with _attacker(store) as conn:
        conn.execute(
            "UPDATE agency SET name = 'Other Agency', ori = 'CT9999999', "
            "timezone = 'Pacific/Kiritimati' WHERE id = 1"
        )
    profile = store.agency.get()
    assert profile is not None and profile.name == "Other Agency"
    report = store.verify()
    says(report, "agency profile differs")


# --- people: rows no decision rests on ------------------------------------------------------


def test_a_person_row_added_under_a_booking_number_is_reported(record: Store) -> None:
    """A people row no decision rests on, filed under Kim Lee's booking number (and in
    the name index, so its own check agrees): the person's history now lists a name
    never recorded under that number, and the contact log offers it as a person on
    record."""
    from trustdesk.store.folding import booking_key
    from trustdesk.store.person_history import PersonHistoryRepository

    kim = one(record, "SELECT id, booking_number FROM people WHERE name = 'Kim Lee'")
    forged = one(record, "SELECT max(id) FROM people")[0] + 1
    with _attacker(record) as conn:
        conn.execute(
            "INSERT INTO people (id, booking_number, booking_key, name, name_folded, "
            "date_of_birth) VALUES (?, ?, ?, 'Forged Alias', 'forged alias', NULL)",
            (forged, kim[1], booking_key(kim[1])),
        )
        if record.backend == "sqlite":
            conn.execute(
                "INSERT INTO people_fts (rowid, name_folded) VALUES (?, 'forged alias')",
                (forged,),
            )
    history = PersonHistoryRepository(record.db).of_booking(kim[1])
    assert "Forged Alias" in [facts.name for facts in history.names]
    assert (forged, "Forged Alias") in record.contacts.people_with_booking(kim[1])
    report = record.verify()
    says(report, "is rested on by no decision and no contact")


# --- the name index -------------------------------------------------------------------------


@pytest.mark.sqlite_only("FTS5 name index")
def test_a_name_index_built_from_a_view_that_hides_a_person_is_reported(record: Store) -> None:
    """The FTS5 index's content table changed (``writable_schema``) to a view of the
    people without Kim Lee, and the index rebuilt: FTS5's integrity check compares the
    index with that view and agrees, while a name search no longer finds Kim Lee."""
    from storekit import raw_connection

    from trustdesk.store.search import SearchQuery

    assert [s.name for s in record.search.decisions(SearchQuery(name="Kim Lee"))] == ["Kim Lee"]
    path = record.db.path
    conn = raw_connection(path)
    conn.execute("CREATE VIEW people_listed AS SELECT * FROM people WHERE name <> 'Kim Lee'")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute(
        "UPDATE sqlite_master SET sql = replace(sql, 'content=''people''', "
        "'content=''people_listed''') WHERE name = 'people_fts'"
    )
    conn.execute("PRAGMA writable_schema = OFF")
    conn.close()
    conn = raw_connection(path)
    conn.execute("INSERT INTO people_fts (people_fts) VALUES ('rebuild')")
    conn.close()
    assert record.search.decisions(SearchQuery(name="Kim Lee")) == []
    report = record.verify()
    says(report, "name search index is not declared")


# --- derived tables compared as sets --------------------------------------------------------


def _doubled(store: Store, table: str, key: str) -> None:
    """One row of ``table`` read twice: on SQLite the table renamed and a view of it in
    its place that repeats its first row; on the server its keys dropped (ALTER TABLE)
    and the row inserted again."""
    with _attacker(store) as conn:
        if store.backend == "sqlite":
            conn.execute(f"ALTER TABLE {table} RENAME TO {table}_kept")
            conn.execute(
                f"CREATE VIEW {table} AS SELECT * FROM {table}_kept UNION ALL "
                f"SELECT * FROM {table}_kept WHERE {key} = (SELECT min({key}) FROM {table}_kept)"
            )
            return
        conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey CASCADE")
        conn.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_decision_id_key CASCADE")
        conn.execute(
            f"INSERT INTO {table} SELECT * FROM {table} "
            f"WHERE {key} = (SELECT min({key}) FROM {table})"
        )


def test_an_open_hold_listed_twice_is_reported(record: Store) -> None:
    """``open_holds`` holding one hold twice: the desk's list of active holds (and the
    overdue alarm) shows it twice; ``Checker.open_holds`` compares sets."""
    before = [hold.hold_id for hold in record.holds.active()]
    _doubled(record, "open_holds", "hold_id")
    after = [hold.hold_id for hold in record.holds.active()]
    assert len(after) == len(before) + 1
    report = record.verify()
    says(report, "list of open holds")


def test_a_review_listed_twice_is_reported(record: Store) -> None:
    """``pending_reviews`` holding one decision twice: the review queue shows it twice;
    ``Checker.review_queue`` compares sets."""
    officer = actor(record.users.get("ann"))
    record.decisions.add(draft(review_required=True), officer, T0)
    before = [s.record_id for s in record.search.awaiting_review()]
    assert before, "the record has a decision awaiting review"
    _doubled(record, "pending_reviews", "record_id")
    after = [s.record_id for s in record.search.awaiting_review()]
    assert len(after) == len(before) + 1
    report = record.verify()
    says(report, "review queue does not match")


# --- meta: the store's identity -------------------------------------------------------------


def test_a_store_id_changed_in_meta_is_reported(record: Store) -> None:
    """``meta.store_id`` replaced by another store's id. The chain recorded the real one
    (``store.created``), and ``identity.summarize`` calls the store's id altered; but a
    backup writes meta's id into its manifest, and ``store migrate`` (which refuses a
    record that does not verify, transfer.py) copies meta's id to the server."""
    from trustdesk.store.identity import summarize

    with _attacker(record) as conn:
        conn.execute("UPDATE meta SET value = 'another-agency-store' WHERE key = 'store_id'")
    with record.db.reading() as conn:
        assert summarize(conn).problem == "its store id was altered outside TrustDesk"
    report = record.verify()
    says(report, "store id in meta")


# --- the triggers around the evidence (decision 0063) ---------------------------------------


@pytest.mark.sqlite_only("the SQLite file's own triggers; the server's: test_verify_hostile_pg")
def test_triggers_dropped_changed_or_added_in_the_file_are_reported(record: Store) -> None:
    """With the plain sqlite3 module: the chain's link trigger dropped, a decisions
    trigger made to look away for one row, a trigger of one's own added."""
    conn = raw_connection(record.db.path)  # type: ignore[attr-defined]
    try:
        conn.execute("DROP TRIGGER audit_log_links")
        conn.execute("DROP TRIGGER decisions_no_update")
        conn.execute(
            "CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions WHEN OLD.id <> 1 "
            "BEGIN SELECT RAISE(ABORT, 'decisions is append-only'); END"
        )
        conn.execute("CREATE TRIGGER quiet AFTER INSERT ON decisions BEGIN SELECT 1; END")
    finally:
        conn.close()
    report = record.verify()
    says(
        report,
        "the trigger audit_log_links on table audit_log, which guards the evidence, is missing",
    )
    says(report, "the trigger decisions_no_update on table decisions is not the one TrustDesk")
    says(report, "table decisions has a trigger 'quiet', which TrustDesk never makes")


@pytest.mark.sqlite_only("the SQLite file's own schema table")
def test_a_trigger_written_into_the_schema_as_type_TRIGGER_is_reported(record: Store) -> None:
    """SQLite loads a schema row typed 'TRIGGER' as a trigger (the loader ignores case):
    one that drops the entries of views would run on every open, unseen by a check of
    the rows typed 'trigger'."""
    conn = raw_connection(record.db.path)  # type: ignore[attr-defined]
    try:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute(
            "INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES "
            "('TRIGGER', 'hidden', 'audit_log', 0, 'CREATE TRIGGER hidden BEFORE INSERT ON "
            "audit_log WHEN NEW.event = ''decision.viewed'' BEGIN SELECT RAISE(IGNORE); END')"
        )
        conn.execute("PRAGMA writable_schema = OFF")
    finally:
        conn.close()
    report = record.verify()
    says(report, "the schema holds a trigger 'hidden' on table audit_log written as type 'TRIGGER'")
    says(report, "table audit_log has a trigger 'hidden', which TrustDesk never makes")

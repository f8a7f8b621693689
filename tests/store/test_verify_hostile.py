"""Tamperings a hostile review found that ``audit verify`` accepted (decision 0059).

Each changes stored evidence behind TrustDesk's back in one way (as someone who can
write the file, or a PostgreSQL superuser) and asserts that verification reports it.
Those only SQLite 3.45 and later make possible are in ``jsonb_probes.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostilekit import forge_latest_version, general_report, one, says
from storekit import raw_connection
from test_verify_split import _attacker, six_decisions

from trustdesk.store.store import Store


@pytest.fixture
def record(store: Store) -> Store:
    """test_verify_split's six decisions, holds, closures and review."""
    return six_decisions(store)


# --- rows filed at an audit position no span covers (audit_seq 0) --------------------------
#
# The rows passes read ``WHERE t.audit_seq > after [AND t.audit_seq <= upto]``, ``after``
# 0 for the first span, and the row counts compared with the chain's event counts are
# the counts those passes read: a row filed at audit_seq 0 (or below, or NULL) was read
# by no pass, neither checked nor counted. ``Checker.unfiled_rows`` names such rows.


def test_a_forged_hold_closure_filed_at_audit_seq_0_is_reported(record: Store) -> None:
    """An open hold closed by a forged closure row (audit_seq 0, no audit entry), its row
    in the derived ``open_holds`` removed to match: the hold reads as closed."""
    hold = one(record, "SELECT min(hold_id) FROM open_holds")[0]
    officer = one(record, "SELECT min(id) FROM users")[0]
    with _attacker(record) as conn:
        conn.execute(
            "INSERT INTO hold_closures (hold_id, outcome, ended_at, recorded_at, officer_id, "
            "note, audit_seq) VALUES (?, 'released_other', '2026-11-20T19:00:00.000000Z', "
            "'2026-11-20T19:00:00.000000Z', ?, 'forged', 0)",
            (hold, officer),
        )
        conn.execute("DELETE FROM open_holds WHERE hold_id = ?", (hold,))
    report = record.verify()
    says(report, "hold_closures row")


def test_a_forged_latest_version_filed_at_audit_seq_0_is_reported(record: Store) -> None:
    """A decision whose hold is closed given a forged later version (another outcome),
    filed at audit_seq 0: the desk shows the forged version as the decision's latest."""
    with _attacker(record) as conn:
        forged = forge_latest_version(record, conn, reason="forged", audit_seq=0)
    assert one(record, "SELECT outcome FROM decisions WHERE id = ?", (forged,))[0] == "decline"
    says(record.verify(), "is filed at audit position 0")


# --- the general check's answers (separators inside a field) -------------------------------
#
# The general check read a decision's answers as one text, ``field || char(30) ||
# value`` joined by ``char(31)``, and split it again: a field holding those characters
# was read as several answers. The fast pass reads the answers as JSON (exact) and
# refuses such a row, which then goes to the general check; that now reads the answers
# as rows.


def test_two_answers_merged_into_one_row_are_reported(
    record: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last decision's two answers (gang_member no, tsdb_match unknown) replaced by
    one row whose field holds the separators: the table no longer says gang_member."""
    last = one(record, "SELECT max(id) FROM decisions")[0]
    with _attacker(record) as conn:
        conn.execute(
            "DELETE FROM decision_answers WHERE record_id = ? AND field = 'gang_member'", (last,)
        )
        conn.execute(
            "UPDATE decision_answers SET field = ? WHERE record_id = ? AND field = 'tsdb_match'",
            ("gang_member\x1eno\x1ftsdb_match", last),
        )
    assert one(record, "SELECT count(*) FROM decision_answers WHERE record_id = ?", (last,))[0] == 1
    fast = record.verify()
    general = general_report(record, monkeypatch)
    assert not general.ok, "the general check accepts the merged answers"
    says(fast, "rests on answers that were altered")


@pytest.mark.sqlite_only("SQLite's untyped columns")
def test_an_answer_stored_as_the_bytes_of_its_text_is_reported(
    record: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An answer's value replaced by a blob of the same bytes: it read back as the same
    text when joined with ``||``, but no query comparing it with a text matches it."""
    last = one(record, "SELECT max(id) FROM decisions")[0]
    with _attacker(record) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(
            "UPDATE decision_answers SET value = CAST(value AS BLOB) "
            "WHERE record_id = ? AND field = 'gang_member'",
            (last,),
        )
    general = general_report(record, monkeypatch)
    assert any("rests on answers that were altered" in str(p) for p in general.problems)
    says(record.verify(), "rests on answers that were altered")


# --- a table or column the verification reads renamed or dropped ---------------------------
#
# "no such table: decisions" ended `audit verify` with an error of the program (the
# command line: "internal error (OperationalError); this is a bug in TrustDesk"). A table
# or column gone is a finding about the record.


@pytest.mark.parametrize(
    "statement",
    [
        "ALTER TABLE decisions RENAME TO decisions_elsewhere",
        "ALTER TABLE holds RENAME TO holds_elsewhere",
        "ALTER TABLE reviews RENAME TO reviews_elsewhere",
        "ALTER TABLE hold_closures RENAME TO hold_closures_elsewhere",
        "ALTER TABLE decision_answers RENAME TO decision_answers_elsewhere",
        "ALTER TABLE audit_log RENAME TO audit_log_elsewhere",
        "ALTER TABLE holds RENAME COLUMN opened_by TO opened_by_someone",
        "ALTER TABLE hold_closures DROP COLUMN note",
    ],
    ids=[
        "decisions",
        "holds",
        "reviews",
        "closures",
        "answers",
        "audit log",
        "a column renamed",
        "a column dropped",
    ],
)
def test_a_table_or_column_renamed_or_dropped_is_reported(record: Store, statement: str) -> None:
    if record.backend == "sqlite":  # no trigger stands in the way of either statement
        conn = raw_connection(record.db.path)  # type: ignore[attr-defined]
        conn.execute(statement)
        conn.close()
    else:
        with _attacker(record) as conn:
            conn.execute(statement)
    report = record.verify()
    says(report, "renamed or dropped behind TrustDesk's back")


@pytest.mark.postgresql_only("the server's messages in another language")
def test_a_table_renamed_away_is_found_by_a_server_that_speaks_spanish(
    tmp_path: Path, database: str
) -> None:
    """A server whose ``lc_messages`` is Spanish says "no existe la relación": the
    server's English words never decided, the catalog does (a table renamed away went
    out as the server's raw error, not as a finding). A mistake of TrustDesk's own, with
    every table in place, stays a bug in any language."""
    import psycopg

    from pgkit import superuser_url
    from trustdesk.store.checks import Checker
    from trustdesk.store.errors import StoreError

    name = database.rsplit("/", 1)[1].split("?", 1)[0]
    with psycopg.connect(superuser_url(database), autocommit=True) as conn:
        # The locale's messages come with the server; the locale itself is the system's
        # (scripts/bootstrap.sh makes es_ES.UTF-8 for the tests).
        conn.execute(f"ALTER DATABASE \"{name}\" SET lc_messages = 'es_ES.UTF-8'")
    record = six_decisions(Store.open(tmp_path / "data", database=database))
    try:
        with psycopg.connect(superuser_url(database), autocommit=True) as conn:
            said = conn.execute("SELECT count(*) FROM trustdesk.nowhere_at_all")
    except psycopg.errors.UndefinedTable as exc:
        said = str(exc)
    assert "no existe" in str(said)  # the server does speak Spanish
    with _attacker(record) as conn:
        conn.execute("ALTER TABLE holds RENAME TO holds_elsewhere")
    try:
        report = record.verify()
        says(report, "renamed or dropped behind TrustDesk's back")
        says(report, "table holds is missing")
        with _attacker(record) as conn:
            conn.execute("ALTER TABLE holds_elsewhere RENAME TO holds")
        assert record.verify().problems == ()

        def mistaken(self: Checker) -> None:
            self.conn.execute("SELECT agency_nmae FROM agency").fetchall()

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Checker, "agency_profile", mistaken)
            with pytest.raises(Exception) as raised:  # noqa: PT011 - the bug's own error
                record.verify()
        assert not isinstance(raised.value, StoreError)
    finally:
        record.close()


@pytest.mark.sqlite_only("rewrites the SQLite file's chain behind TrustDesk's back")
def test_a_table_renamed_away_does_not_hide_a_rewritten_chain(record: Store) -> None:
    """The workstation's anchor alone finds a chain rewritten consistently. A table the
    name index's check reads first (``meta``) renamed away stopped the writer's checks
    before the anchor was compared, and the rewrite went unreported."""
    from trustdesk.store.audit import entry_hash

    conn = raw_connection(record.db.path)  # type: ignore[attr-defined]
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    made = triggers.fetchall()
    for name, _sql in made:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE audit_log SET workstation = 'elsewhere' WHERE seq = 3")
    prev = str(conn.execute("SELECT hash FROM audit_log WHERE seq = 2").fetchone()[0])
    for row in conn.execute(
        "SELECT seq, at, workstation, actor, actor_id, event, outcome, objects "
        "FROM audit_log WHERE seq >= 3 ORDER BY seq"
    ).fetchall():
        digest = entry_hash(prev, *row)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0])
        )
        prev = digest
    for _name, sql in made:
        conn.execute(sql)
    says(record.verify(), "not the one this workstation last saw")
    conn.execute("ALTER TABLE meta RENAME TO meta_elsewhere")
    conn.close()
    report = record.verify()
    says(report, "renamed or dropped behind TrustDesk's back")
    says(report, "not the one this workstation last saw")


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT agency_nmae FROM agency",  # a name TrustDesk never makes
        "SELECT d.id FROM decisions AS x",  # an alias that is not there
        "SELECT users.username FROM decisions",  # a table not in the statement
    ],
)
def test_a_mistake_in_a_statement_of_trustdesk_s_own_is_a_bug_not_tampering(
    record: Store, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """With every table and column of TrustDesk's in place, a statement that names one
    wrongly is not reported as the record's: it stops the check as the bug it is (a
    hostile review found such mistakes called tampering, advising a needless restore)."""
    import sqlite3

    from trustdesk.store.checks import Checker
    from trustdesk.store.errors import StoreError

    def mistaken(self: Checker) -> None:
        self.conn.execute(statement).fetchall()

    monkeypatch.setattr(Checker, "agency_profile", mistaken)
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the bug's own error
        record.verify()
    assert not isinstance(raised.value, StoreError)
    if record.backend == "sqlite":
        assert isinstance(raised.value, sqlite3.OperationalError)

"""Tamperings that only SQLite 3.45 and later make possible: a value replaced by its
JSONB blob, which json_object writes as the JSON it holds (the very text of the value
it replaced), where older SQLite stopped the statement (``BLOB_REFUSED``). The general
checks read a blob as bytes and report it; the candidates must not accept it
(``candidates_sqlite.GUARD_FIRST``, decision 0059).

Not collected with the suite (the system's SQLite may be older): run under
pysqlite3-binary's SQLite in a child process by test_verify_newer_sqlite.py.
"""

from __future__ import annotations

import sqlite3

import pytest
from hostilekit import CLOSED_LATEST, general_report, one
from test_verify_split import _attacker, six_decisions

from trustdesk.store import candidates_sqlite
from trustdesk.store.store import Store

if sqlite3.sqlite_version_info < (3, 45, 0):  # never a silent skip
    raise RuntimeError(f"these probes need SQLite 3.45 or later, not {sqlite3.sqlite_version}")
assert candidates_sqlite.GUARD_FIRST


@pytest.fixture
def record(store: Store) -> Store:
    """test_verify_split's six decisions, holds, closures and review."""
    return six_decisions(store)


#: A decision whose hold is closed (its outcome enters no open hold's due time).
_CLOSED = f"id = ({CLOSED_LATEST} LIMIT 1)"


@pytest.mark.sqlite_only("SQLite's untyped columns and its JSONB")
@pytest.mark.parametrize(
    ("table", "column", "where"),
    [
        ("decisions", "outcome", _CLOSED),
        ("decisions", "reason", "reason IS NOT NULL"),
        ("people", "booking_number", "id = (SELECT min(id) FROM people)"),
        ("decision_answers", "value", "record_id = (SELECT max(id) FROM decisions)"),
        ("holds", "opened_at", "id = (SELECT min(id) FROM holds)"),
        ("hold_closures", "note", "hold_id = (SELECT min(hold_id) FROM hold_closures)"),
        ("reviews", "reviewed_at", "id = (SELECT min(id) FROM reviews)"),
        ("audit_log", "actor", "seq = 3"),
    ],
)
def test_a_value_turned_into_its_jsonb_blob_is_reported(
    record: Store, monkeypatch: pytest.MonkeyPatch, table: str, column: str, where: str
) -> None:
    with _attacker(record) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(f"UPDATE {table} SET {column} = jsonb(json_quote({column})) WHERE {where}")
        kinds = conn.execute(f"SELECT typeof({column}) FROM {table} WHERE {where}").fetchall()
    assert kinds and all(kind == ("blob",) for kind in kinds)
    general = general_report(record, monkeypatch)
    assert not general.ok, "the general check accepts the blob"
    fast = record.verify()
    assert not fast.ok, f"{table}.{column} turned into a JSONB blob was accepted"


@pytest.mark.sqlite_only("SQLite's untyped columns and its JSONB")
def test_a_review_flag_turned_into_its_jsonb_blob_is_reported(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision awaiting review: its review_required 1 made ``jsonb('1')`` (written 1
    by json_object) and its row in the review queue removed: it no longer awaits review."""
    from storekit import T0, actor, add_user, draft

    officer = actor(add_user(store, "ann", "officer"))
    saved = store.decisions.add(draft(review_required=True), officer, T0)
    record = saved.record.id
    assert one(store, "SELECT count(*) FROM pending_reviews")[0] == 1
    with _attacker(store) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(
            "UPDATE decisions SET review_required = jsonb(review_required) WHERE id = ?",
            (record,),
        )
        conn.execute("DELETE FROM pending_reviews WHERE record_id = ?", (record,))
    assert not general_report(store, monkeypatch).ok, "the general check accepts the blob"
    assert not store.verify().ok, "a decision taken out of the review queue was accepted"

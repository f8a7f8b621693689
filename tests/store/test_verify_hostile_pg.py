"""Tamperings by a PostgreSQL superuser that ``audit verify`` accepted (a hostile review
of verification on the server, decision 0060).

Each changes what the desk reads behind TrustDesk's back, as a superuser of the server
can (constraints dropped, functions defined, row security, columns altered), and
asserts that verification reports it. Only the server makes these possible.
"""

from __future__ import annotations

from typing import Any

import pytest
from hostilekit import CLOSED_LATEST, forge_latest_version, one, says
from test_verify_split import _attacker, six_decisions

from trustdesk.store.store import Store

pytestmark = pytest.mark.postgresql_only("a PostgreSQL superuser's tampering")


@pytest.fixture
def record(store: Store) -> Store:
    """test_verify_split's six decisions, holds, closures and review, on the server."""
    return six_decisions(store)


def _all(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[Any]:
    with store.db.reading() as conn:
        return list(conn.execute(sql, params).fetchall())


# --- a decision counted twice through its person's duplicated row --------------------------


def test_a_deleted_decision_hidden_by_a_duplicated_person_row_is_reported(
    record: Store,
) -> None:
    """The decision pass joins ``people`` (and ``detainers``) by id; with the server's
    primary key dropped, a person's row copied makes that person's decision come twice,
    both copies match their digest, and the decision rows counted equal the chain's
    events although another decision was deleted."""
    last = one(record, "SELECT max(id) FROM decisions")[0]
    # A decision of one version whose person has no other decision.
    kept = one(
        record,
        "SELECT min(d.id) FROM decisions d WHERE d.version = 1 AND d.id <> ? "
        "AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.decision_id = d.decision_id "
        "AND n.id <> d.id) "
        "AND (SELECT count(*) FROM decisions o WHERE o.person_id = d.person_id) = 1",
        (last,),
    )[0]
    with _attacker(record) as conn:
        conn.execute("ALTER TABLE people DROP CONSTRAINT people_pkey CASCADE")
        conn.execute("DROP INDEX people_identity")
        conn.execute(
            "INSERT INTO people OVERRIDING SYSTEM VALUE SELECT * FROM people "
            "WHERE id = (SELECT person_id FROM decisions WHERE id = ?)",
            (kept,),
        )
        conn.execute("DELETE FROM open_holds WHERE record_id = ?", (last,))
        conn.execute("DELETE FROM pending_reviews WHERE record_id = ?", (last,))
        conn.execute("DELETE FROM decision_answers WHERE record_id = ?", (last,))
        conn.execute("DELETE FROM decisions WHERE id = ?", (last,))
    assert one(record, "SELECT count(*) FROM decisions WHERE id = ?", (last,))[0] == 0
    report = record.verify()
    says(report, "table people has lost its primary key")
    # What the desk shows: the decision is gone.
    with pytest.raises(Exception, match="there is no decision"):
        record.decisions.latest(last)


# --- the server's functions in verify's statements, shadowed in the store's schema ----------
#
# The decision pass has the server compute each document's digest
# (``encode(sha256(convert_to(t.x, 'UTF8')), 'hex')``) and the answers' JSON
# (``array_to_json(array_agg(ARRAY[field, value]))``). With the names unqualified (the
# session's search_path is ``trustdesk, public``), a function of the same name in
# ``trustdesk`` that is the better match for the arguments' types was the one called;
# the statements now name ``pg_catalog``, and the catalog check reports the function.


def _decision_id(store: Store, record_id: int) -> int:
    return int(one(store, "SELECT decision_id FROM decisions WHERE id = ?", (record_id,))[0])


def test_a_forged_document_behind_a_shadowed_convert_to_is_reported(record: Store) -> None:
    """``trustdesk.convert_to(text, text)`` beats ``pg_catalog.convert_to(text, name)``
    for the literal 'UTF8'; it hands the original document's bytes to sha256 for a
    forged one, and the decision's stored document is replaced."""
    last = one(record, "SELECT max(id) FROM decisions")[0]
    original = one(record, "SELECT decision_json FROM decisions WHERE id = ?", (last,))[0]
    forged = original.replace('"decision": "honor"', '"decision": "decline"')
    assert forged != original
    with _attacker(record) as conn:
        conn.execute("CREATE TABLE shadow_documents (forged text PRIMARY KEY, original text)")
        conn.execute("INSERT INTO shadow_documents VALUES (?, ?)", (forged, original))
        conn.execute(
            "CREATE FUNCTION trustdesk.convert_to(t text, e text) RETURNS bytea "
            "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ "
            "SELECT pg_catalog.convert_to(coalesce((SELECT original FROM "
            "trustdesk.shadow_documents WHERE forged = t), t), e::name) $$"
        )
        conn.execute("UPDATE decisions SET decision_json = ? WHERE id = ?", (forged, last))
    assert record.decisions.latest(_decision_id(record, last)).decision_json == forged
    report = record.verify()
    says(report, "was altered")
    says(report, "function 'convert_to'")


def test_a_forged_answer_behind_a_shadowed_array_to_json_is_reported(record: Store) -> None:
    """``trustdesk.array_to_json(text[])`` is an exact match where
    ``pg_catalog.array_to_json(anyarray)`` is not; it writes the original answers for a
    forged set, and an answer of the last decision is changed."""
    last = one(record, "SELECT max(id) FROM decisions")[0]
    with _attacker(record) as conn:
        conn.execute("CREATE TABLE shadow_answers (forged text[] PRIMARY KEY, original json)")
        conn.execute(
            "INSERT INTO shadow_answers SELECT array_agg(ARRAY[field, CASE field WHEN "
            "'gang_member' THEN 'yes' ELSE value END] ORDER BY field COLLATE \"C\"), "
            "pg_catalog.array_to_json(array_agg(ARRAY[field, value] ORDER BY field "
            'COLLATE "C")) FROM decision_answers WHERE record_id = ?',
            (last,),
        )
        conn.execute(
            "CREATE FUNCTION trustdesk.array_to_json(a text[]) RETURNS json "
            "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$ "
            "SELECT coalesce((SELECT original FROM trustdesk.shadow_answers WHERE forged = a), "
            "pg_catalog.array_to_json(a)) $$"
        )
        conn.execute(
            "UPDATE decision_answers SET value = 'yes' "
            "WHERE record_id = ? AND field = 'gang_member'",
            (last,),
        )
    answers = dict(record.decisions.latest(_decision_id(record, last)).answers)
    assert answers["gang_member"] == "yes"
    report = record.verify()
    says(report, "rests on answers that were altered")
    says(report, "function 'array_to_json'")


# --- row-level security: a row the verifying session does not see --------------------------
#
# ``audit verify`` reads through a streaming connection: every SELECT is a named server
# cursor (``PgConnection._server_cursor``, ``trustdesk_read_N``). The desk's reads are
# not. A policy can tell the two apart by the session's open cursors (``pg_cursors``),
# and hide a row from verification only.


def test_a_forged_latest_version_hidden_from_verify_by_a_policy_is_reported(
    record: Store,
) -> None:
    """A forged version 2 (another outcome) of a decision whose hold is closed, and a
    row-level policy on ``decisions`` that hides it from any session with an open
    ``trustdesk_read_N`` cursor: the desk shows the forged outcome, verification never
    reads the row."""
    target = one(record, CLOSED_LATEST)[0]
    head = one(record, "SELECT max(seq) FROM audit_log")[0]
    with _attacker(record) as conn:
        # Any position: verification never reads the row.
        new_id = forge_latest_version(
            record, conn, reason="hold start corrected", audit_seq=head + 1000
        )
        conn.execute(
            "INSERT INTO decision_answers SELECT ?, field, value FROM decision_answers "
            "WHERE record_id = ?",
            (new_id, target),
        )
        conn.execute("ALTER TABLE decisions ENABLE ROW LEVEL SECURITY")
        conn.execute(
            f"CREATE POLICY desk_reads ON decisions FOR SELECT USING (id <> {new_id} "
            "OR NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cursors "
            "WHERE starts_with(name, 'trustdesk_read_')))"
        )
        conn.execute("CREATE POLICY desk_writes ON decisions FOR INSERT WITH CHECK (true)")
    decision = _decision_id(record, target)
    latest = record.decisions.latest(decision)
    assert (latest.id, latest.outcome) == (new_id, "decline")
    report = record.verify()
    says(report, "table decisions has row-level security")


# --- what reports read: the server's generated columns made plain -------------------------


def test_report_columns_detached_from_their_documents_are_reported(record: Store) -> None:
    """Schema 11's report columns are ``GENERATED ALWAYS … STORED``, "so the two never
    disagree and audit verify has nothing more to check". A superuser drops the
    expression (a plain column since) and writes other grounds: the report counts them."""
    with _attacker(record) as conn:
        conn.execute("ALTER TABLE decisions ALTER COLUMN report_grounds DROP EXPRESSION")
        conn.execute(
            "UPDATE decisions SET report_grounds = '[\"judicial_warrant\"]' "
            "WHERE report_grounds IS DISTINCT FROM '[\"judicial_warrant\"]'"
        )
    differing = one(
        record,
        "SELECT count(*) FROM decisions "
        "WHERE report_grounds IS DISTINCT FROM (CAST(decision_json AS json) -> 'grounds')::text",
    )[0]
    assert differing > 0
    report = record.verify()
    says(report, "report column report_grounds")


def test_an_operator_made_in_the_schema_is_reported(record: Store) -> None:
    """An operator in TrustDesk's schema (TrustDesk makes none; pg_trgm's are the
    extension's): one whose argument types match better than a built-in's would be
    used in its place."""
    with _attacker(record) as conn:
        conn.execute(
            "CREATE OPERATOR public.=== (LEFTARG = bigint, RIGHTARG = bigint, "
            "FUNCTION = pg_catalog.int8eq)"
        )
    says(record.verify(), "holds an operator '==='")


# --- TrustDesk's own functions and triggers (decision 0063) ---------------------------------


def test_a_lock_lifted_behind_a_replaced_json_extract_is_reported(desk: Any) -> None:
    """The lock-out replay (sign-in's and verification's) reads the lock entries' user
    through TrustDesk's ``json_extract``. A superuser replaces it to find no user, and
    lifts an officer's lock in ``users``: the officer signs in again, the replay agreeing
    with the row; only the catalog check sees the function replaced."""
    from test_verify_hostile_derived import _lock_out

    _lock_out(desk, "officer")
    with _attacker(desk.store) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION json_extract(value text, path text) RETURNS bigint "
            "LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN NULL; END $$"
        )
        conn.execute("UPDATE users SET locked_at = NULL WHERE username = 'officer'")
        conn.execute(
            "DELETE FROM login_failures WHERE user_id = "
            "(SELECT id FROM users WHERE username = 'officer')"
        )
    desk.session("officer")  # what the replaced function let through
    report = desk.store.verify()
    says(report, "function json_extract(value text, path text) is not the one TrustDesk made")


def test_an_overload_and_a_definer_setting_on_trustdesk_functions_are_reported(
    record: Store,
) -> None:
    with _attacker(record) as conn:
        conn.execute(
            "CREATE FUNCTION json_valid(value varchar) RETURNS boolean "
            "LANGUAGE sql IMMUTABLE AS $$ SELECT true $$"
        )
        conn.execute("ALTER FUNCTION trustdesk_ids(text) SECURITY DEFINER")
    report = record.verify()
    says(report, "function 'json_valid' has 1 more definition(s) beside its own")
    says(report, "function trustdesk_ids(ids text) was set to run as its owner")


def test_a_disabled_dropped_altered_or_added_trigger_is_reported(record: Store) -> None:
    """With its no-change trigger disabled, a decision row can be updated by anyone with
    UPDATE on it (the desk role has none, but the trigger is the second wall); the chain's
    link trigger dropped; the append-only trigger made to look away for one row (a WHEN
    condition); a trigger of the attacker's own added."""
    with _attacker(record) as conn:
        conn.execute("ALTER TABLE decisions DISABLE TRIGGER decisions_no_change")
        conn.execute("DROP TRIGGER audit_log_links ON audit_log")
        conn.execute("DROP TRIGGER holds_no_change ON holds")
        conn.execute(
            "CREATE TRIGGER holds_no_change BEFORE UPDATE OR DELETE ON holds FOR EACH ROW "
            "WHEN (OLD.id <> 1) EXECUTE FUNCTION refuse_change()"
        )
        conn.execute(
            "CREATE TRIGGER quiet AFTER INSERT ON decisions FOR EACH ROW "
            "EXECUTE FUNCTION audit_notify()"
        )
    report = record.verify()
    says(
        report,
        "the trigger decisions_no_change on table decisions, which guards the "
        "evidence, is disabled",
    )
    says(
        report,
        "the trigger audit_log_links on table audit_log, which guards the evidence, is missing",
    )
    says(report, "the trigger holds_no_change on table holds is not the one TrustDesk made")
    says(report, "table decisions has a trigger 'quiet', which TrustDesk never makes")


def test_the_intact_catalog_has_no_problem(record: Store) -> None:
    """Every function and trigger the schema's statements make is found as made (the
    server writes the events of a trigger in its own order)."""
    from trustdesk.store.postgresql import catalog_check

    with record.db.reading() as conn:
        assert catalog_check.problems(conn) == []


def test_triggers_silenced_by_a_replication_role_setting_are_reported(record: Store) -> None:
    """``session_replication_role = replica`` set for the database: no ordinarily enabled
    trigger fires in a desk's session, while every trigger is still as made."""
    with _attacker(record) as conn:
        conn.execute(
            "ALTER DATABASE "
            + one(record, "SELECT current_database()")[0]
            + " SET session_replication_role = replica"
        )
    record.close()
    reopened = Store.open(record.data_dir, database=record.db.url)  # type: ignore[attr-defined]
    try:
        report = reopened.verify()
        says(report, "the server sets session_replication_role=replica for (every role)")
    finally:
        reopened.close()

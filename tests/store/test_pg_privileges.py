"""The evidence guarantees enforced by the PostgreSQL server itself, not only by the app.

Connected as a desk's login role (a member of ``trustdesk_desk``), UPDATE, DELETE and
TRUNCATE of every evidence table are refused by privileges; even the tables' owner is
refused by the triggers. Normal use (which only reads and adds evidence) goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from storekit import T0, actor, add_user, contact_draft, draft, written_columns

from pgkit import superuser_url
from trustdesk.store.postgresql.schema import (
    DESK_ROLE,
    EVIDENCE_TABLES,
    MUTABLE_TABLES,
    OWNER_ROLE,
    SCHEMA,
)
from trustdesk.store.records import AgencyProfile
from trustdesk.store.store import Store


@pytest.fixture
def filled(pg_cluster: Any, tmp_path: Any) -> Iterator[tuple[Store, str]]:
    """A store on the server with a row in every evidence table, and its desk URL."""
    url = pg_cluster.new_store_database()
    store = Store.open(tmp_path, database=url)
    officer = add_user(store, "ann", "officer", first=True)
    supervisor = add_user(store, "sam", "supervisor")
    # The memo header's history (schema 15) has a row per profile change.
    store.agency.save(
        AgencyProfile("Hartford Police Department", "Morgan Street", "CT0006400"),
        actor=actor(officer),
        at=T0,
    )
    saved = store.decisions.add(draft(review_required=True), actor(officer), T0)
    store.reviews.approve(
        saved.record.decision_id,
        expected_record_id=saved.record.id,
        reviewer=actor(supervisor),
        at=T0,
    )
    assert saved.hold_id is not None
    store.holds.close(
        saved.hold_id,
        outcome="released_at_expiry",
        ended_at=T0,
        note=None,
        officer=actor(officer),
        at=T0,
    )
    contact = store.contacts.add(contact_draft(), actor(officer), T0)
    store.contacts.review(
        contact.contact_id,
        expected_record_id=contact.id,
        verdict="accepted",
        note=None,
        reviewer=actor(supervisor),
        at=T0,
    )
    yield store, url
    store.close()
    pg_cluster.drop(url)


def _raw(url: str) -> psycopg.Connection[Any]:
    conn = psycopg.connect(url, autocommit=True)
    conn.execute(f"SET search_path TO {SCHEMA}")
    return conn


def _count(conn: psycopg.Connection[Any], table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("table", EVIDENCE_TABLES)
def test_the_desk_role_may_not_change_or_remove_evidence(
    filled: tuple[Store, str], table: str
) -> None:
    store, url = filled
    column = written_columns(store, table)[-1]
    with _raw(url) as conn:
        before = _count(conn, table)
        assert before > 0
        for statement in (
            f"UPDATE {table} SET {column} = {column}",
            f"DELETE FROM {table}",
            f"TRUNCATE {table}",
            f"TRUNCATE {table} CASCADE",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert _count(conn, table) == before
    assert store.verify().ok


@pytest.mark.parametrize("table", EVIDENCE_TABLES)
def test_even_the_owner_is_refused_by_the_triggers(filled: tuple[Store, str], table: str) -> None:
    store, url = filled
    column = written_columns(store, table)[-1]
    with _raw(superuser_url(url)) as conn:
        conn.execute(f"SET ROLE {OWNER_ROLE}")
        before = _count(conn, table)
        for statement in (
            f"UPDATE {table} SET {column} = {column}",
            f"DELETE FROM {table}",
            f"TRUNCATE {table} CASCADE",
        ):
            with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
                conn.execute(statement)
        assert _count(conn, table) == before


def test_the_desk_role_adds_evidence_and_keeps_its_own_working_state(
    filled: tuple[Store, str],
) -> None:
    _, url = filled
    with _raw(url) as conn:
        # Adding is allowed (the chain's own trigger still wants a linked entry).
        conn.execute(
            "INSERT INTO people (booking_number, booking_key, name, name_folded) "
            "VALUES ('NH-1', 'nh1', 'Added By Hand', 'added by hand')"
        )
        with pytest.raises(psycopg.errors.RestrictViolation, match="at the head"):
            conn.execute(
                "INSERT INTO audit_log VALUES "
                "(99, 'x', 'w', NULL, NULL, 'e', 'success', '{}', '0', '0')"
            )
        # The desk's working state changes: lockout state, drafts (that the lock-out
        # state is what the chain recorded is audit verify's to check, decision 0060).
        conn.execute("UPDATE users SET locked_at = NULL")
        conn.execute("DELETE FROM login_failures")
        # Settings and identity are not the desk's to rewrite.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE meta SET value = 'x' WHERE key = 'store_id'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE schema_version SET version = 1")


def test_roles_and_ownership(filled: tuple[Store, str]) -> None:
    _, url = filled
    with _raw(superuser_url(url)) as conn:
        roles = dict(
            conn.execute(
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname IN (%s, %s)",
                (OWNER_ROLE, DESK_ROLE),
            ).fetchall()
        )
        assert roles == {OWNER_ROLE: False, DESK_ROLE: False}
        owners = {
            row[0]
            for row in conn.execute(
                "SELECT tableowner FROM pg_tables WHERE schemaname = %s", (SCHEMA,)
            )
        }
        assert owners == {OWNER_ROLE}
        granted = {
            (row[0], row[1])
            for row in conn.execute(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = %s AND table_schema = %s",
                (DESK_ROLE, SCHEMA),
            )
        }
    for table in EVIDENCE_TABLES:
        assert {p for t, p in granted if t == table} == {"SELECT", "INSERT"}, table
    for table in MUTABLE_TABLES:
        assert {p for t, p in granted if t == table} == {"SELECT", "INSERT", "UPDATE", "DELETE"}

"""The PostgreSQL backend's first promises: set-up, signing in, a decision saved and read
back, the same chain verification as on SQLite, and refusals of a wrong database."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from storekit import T0, actor, add_user, draft

from trustdesk.store.errors import NotATrustDeskDatabase, StoreError
from trustdesk.store.postgresql.setup import SetupRefused, init_store
from trustdesk.store.store import Store


def test_store_init_then_sign_in_save_and_read_back(pg_cluster: Any, tmp_path: Any) -> None:
    url = pg_cluster.init_store(pg_cluster.new_database())
    with Store.open(tmp_path / "a", database=url) as store:
        assert store.backend == "postgresql"
        officer = add_user(store, "officer", "officer", first=True)
        saved = store.decisions.add(draft(), actor(officer), T0)
        assert store.users.credential("officer") is not None
    # Another desk (a new connection) reads what the first one recorded.
    with Store.open(tmp_path / "b", database=url) as other:
        record = other.decisions.latest(saved.record.decision_id)
        assert record.person.name == draft().person.name
        assert record.recorded_at == T0
        report = other.verify()
        assert report.problems == ()
        assert report.entries == other.audit.head()[0] >= 3


def test_store_init_is_idempotent_and_keeps_the_records(pg_cluster: Any, tmp_path: Any) -> None:
    admin_url = pg_cluster.new_database()
    url = pg_cluster.init_store(admin_url)
    with Store.open(tmp_path, database=url) as store:
        add_user(store, "admin", "administrator", first=True)
        head = store.audit.head()
    again = init_store(admin_url, grant_desk="desk_test")
    assert not again.created
    with Store.open(tmp_path, database=url) as store:
        assert store.audit.head() == head
        assert store.verify().problems == ()


def test_store_init_refuses_a_database_holding_something_else(pg_cluster: Any) -> None:
    admin_url = pg_cluster.new_database()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(SetupRefused, match=r"already holds public\.invoices"):
        init_store(admin_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname = 'trustdesk'")
        assert rows.fetchall() == []  # nothing changed


def test_opening_a_database_without_the_store_says_how_to_set_it_up(
    pg_cluster: Any, tmp_path: Any
) -> None:
    with pytest.raises(NotATrustDeskDatabase, match="trustdesk store init"):
        Store.open(tmp_path, database=pg_cluster.new_database())


def test_each_copy_of_the_template_is_a_store_of_its_own(pg_cluster: Any, tmp_path: Any) -> None:
    ids = set()
    for _ in range(2):
        with Store.open(tmp_path, database=pg_cluster.new_store_database()) as store:
            ids.add(store.summary().store_id)
    assert len(ids) == 2


def test_unknown_server_is_a_store_error(tmp_path: Any) -> None:
    with pytest.raises(StoreError, match="cannot be reached"):
        Store.open(tmp_path, database="postgresql://nobody@127.0.0.1:1/none")


def test_partial_name_search_has_a_trigram_index(pg_cluster: Any, tmp_path: Any) -> None:
    from pgkit import superuser_url

    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store, store.db.reading() as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'search_index'").fetchone() == (
            "pg_trgm",
        )
    with psycopg.connect(superuser_url(url), autocommit=True) as conn:
        conn.execute("SET search_path TO trustdesk, public")
        conn.execute("SET enable_seqscan = off")  # an empty table: ask for the index's plan
        plan = " ".join(
            row[0]
            for row in conn.execute(
                "EXPLAIN SELECT p.id FROM people p WHERE p.name_folded LIKE %s ESCAPE '\\'",
                ("%pena%",),
            )
        )
    assert "people_by_name" in plan, plan


def test_store_init_upgrades_an_older_server_schema_in_the_shared_order(
    pg_cluster: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store.postgresql import schema as pg_schema
    from trustdesk.store.postgresql import setup
    from trustdesk.store.schema import MIGRATIONS, Migration

    admin_url = pg_cluster.new_database()
    url = pg_cluster.init_store(admin_url)
    with Store.open(tmp_path, database=url) as store:
        add_user(store, "admin", "administrator", first=True)
    # A later TrustDesk adds a step; its server form creates a table.
    step = MIGRATIONS[-1].version + 1
    later = (*MIGRATIONS, Migration(step, "a probe table", ()))
    monkeypatch.setattr(setup, "MIGRATIONS", later)
    monkeypatch.setattr(setup, "SCHEMA_VERSION", step)
    monkeypatch.setattr(setup, "STEPS", dict(pg_schema.STEPS))
    with pytest.raises(SetupRefused, match="no server form of that step"):
        init_store(admin_url)
    monkeypatch.setattr(
        setup, "STEPS", {**pg_schema.STEPS, step: ("CREATE TABLE upgrade_probe (id int)",)}
    )
    assert step not in pg_schema.STEPS  # the real list is untouched
    result = init_store(admin_url)
    assert (result.created, result.version) == (False, step)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        owner = conn.execute(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'upgrade_probe'"
        ).fetchone()
        version = conn.execute("SELECT version FROM trustdesk.schema_version").fetchone()
    assert owner == ("trustdesk_owner",) and version == (step,)

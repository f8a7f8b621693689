"""Schema 9: the detainers' receipt-time index, and the report counted by receipt time
finding its decisions through it on both backends (docs/decisions/0033)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pgkit import older_trustdesk
from trustdesk.store.reports import ReportQuery, _Period
from trustdesk.store.reports_sql import dialect_for
from trustdesk.store.store import Store

QUERY = ReportQuery(
    start=datetime(2025, 1, 1, tzinfo=UTC), end=datetime(2026, 1, 1, tzinfo=UTC), by="received"
)


def _plan(store: Store, query: ReportQuery) -> str:
    period = _Period(query, dialect_for("sqlite"))
    with store.db.reading() as conn:
        rows = conn.execute("EXPLAIN QUERY PLAN " + period.gather_ids, period.id_params).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def test_counting_by_receipt_reads_the_receipt_index_not_every_decision(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        plan = _plan(store, QUERY)
    assert "detainers_by_receipt" in plan, plan
    # The period's decisions come from the two index lookups, never a pass over them all.
    assert "SCAN d\n" not in plan + "\n" and "SCAN d " not in plan, plan
    assert "decisions_by_time" in plan, plan  # the decisions with no receipt time


def test_an_older_server_store_gains_the_receipt_index(
    pg_cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store.postgresql import setup
    from trustdesk.store.schema import MIGRATIONS

    admin_url = pg_cluster.new_database()
    with older_trustdesk(monkeypatch, 8):  # a TrustDesk of schema 8, before the index
        assert setup.init_store(admin_url, identity=False).version == 8
    with psycopg.connect(admin_url, autocommit=True) as conn:
        before = conn.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'detainers_by_receipt'"
        ).fetchone()
    result = setup.init_store(admin_url)
    latest = MIGRATIONS[-1].version  # every later step applied too
    assert (result.created, result.version) == (False, latest)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        after = conn.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexname = 'detainers_by_receipt'"
        ).fetchall()
        version = conn.execute("SELECT version FROM trustdesk.schema_version").fetchone()
    assert before == (0,)
    assert [(t, d.endswith("(received_at, id)")) for t, d in after] == [("detainers", True)]
    assert version == (latest,)

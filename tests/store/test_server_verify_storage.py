"""Schema step 10 on the server: how the decision documents and the answers are kept for
``audit verify`` (postgresql/schema.py STEP_10_VERIFY_STORAGE, docs/decisions/0045).

An older server store (schema 9) brought up by ``store init`` keeps every record as it
was (the same verification report, each document the same text), now lz4-compressed in
its row, with the answers' field in code-point order so that the verification's answers
need no sort per record; what is saved afterwards, or copied by ``store migrate``, is
kept the same way, verifies, and tampering is still found.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from storekit import T0, actor, add_user, draft

from pgkit import older_trustdesk, superuser_url
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.postgresql import candidates as candidates_pg
from trustdesk.store.postgresql import setup
from trustdesk.store.schema import MIGRATIONS
from trustdesk.store.store import Store
from trustdesk.store.transfer import migrate


def _decide(store: Store, names: tuple[str, ...], *, at: Any = T0) -> None:
    officer = actor(add_user(store, f"officer{len(names)}", "officer"))
    for number, name in enumerate(names):
        store.decisions.add(
            draft(person=PersonFacts(f"NH-{number + 40}", name)),
            officer,
            at + timedelta(minutes=number),
        )


def _documents(url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(superuser_url(url), autocommit=True) as conn:
        return conn.execute(
            "SELECT id, case_json, decision_json, pg_column_compression(decision_json) "
            "FROM trustdesk.decisions ORDER BY id"
        ).fetchall()


def _layout(url: str) -> tuple[Any, ...]:
    """(decisions' row target, decision_json's compression, the answers field's
    collation)."""
    with psycopg.connect(superuser_url(url), autocommit=True) as conn:
        row = conn.execute(
            """SELECT array_to_string(r.reloptions, ','), d.attcompression, c.collname
               FROM pg_class r, pg_attribute d, pg_attribute f
               LEFT JOIN pg_collation c ON c.oid = f.attcollation
               WHERE r.oid = 'trustdesk.decisions'::regclass
                 AND d.attrelid = 'trustdesk.decisions'::regclass
                 AND d.attname = 'decision_json'
                 AND f.attrelid = 'trustdesk.decision_answers'::regclass
                 AND f.attname = 'field'"""
        ).fetchone()
    assert row is not None
    return tuple(row)


def _report(store: Store) -> tuple[Any, ...]:
    report = store.verify()
    return report.ok, report.entries, report.records, [str(p) for p in report.problems]


def test_an_older_server_store_upgraded_verifies_the_same(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin_url = pg_cluster.new_database()
    with older_trustdesk(monkeypatch, 9):  # a TrustDesk of schema 9, before the step
        assert setup.init_store(admin_url, identity=False).version == 9
        # The older desk's record: its documents as PostgreSQL keeps them by default.
        with Store.open(tmp_path / "a", database=admin_url) as store:
            add_user(store, "admin", "administrator", first=True)
            _decide(store, ("Kim Lee", "José Peña", "Zoë Ångström"))
            before = _report(store)
    documents = _documents(admin_url)
    assert _layout(admin_url)[0::2] == (None, "default")  # 2 KB rows; the database's order

    result = setup.init_store(admin_url)
    assert (result.created, result.version) == (
        False,
        MIGRATIONS[-1].version,
    )  # step 10 and every later one
    # The same texts (lz4 when compressed, in 4 KB rows); the field in "C" order.
    after = _documents(admin_url)
    assert [row[:3] for row in after] == [row[:3] for row in documents]
    assert {row[3] for row in after} <= {None, "lz4"}
    assert _layout(admin_url) == ("toast_tuple_target=4096", "l", "C")
    with Store.open(tmp_path / "b", database=admin_url) as store:
        assert _report(store) == before and before[0]
        # Saved after the step: kept the same way, and the whole record verifies.
        _decide(store, ("Ana Ruiz", "Åsa Öberg"), at=T0 + timedelta(days=1))
        report = store.verify()
        assert report.ok and report.records == before[2] + 2
    assert {row[3] for row in _documents(admin_url)} <= {None, "lz4"}


def test_a_changed_document_is_still_found_after_the_step(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        add_user(store, "admin", "administrator", first=True)
        _decide(store, ("Kim Lee", "José Peña"))
        assert store.verify().ok
        with psycopg.connect(superuser_url(url), autocommit=True) as conn:
            conn.execute("SET session_replication_role = replica")  # past the triggers
            record = conn.execute(
                "UPDATE trustdesk.decisions SET decision_json = decision_json || ' ' "
                "WHERE id = (SELECT max(id) FROM trustdesk.decisions) RETURNING id"
            ).fetchone()
        assert record is not None
        report = store.verify()
    assert not report.ok
    assert [p.text for p in report.problems if f"(record {record[0]})" in p.text], report


def test_the_answers_come_in_key_order_without_a_sort(pg_cluster: Any, tmp_path: Path) -> None:
    """What the step is for: the key's index gives a record's answers in the order their
    digest takes them, so the verification's query sorts nothing per record."""
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        add_user(store, "admin", "administrator", first=True)
        _decide(store, ("Kim Lee",))

    def explain(conn: psycopg.Connection[Any]) -> str:
        query = f"EXPLAIN SELECT {candidates_pg.ANSWERS} FROM decisions t"
        return "\n".join(str(row[0]) for row in conn.execute(query))

    with psycopg.connect(superuser_url(url), autocommit=True) as conn:
        conn.execute("SET search_path TO trustdesk")
        # The plan of a large table (one index scan per record), on a small one.
        conn.execute("SET enable_seqscan = off")
        conn.execute("SET enable_bitmapscan = off")
        plan = explain(conn)
        texts = conn.execute(f"SELECT {candidates_pg.ANSWERS} FROM decisions t").fetchall()
        # The field in another collation: the query sorts the pairs itself (same text).
        conn.execute('ALTER TABLE decision_answers ALTER COLUMN field TYPE text COLLATE "POSIX"')
        resorted = explain(conn)
        again = conn.execute(f"SELECT {candidates_pg.ANSWERS} FROM decisions t").fetchall()
    assert "decision_answers_pkey" in plan and "Sort" not in plan, plan
    assert "Sort" in resorted, resorted
    assert again == texts and str(texts[0][0]).startswith('[["')


def test_store_migrate_copies_onto_the_stepped_schema(pg_cluster: Any, tmp_path: Path) -> None:
    source = tmp_path / "desk"
    with Store.open(source) as store:
        add_user(store, "admin", "administrator", first=True)
        _decide(store, ("Kim Lee", "Zoë Ångström"))
        before = _report(store)
    admin_url = pg_cluster.new_database()
    desk_url = pg_cluster.init_store(admin_url)
    migrate(source, admin_url, lambda line: None)
    assert _layout(admin_url) == ("toast_tuple_target=4096", "l", "C")
    assert {row[3] for row in _documents(admin_url)} <= {None, "lz4"}
    with Store.open(tmp_path / "other", database=desk_url) as store:
        ok, entries, records, problems = _report(store)
    assert (ok, records, problems) == (True, before[2], []) and entries >= before[1]


def _jit(conn: Any) -> str:
    return str(conn.execute("SHOW jit").fetchone()[0])


def test_the_verification_compiles_nothing_and_leaves_the_setting_after_it(
    pg_cluster: Any, tmp_path: Path
) -> None:
    """The server's JIT compiling cost more than it saved on the verification's statements
    (docs/decisions/0073): the verification turns it off for its own transaction only."""
    from trustdesk.store.postgresql.connection import PgConnection, open_connection
    from trustdesk.store.verify import verify

    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        add_user(store, "admin", "administrator", first=True)
        _decide(store, ("Kim Lee",))
    conn = PgConnection(open_connection(url), url, streaming=True)
    try:
        assert _jit(conn) == "on"  # the server's default, which the test relies on
        conn.execute("BEGIN")
        assert verify(conn).ok
        assert _jit(conn) == "off"
        conn.execute("COMMIT")
        assert _jit(conn) == "on"
    finally:
        conn.close()


def test_the_helper_process_compiles_nothing(
    pg_cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    """The helper (``verify_worker.main``) checks its span with JIT off as well."""
    import io
    import json

    from trustdesk.store import verify_worker

    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        add_user(store, "admin", "administrator", first=True)
        _decide(store, ("Kim Lee", "Ana Ruiz"))
    seen: list[str] = []
    real = verify_worker.check_span

    def spy(conn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(_jit(conn))
        return real(conn, *args, **kwargs)

    monkeypatch.setattr(verify_worker, "check_span", spy)
    request = {"backend": "postgresql", "target": url, "after": 0, "upto": 3}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(request)))
    assert verify_worker.main() == 0
    assert seen == ["off"]
    answer = json.loads(capsys.readouterr().out)
    assert answer["entries"] == 3 and not answer["broken"]

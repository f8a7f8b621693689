"""Schema 10 (docs/decisions/0044): what a report reads of each decision document —
its grounds, its top-level unverified list and its outcome list's MD5 — kept by the
server in columns it computes from the document. A new store has them, an older server
store gains them (and then gives the same report), ``store migrate`` fills them from the
documents it copies, and no client can write them."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from storekit import T0, actor, add_user, draft, open_desk

from pgkit import older_trustdesk
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.postgresql.schema import REPORT_COLUMNS, SCHEMA
from trustdesk.store.schema import SCHEMA_VERSION
from trustdesk.store.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

import reportkit
from reportkit import NOW, make_record
from test_reports import check_every_figure_and_action

from trustdesk.store.encoding import document_json


def _generated(admin_url: str) -> dict[str, str]:
    """The decisions' generated columns: name → how the server computes it."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a "
            "JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            "WHERE a.attrelid = %s::regclass AND a.attgenerated = 's' ORDER BY a.attnum",
            (f"{SCHEMA}.decisions",),
        ).fetchall()
    return dict(rows)


def _columns_against_documents(admin_url: str) -> int:
    """Every decision's report columns equal the members ``json.loads`` finds in its
    document (the MD5 being that of the outcome list as the document writes it); the
    number of decisions checked."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        rows = conn.execute(
            f"SELECT decision_json, {', '.join(REPORT_COLUMNS)} FROM {SCHEMA}.decisions"
        ).fetchall()
    for document, grounds, unverified, outcomes_md5 in rows:
        parsed = json.loads(document)
        for column, key in ((grounds, "grounds"), (unverified, "unverified")):
            assert (None if column is None else json.loads(column)) == parsed.get(key)
        if "outcomes" not in parsed:
            assert outcomes_md5 is None
        else:
            # The list's text as the document writes it: after its key at the top level
            # (the members before it in these documents hold no such key).
            found = re.search(r'"outcomes"\s*:\s*', document)
            assert found is not None
            start = found.end()
            value, end = json.JSONDecoder().raw_decode(document, start)
            assert value == parsed["outcomes"]
            text = document[start:end]
            assert outcomes_md5 == hashlib.md5(text.encode()).hexdigest()
    return len(rows)


def _admin(url: str) -> str:
    return re.sub(r"^postgresql://[^@/]*@", "postgresql://postgres@", url)


#: Documents as core/record.py writes them (sorted keys, compact), with and without
#: outcomes and unverified items, one with the member names inside its texts; and one
#: written loosely.
DOCUMENTS = (
    document_json(
        {
            "decision": "honor",
            "grounds": ["judicial_warrant"],
            "outcomes": [{"id": "hold", "outcome": "allowed", "text": '"unverified":["x"]'}],
            "trace": [{"id": "g", "unverified": ["trace item"]}],
            "unverified": [],
            "warnings": ['"grounds":["no"]'],
        }
    ),
    document_json({"decision": "decline", "grounds": [], "unverified": ["offenses/53a-134"]}),
    '{ "unverified" : [ "u" ] , "grounds" : [ "a" , "b" ], "outcomes" : [ ] }',
)


def test_a_new_server_store_has_the_report_columns(pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        officer = add_user(store, "ann", "officer", first=True)
        store.decisions.add(draft(), actor(officer), T0)  # a document without the lists
        for number, document in enumerate(DOCUMENTS):
            person = PersonFacts(f"NH-2026-{number:04d}", "Test Person", None)
            store.decisions.add(draft(decision_json=document, person=person), actor(officer), T0)
    generated = _generated(_admin(url))
    assert list(generated) == list(REPORT_COLUMNS)
    assert all("decision_json" in how for how in generated.values())
    assert _columns_against_documents(_admin(url)) == 1 + len(DOCUMENTS)


def test_an_older_server_store_gains_them_and_reports_the_same(
    pg_cluster: Any, tmp_path: Path, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.store.postgresql import setup

    # The report's documents carry action outcomes (rule-pack format 3), so every column
    # is filled; a decision version in four is marked unverified (reportkit).
    reportkit.with_action_outcomes(monkeypatch)
    admin_url = pg_cluster.new_database()
    desk_url = re.sub(r"^postgresql://[^@/]*@", "postgresql://desk_test@", admin_url)
    with older_trustdesk(monkeypatch, 9):  # a TrustDesk of schema 9, before the columns
        assert setup.init_store(admin_url, grant_desk="desk_test").version == 9
        desk = open_desk(tmp_path / "data", rules, database=desk_url)
        desk.clock.now = NOW
        users = {u.username: u.id for u in desk.store.users.all()}
        planned = make_record(desk.store, users)
        desk.services.close()
    assert _generated(admin_url) == {}
    result = setup.init_store(admin_url, grant_desk="desk_test")
    assert (result.created, result.version) == (False, SCHEMA_VERSION)
    assert list(_generated(admin_url)) == list(REPORT_COLUMNS)
    assert _columns_against_documents(admin_url) >= len(planned)
    desk = open_desk(tmp_path / "data", rules, database=desk_url)
    try:
        desk.clock.now = NOW
        assert desk.store.verify().ok
        check_every_figure_and_action(desk, planned)
    finally:
        desk.services.close()


@pytest.mark.parametrize("column", list(REPORT_COLUMNS))
def test_no_client_writes_them(pg_cluster: Any, tmp_path: Path, column: str) -> None:
    url = pg_cluster.new_store_database()
    with Store.open(tmp_path, database=url) as store:
        officer = add_user(store, "ann", "officer", first=True)
        store.decisions.add(draft(), actor(officer), T0)
    for who in (url, _admin(url)):  # the desk's role, and a superuser
        with psycopg.connect(who, autocommit=True) as conn:
            conn.execute(f"SET search_path TO {SCHEMA}")
            names = [c for c in _decision_fields(conn) if c not in REPORT_COLUMNS]
            listed = ", ".join(names)
            with pytest.raises(psycopg.errors.GeneratedAlways):
                conn.execute(
                    f"INSERT INTO decisions ({listed}, {column}) "
                    f"SELECT {listed}, '[\"forged\"]' FROM decisions"
                )
            with pytest.raises(psycopg.Error):
                conn.execute(f"UPDATE decisions SET {column} = '[\"forged\"]'")
    assert _columns_against_documents(_admin(url)) == 1


def _decision_fields(conn: psycopg.Connection[Any]) -> list[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
        "AND table_name = 'decisions' ORDER BY ordinal_position",
        (SCHEMA,),
    ).fetchall()
    return [str(row[0]) for row in rows]

"""The report's reading of stored decision documents (docs/decisions/0041, 0044, 0048)
means what parsing them means, on both backends: the grounds, the top-level unverified
list and the action outcomes read from the table SQLite's writer fills with json_extract
(schema 12), or from the columns the server computes from each document on PostgreSQL
(schema 11), equal what ``json.loads`` finds, for documents written by ``document_json``
and written loosely, and the outcome lists' keys are equal exactly when the lists are."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import psycopg
import pytest

from trustdesk.store import report_members
from trustdesk.store.encoding import document_json
from trustdesk.store.postgresql.schema import REPORT_COLUMNS
from trustdesk.store.reports_sql import dialect_for

OUTCOME = {
    "citations": ["§ 54-192h(b)"],
    "conditions": [],
    "grounds": [],
    "id": "release_date",
    "label": "Release date",
    "notices": [],
    "outcome": "not_allowed",
    "text": 'May NOT be shared ("no ground"), see [b]',
    "unverified": ["contacts/release_date/no_ground"],
}
TRACE = [{"id": "tsdb_match", "status": "not_met", "unsettled": [], "unverified": ["x/y"]}]


def _document(**changes: Any) -> dict[str, Any]:
    """A decision document shaped as core/record.py writes one (sorted keys)."""
    doc: dict[str, Any] = {
        "decision": "decline",
        "grounds": [],
        "hold": None,
        "hold_citation": "§ 54-192h(c)",
        "hold_rule": "At most 48 hours.",
        "needs_review": False,
        "outcomes": [OUTCOME, {**OUTCOME, "id": "hold", "outcome": "allowed"}],
        "prohibited_actions": [{"id": "no_hold", "text": "Do not hold"}],
        "required_actions": [],
        "review_reasons": [],
        "rule_pack": "ct-2019",
        "statute": "§ 54-192h",
        "trace": TRACE,
        "unverified": [],
        "warnings": [],
    }
    doc.update(changes)
    return {k: v for k, v in doc.items() if v is not ...}


DOCUMENTS = [
    _document(),
    _document(grounds=["judicial_warrant", "tsdb_match"], decision="honor"),
    _document(unverified=["offenses/53a-134"]),  # a non-empty top-level list: parsed
    _document(warnings=["w" * 3000]),  # the empty list before a long tail: parsed
    _document(outcomes=[]),
    _document(outcomes=...),  # made before rule-pack format 3: no outcomes
    _document(outcomes=[OUTCOME]),
    _document(outcomes=[{**OUTCOME, "text": 'quote " and ],"prohibited_actions": in text'}]),
    _document(trace=[], unverified=[]),
    # Not written by document_json (spaces, other order, no outcomes).
    None,
    "LOOSE_NO_OUTCOMES",
]
LOOSE = '{"outcomes": [{"id": "hold", "outcome": "allowed"}], "grounds": ["x"], '
LOOSE += '"unverified": ["u"], "warnings": []}'
LOOSE_NO_OUTCOMES = '{ "unverified" : [ ] , "grounds" : [ "a" , "b" ] }'


def _texts() -> list[str]:
    loose = {None: LOOSE, "LOOSE_NO_OUTCOMES": LOOSE_NO_OUTCOMES}
    return [document_json(doc) if isinstance(doc, dict) else loose[doc] for doc in DOCUMENTS]


def _expected(text: str) -> tuple[Any, Any, Any]:
    doc = json.loads(text)
    return doc.get("grounds"), doc.get("unverified"), doc.get("outcomes")


def _read(rows: list[tuple[Any, ...]]) -> list[tuple[Any, Any, Any]]:
    return [tuple(None if v is None else json.loads(v) for v in row[:3]) for row in rows]


def _query(backend: str, table: str = "docs") -> str:
    doc = dialect_for(backend).document("d")
    listed = f"{doc.grounds}, {doc.unverified}, {doc.outcomes}, {doc.outcomes_key}"
    return f"SELECT {listed} FROM {table} d{doc.joins} ORDER BY d.id"


def _keys_follow_the_lists(rows: list[tuple[Any, ...]]) -> None:
    """Equal keys for equal outcome lists, different ones for different lists, none
    where the document has no outcomes."""
    keys: dict[str, Any] = {}
    for text, row in zip(_texts(), rows, strict=True):
        outcomes = _expected(text)[2]
        if outcomes is None:
            assert row[3] is None
            continue
        seen = keys.setdefault(json.dumps(outcomes, sort_keys=True), row[3])
        assert seen == row[3]
    assert len(set(keys.values())) == len(keys)


@pytest.mark.parametrize("filled_by", ["writer", "step 12"])
def test_sqlite_reads_each_document_as_json_loads_does(filled_by: str) -> None:
    # The member tables exactly as schema 12 makes them, beside a table of documents
    # alone (a decision row needs a person, a detainer and an audit entry), filled one
    # row at a time as the decision writer does, or all at once as the step does.
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("CREATE TABLE decisions (id INTEGER PRIMARY KEY, decision_json, audit_seq)")
    texts = _texts() * 2  # each list twice: one list row each
    if filled_by == "step 12":
        conn.executemany("INSERT INTO decisions (decision_json) VALUES (?)", [(t,) for t in texts])
        report_members.backfill(conn)
    else:
        for statement in report_members.TABLES:
            conn.execute(statement)
        for text in texts:
            cursor = conn.execute("INSERT INTO decisions (decision_json) VALUES (?)", (text,))
            report_members.record(conn, int(cursor.lastrowid or 0))
    rows = conn.execute(_query("sqlite", "decisions")).fetchall()
    assert _read(rows) == [_expected(t) for t in texts]
    _keys_follow_the_lists(rows[: len(_texts())])
    assert [row[3] for row in rows[: len(_texts())]] == [row[3] for row in rows[len(_texts()) :]]
    assert report_members.problems(conn) == []


def test_postgresql_columns_read_each_document_as_json_loads_does(pg_cluster: Any) -> None:
    url = pg_cluster.new_database()
    # The decisions' report columns exactly as schema 11 defines them, on a table of
    # documents alone (a decision row needs a person, a detainer and an audit entry).
    columns = "".join(
        f", {name} text GENERATED ALWAYS AS ({expression}) STORED"
        for name, expression in REPORT_COLUMNS.items()
    )
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE TABLE docs (id serial PRIMARY KEY, decision_json text{columns})")
        for text in _texts():
            conn.execute("INSERT INTO docs (decision_json) VALUES (%s)", (text,))
        rows = conn.execute(_query("postgresql")).fetchall()
    assert _read(rows) == [_expected(t) for t in _texts()]
    _keys_follow_the_lists(rows)

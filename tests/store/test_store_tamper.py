"""Tampering with the file directly (triggers dropped, as an attacker with file access
would) is found by ``audit verify``, which names the entry concerned.

``PRAGMA integrity_check`` sees nothing wrong in any of these files; only the chain does.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from storekit import T0, actor, add_user, draft, raw_connection

from trustdesk.store.audit import COLUMNS as AUDIT_COLUMNS
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.decisions import RECORD_FIELDS
from trustdesk.store.paths import DB_NAME
from trustdesk.store.schema import APPEND_ONLY_TABLES
from trustdesk.store.store import Store

DECISION_COLUMNS = (*RECORD_FIELDS, "record_sha256")


@dataclass(frozen=True)
class Scene:
    folder: Path
    record_id: int  # an amended version: every column holds a value
    record_seq: int
    entry_seq: int  # an audit entry in the middle of the chain


@pytest.fixture(scope="module")
def scene_template(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    folder = tmp_path_factory.mktemp("tamper") / "data"
    with Store.open(folder) as store:
        officer = actor(add_user(store, "ann", "officer"))
        supervisor = actor(add_user(store, "sam", "supervisor"))
        first = store.decisions.add(draft(review_required=True), officer, T0)
        other = store.decisions.add(
            draft(person=PersonFacts("NH-9", "Kim Lee"), outcome="decline", opens_hold=False),
            officer,
            T0,
        )
        amended = store.decisions.amend(
            first.record.decision_id,
            draft(review_required=True, reason_marker=None)
            if False
            else draft(review_required=True),
            reason="hold start recorded",
            author=officer,
            at=T0 + timedelta(hours=1),
        )
        store.reviews.approve(
            first.record.decision_id,
            expected_record_id=amended.record.id,
            reviewer=supervisor,
            at=T0 + timedelta(hours=2),
        )
        assert first.hold_id is not None
        store.holds.close(
            first.hold_id,
            outcome="released_other",
            ended_at=T0 + timedelta(hours=3),
            note="court order",
            officer=officer,
            at=T0 + timedelta(hours=3),
        )
        store.decisions.add(
            draft(person=PersonFacts("NH-10", "Ana Ruiz"), review_required=True), officer, T0
        )
        assert store.verify().ok
        del other
        return Scene(folder, amended.record.id, amended.audit.seq, first.audit.seq + 1)


@pytest.fixture
def scene(scene_template: Scene, tmp_path: Path) -> Scene:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / DB_NAME).write_bytes((scene_template.folder / DB_NAME).read_bytes())
    return Scene(
        folder, scene_template.record_id, scene_template.record_seq, scene_template.entry_seq
    )


def attacker(folder: Path) -> sqlite3.Connection:
    """Drop every guard trigger, as anyone able to write the file can."""
    conn = raw_connection(folder / DB_NAME)
    triggers = [
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    ]
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("PRAGMA foreign_keys = OFF")
    return conn


FLAGS = {"needs_review", "review_required", "active"}
ALTERNATIVES = {
    "honor": "decline",
    "decline": "honor",
    "success": "denied",
    "failure": "success",
    "yes": "no",
    "no": "yes",
    "unknown": "yes",
    "released_other": "ice_took_custody",
    "officer": "administrator",
}


def changed(value: Any, column: str = "") -> Any:
    """A different, valid value (ids move far, so no UNIQUE clash hides the edit)."""
    if value is None:
        return 7
    if column in FLAGS:
        return 1 - int(value)
    if isinstance(value, int):
        return value + 1000
    if value in ALTERNATIVES:
        return ALTERNATIVES[value]
    if isinstance(value, str) and len(value) == 64:
        return value[:-1] + ("0" if value[-1] != "0" else "1")
    return value + " " if isinstance(value, str) else value


def _verify(folder: Path, *, integrity: bool = True) -> Any:
    with Store.open(folder) as store:
        if integrity:
            assert store.integrity_check() == ["ok"]  # SQLite itself notices nothing
        return store.verify()


def test_the_tests_cover_every_column(scene: Scene) -> None:
    conn = raw_connection(scene.folder / DB_NAME)
    columns = {
        t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")]
        for t in ("decisions", "audit_log")
    }
    conn.close()
    assert sorted(columns["decisions"]) == sorted(DECISION_COLUMNS)
    assert sorted(columns["audit_log"]) == sorted(AUDIT_COLUMNS)


@pytest.mark.parametrize("column", DECISION_COLUMNS)
def test_editing_any_column_of_a_decision_is_reported(scene: Scene, column: str) -> None:
    conn = attacker(scene.folder)
    value = conn.execute(
        f"SELECT {column} FROM decisions WHERE id = ?", (scene.record_id,)
    ).fetchone()[0]
    conn.execute(
        f"UPDATE decisions SET {column} = ? WHERE id = ?", (changed(value, column), scene.record_id)
    )
    conn.close()
    report = _verify(scene.folder)
    assert not report.ok
    first = report.first
    assert first is not None
    assert f"audit entry {scene.record_seq}" in first.text or (
        column == "audit_seq" and f"entry {changed(scene.record_seq, column)}" in first.text
    ), report.problems
    assert "record" in first.text or "decision" in first.text


@pytest.mark.parametrize("column", AUDIT_COLUMNS)
def test_editing_any_column_of_an_audit_entry_is_reported(scene: Scene, column: str) -> None:
    conn = attacker(scene.folder)
    seq = scene.entry_seq
    value = conn.execute(f"SELECT {column} FROM audit_log WHERE seq = ?", (seq,)).fetchone()[0]
    new = changed(value, column)
    conn.execute(f"UPDATE audit_log SET {column} = ? WHERE seq = ?", (new, seq))
    conn.close()
    report = _verify(scene.folder)
    assert not report.ok
    first = report.first
    assert first is not None
    assert first.seq == seq, report.problems
    assert f"entry {seq}" in first.text


@pytest.mark.parametrize(
    ("table", "where", "column"),
    [
        ("people", "id = 1", "name"),
        ("people", "id = 1", "name_folded"),
        ("people", "id = 1", "booking_number"),
        ("people", "id = 1", "date_of_birth"),
        ("detainers", "id = 1", "judicial_warrant"),
        ("detainers", "id = 1", "subject_id"),
        ("decision_answers", "record_id = 1 AND field = 'tsdb_match'", "value"),
        ("holds", "id = 1", "opened_at"),
        ("holds", "id = 1", "record_id"),
        ("hold_closures", "hold_id = 1", "outcome"),
        ("hold_closures", "hold_id = 1", "note"),
        ("reviews", "id = 1", "reviewed_at"),
        ("reviews", "id = 1", "reviewer_id"),
        ("users", "username = 'ann'", "role"),
        ("users", "username = 'ann'", "password_hash"),
        ("users", "username = 'ann'", "active"),
        ("users", "username = 'ann'", "full_name"),
        ("users", "username = 'ann'", "badge"),
    ],
)
def test_editing_the_rows_a_decision_rests_on_is_reported(
    scene: Scene, table: str, where: str, column: str
) -> None:
    conn = attacker(scene.folder)
    value = conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()[0]
    new = changed(value, column)
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (new,))
    conn.close()
    report = _verify(scene.folder)
    assert not report.ok, (table, column)
    assert report.first is not None and report.first.seq is not None


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM decisions WHERE id = (SELECT max(id) FROM decisions)",
        "DELETE FROM hold_closures",
        "DELETE FROM reviews",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM open_holds",
        "DELETE FROM pending_reviews",
        "INSERT INTO pending_reviews VALUES (2, 2)",
        "UPDATE open_holds SET release_due_at = '2099-01-01T00:00:00.000000Z'",
        "DELETE FROM users WHERE username = 'sam'",
        "UPDATE people_fts SET name_folded = 'someone else' WHERE rowid = 1",
    ],
)
def test_deleting_or_faking_rows_is_reported(scene: Scene, statement: str) -> None:
    conn = attacker(scene.folder)
    conn.execute(statement)
    conn.close()
    report = _verify(scene.folder)
    assert not report.ok, statement


@pytest.mark.parametrize("value", [b"\x00blob", 9e999, 2.5, -(2**63), "{not json", 12])
@pytest.mark.parametrize(
    ("table", "column"),
    [("decisions", "outcome"), ("audit_log", "actor"), ("audit_log", "objects")],
)
def test_values_of_the_wrong_type_are_reported_not_crashed_on(
    scene: Scene, value: object, table: str, column: str
) -> None:
    conn = attacker(scene.folder)
    key = "id" if table == "decisions" else "seq"
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = 3", (value,))
    conn.execute("DELETE FROM decisions WHERE id = 4")  # make the row-count check run too
    conn.close()
    report = _verify(scene.folder, integrity=False)  # a CHECK may notice this one
    assert not report.ok and report.first is not None


@pytest.mark.parametrize(
    "value",
    ["CAST(name AS BLOB)", "CAST(X'C3' AS TEXT)", "CAST(X'EDA080' AS TEXT)", "2.5", "12", "'[]'"],
)
def test_a_name_of_the_wrong_kind_is_reported_not_crashed_on(scene: Scene, value: str) -> None:
    """The person's name is handed to Python apart from the rest of the decision's text
    (decision 0055): a blob holding the very bytes of the name, bytes that are not UTF-8
    (a lone byte, an encoded surrogate), a number, or a text that json_object would have
    written as JSON (``[]``) is the person's row altered, named by its decision's entry."""
    conn = attacker(scene.folder)
    person = conn.execute(
        "SELECT person_id FROM decisions WHERE id = ?", (scene.record_id,)
    ).fetchone()[0]
    conn.execute(f"UPDATE people SET name = {value} WHERE id = ?", (person,))
    conn.close()
    report = _verify(scene.folder, integrity=False)
    assert not report.ok and report.first is not None
    assert report.first.seq is not None and f"person {person}" in report.first.text


@pytest.mark.parametrize(
    ("table", "where", "column"),
    [
        ("audit_log", "seq = 3", "actor"),
        ("audit_log", "seq = 3", "objects"),
        ("decisions", "id = 3", "outcome"),
        ("decisions", "id = 3", "case_json"),
        ("people", "id = 1", "booking_number"),
        ("detainers", "id = 1", "issuing_office"),
        ("holds", "id = 1", "opened_at"),
        ("decision_answers", "record_id = 1 AND field = 'gang_member'", "field"),
        ("users", "username = 'ann'", "full_name"),
    ],
)
def test_text_that_is_not_utf8_is_reported_not_crashed_on(
    scene: Scene, table: str, where: str, column: str
) -> None:
    """Bytes that are not UTF-8 stored as text (SQLite takes them; Python cannot read
    them as text) are a change like any other, reported without a traceback."""
    conn = attacker(scene.folder)
    conn.execute(f"UPDATE {table} SET {column} = CAST(X'C328' AS TEXT) WHERE {where}")
    conn.close()
    report = _verify(scene.folder, integrity=False)
    assert not report.ok and report.first is not None


def test_a_deleted_decision_is_named_by_its_entry(scene: Scene) -> None:
    conn = attacker(scene.folder)
    last, seq = conn.execute(
        "SELECT id, audit_seq FROM decisions ORDER BY id DESC LIMIT 1"
    ).fetchone()
    conn.execute("DELETE FROM decisions WHERE id = ?", (last,))
    conn.close()
    report = _verify(scene.folder)
    assert report.first is not None and report.first.seq == seq
    assert "missing" in report.first.text and f"audit entry {seq}" in report.first.text


def test_untouched_copies_verify(scene: Scene) -> None:
    assert _verify(scene.folder).ok


def test_append_only_tables_list_is_complete() -> None:
    assert {"decisions", "audit_log", "reviews", "holds", "hold_closures"} <= set(
        APPEND_ONLY_TABLES
    )


@pytest.mark.parametrize(
    "fields",
    [
        (1, "2026-11-20T20:00:00.000000Z", "ws", None, None, "store.created", "success", "{}"),
        (7, "x", "wörk\nstätion\u2028", "anné", 3, "logon", "failure", '{"a":"\\u00e9"}'),
        (9, "x", "w", "a", 3.5, "e", "success", "{}"),
        (9, "x", "w", "a", True, "e", "success", "{}"),
        (9, "x", "w", "a", "12", "e", "success", "{}"),
        (9, b"bytes?", "w", "a", 1, "e", "success", "{}"),
    ],
)
def test_the_hand_written_entry_hash_is_canonical_json(fields: tuple[Any, ...]) -> None:
    import hashlib
    import json

    from trustdesk.store.audit import entry_hash

    names = ("seq", "at", "workstation", "actor", "actor_id", "event", "outcome", "objects")
    body = dict(zip(names, fields, strict=True))
    if isinstance(fields[1], bytes):  # a BLOB smuggled in: hashed, distinctly, no crash
        assert entry_hash("0" * 64, *fields) != entry_hash("0" * 64, 9, "bytes?", *fields[2:])
        return
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    expected = hashlib.sha256(("0" * 64 + text).encode()).hexdigest()
    assert entry_hash("0" * 64, *fields) == expected


def _reference_record_sha256(
    values: dict[str, Any], person: dict[str, Any], detainer: dict[str, Any], answers: list[Any]
) -> str:
    """The record hash as first defined: canonical JSON of the whole record, hashed."""
    from trustdesk.store.decisions import DETAINER_FIELDS, PERSON_FIELDS, RECORD_FIELDS
    from trustdesk.store.encoding import canonical_json, sha256_hex

    record = {key: values[key] for key in RECORD_FIELDS}
    for key in ("case_json", "decision_json"):
        text = record.pop(key)
        record[key + "_sha256"] = sha256_hex(text) if isinstance(text, str) else text
    record["person"] = {key: person[key] for key in PERSON_FIELDS}
    record["detainer"] = {key: detainer[key] for key in DETAINER_FIELDS}
    record["answers"] = [list(pair) for pair in sorted(answers)]
    return sha256_hex(canonical_json(record))


@pytest.mark.parametrize(
    "odd",
    [
        {},
        {"reason": 'naïve \u2028 "quoted" \\ back'},
        {"needs_review": True},
        {"version": 2.0},
        {"case_json": b"{}"},
        {"decision_json": None},
        {"amends": -(2**63)},
        {"outcome": "\ud800"},
    ],
)
def test_the_hand_written_record_hash_is_canonical_json(scene: Scene, odd: dict[str, Any]) -> None:
    from trustdesk.store.decisions import DETAINER_FIELDS, PERSON_FIELDS, record_sha256

    conn = raw_connection(scene.folder / DB_NAME)
    conn.row_factory = sqlite3.Row
    try:
        values = dict(conn.execute("SELECT * FROM decisions LIMIT 1").fetchone())
        person = dict(conn.execute("SELECT * FROM people LIMIT 1").fetchone())
        detainer = dict(conn.execute("SELECT * FROM detainers LIMIT 1").fetchone())
    finally:
        conn.close()
    values.update(odd)
    person = {key: person[key] for key in PERSON_FIELDS}
    detainer = {key: detainer[key] for key in DETAINER_FIELDS}
    answers = [("b", "ü"), ("a", "2"), ("a", "1")]
    assert record_sha256(values, person, detainer, answers) == _reference_record_sha256(
        values, person, detainer, answers
    )


def test_the_writer_checks_beside_the_snapshot_report_and_fail_as_before(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Store.verify runs the name index's and the anchor's checks in a thread while the
    snapshot is verified (decision 0055): a damaged index is still the report's last
    problem, and a failure there still ends the verification with its error."""
    import trustdesk.store.verify as verify_module

    conn = attacker(scene.folder)
    conn.execute("UPDATE people_fts SET name_folded = 'someone else' WHERE rowid = 1")
    conn.execute("UPDATE audit_log SET workstation = 'elsewhere' WHERE seq = 3")
    conn.close()
    report = _verify(scene.folder, integrity=False)
    assert report.problems[-1].text.startswith("the name search index is damaged")
    assert report.first is not None and report.first.seq == 3

    def broken(conn: sqlite3.Connection) -> None:
        raise RuntimeError("the index check failed")

    monkeypatch.setattr(verify_module, "search_index_problem", broken)
    with Store.open(scene.folder) as store, pytest.raises(RuntimeError, match="index check"):
        store.verify()

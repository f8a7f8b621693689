"""Schema 12 on SQLite (docs/decisions/0048): what a report reads of each decision
document — its grounds, its top-level unverified list and which outcome list it has —
kept in ``report_members`` and ``report_outcome_lists`` beside the decisions. A new store
fills them with every decision it writes, a schema-11 file gains them (and then gives the
same report), they are append-only, ``store migrate`` leaves them to the server (which
computes its own), and ``audit verify`` reports any row missing, extra or different."""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from storekit import T0, actor, add_user, draft, open_desk, raw_connection

import trustdesk.store.verify_worker as worker
from trustdesk.store import report_members
from trustdesk.store.case_records import PersonFacts
from trustdesk.store.encoding import document_json
from trustdesk.store.paths import DB_NAME
from trustdesk.store.report_members import LISTS, TABLE
from trustdesk.store.schema import SCHEMA_VERSION
from trustdesk.store.store import Store
from trustdesk.store.verify_worker import check_span

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

import reportkit
from reportkit import NOW, make_record
from test_reports import check_every_figure_and_action

#: Documents as core/record.py writes them, with and without outcomes and unverified
#: items (two with one outcome list), one with member names inside its texts, and one
#: written loosely.
OUTCOMES = [{"id": "hold", "outcome": "allowed", "text": '"unverified":["x"]'}]
DOCUMENTS = (
    document_json(
        {
            "decision": "honor",
            "grounds": ["judicial_warrant"],
            "outcomes": OUTCOMES,
            "trace": [{"id": "g", "unverified": ["trace item"]}],
            "unverified": [],
            "warnings": ['"grounds":["no"]'],
        }
    ),
    document_json({"decision": "honor", "grounds": [], "outcomes": OUTCOMES, "unverified": []}),
    document_json({"decision": "decline", "grounds": [], "unverified": ["offenses/53a-134"]}),
    '{ "unverified" : [ "u" ] , "grounds" : [ "a" , "b" ], "outcomes" : [ ] }',
    # Lists inside lists: their text could be split into three other lists (record 6).
    document_json({"decision": "decline", "grounds": ["a"], "unverified": [["b"], ["c"]]}),
)
#: Members that are no lists, which TrustDesk never writes: json_extract gives a string
#: (the text without its quotes, here itself like a list), a number and a JSON object.
ODD = '{"grounds": "[\\"x\\"]", "unverified": 5, "outcomes": {"id": "hold"}}'


def _members(folder: Path) -> dict[int, tuple[Any, Any, Any]]:
    """Each decisions row's member row, its outcome list read back as JSON."""
    with raw_connection(folder / DB_NAME) as conn:
        rows = conn.execute(
            f"SELECT m.record_id, m.grounds, m.unverified, l.outcomes FROM {TABLE} m "
            f"LEFT JOIN {LISTS} l ON l.id = m.outcomes_list"
        ).fetchall()
    return {
        record_id: tuple(None if value is None else json.loads(value) for value in values)
        for record_id, *values in rows
    }


def _documents(folder: Path) -> dict[int, tuple[Any, Any, Any]]:
    with raw_connection(folder / DB_NAME) as conn:
        rows = conn.execute("SELECT id, decision_json FROM decisions").fetchall()
    parsed = {record_id: json.loads(text) for record_id, text in rows}
    return {
        record_id: (doc.get("grounds"), doc.get("unverified"), doc.get("outcomes"))
        for record_id, doc in parsed.items()
    }


def _store(folder: Path, *, bound: bool = True) -> None:
    """Decisions of every kind of document, and an amendment (a second version).
    ``bound``: their entries bind the member rows (``members_sha256``), as this writer
    writes them; else as the writers before decision 0052 did (the rows unbound, checked
    against their documents)."""
    with pytest.MonkeyPatch.context() as patch:
        if not bound:
            patch.setattr(report_members, "record", _unbound_record)
        _write(folder)
    with raw_connection(folder / DB_NAME) as conn:
        objects = [row[0] for row in conn.execute(_DECISION_OBJECTS)]
    assert objects and all(('"members_sha256"' in text) is bound for text in objects)


def _unbound_record(conn: sqlite3.Connection, record_id: int) -> dict[str, str]:
    report_members.fill(conn, record_id)
    return {}


_DECISION_OBJECTS = "SELECT objects FROM audit_log WHERE event LIKE 'decision.%' ORDER BY seq"


def _write(folder: Path) -> None:
    with Store.open(folder) as store:
        officer = actor(add_user(store, "ann", "officer", first=True))
        first = store.decisions.add(draft(), officer, T0)  # a document without the lists
        for number, document in enumerate(DOCUMENTS):
            person = PersonFacts(f"NH-2026-{number:04d}", "Test Person", None)
            store.decisions.add(draft(decision_json=document, person=person), officer, T0)
        store.decisions.amend(
            first.record.decision_id,
            draft(decision_json=DOCUMENTS[0]),
            reason="grounds corrected",
            author=officer,
            at=T0 + timedelta(hours=1),
        )


@pytest.fixture(scope="module", params=["bound", "unbound"])
def template(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    folder = tmp_path_factory.mktemp("members") / "data"
    _store(folder, bound=request.param == "bound")
    return folder


@pytest.fixture
def folder(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    copy.mkdir()
    for item in template.iterdir():
        if item.is_file():
            (copy / item.name).write_bytes(item.read_bytes())
    return copy


def test_a_new_store_keeps_each_documents_members_as_it_writes_it(folder: Path) -> None:
    members, documents = _members(folder), _documents(folder)
    assert len(documents) == 1 + len(DOCUMENTS) + 1
    assert members == documents
    with raw_connection(folder / DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        # One row per distinct outcome list: OUTCOMES (three decisions) and [].
        assert conn.execute(f"SELECT count(*) FROM {LISTS}").fetchone() == (2,)
    with Store.open(folder) as store:
        assert store.verify().ok


@pytest.mark.parametrize(
    "statement",
    [
        f"UPDATE {TABLE} SET grounds = '[\"forged\"]'",
        f"DELETE FROM {TABLE}",
        f"UPDATE {LISTS} SET outcomes = '[]'",
        f"DELETE FROM {LISTS}",
    ],
)
def test_they_are_append_only(folder: Path, statement: str) -> None:
    with raw_connection(folder / DB_NAME) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute(statement)


def _drop_triggers(conn: sqlite3.Connection) -> None:
    for table in (TABLE, LISTS):
        for verb in ("update", "delete"):
            conn.execute(f"DROP TRIGGER {table}_no_{verb}")


#: Tampering with the tables (triggers dropped, as someone with the file would), and
#: what ``audit verify`` must say of it.
TAMPERING: dict[str, tuple[Callable[[sqlite3.Connection], None], str]] = {
    "grounds changed": (
        lambda c: c.execute(f"UPDATE {TABLE} SET grounds = '[\"forged\"]' WHERE record_id = 2"),
        "decision record 2: its row in report_members does not hold what its document says",
    ),
    "unverified emptied": (
        lambda c: c.execute(f"UPDATE {TABLE} SET unverified = '[]' WHERE record_id = 4"),
        "decision record 4: its row in report_members does not hold what its document says",
    ),
    "unverified as a number": (
        lambda c: c.execute(f"UPDATE {TABLE} SET unverified = 0 WHERE record_id = 4"),
        "decision record 4: its row in report_members does not hold what its document says",
    ),
    "outcome list swapped": (
        lambda c: c.execute(
            f"UPDATE {TABLE} SET outcomes_list = (SELECT max(id) FROM {LISTS}) WHERE record_id = 2"
        ),
        "decision record 2: its row in report_members does not hold what its document says",
    ),
    "outcome list dropped": (
        lambda c: c.execute(f"UPDATE {TABLE} SET outcomes_list = NULL WHERE record_id = 3"),
        "decision record 3: its row in report_members does not hold what its document says",
    ),
    "outcome list given to a decision without one": (
        lambda c: c.execute(f"UPDATE {TABLE} SET outcomes_list = 1 WHERE record_id = 1"),
        "decision record 1: its row in report_members does not hold what its document says",
    ),
    "a list's text changed": (
        lambda c: c.execute(
            f'UPDATE {LISTS} SET outcomes = \'[{{"id":"hold","outcome":"not_allowed"}}]\' '
            f"WHERE id = (SELECT outcomes_list FROM {TABLE} WHERE record_id = 2)"
        ),
        "decision record 2: its row in report_members does not hold what its document says",
    ),
    # Record 3 given record 2's members: verification has just computed the digest of
    # those (decision 0056 remembers it), which is not the one record 3's entry binds.
    "a member row copied from another decision's": (
        lambda c: c.execute(
            f"UPDATE {TABLE} SET (grounds, unverified, outcomes_list) = (SELECT grounds, "
            f"unverified, outcomes_list FROM {TABLE} WHERE record_id = 2) WHERE record_id = 3"
        ),
        "decision record 3: its row in report_members does not hold what its document says",
    ),
    "row missing": (
        lambda c: c.execute(f"DELETE FROM {TABLE} WHERE record_id = 5"),
        "decision record 5 has no row in report_members",
    ),
    "row of no decision": (
        lambda c: c.execute(
            f"INSERT INTO {TABLE} (record_id, grounds, unverified) VALUES (99, '[]', '[]')"
        ),
        "report_members has a row for record 99, which is no decision",
    ),
    "lists split otherwise (the same text put together)": (
        lambda c: c.execute(
            f'UPDATE {TABLE} SET grounds = \'["a"],[["b"]\', unverified = \'["c"]]\' '
            "WHERE record_id = 6"
        ),
        "decision record 6: its row in report_members does not hold what its document says",
    ),
    "a list kept as a blob": (
        lambda c: c.execute(
            f"UPDATE {TABLE} SET grounds = CAST(grounds AS BLOB) WHERE record_id = 6"
        ),
        "decision record 6: its row in report_members does not hold what its document says",
    ),
    "a document that is not JSON": (
        lambda c: (
            c.execute("DROP TRIGGER decisions_no_update"),
            c.execute("UPDATE decisions SET decision_json = 'not JSON' WHERE id = 6"),
        ),
        # Unbound, the member row is compared with the document; bound, the member row
        # is the one its entry binds, and the document is what changed (below).
        "decision record 6: its row in report_members does not hold what its document says",
    ),
    "list of no decision": (
        lambda c: c.execute(f"INSERT INTO {LISTS} (outcomes) VALUES ('[]x')"),
        "report_outcome_lists holds 1 list(s) no decision has",
    ),
}


@pytest.mark.parametrize("tampering", list(TAMPERING))
def test_audit_verify_finds_a_member_row_that_is_not_the_documents(
    folder: Path, tampering: str
) -> None:
    change, said = TAMPERING[tampering]
    with raw_connection(folder / DB_NAME) as conn:
        bound = '"members_sha256"' in conn.execute(_DECISION_OBJECTS).fetchone()[0]
        conn.execute("PRAGMA foreign_keys = OFF")
        _drop_triggers(conn)
        change(conn)
    if tampering == "a document that is not JSON" and bound:
        said = "decision 6 version 1 (record 6) was altered"
    with Store.open(folder) as store:
        report = store.verify()
    assert not report.ok
    texts = [problem.text for problem in report.problems]
    assert any(said in text for text in texts), texts
    if tampering != "a document that is not JSON":
        # Nothing else was touched: every other check passes.
        assert all("report_members" in t or "report_outcome_lists" in t for t in texts)


#: A quick check that stops the statement if SQLite evaluates it (an integer overflow).
_TRAP = "abs(-9223372036854775807 - 1)"


@pytest.mark.parametrize("parts", [False, True])
def test_bound_member_rows_are_checked_without_parsing_a_document(
    folder: Path, monkeypatch: pytest.MonkeyPatch, parts: bool
) -> None:
    """Where the entries bind the member rows, the decision pass never evaluates the
    quick check (which parses each document): one process reading the log with the rows,
    or a span in parts whose chain pass kept the entries (decision 0052). Unbound, it
    does — the trap is sprung, which proves it is a trap."""
    monkeypatch.setattr(report_members.QuickCheck, "column", lambda self, alias, guarded: _TRAP)
    with raw_connection(folder / DB_NAME) as conn:
        bound = '"members_sha256"' in conn.execute(_DECISION_OBJECTS).fetchone()[0]
    with Store.open(folder) as store:
        if parts:
            monkeypatch.setattr(worker, "PART_ENTRIES", 3)
            head = store.audit.head()[0]
            with store.db.reading() as conn:
                if not bound:
                    with pytest.raises(sqlite3.OperationalError, match="integer overflow"):
                        check_span(conn, 0, head, None)
                    return
                found = check_span(conn, 0, head, None)
            assert found.entries == head and not found.broken
            assert all(problems == [] for problems in found.row_problems.values())
            assert found.rows["decisions"] == len(DOCUMENTS) + 2
        elif bound:
            assert store.verify().ok
        else:
            with pytest.raises(sqlite3.OperationalError, match="integer overflow"):
                store.verify()


def test_an_entry_binds_its_member_row_and_its_outcome_list(folder: Path) -> None:
    """``members_sha256`` is the digest of the member row's three values, each with its
    type, and of its outcome list's text: a value of another type with the same text, or
    the list's text changed, gives another digest."""
    with raw_connection(folder / DB_NAME) as conn:
        objects = json.loads(
            conn.execute(
                "SELECT a.objects FROM audit_log a JOIN decisions d ON d.audit_seq = a.seq "
                "WHERE d.id = 2"
            ).fetchone()[0]
        )
        if "members_sha256" not in objects:
            return  # the unbound record: nothing bound
        conn.execute("PRAGMA foreign_keys = OFF")
        _drop_triggers(conn)
        lists = report_members.list_texts(conn)
        query = (
            f"SELECT {report_members.BOUND_TEXT}, rm.outcomes_list FROM {TABLE} rm "
            "WHERE rm.record_id = 2"
        )
        bound, list_id = conn.execute(query).fetchone()
        assert report_members.digest(bound, lists[list_id]) == objects["members_sha256"]
        assert report_members.digest(bound, None) != objects["members_sha256"]
        for change in (
            f"UPDATE {TABLE} SET grounds = CAST(grounds AS BLOB) WHERE record_id = 2",
            f"UPDATE {TABLE} SET outcomes_list = CAST(outcomes_list AS BLOB) WHERE record_id = 2",
            f"UPDATE {TABLE} SET grounds = grounds || char(0) WHERE record_id = 2",
        ):
            conn.execute("SAVEPOINT s")
            conn.execute(change)
            other, _ = conn.execute(query).fetchone()
            assert report_members.digest(other, lists[list_id]) != objects["members_sha256"]
            conn.execute("ROLLBACK TO s")
        conn.execute(f"UPDATE {LISTS} SET outcomes = outcomes || ' ' WHERE id = ?", (list_id,))
        changed = report_members.list_texts(conn)[list_id]
        assert report_members.digest(bound, changed) != objects["members_sha256"]


def test_member_digests_remembered_are_the_digests_themselves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``Digests`` (decision 0056) gives ``digest`` of each row's inputs, whether it
    remembered them or not: the same text with another list, a list id of another type,
    a list that does not exist, a missing row, and more inputs than it keeps."""
    monkeypatch.setattr(report_members.Digests, "KEPT", 3)
    lists = {1: b"text:5B5D", 2: b"text:5B315D"}
    digests = report_members.Digests(lists)
    inputs = [
        (b"text:5B5D,text:5B5D,integer:31", 1),
        (b"text:5B5D,text:5B5D,integer:31", 2),
        (b"text:5B5D,text:5B5D,integer:31", "1"),
        (b"text:5B5D,text:5B5D,null:", None),
        (None, 1),
        (b"text:5B5D,text:5B5D,integer:33", 3),
    ]
    for _round in range(3):
        for bound, list_id in inputs:
            assert digests(bound, list_id) == report_members.digest(bound, lists.get(list_id))
    assert len(digests.known) == 3
    assert len({digests(bound, list_id) for bound, list_id in inputs[:4]}) == 4


def test_members_that_are_no_lists_are_kept_and_verify(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        officer = actor(add_user(store, "ann", "officer", first=True))
        store.decisions.add(draft(decision_json=ODD), officer, T0)
        assert store.verify().ok
    with raw_connection(folder / DB_NAME) as conn:
        row = conn.execute(
            f"SELECT m.grounds, m.unverified, l.outcomes FROM {TABLE} m "
            f"JOIN {LISTS} l ON l.id = m.outcomes_list"
        ).fetchone()
    assert row == ('["x"]', 5, '{"id":"hold"}')


def test_a_whole_table_dropped_is_reported(folder: Path) -> None:
    with raw_connection(folder / DB_NAME) as conn:
        conn.execute(f"DROP TABLE {TABLE}")
    with Store.open(folder) as store:
        report = store.verify()
    assert [p.text for p in report.problems] == [
        "the table report_members of the report's members is missing (schema 12)"
    ]


def _back_to_schema_11(path: Path) -> None:
    with raw_connection(path) as conn:
        conn.execute(f"DROP TABLE {TABLE}")
        conn.execute(f"DROP TABLE {LISTS}")
        conn.execute("PRAGMA user_version = 11")


def test_a_schema_11_file_gains_them_and_reports_the_same(
    tmp_path: Path, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The report's documents carry action outcomes (rule-pack format 3), so every member
    # is filled; a decision version in four is marked unverified (reportkit).
    reportkit.with_action_outcomes(monkeypatch)
    data = tmp_path / "data"
    desk = open_desk(data, rules)
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    planned = make_record(desk.store, users)
    desk.services.close()
    # A file as the TrustDesk of schema 11 left it: step 12 is all that tells them apart.
    _back_to_schema_11(data / DB_NAME)
    desk = open_desk(data, rules)
    try:
        desk.clock.now = NOW
        with desk.store.db.reading() as conn:
            assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert _members(data) == _documents(data)
        assert len(_documents(data)) >= len(planned)
        assert desk.store.verify().ok
        check_every_figure_and_action(desk, planned)
    finally:
        desk.services.close()


def test_store_migrate_leaves_them_to_the_server(
    pg_cluster: Any, tmp_path: Path, rules: Any
) -> None:
    """The side tables stay behind; the server fills its own columns (decision 0044)
    from the copied documents, and the copy verifies."""
    import psycopg
    from test_report_columns import _columns_against_documents

    from trustdesk.store.postgresql.schema import SCHEMA as PG_SCHEMA
    from trustdesk.store.transfer import migrate

    desk = open_desk(tmp_path / "data", rules)
    desk.clock.now = NOW
    users = {u.username: u.id for u in desk.store.users.all()}
    planned = make_record(desk.store, users)
    desk.services.close()
    assert len(_members(tmp_path / "data")) >= len(planned)
    admin_url = pg_cluster.new_database()
    pg_cluster.init_store(admin_url)
    migrate(tmp_path / "data", admin_url, lambda line: None)
    with psycopg.connect(admin_url) as conn:
        found = {
            table: conn.execute("SELECT to_regclass(%s)", (f"{PG_SCHEMA}.{table}",)).fetchone()
            for table in ("decisions", TABLE, LISTS)
        }
    assert found == {"decisions": (f"{PG_SCHEMA}.decisions",), TABLE: (None,), LISTS: (None,)}
    # The server computed its own columns from the documents it got, and verifies.
    assert _columns_against_documents(admin_url) >= len(planned)
    with Store.open(database=admin_url) as store:
        assert store.verify().ok


def test_the_tables_problems_keep_their_place_when_checked_during_the_helpers_work(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Decision 0052 runs the report tables' check while a helper checks rows; the
    report still lists it after the review queue's, in one process or two."""
    import trustdesk.store.verify as verify_module

    with raw_connection(folder / DB_NAME) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        _drop_triggers(conn)
        conn.execute("INSERT INTO pending_reviews (record_id, decision_id) VALUES (3, 3)")
        conn.execute(
            f"INSERT INTO {TABLE} (record_id, grounds, unverified) VALUES (99, '[]', '[]')"
        )
    reports = []
    for parallel in (False, True):
        with Store.open(folder) as store, monkeypatch.context() as patch:
            patch.setattr(
                verify_module, "helpers_for", lambda entries, parallel=parallel: int(parallel)
            )
            patch.setattr(verify_module, "CALLER_SHARE", 0.3)
            reports.append([problem.text for problem in store.verify().problems])
    assert reports[0] == reports[1]
    queue = reports[0].index("the review queue does not match the decisions and reviews")
    member = reports[0].index("report_members has a row for record 99, which is no decision")
    assert queue < member


@pytest.mark.parametrize("parallel", [False, True])
def test_member_rows_of_no_decision_are_searched_only_when_the_counts_differ(
    folder: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    """Decision 0055: the rows passes count the decisions found with a member row; when
    the table holds exactly that many rows, none can be of no decision, and the search
    (a lookup in the decisions for each member row) is left out. A row of no decision
    beside a decision whose row is gone, or beside a decision no pass reads (its entry
    moved out of the chain's range), still makes the counts differ, and is named."""
    import trustdesk.store.verify as verify_module

    real = report_members._EXTRA
    monkeypatch.setattr(report_members, "_EXTRA", _TRAP.join(("SELECT ", "")))
    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: int(parallel))
    monkeypatch.setattr(verify_module, "CALLER_SHARE", 0.3)
    with Store.open(folder) as store:
        assert store.verify().ok  # the trap would have stopped the check
    monkeypatch.setattr(report_members, "_EXTRA", real)
    with raw_connection(folder / DB_NAME) as conn:
        _drop_triggers(conn)
        conn.execute("DROP TRIGGER decisions_no_update")
    for change in (
        f"DELETE FROM {TABLE} WHERE record_id = 5",
        "UPDATE decisions SET audit_seq = -audit_seq WHERE id = 6",
    ):
        with raw_connection(folder / DB_NAME) as conn:
            conn.execute("PRAGMA foreign_keys = OFF")
            conn.execute(change)
            conn.execute(
                f"INSERT OR REPLACE INTO {TABLE} (record_id, grounds, unverified) "
                "VALUES (99, '[]', '[]')"
            )
        with Store.open(folder) as store:
            texts = [problem.text for problem in store.verify().problems]
        assert "report_members has a row for record 99, which is no decision" in texts, texts


def test_a_file_with_unbound_and_bound_member_rows_finds_a_change_in_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A desk file upgraded to 0052: its older decisions' member rows are checked against
    their documents, its newer ones against their entries' digests, in one process and
    in parts whose chain pass decides which rows need the documents."""
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        officer = actor(add_user(store, "ann", "officer", first=True))
        for number, document in enumerate(DOCUMENTS[:4]):
            person = PersonFacts(f"NH-2026-{number:04d}", "Test Person", None)
            with pytest.MonkeyPatch.context() as patch:
                if number < 2:
                    patch.setattr(report_members, "record", _unbound_record)
                store.decisions.add(draft(decision_json=document, person=person), officer, T0)
    with raw_connection(folder / DB_NAME) as conn:
        bound = [('"members_sha256"' in row[0]) for row in conn.execute(_DECISION_OBJECTS)]
        assert bound == [False, False, True, True]
        _drop_triggers(conn)
        for record_id in (1, 4):
            conn.execute(
                f"UPDATE {TABLE} SET grounds = '[\"forged\"]' WHERE record_id = ?", (record_id,)
            )
    said = "decision record {}: its row in report_members does not hold what its document says"
    with Store.open(folder) as store:
        texts = [problem.text for problem in store.verify().problems]
        # The triggers dropped to make the change are named too (decision 0063).
        assert sum("report_members_no_" in t for t in texts) == 2, texts
        assert [t for t in texts if t.startswith("decision record")] == [
            said.format(1) + " (grounds, unverified items or outcome list); reports count from it",
            said.format(4) + " (grounds, unverified items or outcome list); reports count from it",
        ]
        head = store.audit.head()[0]
        for parts in (1, 2, head):
            monkeypatch.setattr(worker, "PART_ENTRIES", parts)
            with store.db.reading() as conn:
                found = check_span(conn, 0, head, None)
            named = [p.text for p in found.row_problems["decisions"]]
            assert [t.split(":")[0] for t in named] == ["decision record 1", "decision record 4"]


def test_a_member_row_is_never_taken_on_the_word_of_another_decisions_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision row moved onto another decision's entry, its member row copied from
    that decision's: the entry's digest matches the copied row, but it binds the other
    record, so the row is checked against its own document — and found wrong — in one
    process and in parts."""
    folder = tmp_path / "data"
    _store(folder)
    with raw_connection(folder / DB_NAME) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        _drop_triggers(conn)
        conn.execute("DROP TRIGGER decisions_no_update")
        # Decisions 2 and 4 swap their entries and their member rows.
        seqs = dict(conn.execute("SELECT id, audit_seq FROM decisions WHERE id IN (2, 4)"))
        conn.execute("UPDATE decisions SET audit_seq = -1 WHERE id = 2")
        conn.execute("UPDATE decisions SET audit_seq = ? WHERE id = 4", (seqs[2],))
        conn.execute("UPDATE decisions SET audit_seq = ? WHERE id = 2", (seqs[4],))
        conn.execute(f"UPDATE {TABLE} SET record_id = -4 WHERE record_id = 4")
        conn.execute(f"UPDATE {TABLE} SET record_id = 4 WHERE record_id = 2")
        conn.execute(f"UPDATE {TABLE} SET record_id = 2 WHERE record_id = -4")
    said = "decision record 4: its row in report_members does not hold what its document says"
    with Store.open(folder) as store:
        texts = [problem.text for problem in store.verify().problems]
        assert any(text.startswith(said) for text in texts), texts
        head = store.audit.head()[0]
        for parts in (2, head):
            monkeypatch.setattr(worker, "PART_ENTRIES", parts)
            with store.db.reading() as conn:
                found = check_span(conn, 0, head, None)
            named = [p.text for p in found.row_problems["decisions"]]
            assert any(text.startswith(said) for text in named), named

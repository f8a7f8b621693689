"""The faster reader of a SQLite record's spans (``store/fast_reader.py``, decision 0075).

``audit verify`` of a large record checks its spans through apsw's SQLite and takes a
span's result from it only when it found the span intact; anything else is checked again
through the standard library. So the one property that matters: it never accepts a span
the standard reader finds anything wrong in. These tests tamper with a record every way
the split's tests do, and with blobs a newer SQLite would read as the JSON they hold, and
compare; and they show that an intact record is accepted without the general checks, and
that the helper and the caller use it (and who does not).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import apsw
import pytest
from storekit import raw_connection
from test_verify_split import TAMPERING, _last_record, _tamper, six_decisions

import trustdesk.store.verify as verify_module
from trustdesk.store import fast_reader, verify_worker
from trustdesk.store.connection import configure, connect
from trustdesk.store.store import Store
from trustdesk.store.verify_worker import Helper, SpanResult, check_span

pytestmark = pytest.mark.sqlite_only("the faster reader reads the SQLite file")


@pytest.fixture
def record(store: Store) -> Store:
    return six_decisions(store)


def _path(store: Store) -> Path:
    return Path(store.db.path)  # type: ignore[attr-defined]


def _standard(store: Store, after: int, upto: int) -> SpanResult:
    conn = connect(_path(store), readonly=True)
    configure(conn)
    try:
        conn.execute("BEGIN")
        return check_span(conn, after, upto, None)
    finally:
        conn.close()


def _head(store: Store) -> int:
    return int(store.audit.head()[0])


def _intact(found: SpanResult, after: int, upto: int) -> bool:
    return (
        found.entries == upto - after
        and not found.broken
        and not found.chain_problems
        and not any(found.row_problems.values())
    )


#: ``fast_span`` in a child process, as verification runs it (only in a helper): two
#: SQLite libraries in one process drop each other's locks on the file, and this
#: process holds the record open (decision 0075). ``count``: the rows sent to the
#: general checks counted (and not checked) instead.
_CHILD = """
import json, sys
from pathlib import Path
from trustdesk.store import verify_worker
from trustdesk.store.checks import Checker
doubted = []
if sys.argv[4] == "count":
    Checker.general_decision_row = lambda self, record: doubted.append(record)
    Checker.check_row = lambda self, *args: doubted.append(1)
found = verify_worker.fast_span(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), None)
print(json.dumps({"found": found and found.to_json(), "doubted": len(doubted)}))
"""


def _fast(
    store: Store, after: int, upto: int, *, count: bool = False
) -> tuple[SpanResult | None, int]:
    """``fast_span`` of ``(after, upto]`` run in a child process; and, with ``count``,
    how many rows it sent to the general checks."""
    mode = "count" if count else "check"
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(_path(store)), str(after), str(upto), mode],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    found = answer["found"]
    return (None if found is None else SpanResult.from_json(found)), int(answer["doubted"])


def _read_by_faster_reader(store: Store, sql: str, *parameters: object) -> Any:
    """The first value of ``sql``'s first row as the faster reader's SQLite reads the
    record, in a child process (``_CHILD``'s reason)."""
    code = (
        "import json, sys\nfrom pathlib import Path\nfrom trustdesk.store.fast_reader "
        "import FastReader\nreader = FastReader(Path(sys.argv[1]))\n"
        "print(json.dumps(reader.execute(sys.argv[2], json.loads(sys.argv[3])).fetchone()[0]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(_path(store)), sql, json.dumps(parameters)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_intact_record_is_read_alike_by_both_readers(record: Store) -> None:
    head = _head(record)
    for after, upto in ((0, head), (0, head // 3), (head // 3, head)):
        fast, _doubted = _fast(record, after, upto)
        standard = _standard(record, after, upto)
        assert fast is not None, (after, upto)
        assert fast.reader.startswith("apsw ") and "SQLite 3." in fast.reader
        assert standard.reader == ""
        assert (fast.start, fast.entries, fast.last_hash, fast.events) == (
            standard.start,
            standard.entries,
            standard.last_hash,
            standard.events,
        )
        assert (fast.rows, fast.flagged) == (standard.rows, standard.flagged)
        assert fast.rows["decisions"] >= 1 and fast.flagged


def test_an_intact_record_never_needs_the_general_check_on_the_faster_reader(
    record: Store,
) -> None:
    """Its SQLite writes the candidate texts as canonical_json does, the answers too
    (a SQLite that no longer keeps a subquery's JSON value JSON reads them back as JSON:
    ``candidates_sqlite.subquery_keeps_json``), accented names and all."""
    found, doubted = _fast(record, 0, _head(record), count=True)
    assert found is not None and doubted == 0


@pytest.mark.parametrize("what", list(TAMPERING))
def test_the_faster_reader_accepts_no_span_the_standard_reader_doubts(
    record: Store, what: str
) -> None:
    _tamper(record, TAMPERING[what])
    head = _head(record)
    spans = [(0, head), (0, max(1, head // 3)), (max(1, head // 3), head)]
    doubted = 0
    for after, upto in spans:
        if not _intact(_standard(record, after, upto), after, upto):
            doubted += 1
            assert _fast(record, after, upto)[0] is None, (
                what,
                after,
                upto,
            )
    # Every tampering is doubted in the whole chain's span at least, but a row deleted or
    # filed past the head: no span holds those, and the caller's count of each table's
    # rows and its check of the rows past the head report them, through its own reader.
    if what in ("the last decision deleted", "a decision inserted", ROW_PAST_THE_HEAD):
        assert doubted == 0, what
        assert not record.verify().ok, what
    else:
        assert doubted >= 1, what


ROW_PAST_THE_HEAD = "a lookup row filed past the head"


def _jsonb(value: object) -> bytes:
    """``value``'s JSONB, as a SQLite of 3.45 or later writes it."""
    conn = apsw.Connection(":memory:")
    try:
        row = conn.execute("SELECT jsonb(?)", (json.dumps(value),)).fetchall()[0]
    finally:
        conn.close()
    return bytes(row[0])


@pytest.mark.parametrize(
    ("table", "column", "key"),
    [
        ("people", "name", "id = (SELECT person_id FROM decisions WHERE id = {last})"),
        ("decisions", "rule_pack_sha256", "id = {last}"),
        ("decisions", "officer_id", "id = {last}"),
        ("holds", "opened_by", "id = (SELECT min(id) FROM holds)"),
        (
            "detainers",
            "issuing_office",
            "id = (SELECT detainer_id FROM decisions WHERE id = {last})",
        ),
        ("reviews", "reviewer_id", "id = (SELECT min(id) FROM reviews)"),
        ("audit_log", "actor", "seq = (SELECT min(seq) FROM audit_log WHERE actor IS NOT NULL)"),
        ("audit_log", "actor_id", "seq = 4"),
        ("audit_log", "objects", "seq = (SELECT audit_seq FROM decisions WHERE id = {last})"),
        (
            "decision_answers",
            "field",
            "record_id = {last} AND field = "
            "(SELECT min(field) FROM decision_answers WHERE record_id = {last})",
        ),
    ],
)
def test_a_blob_read_as_the_json_it_holds_is_not_accepted(
    record: Store, table: str, column: str, key: str
) -> None:
    """Its SQLite (3.45 or later) writes a blob that is well-formed JSONB as the JSON it
    holds: the JSONB of the very value it replaced would give the same text. Guarded
    from the start (``FastReader.guard_first``), such a row is doubted."""
    path = _path(record)
    where = key.format(last=_last_record(record))
    conn = raw_connection(path)
    try:
        triggers = dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                f"AND tbl_name = '{table}' AND (name LIKE '%no_update')"
            ).fetchall()
        )
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        (value,) = conn.execute(f"SELECT {column} FROM {table} WHERE {where}").fetchone()
        assert isinstance(value, (str, int)), value
        blob = _jsonb(value)
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (blob,))
        for sql in triggers.values():
            conn.execute(sql)
    finally:
        conn.close()
    newer = apsw.Connection(":memory:")  # its SQLite, on no file of the record
    try:
        (text,) = next(iter(newer.execute("SELECT json_array(?)", (blob,))))
    finally:
        newer.close()
    assert text == json.dumps([value], separators=(",", ":"))  # unguarded, it would pass
    head = _head(record)
    assert not _intact(_standard(record, 0, head), 0, head)
    assert _fast(record, 0, head)[0] is None
    assert not record.verify().ok


def test_without_apsw_the_caller_checks_its_own_span(
    record: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fast_reader, "apsw", None)
    reader = record.db.open_reader()
    try:
        assert not verify_module.reads_apart(reader)
        assert verify_worker.fast_span(_path(record), 0, _head(record), None) is None
    finally:
        reader.close()
    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: 1)
    assert record.verify().ok


def test_the_caller_never_opens_the_faster_reader_its_span_is_read_apart(
    record: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two SQLite libraries in one process drop each other's locks on the file (POSIX
    drops a process's locks when any of its descriptors of the file closes): the faster
    reader opened and closed in the caller freed the locks of its snapshot and its writer,
    and entries saved meanwhile were lost. The caller's span goes to a helper process."""
    opened: list[object] = []

    def refuse(self: object, path: Path) -> None:
        opened.append(path)
        raise AssertionError("the faster reader was opened in the calling process")

    answers: list[tuple[tuple[int, int], SpanResult | None]] = []
    original = Helper.result

    def result(self: Helper) -> SpanResult | None:
        answer = original(self)
        answers.append((self.span, answer))
        return answer

    monkeypatch.setattr(fast_reader.FastReader, "__init__", refuse)
    monkeypatch.setattr(Helper, "result", result)
    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: 1)
    report = record.verify()
    assert report.ok and opened == []
    head = _head(record)
    (first, first_answer), (second, second_answer) = answers
    # The two spans meet where about half the decision records lie on either side.
    assert first[0] == 0 and first[1] == second[0] and second[1] == head
    with record.db.reading() as conn:
        before, after = conn.execute(
            f"SELECT count(*) FILTER (WHERE audit_seq <= {first[1]}), "
            f"count(*) FILTER (WHERE audit_seq > {first[1]}) FROM decisions"
        ).fetchone()
    assert abs(before - after) <= 1, (first, before, after)
    for answer in (first_answer, second_answer):
        assert answer is not None and answer.reader.startswith("apsw ")
    # Afterwards this program and another record in turn, and nothing is lost.
    other = Store.open(_path(record).parent)
    try:
        from storekit import T0, actor, add_user, draft

        officer = actor(add_user(record, "bo", "officer"))
        other.decisions.add(draft(), officer, T0)
        record.decisions.add(draft(), officer, T0)
    finally:
        other.close()
    assert record.audit.head()[0] == head + 3
    assert record.verify().ok


def test_a_reader_that_reports_progress_and_stops_reads_the_callers_span(
    record: Store,
) -> None:
    """The desk's verification window counts rows and stops on request through its
    reader (``stoppable``): the caller's span is read through it, not apart."""
    from trustdesk.store.stoppable import stoppable

    class Control:
        def cancelled(self) -> bool:
            return False

        def progress(self, done: int, total: int) -> None:
            pass

    view = stoppable(record, Control())
    reader = view.db.open_reader()
    plain = record.db.open_reader()
    try:
        assert not verify_module.reads_apart(reader)
        assert verify_module.reads_apart(plain)
    finally:
        reader.close()
        plain.close()


def _rebuild_answers(record: Store, columns: str, fill: str, holder: str) -> tuple[int, str, str]:
    """decision_answers rebuilt behind TrustDesk's back as ``columns`` (a table or a
    view), filled from the old rows by ``fill``, the last record's first answer shown
    altered (column ``shown`` of table ``holder``) and a table's triggers put back as
    made; returns the last record, the field altered and the value recorded."""
    path, last = _path(record), _last_record(record)
    conn = raw_connection(path)
    try:
        field, value = conn.execute(
            "SELECT field, value FROM decision_answers WHERE record_id = ? ORDER BY field",
            (last,),
        ).fetchone()
        triggers = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'decision_answers'"
        ).fetchall()
        other = "yes" if value != "yes" else "no"
        conn.executescript(
            "CREATE TABLE old_answers AS SELECT * FROM decision_answers; "
            f"DROP TABLE decision_answers; {columns}; {fill}; DROP TABLE old_answers; "
            f"UPDATE {holder} SET shown = '{other}' WHERE record_id = {last} "
            f"AND field = '{field}'"
        )
        if holder == "decision_answers":
            for (sql,) in triggers:
                conn.execute(sql)
    finally:
        conn.close()
    return last, field, value


#: Reads the recorded answer under the faster reader's SQLite and the altered one under
#: the desk's: 0.1 + 0.2 is written '0.3' by SQLite 3.40, '0.30000000000000004' by 3.54.
_DESKS_SQLITE = "CAST(0.1 + 0.2 AS TEXT) = '0.3'"


@pytest.mark.parametrize(
    ("columns", "fill", "holder"),
    [
        (
            "CREATE TABLE decision_answers (record_id INTEGER NOT NULL, field TEXT NOT NULL, "
            "recorded TEXT, shown TEXT, value TEXT GENERATED ALWAYS AS "
            f"(CASE WHEN {_DESKS_SQLITE} THEN shown ELSE recorded END) VIRTUAL, "
            "PRIMARY KEY (record_id, field)) WITHOUT ROWID",
            "INSERT INTO decision_answers (record_id, field, recorded, shown) "
            "SELECT record_id, field, value, value FROM old_answers",
            "decision_answers",
        ),
        (
            "CREATE TABLE shown_answers (record_id INTEGER, field TEXT, recorded TEXT, "
            "shown TEXT); CREATE VIEW decision_answers AS SELECT record_id, field, "
            f"CASE WHEN {_DESKS_SQLITE} THEN shown ELSE recorded END AS value "
            "FROM shown_answers",
            "INSERT INTO shown_answers SELECT record_id, field, value, value FROM old_answers",
            "shown_answers",
        ),
    ],
    ids=["a generated column", "a view in the table's place"],
)
def test_a_schema_that_reads_otherwise_under_another_sqlite_is_not_accepted(
    record: Store, monkeypatch: pytest.MonkeyPatch, columns: str, fill: str, holder: str
) -> None:
    """The faster reader runs the file's own schema under its SQLite: a column computed
    on reading, or a view in a table's place, could show it the recorded answer while
    the desk reads another. It takes a span only from a file whose schema is the one
    TrustDesk makes, row for row."""
    last, field, value = _rebuild_answers(record, columns, fill, holder)
    with record.db.reading() as conn:
        shown = conn.execute(
            "SELECT value FROM decision_answers WHERE record_id = ? AND field = ?",
            (last, field),
        ).fetchone()[0]
    assert shown != value  # the desk reads the altered answer
    recorded = _read_by_faster_reader(
        record,
        "SELECT value FROM decision_answers WHERE record_id = ? AND field = ?",
        last,
        field,
    )
    assert recorded == value  # the faster reader's SQLite is shown the recorded one
    assert _fast(record, 0, _head(record))[0] is None
    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: 1)
    split = record.verify()
    monkeypatch.setattr(verify_module, "helpers_for", lambda entries: 0)
    alone = record.verify()
    assert not alone.ok
    assert [str(p) for p in split.problems] == [str(p) for p in alone.problems]


def _helper(store: Store, after: int, upto: int) -> dict[str, Any]:
    request = {"backend": "sqlite", "target": str(_path(store)), "after": after, "upto": upto}
    done = subprocess.run(
        [sys.executable, "-m", "trustdesk.store.verify_worker"],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def test_the_helper_says_which_reader_read_its_span(record: Store) -> None:
    head = _head(record)
    intact = _helper(record, 0, head)
    assert intact["reader"].startswith("apsw ") and intact["entries"] == head
    last = _last_record(record)
    conn = raw_connection(_path(record))
    try:
        conn.execute("DROP TRIGGER decisions_no_update")
        conn.execute(f"UPDATE decisions SET reason = 'edited' WHERE id = {last}")
    finally:
        conn.close()
    doubted = _helper(record, 0, head)
    assert doubted["reader"] == ""  # checked again by the standard reader, which reports it
    assert any(f"(record {last})" in text for _seq, text in doubted["row_problems"]["decisions"])

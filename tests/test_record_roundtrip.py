"""``decision_from_json`` is the exact inverse of ``decision_to_json`` (decision 0023).

Checked on the decision of every embedded case of every pack: the shipped ones and
every kept version (format 1 through its reading), so a record any of them produced
reads back to the same JSON, byte for byte once encoded as the store encodes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from trustdesk.core.evaluate import evaluate
from trustdesk.core.record import RecordFormatError, decision_from_json, decision_to_json
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.pack_history import MANIFEST, history_dir
from trustdesk.rules.packs import bundled_pack_paths, load_pack
from trustdesk.rules.registry import RuleSet
from trustdesk.store.encoding import document_json


def pack_files() -> list[Path]:
    """Every jurisdiction's shipped packs and kept versions."""
    kept = json.loads((history_dir() / MANIFEST).read_text())["packs"]
    return [*bundled_pack_paths(None), *(history_dir() / e["file"] for e in kept)]


@pytest.mark.parametrize("path", pack_files(), ids=lambda p: p.name[:16])
def test_every_embedded_case_round_trips(path: Path, rules: RuleSet) -> None:
    if not path.name.startswith("ct-"):  # under its own jurisdiction's catalog
        from trustdesk.rules.registry import load_rules

        rules = load_rules(jurisdiction=path.name[:2].upper())
    loaded = load_pack(path, catalog=rules.sections, old_formats=True)
    assert loaded.tests
    for index, test in enumerate(loaded.tests):
        case = parse_case(test["case"], f"{path} /tests/{index}", rules.sections)
        decision = evaluate(loaded.pack, case)
        written = decision_to_json(decision)
        stored = document_json(written)
        back = decision_from_json(json.loads(stored))
        assert document_json(decision_to_json(back)) == stored, test["name"]
        # What the memo shows comes through unchanged.
        assert back.decision == decision.decision
        assert back.grounds == decision.grounds
        assert back.hold == decision.hold
        assert back.required_actions == tuple(
            a._replace(when=decision.decision) for a in decision.required_actions
        )
        assert [r._replace(rests_on=()) for r in back.trace] == [
            r._replace(rests_on=()) for r in decision.trace
        ]


def a_decision(rules: RuleSet) -> dict[str, Any]:
    loaded = load_pack(bundled_pack_paths()[-1], catalog=rules.sections)
    case = parse_case(loaded.tests[0]["case"], "t", rules.sections)
    written: dict[str, Any] = decision_to_json(evaluate(loaded.pack, case))
    return written


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d.pop("grounds"), "'grounds' is missing"),
        (lambda d: d.update(hold_expires_at="2030-01-01T00:00:00+00:00"), "hold_expires_at"),
        (lambda d: d.update(trace=[{"id": 3}]), "missing"),
        (lambda d: d.update(hold={"starts_at": "yesterday"}), r"wrong form|missing"),
    ],
)
def test_a_record_that_does_not_fit_is_named(rules: RuleSet, change: Any, words: str) -> None:
    raw = a_decision(rules)
    change(raw)
    with pytest.raises(RecordFormatError, match=words):
        decision_from_json(raw)

"""A format-1 pack an agency imported before the upgrade: applied, every item unverified.

Decision 0031: the file is read as format 2 (``rules.pack_format1``), put in force when
its reading decides each of its own embedded cases as expected, with every item
unverified (a hold resting on it goes to review), and the pack list says so; a file
whose reading misses one of its cases stays out of force with a message saying what to do.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.pack_format1 import IMPORTED_NOTE
from trustdesk.rules.pack_history import MANIFEST, history_dir
from trustdesk.rules.registry import RuleSet, load_rules


def format_1_ct_2025() -> dict[str, Any]:
    entries = json.loads((history_dir() / MANIFEST).read_text())["packs"]
    (entry,) = [e for e in entries if e["schema_version"] == 1 and e["id"] == "ct-2025"]
    raw: dict[str, Any] = json.loads((history_dir() / entry["file"]).read_bytes())
    return raw


def imported(tmp_path: Path, raw: dict[str, Any]) -> RuleSet:
    folder = tmp_path / "rules"
    folder.mkdir()
    data = json.dumps(raw, indent=1).encode()
    (folder / f"{raw['id']}.json").write_bytes(data)
    return load_rules(extra_dir=folder, accepted={hashlib.sha256(data).hexdigest(): raw["id"]})


def test_an_imported_format_1_pack_is_applied_with_every_item_unverified(tmp_path: Path) -> None:
    raw = format_1_ct_2025()
    raw["title"] = "ct-2025 as the county imported it"
    rules = imported(tmp_path, raw)
    assert not rules.skipped and not rules.withheld
    pack = rules.pack("ct-2025").pack
    assert pack.title == "ct-2025 as the county imported it"
    assert pack.verifications and not any(v.verified for v in pack.verifications.values())
    assert all(not item.verified and item.note == IMPORTED_NOTE for item in pack.lists)
    (notice,) = rules.converted
    assert "format 1" in notice and "EVERY item unverified" in notice
    assert "import a format-2 version" in notice


def test_a_hold_under_it_goes_to_review_and_the_outcome_is_the_old_packs(tmp_path: Path) -> None:
    raw = format_1_ct_2025()
    rules = imported(tmp_path, raw)
    pack = rules.pack("ct-2025").pack
    holds = [t for t in raw["tests"] if t["expect"]["decision"] == "honor"]
    assert holds
    for test in raw["tests"]:
        decision = evaluate(pack, parse_case(test["case"], "case", rules.sections))
        assert decision.decision == test["expect"]["decision"], test["name"]
        assert set(decision.grounds) == set(test["expect"]["grounds"]), test["name"]
        if decision.decision == "honor":
            assert decision.needs_review and decision.unverified, test["name"]
            assert any("unverified" in reason for reason in decision.review_reasons)


def test_a_format_1_pack_whose_reading_misses_its_own_case_stays_out(tmp_path: Path) -> None:
    raw = format_1_ct_2025()
    first = raw["tests"][0]["expect"]
    first["decision"] = "decline" if first["decision"] == "honor" else "honor"
    rules = imported(tmp_path, raw)
    (why,) = rules.skipped
    assert "format-1 pack whose format-2 reading does not decide its own case" in why
    assert "import a format-2 version of it" in why
    assert [lp.pack.id for lp, _ in rules.withheld] == ["ct-2025"]  # not silently shipped one


def test_rules_list_says_a_format_1_import_is_applied_all_unverified(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    """The command line, as after an upgrade: the import recorded, the file format 1."""
    import sys
    from datetime import UTC, datetime

    sys.path.insert(0, str(Path(__file__).parent / "store"))
    from storekit import PASSWORDS, in_process_cli

    from trustdesk.store.records import Actor, AuditEvent
    from trustdesk.store.store import Store

    data = tmp_path / "data"
    cli = in_process_cli(data, monkeypatch, capsys, PASSWORDS)
    assert cli("users", "add", "chief", "--role", "administrator", new=PASSWORDS["chief"])[0] == 0
    raw = format_1_ct_2025()
    raw["title"] = "ct-2025 as the county imported it"
    pack = json.dumps(raw, indent=1).encode()
    (data / "rules").mkdir()
    (data / "rules" / "ct-2025.json").write_bytes(pack)
    with Store.open(data) as store:  # what the previous release's import recorded
        store.audit.record(
            AuditEvent(
                "rules.imported",
                "success",
                {"pack": "ct-2025", "sha256": hashlib.sha256(pack).hexdigest()},
            ),
            Actor(None, "chief", "desk-1"),
            datetime(2026, 1, 5, 12, 0, tzinfo=UTC),
        )
    code, out, err = cli("rules", "list")
    assert code == 0, err
    assert "ct-2025 as the county imported it" in out
    assert "rule-pack format 1" in out and "EVERY item unverified" in out
    assert "UNVERIFIED:" in out  # each item listed as unverified
    assert "not applied" not in err

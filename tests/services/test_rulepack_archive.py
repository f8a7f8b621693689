"""Replacing a rule pack never orphans the decisions made under it.

A decision is printed (and re-evaluated) under the exact pack version it was made under:
the shipped pack an import replaced, or an imported version a later import replaced
(kept in ``rules/superseded/``). Only an unknown version, or a kept file that was
changed, is refused, and the refusal says which.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from servicekit import Clock, Desk

from casekit import conviction, make_case
from trustdesk.core.evaluate import evaluate
from trustdesk.core.pack import RulePack
from trustdesk.core.record import decision_to_json
from trustdesk.memo.viewmodel import AgencyHeader
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.catalog import OffenseCatalog
from trustdesk.rules.packs import LoadedPack
from trustdesk.rules.registry import RuleSet, rules_for_data_dir
from trustdesk.services.memos import MemoRefused
from trustdesk.store.case_records import DecisionRecord
from trustdesk.store.encoding import document_json

HEADER = AgencyHeader("Test Agency", "Test Facility", "CT0000000")
#: Burglary 3rd with a firearm: on ct-2025's list, but in none of its embedded tests.
LISTED_ONLY_HERE = "53a-103a"
CASE = make_case(
    decision_time="2026-11-20T11:05:00-05:00",
    releasable_at="2026-11-20T15:00:00-05:00",
    convictions=[conviction(LISTED_ONLY_HERE, "felony", "D", date="2020-03-02")],
)


#: Test packs are unsigned: each import is an administrator's recorded override.
UNSIGNED = "an agency test pack, unsigned"


class Holder:
    """The rule set in force, replaceable by an import (as the app's RulesHolder)."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def replace(self, rules: RuleSet) -> None:
        self.rules = rules

    @property
    def sections(self) -> frozenset[str]:
        return self.rules.sections

    @property
    def catalog(self) -> OffenseCatalog:
        return self.rules.catalog

    def pack_for(self, decision_time: datetime) -> RulePack:
        return self.rules.pack_for(decision_time)

    def pack(self, pack_id: str) -> LoadedPack:
        return self.rules.pack(pack_id)

    def pack_version(self, pack_id: str, sha256: str) -> LoadedPack:
        return self.rules.pack_version(pack_id, sha256)


def agency_pack(folder: Path, title: str, *, drop: bool = True) -> Path:
    from trustdesk import resources

    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["title"] = title
    if drop:
        data["lists"][0]["statutes"].remove(LISTED_ONLY_HERE)
        del data["lists"][0]["entries"][LISTED_ONLY_HERE]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{title.replace(' ', '-')}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def office(tmp_path: Path) -> Any:
    from storekit import open_desk

    data = tmp_path / "data"
    holder = Holder(rules_for_data_dir(data))
    desk = open_desk(data, holder, Clock())
    yield desk, holder
    desk.services.close()


def decide(desk: Desk, holder: Holder) -> DecisionRecord:
    case = parse_case(CASE, "case", holder.sections)
    return desk.services.decisions.create(desk.session("officer"), case, CASE).record


def print_memo(desk: Desk, decision_id: int, out: Path) -> Path:
    printed = desk.services.memos.print_memo(
        desk.session("officer"), decision_id, out / f"memo-{decision_id}.pdf", agency=HEADER
    )
    assert printed.path is not None and printed.path.exists()
    return printed.path


def redecided(rules: RuleSet, record: DecisionRecord) -> str:
    """The decision the pack version of ``record`` reaches again on its stored case."""
    pack = rules.pack_version(record.rule_pack, record.rule_pack_sha256).pack
    case = parse_case(record.case(), "stored case", rules.sections)
    return document_json(decision_to_json(evaluate(pack, case)))


def test_decisions_under_replaced_packs_still_print(office: Any, tmp_path: Path) -> None:
    desk, holder = office
    out = tmp_path / "out"
    out.mkdir()
    admin = desk.session("admin")
    shipped = holder.pack("ct-2025").pack.sha256

    under_shipped = decide(desk, holder)
    assert (under_shipped.outcome, under_shipped.rule_pack_sha256) == ("honor", shipped)

    first = desk.services.rulepacks.import_pack(
        admin, agency_pack(tmp_path / "usb", "agency v1"), holder, override=UNSIGNED
    )
    assert first.replaced == "ct-2025 (shipped with TrustDesk)"
    under_first = decide(desk, holder)  # a new decision uses the new pack ...
    assert (under_first.outcome, under_first.rule_pack_sha256) == ("decline", first.sha256)
    # ... and the old one still prints, re-evaluated under the shipped pack it was made under.
    print_memo(desk, under_shipped.decision_id, out)
    assert redecided(holder.rules, under_shipped) == under_shipped.decision_json

    second = desk.services.rulepacks.import_pack(
        admin, agency_pack(tmp_path / "usb", "agency v2", drop=False), holder, override=UNSIGNED
    )
    assert second.replaced == "ct-2025 (imported earlier)"
    kept = desk.store.data_dir / "rules" / "superseded" / f"ct-2025-{first.sha256[:12]}.json"
    assert kept.exists()
    under_second = decide(desk, holder)
    assert (under_second.outcome, under_second.rule_pack_sha256) == ("honor", second.sha256)
    for record in (under_shipped, under_first, under_second):
        print_memo(desk, record.decision_id, out)
        assert redecided(holder.rules, record) == record.decision_json

    # After a restart (a fresh rule set from the data folder) all three still print.
    holder.replace(rules_for_data_dir(desk.store.data_dir))
    desk.services.memos._rules = None
    for record in (under_shipped, under_first, under_second):
        print_memo(desk, record.decision_id, out)
    assert len(desk.store.audit.of_events("memo.printed")) == 7
    assert desk.store.audit.of_events("memo.refused") == []


def test_a_changed_or_missing_kept_version_is_refused(office: Any, tmp_path: Path) -> None:
    desk, holder = office
    out = tmp_path / "out"
    out.mkdir()
    admin = desk.session("admin")
    first = desk.services.rulepacks.import_pack(
        admin, agency_pack(tmp_path / "usb", "agency v1"), holder, override=UNSIGNED
    )
    under_first = decide(desk, holder)
    desk.services.rulepacks.import_pack(
        admin, agency_pack(tmp_path / "usb", "agency v2"), holder, override=UNSIGNED
    )
    kept = desk.store.data_dir / "rules" / "superseded" / f"ct-2025-{first.sha256[:12]}.json"
    # Changed on disk: it no longer hashes to the SHA-256 its name (and the record) give.
    kept.write_bytes(kept.read_bytes().replace(b"agency v1", b"agency v9"))
    holder.replace(rules_for_data_dir(desk.store.data_dir))
    memos = desk.services.memos
    memos._rules = None
    with pytest.raises(MemoRefused) as caught:
        print_memo(desk, under_first.decision_id, out)
    message = str(caught.value)
    assert f"rule pack ct-2025 with SHA-256 {first.sha256[:12]}…" in message
    assert "kept copy of that version is refused" in message
    assert str(kept) in message and "was changed" in message
    assert "\n" not in message
    assert list(out.iterdir()) == []
    refusal = desk.store.audit.of_events("memo.refused")[-1].objects_dict()
    assert refusal["reason"] == "rule pack refused"

    # Gone altogether: the version is unknown, and the refusal names it.
    kept.unlink()
    holder.replace(rules_for_data_dir(desk.store.data_dir))
    memos._rules = None
    with pytest.raises(MemoRefused) as caught:
        print_memo(desk, under_first.decision_id, out)
    message = str(caught.value)
    assert f"rule pack ct-2025 with SHA-256 {first.sha256[:12]}…" in message
    assert "does not know" in message
    assert desk.store.audit.of_events("memo.refused")[-1].objects_dict()["reason"] == (
        "rule pack changed"
    )
    assert list(out.iterdir()) == []


def test_the_services_bundle_has_the_rule_pack_service(office: Any) -> None:
    from trustdesk.services.rulepacks import RulePackService

    desk, _holder = office
    service = desk.services.rulepacks
    assert isinstance(service, RulePackService)
    assert service.folder == desk.store.data_dir / "rules"

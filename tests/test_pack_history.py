"""Every shipped rule-pack version is kept byte for byte, and a format-1 one is readable.

Decisions name their pack by SHA-256 (decision 0023): the kept history must hold each
version ever shipped, unchanged, and the format-1 reading must reach, under today's
engine, the outcome, grounds and hold every embedded case of the old pack expects.
"""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError, RulesError
from trustdesk.rules.pack_format1 import FORMAT_1_VERIFIER, read_format_1
from trustdesk.rules.pack_history import MANIFEST, history_dir, kept_file, kept_versions
from trustdesk.rules.packs import bundled_pack_paths, load_pack
from trustdesk.rules.registry import RuleSet

UPGRADE_DB = Path(__file__).parent / "data" / "upgrade" / "data" / "trustdesk.db"


def manifest() -> list[dict[str, Any]]:
    packs: list[dict[str, Any]] = json.loads((history_dir() / MANIFEST).read_text())["packs"]
    return packs


def format_1_files() -> list[Path]:
    return [history_dir() / e["file"] for e in manifest() if e["schema_version"] == 1]


def test_every_kept_file_is_listed_and_hashes_to_its_entry() -> None:
    entries = manifest()
    listed = {e["file"] for e in entries}
    on_disk = {p.name for p in history_dir().glob("*.json") if p.name != MANIFEST}
    assert listed == on_disk
    for entry in entries:
        data = (history_dir() / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert json.loads(data)["id"] == entry["id"]
        assert json.loads(data)["schema_version"] == entry["schema_version"]


def test_the_packs_shipped_now_are_kept_too() -> None:
    """Changing a shipped pack without keeping the new version here fails this test:
    every jurisdiction's (California's were not kept at first)."""
    kept = kept_versions()
    assert {path.stem[:2] for path in bundled_pack_paths(None)} == {"ca", "ct"}
    for path in bundled_pack_paths(None):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert (path.stem, digest) in kept, f"add {path.name} to resources/rules/history"


def test_the_previous_release_packs_are_kept() -> None:
    """The packs named by the records the previous release wrote (tests/data/upgrade)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{UPGRADE_DB}?mode=ro", uri=True)
    named = set(conn.execute("SELECT rule_pack, rule_pack_sha256 FROM decisions"))
    conn.close()
    assert {pack for pack, _sha in named} == {"ct-2014", "ct-2019", "ct-2025"}
    assert named <= set(kept_versions())


@pytest.mark.parametrize("path", format_1_files(), ids=lambda p: p.name[:12])
def test_the_format_1_reading_reaches_what_every_old_case_expects(
    path: Path, rules: RuleSet
) -> None:
    raw = json.loads(path.read_bytes())
    assert raw["schema_version"] == 1
    loaded = load_pack(path, catalog=rules.sections, old_formats=True)
    assert loaded.pack.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    for index, test in enumerate(raw["tests"]):
        case = parse_case(test["case"], f"{path} /tests/{index}", rules.sections)
        decision = evaluate(loaded.pack, case)
        expect = test["expect"]
        assert decision.decision == expect["decision"], test["name"]
        assert set(decision.grounds) == set(expect["grounds"]), test["name"]
        if "hold_expires_at" in expect:
            wanted = expect["hold_expires_at"]
            got = decision.hold_expires_at
            assert (got.isoformat() if got else None) == wanted, test["name"]
        # Format 1 flagged exactly the decisions resting on an unverified list.
        if "unverified" in expect:
            assert bool(decision.unverified) == expect["unverified"], test["name"]


def test_the_format_1_reading_is_deterministic_and_item_level() -> None:
    raw = json.loads(format_1_files()[-1].read_bytes())  # ct-2025: one unverified list
    before = copy.deepcopy(raw)
    once, twice = read_format_1(raw, "x"), read_format_1(raw, "x")
    assert once == twice and raw == before  # the input is left as it was
    assert once["schema_version"] == 2
    for statute_list, original in zip(once["lists"], raw["lists"], strict=True):
        state = "verified" if original["verified"] else "unverified"
        assert statute_list["verification"]["status"] == state
        assert set(statute_list["entries"]) == set(statute_list["statutes"])
        assert {v["status"] for v in statute_list["entries"].values()} == {state}
    for criterion in once["criteria"]:
        assert criterion["verification"]["by"] == FORMAT_1_VERIFIER
        assert criterion["verification"]["on"] == raw["last_verified_on"]


def test_a_format_1_pack_is_still_refused_for_use_or_import(tmp_path: Path) -> None:
    source = format_1_files()[0]
    copy_ = tmp_path / "ct-2014.json"
    shutil.copyfile(source, copy_)
    with pytest.raises(InputError, match=r"dates_verification|schema_version"):
        load_pack(copy_)


def test_a_changed_kept_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "history"
    shutil.copytree(history_dir(), folder)
    entry = manifest()[0]
    path = folder / entry["file"]
    path.write_bytes(path.read_bytes().replace(b"Connecticut", b"Connecticot", 1))
    with pytest.raises(RulesError, match="was changed"):
        kept_file(entry["id"], entry["sha256"], folder)
    assert kept_file(entry["id"], "0" * 64, folder) is None


def test_pack_version_finds_a_format_1_version_by_its_hash(rules: RuleSet) -> None:
    for entry in manifest():
        found = rules.pack_version(entry["id"], entry["sha256"])
        assert (found.pack.id, found.pack.sha256) == (entry["id"], entry["sha256"])
    with pytest.raises(KeyError):
        rules.pack_version("ct-2014", "0" * 64)
    assert resources.resource("rules", "history").is_dir()


def test_a_format_1_pack_the_agency_imported_still_prints_its_decisions(tmp_path: Path) -> None:
    """After the upgrade the imported format-1 file is skipped, not lost to printing."""
    from trustdesk.rules.registry import load_rules

    imported = tmp_path / "rules"
    imported.mkdir()
    source = format_1_files()[-1]  # ct-2025 as the previous release shipped it
    raw = json.loads(source.read_bytes())
    raw["title"] = "ct-2025 as the county imported it"
    data = json.dumps(raw, indent=1).encode()
    (imported / "ct-2025.json").write_bytes(data)
    rules = load_rules(extra_dir=imported, accepted={hashlib.sha256(data).hexdigest(): "ct-2025"})
    # Applied through its format-2 reading, every item unverified, saying so (0031).
    assert not rules.skipped and rules.pack("ct-2025").pack.title.endswith("imported it")
    assert any(note.startswith("ct-2025 (ct-2025.json)") for note in rules.converted)
    found = rules.pack_version("ct-2025", hashlib.sha256(data).hexdigest())
    assert found.pack.title == "ct-2025 as the county imported it"
    with pytest.raises(KeyError):
        rules.pack_version("ct-2025", hashlib.sha256(data + b" ").hexdigest())


@pytest.mark.parametrize(
    ("pack_id", "sha256"),
    [
        ("ca-2014", "3017872caa73afb8f78858238831714fab2d8fdeeadfff766a57808c5aeeca01"),
        ("ca-2018", "f460377d2eeba35663dc28c65f9eb8a5a50c6daca919faa81469ecb13063105a"),
    ],
)
def test_a_california_decision_under_an_earlier_shipped_pack_finds_it(
    pack_id: str, sha256: str
) -> None:
    # California's packs as first on main (fe22775): a desk built then decided under them.
    from trustdesk.rules.registry import load_rules

    found = load_rules(jurisdiction="CA").pack_version(pack_id, sha256).pack
    assert (found.id, found.sha256) == (pack_id, sha256)

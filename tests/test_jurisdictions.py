"""Packs and catalogs of any jurisdiction: section codes, flags, the registry's choice
(decision 0036). Testland (``ZZ``, tests/fixtures/packs) is made up: nothing here is law."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from trustdesk.core.evaluate import evaluate
from trustdesk.core.statute import SectionSyntax
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.catalog import load_catalog
from trustdesk.rules.errors import InputError
from trustdesk.rules.known_sections import known_sections
from trustdesk.rules.offense_search import search
from trustdesk.rules.packs import bundled_pack_paths, catalog_path_for
from trustdesk.rules.registry import RuleSet, load_rules

FIXTURES = Path(__file__).parent / "fixtures" / "packs"
PACK = FIXTURES / "zz-2020.json"
CATALOG = FIXTURES / "zz-catalog.json"
SRC = Path(__file__).parent.parent / "src" / "trustdesk"

CODES = {"tc": ("TC", "T.C.", "Test Code"), "vc": ("VC", "Veh. Code", "Vehicle Code")}


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("TC 187", "tc-187"),
        ("187 TC", "tc-187"),
        ("187(a) T.C.", "tc-187"),
        ("tc-1192.7", "tc-1192.7"),
        ("Test Code § 1192.7(c)(8)", "tc-1192.7"),
        ("§ 1192.7", "tc-1192.7"),  # no code: the catalog's default code
        ("VC23153(a)", "vc-23153"),
        ("Vehicle Code 23153", "vc-23153"),
        ("273A", "tc-273a"),
        ("XX 187", None),  # a code the catalog does not know
        ("TC 187 VC", None),  # two codes
        ("53a-71", None),  # another syntax
    ],
)
def test_coded_sections_read_as_officers_type_them(typed: str, canonical: str | None) -> None:
    assert SectionSyntax(CODES, "tc").normalize(typed) == canonical


def test_without_codes_sections_are_title_number() -> None:
    assert SectionSyntax().normalize("53A134") == "53a-134"
    assert SectionSyntax().normalize("TC 187") is None


def test_a_coded_catalog_loads_with_its_flags() -> None:
    catalog = load_catalog(CATALOG)
    assert catalog.syntax.coded
    entry = catalog.get("PC 187".replace("PC", "TC"))
    assert entry is not None and entry.flags == frozenset({"serious", "violent"})
    assert catalog.flags["vc-23153"] == frozenset({"wobbler"})
    sections, _digest = known_sections(CATALOG)
    assert sections.normalize("Veh. Code 23153") == "vc-23153"
    assert sections.flags["tc-273a"] == frozenset({"wobbler"})
    # Read from the cache the second time: the same syntax and flags.
    again, _ = known_sections(CATALOG)
    assert again.syntax.codes == sections.syntax.codes and again.flags == sections.flags


def test_a_section_not_written_in_the_catalogs_syntax_is_refused(tmp_path: Path) -> None:
    raw = json.loads(CATALOG.read_text())
    raw["offenses"][0]["section"] = "53a-71"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError) as caught:
        load_catalog(path)
    assert caught.value.pointer == "/offenses/0/section"
    assert "CODE-NUMBER" in caught.value.reason


def test_search_finds_coded_sections_and_words() -> None:
    catalog = load_catalog(CATALOG)
    assert search(catalog, "TC 187")[0].entry.section == "tc-187"
    assert search(catalog, "187")[0].entry.section == "tc-187"
    assert search(catalog, "dui with injury vc 23153")[0].entry.section == "vc-23153"
    assert search(catalog, "child endangerment")[0].entry.section == "tc-273a"


def test_case_offenses_get_the_catalogs_flags() -> None:
    sections, _ = known_sections(CATALOG)
    raw = json.loads(PACK.read_text())["tests"][0]["case"]
    raw["convictions"] = [
        {
            "statute": "187 TC",
            "level": "felony",
            "class": "unclassified",
            "jurisdiction": "NV",
            "date": "2001-05-01",
            "flags": ["state_prison"],
        }
    ]
    case = parse_case(raw, "case", sections)
    offense = case.convictions[0]
    assert offense.section == "tc-187" and offense.in_catalog
    assert offense.flags == frozenset({"serious", "violent", "state_prison"})


def test_the_registry_loads_the_packs_and_catalog_of_one_jurisdiction(tmp_path: Path) -> None:
    rules = load_rules([PACK], catalog_path=CATALOG, jurisdiction="ZZ")
    assert rules.jurisdiction == "ZZ"
    assert [lp.pack.id for lp in rules.packs] == ["zz-2020"]
    raw = json.loads(PACK.read_text())["tests"][4]["case"]
    case = parse_case(raw, "case", rules.sections)
    decision = evaluate(rules.pack_for(case.decision_time), case)
    assert decision.outcome_of("release_date") is not None
    # A pack of another jurisdiction is refused by name, never mixed in.
    with pytest.raises(InputError, match="is a rule pack of ZZ, not of CT"):
        load_rules([PACK], catalog_path=CATALOG)
    # An imported pack of another jurisdiction is skipped, the agency's stay in force.
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(PACK, folder / "zz-2020.json")
    ct = load_rules(extra_dir=folder)
    assert ct.jurisdiction == "CT"
    assert {lp.pack.jurisdiction for lp in ct.packs} == {"CT"}
    assert any("is a rule pack of ZZ, not of CT" in why for why in ct.skipped)


def test_shipped_files_follow_the_jurisdiction(rules: RuleSet) -> None:
    assert all(p.name.startswith("ct-") for p in bundled_pack_paths("CT"))
    assert bundled_pack_paths("ZZ") == []
    assert catalog_path_for("CT").name == "ct.json"
    assert rules.jurisdiction == "CT"


def test_no_state_is_written_in_the_engine() -> None:
    """Law lives in packs: the engine's code names no state, statute or zone."""
    pattern = re.compile(r"Connecticut|54-192h|America/New_York|\"CT\"")
    found = [
        f"{path.relative_to(SRC)}:{number}: {line.strip()}"
        for folder in ("core",)
        for path in sorted((SRC / folder).glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_a_decision_made_under_the_other_jurisdiction_still_finds_its_pack(
    rules: RuleSet,
) -> None:
    """After an agency changes jurisdiction, its earlier decisions still reprint."""
    testland = load_rules([PACK], catalog_path=CATALOG, jurisdiction="ZZ")
    shipped = rules.pack("ct-2025").pack
    found = testland.pack_version("ct-2025", shipped.sha256)
    assert found.pack.sha256 == shipped.sha256 and found.pack.jurisdiction == "CT"


def test_an_offense_prints_with_its_catalog_s_jurisdiction_name() -> None:
    """The name comes from the catalog read with the case, not from code: a California
    conviction prints "(California, …)", a Connecticut one "(Connecticut, …)", another
    state's by its code."""
    from trustdesk.rules.caseio import parse_case
    from trustdesk.rules.catalog import load_catalog

    def first(jurisdiction: str, statute: str, catalog_id: str) -> str:
        raw = {
            "decision_time": "2020-06-15T09:00:00-07:00",
            "detainer": {"form": "I-247A", "judicial_warrant": False},
            "person": {"name": "Test Person", "booking_number": "X-1"},
            "convictions": [
                {
                    "statute": statute,
                    "level": "felony",
                    "class": "unclassified",
                    "jurisdiction": jurisdiction,
                    "date": "2019-03-01",
                }
            ],
        }
        catalog = load_catalog(catalog_path_for(catalog_id))
        return parse_case(raw, "test", catalog).convictions[0].describe()

    assert first("CA", "PC 211", "CA") == "§ pc-211 unclassified felony (California, 2019-03-01)"
    assert first("NV", "PC 211", "CA").endswith("(NV, 2019-03-01)")
    assert first("CT", "53a-134", "CT").endswith("(Connecticut, 2019-03-01)")

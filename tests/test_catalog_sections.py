"""The offense catalog holds every offense section read from statute text, with its class."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from trustdesk.rules.catalog import load_catalog

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "tools" / "check_catalog_sections.py"
SECTION = re.compile(r"^[0-9]{1,3}[a-z]{0,2}-[0-9]{1,4}[a-z]{0,3}$")
LEVELS = {"felony", "misdemeanor", "violation", "infraction"}
CLASSES = {"A", "B", "C", "D", "E", "unclassified"}


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_catalog_sections", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tool() -> ModuleType:
    return _load()


def test_the_list_is_well_formed_and_says_where_each_section_was_read(tool: ModuleType) -> None:
    raw = json.loads(tool.SECTIONS.read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw["read_on"])
    seen: set[str] = set()
    for item in raw["sections"]:
        assert SECTION.match(item["section"]), item
        assert item["section"] not in seen, f"{item['section']} listed twice"
        seen.add(item["section"])
        assert item["catchline"].strip()
        assert item["source"].startswith(("http://", "https://")), item
        assert item["edition"].strip() and item["read_on"] == raw["read_on"]
        assert item["offense"] in (True, False, None)
        for level, classes in item.get("stated", {}).items():
            # Only what a text states: a level and class letters, never "unknown".
            assert level in LEVELS and classes and set(classes) <= CLASSES, item
        if "stated" in item:
            assert item["offense"] is True, item
    assert len(seen) >= 100


def test_every_offense_section_whose_level_was_read_is_in_the_catalog(tool: ModuleType) -> None:
    report = tool.compare(load_catalog(), tool.load_sections())
    assert report.missing == ()
    assert report.read >= 100
    # Title 53a, the Penal Code, is the bulk of what was read.
    read, present = report.per_title["53a"]
    assert read >= 50 and present >= 35


def test_every_class_disagreement_is_one_reported_to_the_lead(tool: ModuleType) -> None:
    # A disagreement is reported to the lead, never changed silently: the list names each
    # one, and a reported one that no longer disagrees must be taken off the list.
    report = tool.compare(load_catalog(), tool.load_sections())
    assert tool.unreported(report, tool.load_reported()) == ()
    assert {d.split(":", 1)[0] for d in report.disagreements} == set(tool.load_reported())
    # 14-213b: the text states a fine with no class, or a class D felony for a commercial
    # owner; the catalog says class C misdemeanor. Kept as it is until the lead decides.
    entry = load_catalog().get("14-213b")
    assert entry is not None and not entry.can_carry("felony", "D")
    # 53-23: the text says class D felony since P.A. 13-258; the catalog still says unknown.
    abandonment = load_catalog().get("53-23")
    assert abandonment is not None and abandonment.class_unknown


def test_a_missing_section_and_a_wrong_class_are_caught(tool: ModuleType, tmp_path: Path) -> None:
    raw = json.loads(tool.SECTIONS.read_text(encoding="utf-8"))
    by_section = {item["section"]: item for item in raw["sections"]}
    by_section["53a-181d"]["stated"] = {"felony": ["B"]}
    raw["sections"].append(
        {
            "section": "53a-999",
            "catchline": "An offense the catalog does not have: Class A misdemeanor",
            "offense": True,
            "stated": {"misdemeanor": ["A"]},
            "source": "https://example.invalid/53a-999",
            "edition": "test",
            "read_on": raw["read_on"],
        }
    )
    path = tmp_path / "sections.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    report = tool.compare(load_catalog(), tool.load_sections(path))
    assert [m.split()[0] for m in report.missing] == ["53a-999"]
    new = tool.unreported(report, tool.load_reported())
    assert len(new) == 1
    assert new[0].startswith("53a-181d: the text states felony class B")


def test_an_earlier_class_the_catalog_records_is_no_disagreement(tool: ModuleType) -> None:
    # 53a-217c read from an edition before P.A. 13-3 (class D); the catalog keeps D as its
    # earlier class, so the older text agrees with it.
    entry = load_catalog().get("53a-217c")
    assert entry is not None
    assert entry.can_carry("felony", "D") and not entry.can_carry("felony", "D", former=False)


def test_the_new_assault_weapon_transport_section_carries_its_stated_class() -> None:
    entry = load_catalog().get("53-202f")
    assert entry is not None
    assert entry.level == "felony" and entry.classes == ("E",)
    assert any("53-202f" in s for s in entry.sources)

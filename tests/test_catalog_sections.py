"""The offense catalog holds every offense section read from statute text, with its class."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from casekit import conviction, make_case
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.catalog import load_catalog
from trustdesk.rules.offense_search import search
from trustdesk.rules.registry import RuleSet

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
    assert read >= 130 and present >= 100


def test_every_class_disagreement_is_one_reported_to_the_lead(tool: ModuleType) -> None:
    # A disagreement is reported to the lead, never changed silently: the list names each
    # one, and a reported one that no longer disagrees must be taken off the list.
    report = tool.compare(load_catalog(), tool.load_sections())
    assert tool.unreported(report, tool.load_reported()) == ()
    assert {d.split(":", 1)[0] for d in report.disagreements} == set(tool.load_reported())


def test_the_two_disagreements_found_are_kept_with_their_dates() -> None:
    """§ 14-213b: statute text and DOC records disagree; both kept, dated, and flagged."""
    catalog = load_catalog()
    entry = catalog.get("14-213b")
    assert entry is not None and entry.class_in_doubt is not None
    readings = entry.class_in_doubt.readings
    assert len(readings) == 2
    assert "read 2026-12-04" in readings[0].dated and "class D felony" in readings[0].states
    assert "current text" in readings[0].source
    assert "2016-2020" in readings[1].dated and "class C misdemeanor" in readings[1].states
    # The law as read is what the entry carries; DOC's code stays a dated record (0021).
    assert entry.can_carry("felony", "D") and entry.can_carry("violation")
    assert not entry.can_carry("misdemeanor", "C") and entry.doc_code_seen("CM")
    assert entry.class_unsettled and "14-213b" in catalog.unknown_class
    assert "read 2026-12-04" in entry.shown_note and "records of 2016-2020" in entry.shown_note
    # § 53-23: the statute text settles it: class D felony, the earlier penalty kept.
    abandonment = catalog.get("53-23")
    assert abandonment is not None and not abandonment.class_unsettled
    assert abandonment.can_carry("felony", "D", former=False)
    assert abandonment.can_carry("felony", "unclassified")
    assert not abandonment.can_carry("felony", "unclassified", former=False)
    assert "P.A. 13-258" in (abandonment.note or "")


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


def test_a_conviction_under_a_section_whose_sources_disagree_goes_to_review(
    rules: RuleSet,
) -> None:
    """§ 14-213b: entered as DOC records it (class C misdemeanor) under the 2014 law, where
    a felony conviction is a ground: the statute's class D felony would change the grounds,
    so the decision goes to review, and the reason points to the offense's note."""
    raw = make_case(
        decision_time="2016-11-17T10:00:00-05:00",
        convictions=[conviction("14-213b", "misdemeanor", "C", date="2015-03-01")],
    )
    decision = evaluate(
        rules.pack_for(parse_case(raw, "case", rules.sections).decision_time),
        parse_case(raw, "case", rules.sections),
    )
    assert decision.needs_review
    assert any("do not settle this section's class" in r for r in decision.review_reasons)
    # The engine tries every class (as for a class no source gives), so the doubt is
    # raised under the 2019 law too: conservative, until the judgment's class is entered.
    later = make_case(
        decision_time="2021-03-01T10:00:00-05:00",
        convictions=[conviction("14-213b", "misdemeanor", "C", date="2015-03-01")],
    )
    case = parse_case(later, "case", rules.sections)
    reasons = evaluate(rules.pack_for(case.decision_time), case).review_reasons
    assert any("see the offense's note" in r for r in reasons)


# Offense sections whose catchline in the 2022 Supplement's chapter 952 table of contents
# states their class, added to the catalog from it (with the levels the catchline states).
SUPPLEMENT_2022 = {
    "53a-83b": {("felony", "B")},
    "53a-167f": {("felony", "D")},
    "53a-181f": {("felony", "D")},
    "53a-189c": {("misdemeanor", "A"), ("felony", "D")},
    "53a-225": {("misdemeanor", "A"), ("felony", "D")},
}


@pytest.mark.parametrize("section", sorted(SUPPLEMENT_2022))
def test_the_2022_supplement_sections_carry_their_stated_classes(section: str) -> None:
    entry = load_catalog().get(section)
    assert entry is not None
    carried = {(form.level, klass) for form in entry.forms for klass in form.classes}
    assert carried == SUPPLEMENT_2022[section]
    assert any("2022 Supplement" in source for source in entry.sources)
    # The catchline is an alias, so the paperwork's wording finds the section first.
    top = search(load_catalog(), entry.title.upper(), 1)
    assert top and top[0].entry.section == section


def test_the_ransomware_section_carries_its_stated_class() -> None:
    entry = load_catalog().get("53a-262")
    assert entry is not None and entry.level == "felony" and entry.classes == ("E",)
    assert any("P.A. 17-223" in source for source in entry.sources)
    top = search(load_catalog(), "COMPUTER EXTORTION BY USE OF RANSOMWARE", 1)
    assert top and top[0].entry.section == "53a-262"


def test_trafficking_is_class_a_today_and_keeps_class_b_as_its_earlier_class() -> None:
    entry = load_catalog().get("53a-192a")
    assert entry is not None
    assert entry.can_carry("felony", "A", former=False)
    assert not entry.can_carry("felony", "B", former=False) and entry.can_carry("felony", "B")

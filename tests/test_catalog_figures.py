"""Catalog figures on the real DOC lines: right level, right class, no wrong top hit."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from trustdesk.rules.catalog import load_catalog

SCRIPT = Path(__file__).resolve().parents[1] / "tools" / "catalog_figures.py"
LEVEL_TARGET = 0.98
# Issue 15's target for the right class, measured over the coded lines whose DOC code
# states a class letter (AF..EF, AM..DM); bare level codes (F, M, UF, UM) are counted
# apart because they state no letter (see the tool's docstring and the README).
CLASS_TARGET = 0.92
# Over every coded line, bare codes included, the catalog reaches 90.6% (164/181): 92% is NOT
# met. Every line that misses is listed with its reason in
# resources/offenses/sources/doc-class-misses.json (test below); the floor guards the rest.
# (It was 91.2% while § 14-213b carried DOC's class C misdemeanor as law with no source; the
# statute text gives a fine or a class D felony, so DOC's code is now a dated record, 0021.)
CLASS_FLOOR_ALL_CODED = 0.905
# The headline (decision 0046): every coded line against the class the law gave at the line's
# date, as the data's SOURCE.md asks. 167/181 = 92.3%: issue 15's 92% is met, on the reading
# of three rows (§§ 14-227m, 14-215, 51-33) that 0046 leaves open under § 53a-26(d). The 14
# misses are the 3 listed in doc-class-misses.json that no source resolves and 11 bare-code
# lines whose class no source read per line states yet (the catalog's class for most of them
# was taken from DOC's code). The floor is the target (166/181 would fail it); each miss is
# accounted for below.
CLASS_FLOOR_LAW = 0.92
LAW_CLASSES = Path(__file__).resolve().parent / "data" / "doc_expected_classes.json"
DOC_LINES = Path(__file__).resolve().parent / "data" / "public" / "ct-doc-offenses" / "offenses.tsv"
MISSES = (
    Path(__file__).resolve().parents[1]
    / "resources"
    / "offenses"
    / "sources"
    / "doc-class-misses.json"
)


def _load() -> ModuleType:
    # The README's figures come from this very script, so test and README agree.
    spec = importlib.util.spec_from_file_location("catalog_figures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def figures() -> object:
    return _load().measure(load_catalog())


def test_right_level(figures: object) -> None:
    assert figures.coded > 150  # type: ignore[attr-defined]
    assert figures.level_rate >= LEVEL_TARGET, figures.level_misses  # type: ignore[attr-defined]


def test_right_class(figures: object) -> None:
    assert figures.class_stated > 120  # type: ignore[attr-defined]
    assert figures.class_rate >= CLASS_TARGET, figures.class_misses  # type: ignore[attr-defined]
    assert figures.class_rate_all_coded >= CLASS_FLOOR_ALL_CODED  # type: ignore[attr-defined]


def test_lines_stating_no_class_are_counted_apart_not_dropped(figures: object) -> None:
    f = figures
    # Every coded line is either a line stating a class letter or a bare level code.
    assert f.class_stated + f.unclassed == f.coded  # type: ignore[attr-defined]
    # The bare-code lines are measured too: the ones the catalog reads as unclassified and
    # the ones where it gives a class letter, each listed.
    assert f.unclassed > 0  # type: ignore[attr-defined]
    disagree = len(f.unclassed_disagree)  # type: ignore[attr-defined]
    assert f.unclassed_agree + disagree == f.unclassed  # type: ignore[attr-defined]
    assert all(" F:" in t or " M:" in t for t in f.unclassed_disagree)  # type: ignore[attr-defined]
    # No lettered line hides among them, and no bare code among the class misses.
    assert not any(" F:" in t or " M:" in t for t in f.class_misses)  # type: ignore[attr-defined]
    # Both figures add up to the one over every coded line.
    right = f.class_stated_right + f.unclassed_agree  # type: ignore[attr-defined]
    assert right == f.class_right  # type: ignore[attr-defined]


def test_no_wrong_top_hit(figures: object) -> None:
    assert figures.wrong_top == ()  # type: ignore[attr-defined]


def test_a_weak_hit_on_a_shared_word_is_refused() -> None:
    from trustdesk.rules.offense_search import search

    catalog = load_catalog()
    # "poultry" is no word of the catalog; "theft" alone must not make it larceny.
    assert search(catalog, "THEFT OF POULTRY", 3) == []
    # A real line still resolves, and so does a section typed in the text.
    assert search(catalog, "ROBBERY, FIRST DEGREE", 1)[0].entry.section == "53a-134"
    assert search(catalog, "poultry 53a-119", 1)[0].entry.section == "53a-119"


def test_doc_codes_that_disagree_with_the_statute_are_kept_with_their_dates(
    figures: object,
) -> None:
    # Issue 15: where the catalog and a DOC line disagree, keep both with their dates.
    rate = figures.class_right_with_doc_records / figures.coded  # type: ignore[attr-defined]
    assert rate >= 0.92
    catalog = load_catalog()
    kept = [entry for entry in catalog if entry.doc_records]
    assert len(kept) >= 10
    for entry in kept:
        for record in entry.doc_records:
            assert record.seen_from <= record.seen_until
            assert not entry.can_carry(record.level, record.klass)


def test_every_class_miss_is_listed_with_its_reason(figures: object) -> None:
    import json

    listed = json.loads(MISSES.read_text(encoding="utf-8"))
    kinds = set(listed["kinds"])
    wanted = {(item["description"], item["code"], item["section"]) for item in listed["lines"]}
    assert all(item["kind"] in kinds and item["why"] for item in listed["lines"])
    found = {
        (text.split("'")[1], text.split("' ", 1)[1].split(":")[0], text.split("top ")[1].split()[0])
        for text in (*figures.class_misses, *figures.unclassed_disagree)  # type: ignore[attr-defined]
    }
    assert found == wanted


def _key(text: str) -> tuple[str, str, str]:
    return (
        text.split("'")[1],
        text.split("' ", 1)[1].split(":", maxsplit=1)[0],
        text.split("top ")[1].split(maxsplit=1)[0],
    )


def test_right_class_under_the_law(figures: object) -> None:
    f = figures
    assert f.law_from_table >= 26  # type: ignore[attr-defined]
    assert f.class_rate_law >= CLASS_FLOOR_LAW, f.law_misses  # type: ignore[attr-defined]
    # Every coded line is counted once: right under the law or listed as a miss.
    assert f.law_right + len(f.law_misses) == f.coded  # type: ignore[attr-defined]


def test_every_miss_under_the_law_is_accounted_for(figures: object) -> None:
    import csv
    import json

    table = json.loads(LAW_CLASSES.read_text(encoding="utf-8"))["lines"]
    in_table = {(row["description"], row["code"]) for row in table}
    listed = json.loads(MISSES.read_text(encoding="utf-8"))["lines"]
    # A miss is a line of the misses file that no quoted source resolves, or a bare-code
    # line (F, M, UF, UM) whose class no source read for it states.
    unresolved = {
        (i["description"], i["code"], i["section"])
        for i in listed
        if (i["description"], i["code"]) not in in_table
    }
    misses = {_key(t) for t in figures.law_misses}  # type: ignore[attr-defined]
    assert unresolved <= misses
    with DOC_LINES.open(encoding="utf-8") as handle:
        codes = {r["description"]: r["class_code"] for r in csv.DictReader(handle, delimiter="\t")}
    for description, code, _section in misses - unresolved:
        assert code in {"F", "M", "UF", "UM"} and codes[description] == code
        assert (description, code) not in in_table


def test_the_law_table_is_sourced_and_names_real_lines() -> None:
    import csv
    import json

    module = _load()
    expected = module.load_expected()
    with DOC_LINES.open(encoding="utf-8") as handle:
        codes = {r["description"]: r["class_code"] for r in csv.DictReader(handle, delimiter="\t")}
    table = json.loads(LAW_CLASSES.read_text(encoding="utf-8"))
    kinds = set(table["source_kinds"])
    for row in table["lines"]:
        assert codes[row["description"]] == row["code"], row["description"]
        assert row["section"] in expected[row["description"]]
        assert row["readings"] and all(r["classes"] for r in row["readings"])
        # A lettered DOC code is only overridden where the statute text contradicts it.
        if row["code"] not in {"F", "M", "UF", "UM"}:
            assert row["note"] and any(s["kind"] == "statute text" for s in row["sources"])
        for source in row["sources"]:
            assert source["kind"] in kinds and source["url"] and source["quote"]


def test_the_law_measure_fails_when_the_catalog_loses_the_law_s_class() -> None:
    import dataclasses

    from trustdesk.rules.catalog import OffenseForm

    module = _load()
    laws = module.load_law_classes()
    entry = load_catalog().get("53a-70")
    assert entry is not None
    law = laws[("SEXUAL ASSAULT, FIRST DEGREE", "F")]
    assert module.fits_law(entry, law)
    for wrong in (("C",), ("B",), ("unclassified",)):
        changed = dataclasses.replace(entry, forms=(OffenseForm("felony", wrong),))
        assert not module.fits_law(changed, law), wrong
    # A line naming no degree: some of the law's classes and none other.
    degreeless = laws[("POSSESSING CHILD PORNOGRAPH", "F")]
    assert degreeless.degree_unstated
    assert module.fits_law(
        dataclasses.replace(entry, forms=(OffenseForm("felony", ("B",)),)), degreeless
    )
    assert not module.fits_law(
        dataclasses.replace(entry, forms=(OffenseForm("felony", ("A", "B")),)), degreeless
    )

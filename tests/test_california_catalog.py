"""The California offense catalog: it loads, reads sections the way California officers
type them (code abbreviations, subdivisions) and finds the right entry for common charges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trustdesk.rules.catalog import OffenseCatalog, load_catalog
from trustdesk.rules.offense_search import search
from trustdesk.rules.packs import catalog_path_for


@pytest.fixture(scope="module")
def catalog() -> OffenseCatalog:
    return load_catalog(catalog_path_for("CA"))


@pytest.mark.parametrize(
    ("typed", "section"),
    [
        ("PC 245(a)(1)", "pc-245"),
        ("ADW", "pc-245"),
        ("assault with a deadly weapon", "pc-245"),
        ("HS 11378", "hs-11378"),
        ("H&S 11377", "hs-11377"),
        ("meth for sale", "hs-11378"),
        ("VC 23152(a)", "vc-23152"),
        ("VC23152", "vc-23152"),
        ("DUI", "vc-23152"),
        ("DUI with injury", "vc-23153"),
        ("PC 211", "pc-211"),
        ("robbery", "pc-211"),
        ("PC 273.5(a)", "pc-273.5"),
        ("domestic violence", "pc-273.5"),
        ("burglary", "pc-459"),
        ("drunk in public", "pc-647"),
        ("resisting", "pc-148"),
        ("felon with a firearm", "pc-29800"),
        ("hit and run", "vc-20001"),
        ("criminal threats", "pc-422"),
        # A bare number the Penal Code lacks is looked for in the other codes.
        ("11350", "hs-11350"),
        ("23152", "vc-23152"),
        ("187", "pc-187"),
    ],
)
def test_typed_charges_find_the_right_entry_first(
    catalog: OffenseCatalog, typed: str, section: str
) -> None:
    results = search(catalog, typed, 5)
    assert results, f"nothing found for {typed!r}"
    assert results[0].entry.section == section


def test_an_attempt_shows_the_attempt_entry_beside_the_offense(catalog: OffenseCatalog) -> None:
    # "664/187" is attempted murder: the officer must see the attempt entry (group (P)).
    found = [r.entry.section for r in search(catalog, "664/187", 5)]
    assert {"pc-664", "pc-187"} <= set(found)


def test_a_code_named_explicitly_is_not_swapped_for_another(catalog: OffenseCatalog) -> None:
    # "PC 11350" names the Penal Code, which has no § 11350: the Health and Safety Code's
    # section is not offered in its place (only a bare number may be in any code).
    assert not [r for r in search(catalog, "PC 11350", 5) if r.entry.section == "hs-11350"]
    bare = [r.entry.section for r in search(catalog, "11350", 5)]
    assert bare[0] == "hs-11350"


def test_a_code_the_catalog_does_not_know_finds_nothing(catalog: OffenseCatalog) -> None:
    assert catalog.normalize("XX 245") is None
    assert catalog.normalize("245") == "pc-245"  # the Penal Code is the default code


@pytest.mark.parametrize(
    ("section", "flags"),
    [
        ("pc-187", {"serious", "violent"}),
        ("pc-211", {"serious", "violent"}),
        ("pc-245", {"wobbler"}),
        ("pc-273.5", {"wobbler"}),
        ("vc-23152", set()),
        ("pc-459", set()),  # only first-degree burglary is serious: entered from the judgment
    ],
)
def test_flags_are_only_those_true_of_every_conviction_under_the_section(
    catalog: OffenseCatalog, section: str, flags: set[str]
) -> None:
    assert set(catalog.flags.get(section, frozenset())) == flags


def test_every_wobbler_can_be_a_felony_or_a_misdemeanor() -> None:
    data = json.loads(Path(catalog_path_for("CA")).read_text(encoding="utf-8"))
    for entry in data["offenses"]:
        if "wobbler" in entry.get("flags", []):
            assert set(entry["levels"]) == {"felony", "misdemeanor"}, entry["section"]


def test_serious_and_violent_entries_name_their_subdivision() -> None:
    data = json.loads(Path(catalog_path_for("CA")).read_text(encoding="utf-8"))
    for entry in data["offenses"]:
        if "serious" in entry.get("flags", []):
            assert "1192.7(c)(" in entry["note"], entry["section"]
        if "violent" in entry.get("flags", []):
            assert "667.5(c)(" in entry["note"], entry["section"]
        # The paragraph is also data the advice cites, and it agrees with the note.
        for flag, law in (("serious", "1192.7(c)("), ("violent", "667.5(c)(")):
            if flag in entry.get("flags", []):
                cited = entry["flag_citations"][flag]
                assert cited.startswith("Penal Code § " + law), entry["section"]
                assert cited.removeprefix("Penal Code § ") in entry["note"], entry["section"]


def test_a_paragraph_for_a_flag_the_entry_does_not_have_is_refused(tmp_path: Path) -> None:
    from trustdesk.rules.errors import InputError

    data = json.loads(Path(catalog_path_for("CA")).read_text(encoding="utf-8"))
    entry = next(e for e in data["offenses"] if e["section"] == "pc-211")
    entry["flag_citations"]["wobbler"] = "Penal Code § 17(b)"
    bad = tmp_path / "ca.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match=r"flag_citations/wobbler.*do not list"):
        load_catalog(bad)


def test_the_command_line_searches_the_catalog_of_the_jurisdiction_asked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from trustdesk.cli import main

    assert main(["offenses", "search", "11350", "--jurisdiction", "ca"]) == 0
    assert "hs-11350" in capsys.readouterr().out
    assert main(["offenses", "search", "11350", "--jurisdiction", "NY"]) == 2
    err = capsys.readouterr().err
    assert "'NY' is not a jurisdiction TrustDesk has packs for; use CT (Connecticut) or CA" in err
    assert "Traceback" not in err

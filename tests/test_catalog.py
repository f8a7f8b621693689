"""The offense catalog: strict loading, readable errors, the validation cache, its content."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.core.statute import normalize_section
from trustdesk.resources import resource
from trustdesk.rules.catalog import OffenseCatalog, load_catalog
from trustdesk.rules.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
REPO = Path(__file__).resolve().parents[1]
PUBLIC = Path(__file__).parent / "data" / "public"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each test starts with an empty validation cache of its own.
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("TRUSTDESK_NO_CACHE", raising=False)


@pytest.fixture(scope="module")
def catalog() -> OffenseCatalog:
    return load_catalog()


# -- one invalid fixture per rule, each with the one line a user sees -----------------------

INVALID = [
    ("duplicate_key.json", "/offenses/0", "duplicate key 'title'; each key may appear once"),
    ("nan.json", "", "not valid JSON: NaN is not allowed in JSON"),
    (
        "not_json.json",
        "",
        "not valid JSON: Expecting property name enclosed in double quotes (line 24, column 1)",
    ),
    ("bad_utf8.json", "", "not valid UTF-8 at byte 222; save the file as UTF-8"),
    (
        "unknown_key.json",
        "/offenses/0/penalty",
        "unknown key 'penalty'; allowed keys: section, title, level, classes, levels, aliases,"
        " note, former, repealed, class_since, doc_records, sources, class_in_doubt",
    ),
    (
        "unknown_top_level_key.json",
        "/version",
        "unknown key 'version'; allowed keys: schema_version, id, title, jurisdiction,"
        " last_verified_on, sources, offenses",
    ),
    ("wrong_type.json", "/offenses/0/classes", "must be a list, not text"),
    (
        "bad_section.json",
        "/offenses/0/section",
        "'53A-134(a)' is not a section in canonical form; write it like 53a-134"
        " (lower case, with a dash, no sub-section)",
    ),
    ("empty_classes.json", "/offenses/0/classes", "must not be empty"),
    ("empty_offenses.json", "/offenses", "must not be empty"),
    (
        "bad_class.json",
        "/offenses/0/classes/0",
        "'F' is not allowed; use one of: A, B, C, D, E, unclassified, unknown",
    ),
    (
        "duplicate_class.json",
        "/offenses/0/classes",
        "lists the same value more than once; list each once",
    ),
    (
        "bad_level.json",
        "/offenses/0/level",
        "'felon' is not allowed;"
        " use one of: felony, misdemeanor, violation, infraction, procedural",
    ),
    ("missing_title.json", "/offenses/0", "missing required key 'title'"),
    ("wrong_schema_version.json", "/schema_version", "must be 1, not 2"),
    ("bad_date.json", "/last_verified_on", "'2026-02-30' is not a real calendar date"),
    (
        "duplicate_section.json",
        "/offenses/1/section",
        "section 53a-134 is listed twice (also at /offenses/0/section); keep one entry per section",
    ),
    (
        "levels_mismatch.json",
        "/offenses/0/levels/felony",
        "classes differ from the entry's classes ['D']; list the same ones",
    ),
    (
        "levels_not_most_serious.json",
        "/offenses/0/level",
        "must be the most serious level the section can carry ('felony')",
    ),
]


@pytest.mark.parametrize(("name", "pointer", "reason"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_catalog_is_refused_with_one_clear_line(
    name: str, pointer: str, reason: str
) -> None:
    path = FIXTURES / name
    with pytest.raises(InputError) as caught:
        load_catalog(path)
    error = caught.value
    assert (error.pointer, error.reason) == (pointer, reason)
    assert str(error) == f"{path}: {pointer or '/'}: {reason}"
    assert "\n" not in str(error)


def test_every_fixture_has_a_test() -> None:
    tested = {row[0] for row in INVALID} | {"valid_minimal.json"}
    assert {p.name for p in FIXTURES.glob("*.json")} == tested


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_catalog(tmp_path / "nope.json")


def test_valid_minimal_catalog_loads() -> None:
    small = load_catalog(FIXTURES / "valid_minimal.json")
    assert len(small) == 1
    entry = small.get("53A134")
    assert entry is not None
    assert entry.title == "Robbery in the first degree"
    assert entry.classes == ("B",)
    assert entry.levels == ("felony",)


# -- the validation cache keeps jsonschema out of the fast path ----------------------------------

_PROBE = """
import sys
from trustdesk.rules.catalog import load_catalog
load_catalog()
print('jsonschema' in sys.modules)
"""


def _probe(cache_dir: Path) -> bool:
    env = {**os.environ, "TRUSTDESK_CACHE_DIR": str(cache_dir)}
    env.pop("TRUSTDESK_NO_CACHE", None)
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.strip() == "True"


def test_second_load_skips_jsonschema(tmp_path: Path) -> None:
    assert _probe(tmp_path) is True  # first load validates
    assert _probe(tmp_path) is False  # then the recorded digest is trusted


def test_importing_search_does_not_import_jsonschema() -> None:
    code = (
        "import sys, trustdesk.rules.offense_search, trustdesk.cli.offenses;"
        " print('jsonschema' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_edited_file_is_validated_again(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes((FIXTURES / "valid_minimal.json").read_bytes())
    load_catalog(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["offenses"][0]["classes"] = "B"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="must be a list, not text"):
        load_catalog(path)


def test_unusable_cache_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(blocker))
    assert len(load_catalog(FIXTURES / "valid_minimal.json")) == 1


# -- lookups --------------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["53a-134", "53A-134", "53a134", "53A134", "§ 53a-134(a)(1)"])
def test_get_accepts_the_ways_officers_write_a_section(
    catalog: OffenseCatalog, spelling: str
) -> None:
    entry = catalog.get(spelling)
    assert entry is not None
    assert entry.section == "53a-134"
    assert spelling in catalog


def test_unknown_or_malformed_sections_are_absent(catalog: OffenseCatalog) -> None:
    assert catalog.get("53a-9999") is None
    assert catalog.get("robbery") is None
    assert "53134" not in catalog
    assert 53 not in catalog


def test_can_carry_uses_current_and_former_classes(catalog: OffenseCatalog) -> None:
    cvpo = catalog.get("53a-223")
    assert cvpo is not None
    assert cvpo.can_carry("felony", "D")
    assert cvpo.can_carry("misdemeanor", "A")  # before P.A. 02-127
    assert not cvpo.can_carry("misdemeanor", "A", former=False)
    threatening = catalog.get("53a-62")
    assert threatening is not None
    assert threatening.levels == ("felony", "misdemeanor")
    assert threatening.can_carry("misdemeanor", "A", former=False)


# -- content ------------------------------------------------------------------------------------


def test_catalog_is_large_and_sections_are_canonical(catalog: OffenseCatalog) -> None:
    assert len(catalog) >= 300
    for entry in catalog:
        assert normalize_section(entry.section) == entry.section
        assert entry.title and entry.classes
        if entry.level == "procedural":
            assert entry.note, entry.section


def test_bundled_catalog_file_is_the_default() -> None:
    assert resource("offenses", "ct.json").is_file()


BOOKING = [
    "53a-59",
    "53a-60",
    "53a-61",
    "53a-61aa",
    "53a-62",
    "53a-64aa",
    "53a-64bb",
    "53a-64cc",
    "53a-70",
    "53a-70a",
    "53a-71",
    "53a-72a",
    "53a-72b",
    "53a-73a",
    "53a-101",
    "53a-102",
    "53a-103",
    "53a-107",
    "53a-108",
    "53a-109",
    "53a-115",
    "53a-116",
    "53a-117",
    "53a-117a",
    "53a-119",
    "53a-122",
    "53a-123",
    "53a-124",
    "53a-125",
    "53a-125a",
    "53a-125b",
    "53a-134",
    "53a-135",
    "53a-136",
    "53a-167a",
    "53a-172",
    "53a-173",
    "53a-181",
    "53a-182",
    "53a-183",
    "53a-217",
    "53a-217c",
    "53a-223",
    "53a-223a",
    "53a-223b",
    "53a-32",
    "53a-48",
    "53a-49",
    "53-21",
    "14-227a",
    "14-215",
    "14-222",
    "14-224",
    "21a-267",
    "21a-277",
    "21a-278",
    "21a-278a",
    "21a-279",
    "29-35",
    "29-38",
    "53-206",
    "53-202c",
]


@pytest.mark.parametrize("section", BOOKING)
def test_common_booking_offenses_are_present(catalog: OffenseCatalog, section: str) -> None:
    assert section in catalog


def test_every_section_named_in_law_md_is_present(catalog: OffenseCatalog) -> None:
    lines = (PUBLIC / "law-md-sections.txt").read_text(encoding="utf-8").splitlines()
    named = [line for line in lines if line and not line.startswith("#")]
    assert named
    assert sorted(s for s in named if s not in catalog) == []


def test_every_olr_2015_row_is_present_with_its_class_or_a_note(catalog: OffenseCatalog) -> None:
    # OLR's 2015 table of every crime in the Penal Code (report 2015-R-0046): the two
    # example files and the 22 rows their maker dropped (felony-rows-restored.csv, see
    # SOURCE.md), 280 rows in all. Every one present is "all of Title 53a" as of 2015.
    folder = PUBLIC / "ct-penal-code-olr-2015"
    rows = 0
    for table in sorted(folder.glob("*.csv")):
        with table.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows += 1
                entry = catalog.get(row["statute"].split(" or ")[0])
                assert entry is not None, row["statute"]
                if not entry.can_carry(row["type"], row["class"]):
                    # A class that differs from 2015 must be explained in the entry.
                    assert entry.note, (row["statute"], row["type"], row["class"])
    assert rows == 280


# -- mutated catalogs are refused cleanly, never with a traceback -------------------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=250, deadline=None)
@given(st.data())
def test_mutated_catalogs_are_refused_cleanly(data: st.DataObject) -> None:
    document = json.loads((FIXTURES / "levels_mismatch.json").read_text(encoding="utf-8"))
    document["offenses"][0]["levels"]["felony"] = ["D"]  # start from a valid catalog
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(document)[1:]))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(_JSON)
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "catalog.json"
        target.write_text(json.dumps(document), encoding="utf-8")
        try:
            load_catalog(target)
        except InputError as error:
            assert "\n" not in str(error)
            assert str(error).startswith(f"{target}: /")

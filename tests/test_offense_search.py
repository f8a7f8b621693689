"""Offense search as officers use it: sections, words, abbreviations, typos, DOC lines."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.cli import offenses as offenses_cli
from trustdesk.rules.catalog import OffenseCatalog, OffenseEntry, OffenseForm, load_catalog
from trustdesk.rules.doc_codes import split_doc_code
from trustdesk.rules.offense_search import search
from trustdesk.rules.offense_terms import canonical_tokens


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTDESK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def catalog() -> OffenseCatalog:
    return load_catalog()


def top(catalog: OffenseCatalog, text: str) -> str:
    results = search(catalog, text, 5)
    assert results, f"no result for {text!r}"
    return results[0].entry.section


# -- the examples the product must get right --------------------------------------------------


def test_robbery_doc_line_with_code(catalog: OffenseCatalog) -> None:
    first = search(catalog, "ROBBERY, FIRST DEGREE BF")[0]
    assert first.entry.section == "53a-134"
    assert (first.class_hint, first.level_hint) == ("B", "felony")


def test_assault_forty_character_doc_field(catalog: OffenseCatalog) -> None:
    line = "ASSAULT, FIRST DEGREE                 BF"
    assert len(line) == 40
    first = search(catalog, line)[0]
    assert first.entry.section == "53a-59"
    assert first.class_hint == "B"


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("FAILURE TO APPEAR, SECOND DEGREE", "53a-173"),
        ("CRIM VIOL OF PROTECTIVE ORDER", "53a-223"),
        ("INJURY OR RISK OF INJURY TO MINOR", "53-21"),
        ("SALE OF HEROIN, COC BY NON-DEPENDENT", "21a-278"),
    ],
)
def test_required_doc_descriptions(catalog: OffenseCatalog, text: str, section: str) -> None:
    assert top(catalog, text) == section


@pytest.mark.parametrize(
    "text", ["53A134", "53a134", "53a-134", "53A-134", "§ 53a-134(a)(1)", "sec. 53a-134", "53a 134"]
)
def test_section_spellings(catalog: OffenseCatalog, text: str) -> None:
    results = search(catalog, text)
    assert results[0].entry.section == "53a-134"
    assert results[0].matched_by == "section"
    assert results[0].score == 1.0


def test_partial_section_lists_sections_that_start_with_it(catalog: OffenseCatalog) -> None:
    sections = [r.entry.section for r in search(catalog, "53a-13", 20)]
    assert sections
    assert all(s.startswith("53a-13") for s in sections)
    assert "53a-134" in sections


def test_section_inside_a_doc_description(catalog: OffenseCatalog) -> None:
    assert top(catalog, "BURGLARY, FIRST DEGREE: 53A101A(2)") == "53a-101"
    assert top(catalog, "(REPEALED) 53-173") == "53-173"


# -- words, order, prefixes, abbreviations, typos -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("first degree robbery", "53a-134"),
        ("degree robbery first", "53a-134"),
        ("robbery 1st", "53a-134"),
        ("robb 1st deg", "53a-134"),
        ("strang 2nd", "53a-64bb"),
        ("larceny 6th", "53a-125b"),
        ("6TH DEG LARCENY", "53a-125b"),
        ("ASSLT 2ND DEG", "53a-60"),
        ("VIOL PROT ORD", "53a-223"),
        ("INTERF W/ OFCR", "53a-167a"),
        ("OPER UNDER INFLU LIQ", "14-227a"),
        ("risk of inj to a child", "53-21"),
        ("SEX ASSLT 4TH DEG", "53a-73a"),
        ("BURG 3RD W/ FIREARM", "53a-103a"),
        ("CNTRL SUBST SALE", "21a-277"),
        ("OPER MV W/ SUSP LIC", "14-215"),
        ("fail to appear 1st", "53a-172"),
        ("crim trespass 3rd", "53a-109"),
        ("breach of peace", "53a-181"),
        ("home invasion", "53a-100aa"),
        ("possession of narcotics", "21a-279"),
    ],
)
def test_words_and_abbreviations(catalog: OffenseCatalog, text: str, section: str) -> None:
    assert top(catalog, text) == section


def test_a_bare_name_lists_every_degree(catalog: OffenseCatalog) -> None:
    found = {r.entry.section for r in search(catalog, "strangulation", 3)}
    assert found == {"53a-64aa", "53a-64bb", "53a-64cc"}


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("CIMINAL TRESPASS 1ST DEGREE", "53a-107"),
        ("STRANGULATON 2ND DEGREE", "53a-64bb"),
        ("ROBERY FIRST DEGREE", "53a-134"),
        ("BURGLERY 2ND DEGREE", "53a-102"),
        ("KIDNAPING FIRST DEGREE", "53a-92"),
        ("AGGAVTD SEX ASSLT-VCTM < 13YR", "53a-70c"),
    ],
)
def test_typos(catalog: OffenseCatalog, text: str, section: str) -> None:
    assert top(catalog, text) == section


# -- DOC class codes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ASSAULT, FIRST DEGREE                 BF", "BF"),
        ("INJURY TO BAGGAGE ON PUBLIC CONVEYANCE M", "M"),
        ("USE OF MACHINE GUN IN A CRIME  DELETED F", "F"),
        ("ROBBERY, FIRST DEGREE BF", "BF"),
        ("threatening  am", "AM"),
        ("robbery class B felony", "BF"),
        ("ASSAULT 3RD CLASS A MISDEMEANOR", "AM"),
    ],
)
def test_doc_code_is_read(text: str, code: str) -> None:
    _, found = split_doc_code(text)
    assert found is not None
    assert found.code == code


@pytest.mark.parametrize(
    "text",
    [
        "AFFIRMATIVE DEFENSES TO CIMINAL TRESPASS",  # 40 characters, no code
        "LEAV CHILD UNSUPERV IN PUBL/MOT VEH    C",  # "C" means unknown
        "ROBBERY",
        "CARRYING WEAPON IN A MOTOR VEHICLE",
    ],
)
def test_no_code_or_unknown_code(text: str) -> None:
    assert split_doc_code(text)[1] is None


def test_code_narrows_class_and_level(catalog: OffenseCatalog) -> None:
    felony = search(catalog, "CRIM VIOL OF PROTECTIVE ORDER         DF")[0]
    assert (felony.entry.section, felony.class_hint, felony.level_hint) == (
        "53a-223",
        "D",
        "felony",
    )
    older = search(catalog, "CRIM VIOL OF PROTECTIVE ORDER         AM")[0]
    assert (older.entry.section, older.class_hint, older.level_hint) == (
        "53a-223",
        "A",
        "misdemeanor",
    )
    misdemeanor = search(catalog, "SEXUAL ASSAULT 4TH DEGREE AM")[0]
    assert (misdemeanor.class_hint, misdemeanor.level_hint) == ("A", "misdemeanor")
    felony4 = search(catalog, "SEXUAL ASSAULT 4TH DEGREE DF")[0]
    assert (felony4.class_hint, felony4.level_hint) == ("D", "felony")


def test_code_that_does_not_fit_gives_no_hint(catalog: OffenseCatalog) -> None:
    result = search(catalog, "INJURY OR RISK OF INJURY TO MINOR      F")[0]
    assert result.entry.section == "53-21"
    assert result.level_hint == "felony"
    assert result.class_hint == "unclassified"  # the section's earlier, unclassified penalty
    robbery = search(catalog, "ROBBERY, FIRST DEGREE                 CF")[0]
    assert robbery.entry.section == "53a-134"
    assert (robbery.class_hint, robbery.level_hint) == (None, "felony")
    # DOC coded criminal impersonation BM on its 2016-2020 records; the catalog keeps that
    # dated code beside the statute's class A, so the line's class is recognised.
    impersonation = search(catalog, "CRIMINAL IMPERSONATION                BM")[0]
    assert impersonation.entry.section == "53a-130"
    assert (impersonation.class_hint, impersonation.level_hint) == ("B", "misdemeanor")
    assert not impersonation.entry.can_carry("misdemeanor", "B")


def test_code_boosts_entries_that_can_carry_it(catalog: OffenseCatalog) -> None:
    plain = [r.entry.section for r in search(catalog, "THREATENING", 5)]
    felony = [r.entry.section for r in search(catalog, "THREATENING DF", 5)]
    assert plain[0] == "53a-62"
    assert felony.index("53a-61aa") <= plain.index("53a-61aa")


def test_no_hints_without_code(catalog: OffenseCatalog) -> None:
    result = search(catalog, "ROBBERY, FIRST DEGREE")[0]
    assert (result.class_hint, result.level_hint) == (None, None)


# -- contract ------------------------------------------------------------------------------------


def test_empty_and_unknown_text(catalog: OffenseCatalog) -> None:
    assert search(catalog, "") == []
    assert search(catalog, "   ") == []
    assert search(catalog, "xyzzy qwerty") == []
    assert search(catalog, "53a-9999") == []


def test_limit_and_order(catalog: OffenseCatalog) -> None:
    results = search(catalog, "assault", 7)
    assert len(results) == 7
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 < s <= 1.0 for s in scores)
    assert search(catalog, "assault", 0) == []


def test_results_are_stable(catalog: OffenseCatalog) -> None:
    first = [(r.entry.section, r.score) for r in search(catalog, "degree", 10)]
    again = [(r.entry.section, r.score) for r in search(catalog, "degree", 10)]
    assert first == again


def test_matched_by_says_which_name_matched(catalog: OffenseCatalog) -> None:
    assert search(catalog, "Robbery in the first degree")[0].matched_by == "title"
    alias = search(catalog, "CARRYING WEAPONS WITHOUT A PERMIT")[0]
    assert (alias.entry.section, alias.matched_by) == ("29-35", "alias")
    assert alias.matched_text == "CARRYING WEAPONS WITHOUT A PERMIT"


def test_search_works_on_any_catalog() -> None:
    entries = (
        OffenseEntry(
            "1-1",
            "Jaywalking",
            "infraction",
            ("unclassified",),
            ("JAY WALK",),
            forms=(OffenseForm("infraction", ("unclassified",)),),
        ),
        OffenseEntry(
            "1-2",
            "Grand theft",
            "felony",
            ("C",),
            ("GRAND THEFT AUTO",),
            forms=(OffenseForm("felony", ("C",)),),
        ),
    )
    small = OffenseCatalog.of(entries, id="test")
    assert [r.entry.section for r in search(small, "theft")] == ["1-2"]
    assert search(small, "1-1")[0].entry.title == "Jaywalking"
    assert search(small, "GRAND THEFT CF")[0].class_hint == "C"


def test_canonical_tokens_share_one_vocabulary() -> None:
    assert canonical_tokens("CRIM VIOL OF PROT ORD") == canonical_tokens(
        "criminal violation of protective order"
    )
    assert canonical_tokens("1ST DEG") == canonical_tokens("first degree")
    assert canonical_tokens("W/O") == ["without"]


_SHARED_CATALOG: list[OffenseCatalog] = []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_safe(text: str) -> None:
    if not _SHARED_CATALOG:
        _SHARED_CATALOG.append(load_catalog())
    results = search(_SHARED_CATALOG[0], text, 5)
    assert len(results) <= 5
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)


# -- the command line -----------------------------------------------------------------------------


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="trustdesk")
    offenses_cli.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return int(args.func(args))


def test_cli_text_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        _run(["offenses", "search", "ASSAULT, FIRST DEGREE                 BF", "--limit", "3"])
        == 0
    )
    out = capsys.readouterr().out
    assert "DOC class code BF: class B felony" in out
    lines = out.splitlines()
    assert lines[1].split()[:2] == ["#", "Section"]
    assert lines[2].split()[:2] == ["1", "53a-59"]
    assert "Assault in the first degree" in lines[2]
    assert "class B felony" in lines[2]
    assert len(lines) == 5


def test_cli_marks_a_class_from_earlier_law(capsys: pytest.CaptureFixture[str]) -> None:
    line = "CRIM VIOL OF PROTECTIVE ORDER         AM"
    assert _run(["offenses", "search", line, "--limit", "1"]) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert row.split()[1] == "53a-223"
    assert row.endswith("class A misdemeanor (earlier law)")


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["offenses", "search", "53A134", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0] == {
        "section": "53a-134",
        "title": "Robbery in the first degree",
        "level": "felony",
        "classes": ["B"],
        "levels": {"felony": ["B"]},
        "score": 1.0,
        "matched_by": "section",
        "class_hint": None,
        "level_hint": None,
    }


def test_cli_words_may_be_unquoted(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["offenses", "search", "crim", "viol", "prot", "ord", "--limit", "1"]) == 0
    assert "53a-223 " in capsys.readouterr().out


def test_cli_no_match(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["offenses", "search", "xyzzy"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "no offense matches 'xyzzy'\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["offenses", "search", "  "],
            "enter an offense name, a DOC offense line or a section number",
        ),
        (
            ["offenses", "search", "robbery", "--limit", "0"],
            "--limit must be a whole number of at least 1, not 0",
        ),
    ],
)
def test_cli_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    assert _run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"trustdesk offenses search: {message}\n"


def test_cli_broken_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    broken = Path(__file__).parent / "fixtures" / "catalog" / "wrong_type.json"
    assert _run(["offenses", "search", "robbery", "--catalog", str(broken)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "/offenses/0/classes: must be a list, not text" in err

"""California's shipped packs (ca-2014, ca-2018) and catalog, loaded through the real
loader: their embedded tests pass, the registry picks them by California's local date,
and the data says what docs/law/california-sources.md says the statutes say."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.catalog import load_catalog
from trustdesk.rules.errors import InputError, PackTestFailure
from trustdesk.rules.packs import bundled_pack_paths, catalog_path_for, load_pack
from trustdesk.rules.packtests import check_pack_tests
from trustdesk.rules.registry import RuleSet, load_rules

RULES = Path(__file__).parent.parent / "resources" / "rules"
CA_2014 = RULES / "ca-2014.json"
CA_2018 = RULES / "ca-2018.json"


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(jurisdiction="CA")


def _raw(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_the_california_packs_ship_and_only_for_california() -> None:
    names = {p.name for p in bundled_pack_paths("CA")}
    assert names == {"ca-2014.json", "ca-2018.json"}
    assert not {p.name for p in bundled_pack_paths("CT")} & names
    assert catalog_path_for("CA").name == "ca.json"


@pytest.mark.parametrize("path", [CA_2014, CA_2018], ids=["ca-2014", "ca-2018"])
def test_every_embedded_test_passes_through_the_real_loader(path: Path) -> None:
    catalog = load_catalog(catalog_path_for("CA"))
    loaded = load_pack(path, catalog=catalog, jurisdiction="CA")
    assert len(loaded.tests) >= 15
    # Run them again explicitly (load_pack may trust a cached earlier run).
    check_pack_tests(loaded.pack, loaded.tests, str(path), catalog)


@pytest.mark.parametrize("path", [CA_2014, CA_2018], ids=["ca-2014", "ca-2018"])
def test_an_embedded_test_that_contradicts_the_pack_is_caught(path: Path, tmp_path: Path) -> None:
    # Proof the embedded tests can fail: flip the first expectation that opens an action.
    raw = _raw(path)
    test = next(t for t in raw["tests"] if t["expect"]["grounds"])
    test["expect"]["grounds"] = []
    bad = tmp_path / path.name
    bad.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(PackTestFailure, match="test cases fail"):
        load_pack(bad, catalog=load_catalog(catalog_path_for("CA")), jurisdiction="CA")


def test_a_california_pack_is_refused_for_a_connecticut_agency() -> None:
    with pytest.raises(InputError, match="not of CT"):
        load_pack(CA_2018, jurisdiction="CT")


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 2014-01-01 00:00 in California is 08:00 UTC (PST, UTC-8).
        ("2014-01-01T07:59:59+00:00", None),
        ("2013-12-31T23:59:00-08:00", None),
        ("2014-01-01T00:00:00-08:00", "ca-2014"),
        ("2014-01-01T08:00:00+00:00", "ca-2014"),
        ("2017-12-31T23:59:59-08:00", "ca-2014"),
        ("2018-01-01T07:59:59+00:00", "ca-2014"),
        ("2018-01-01T00:00:00-08:00", "ca-2018"),
        ("2026-12-04T12:00:00-08:00", "ca-2018"),
    ],
)
def test_the_pack_is_chosen_by_californias_local_date(
    rules: RuleSet, instant: str, expected: str | None
) -> None:
    when = datetime.fromisoformat(instant)
    if expected is None:
        with pytest.raises(CoreError, match="TRUST Act"):
            rules.pack_for(when)
    else:
        assert rules.pack_for(when).id == expected


def _decide(path: Path, case: dict[str, Any]) -> Any:
    catalog = load_catalog(catalog_path_for("CA"))
    pack = load_pack(path, catalog=catalog, jurisdiction="CA").pack
    return evaluate(pack, parse_case(case, "test", catalog))


def _case(when: str, convictions: list[dict[str, Any]], **facts: Any) -> dict[str, Any]:
    base = {
        "sex_arson_registrant": False,
        "federal_aggravated_felony": False,
        "federal_felony_warrant": False,
    }
    base.update(facts)
    return {
        "decision_time": when,
        "detainer": {"form": "I-247A", "judicial_warrant": False},
        "person": {"name": "Test Person", "booking_number": "CA-9"},
        "convictions": convictions,
        "pending_charges": [],
        "facts": base,
    }


def _burglary(day: str) -> dict[str, Any]:
    return {
        "statute": "PC 459",
        "level": "felony",
        "class": "unclassified",
        "jurisdiction": "CA",
        "date": day,
    }


def test_the_same_old_listed_felony_opens_the_hold_in_2017_but_nothing_in_2018() -> None:
    # AB 4 counted a listed felony at any time; SB 54 only within the last 15 years.
    old = [_burglary("1999-06-01")]
    before = _decide(CA_2014, _case("2017-12-31T12:00:00-08:00", old))
    after = _decide(CA_2018, _case("2018-01-01T12:00:00-08:00", old, judicial_probable_cause=False))
    assert before.decision == "honor"
    assert "listed_felony_conviction" in before.grounds
    assert after.decision == "decline"
    assert {o.id: o.outcome for o in after.outcomes}["release_date"] == "not_allowed"


def test_ca_2018_never_allows_a_hold_even_with_every_ground() -> None:
    case = _case(
        "2020-06-15T09:00:00-07:00",
        [_burglary("2019-01-01")],
        sex_arson_registrant=True,
        federal_aggravated_felony=True,
        judicial_probable_cause=True,
    )
    case["detainer"]["judicial_warrant"] = True
    decision = _decide(CA_2018, case)
    outcomes = {o.id: o for o in decision.outcomes}
    assert decision.decision == "decline"
    assert decision.hold_expires_at is None
    assert outcomes["hold"].outcome == "not_allowed"
    assert outcomes["release_date"].outcome == "allowed_with_conditions"
    assert "release_date_told" in outcomes["release_date"].notices
    assert outcomes["interview_access"].notices == ("truth_consent",)


def test_a_ground_read_in_the_statute_stands_but_a_look_back_edge_goes_to_review() -> None:
    # The registrant condition was read in SB 54's chaptered text (verified); the
    # look-back windows' edge ("within" read as inclusive) is the maintainers' reading.
    registrant = _case("2020-06-15T09:00:00-07:00", [], sex_arson_registrant=True)
    registrant["facts"]["judicial_probable_cause"] = False
    assert not _decide(CA_2018, registrant).needs_review
    listed = _case("2020-06-15T09:00:00-07:00", [_burglary("2010-01-01")])
    listed["facts"]["judicial_probable_cause"] = False
    decision = _decide(CA_2018, listed)
    assert decision.grounds == ("listed_felony_conviction",)
    assert decision.needs_review


def robbery_held_to_answer(**extra: Any) -> dict[str, Any]:
    """A pending robbery charge (PC 211, a serious felony) a magistrate held to answer."""
    return {
        "statute": "PC 211",
        "level": "felony",
        "class": "unclassified",
        "jurisdiction": "CA",
        "probable_cause_found": True,
        **extra,
    }


def test_a_charge_held_to_answer_opens_the_release_date_but_not_a_transfer() -> None:
    # Gov. Code § 7282.5(b) as amended by SB 54 points only at § 7284.6(a)(1)(C).
    case = _case("2020-06-15T09:00:00-07:00", [])
    case["facts"]["judicial_probable_cause"] = False
    case["pending_charges"] = [robbery_held_to_answer()]
    outcomes = {o.id: o.outcome for o in _decide(CA_2018, case).outcomes}
    assert outcomes["release_date"] == "allowed_with_conditions"
    assert outcomes["transfer"] == "not_allowed"


@pytest.mark.parametrize("path", [CA_2014, CA_2018], ids=["ca-2014", "ca-2018"])
def test_the_packs_carry_the_statutes_structure(path: Path) -> None:
    raw = _raw(path)
    assert raw["jurisdiction"] == "CA"
    assert raw["timezone"] == "America/Los_Angeles"
    windows = {
        c["id"]: [
            part
            for part in c["condition"]["where"]["all"]
            if isinstance(part, dict) and "within_years" in part
        ]
        for c in raw["criteria"]
        if "where" in c["condition"]
    }
    assert windows["listed_wobbler_misdemeanor_5y"][0]["within_years"] == 5
    if raw["id"] == "ca-2018":
        assert windows["listed_felony_conviction"][0]["within_years"] == 15
        assert raw["hold_clock"] is None
        assert raw["effective_from"] == "2018-01-01"
    else:
        assert windows["listed_felony_conviction"] == []  # "at any time" under AB 4
        assert raw["hold_clock"]["hours"] == 48
        assert raw["effective_to"] == "2017-12-31"
    # SB 54's enumeration was read (verified); AB 4's was not (unverified).
    listed = next(item for item in raw["lists"] if item["id"] == "ca_listed_offenses")
    expected = "verified" if raw["id"] == "ca-2018" else "unverified"
    assert listed["verification"]["status"] == expected
    assert listed["entries"]["pc-211"]["status"] == expected
    assert listed["entries"]["pc-261"]["status"] == "unverified"  # only (a)(2), (a)(6) named
    # Every list section is in the California catalog.
    catalog = load_catalog(catalog_path_for("CA"))
    for item in raw["lists"]:
        for section in item["statutes"]:
            assert catalog.get(section) is not None, section


def test_custody_status_follows_the_release_date_rule_of_section_7284_6_a_1_c() -> None:
    """SB 54 lets a jail answer a notification request with "other information" only on a
    § 7282.5 ground; without one only if the agency makes it public, which the law leaves
    to the agency: unknown, never a guess. AB 4 did not limit it."""
    from trustdesk.core.contacts import advise

    nothing = _case("2020-06-15T09:00:00-07:00", [], judicial_probable_cause=False)
    robbery = _case(
        "2020-06-15T09:00:00-07:00",
        [{**_burglary("2019-01-01"), "statute": "PC 211"}],
        judicial_probable_cause=False,
    )
    outcomes = {o.id: o for o in _decide(CA_2018, nothing).outcomes}
    assert outcomes["custody_status"].outcome == "unknown"
    assert "available to the public" in outcomes["custody_status"].text
    assert outcomes["custody_status"].citations == ("Gov. Code §§ 7284.6(a)(1)(C), 7282.5(a)-(b)",)
    decided = _decide(CA_2018, robbery)
    custody = decided.outcome_of("custody_status")
    assert custody is not None and custody.outcome == "allowed_with_conditions"
    assert any("1192.7(c)(19)" in reason for reason in custody.reasons)
    # The contact log asks about it for a release-information request, flagged when unknown.
    pack = load_pack(CA_2018, catalog=load_catalog(catalog_path_for("CA")), jurisdiction="CA").pack
    advice = advise(pack, decision=_decide(CA_2018, nothing))
    asked = [item.disclosure for item in advice.for_kind("release_info_request")]
    assert asked == ["release_date", "custody_status"]
    assert advice.advice_for("custody_status").verdict == "unknown"
    assert [i.disclosure for i in advice.not_allowed(["custody_status"])] == ["custody_status"]
    # Under AB 4 (ca-2014) it is not limited; the item stays unverified (AB 4 not read).
    before = _decide(CA_2014, _case("2016-06-15T09:00:00-07:00", []))
    earlier = before.outcome_of("custody_status")
    assert earlier is not None and earlier.outcome == "allowed_with_conditions"
    assert earlier.unverified == ("contacts/custody_status/always",)


def test_lewd_acts_and_manslaughter_may_be_misdemeanors_and_go_to_review() -> None:
    """PC 288(c) and 192(c) can be wobblers (the catalog's own notes), yet the catalog
    carried them as felonies only: a misdemeanor conviction was called "facts that cannot
    all be right … correct the entry" (a hostile pass). Now it is taken, and goes to
    review because whether it was a wobbler is not recorded."""
    for section in ("PC 288", "PC 192"):
        conviction = {
            "statute": section,
            "level": "misdemeanor",
            "class": "unclassified",
            "jurisdiction": "CA",
            "date": "2017-06-03",
        }
        decided = _decide(CA_2018, _case("2019-06-03T09:00:00-07:00", [conviction]))
        reasons = " ".join(decided.review_reasons)
        assert decided.needs_review, section
        assert "cannot all be right" not in reasons, section
        assert "wobbler" in reasons, section


def test_hit_and_run_is_listed_for_subdivision_c_only_and_says_so() -> None:
    """Only Vehicle Code § 20001(c) is listed (group (AE)); the list holds the whole
    section, and ca-2018 called the entry verified with nothing about the subdivision
    (a hostile pass). Both packs now say to check the subdivision, as for § 245.6."""
    for path in (CA_2014, CA_2018):
        entry = _raw(path)["lists"]
        notes = json.dumps(entry, ensure_ascii=False)
        assert "vc-20001: only subdivision (c) is named" in notes, path.name
    conviction = {
        "statute": "VC 20001(a)",
        "level": "misdemeanor",
        "class": "unclassified",
        "jurisdiction": "CA",
        "date": "2017-06-03",
        "flags": ["wobbler"],
    }
    decided = _decide(CA_2018, _case("2019-06-03T09:00:00-07:00", [conviction]))
    assert decided.needs_review
    assert any("only subdivision (c)" in u for u in decided.unverified)


def test_the_2018_checklist_cites_section_7282_5_as_sb_54_numbers_it() -> None:
    """The help the desk shows said a listed felony charge opens cooperation under
    (a)(5), and cited (a)(6) for the federal grounds: AB 4's numbers (a hostile pass).
    Under SB 54 a charge held to answer opens the release date only, under (b)."""
    helps = {q["id"]: q["help"] for q in _raw(CA_2018)["questions"]}
    assert "§ 7282.5(b)" in helps["charges"] and "never opens a transfer" in helps["charges"]
    assert helps["charges"].startswith("A serious, violent or state-prison felony charge")
    for question in ("federal_aggravated_felony", "federal_felony_warrant"):
        assert helps[question].startswith("Gov. Code § 7282.5(a)(5)"), question


@pytest.mark.parametrize(
    ("path", "when", "action"),
    [
        (CA_2014, "2016-06-15T09:00:00-07:00", "hold"),
        (CA_2018, "2020-06-15T09:00:00-07:00", "release_date"),
    ],
    ids=["ca-2014", "ca-2018"],
)
def test_a_juvenile_petition_is_not_held_to_answer_silently(
    path: Path, when: str, action: str
) -> None:
    """A serious felony charge entered as a juvenile matter: a juvenile court's petition
    has no Penal Code § 872 finding, so whether it is "held to answer" the act does not
    settle. It opened the hold (2014) or the release-date notice (2018) with no review (a
    hostile pass); now no ground, review, the action unknown."""
    case = _case(when, [])
    case["pending_charges"] = [robbery_held_to_answer(juvenile=True)]
    decided = _decide(path, case)
    assert decided.grounds == ()
    assert decided.needs_review
    assert "juvenile matter" in " ".join(decided.review_reasons)
    assert {o.id: o.outcome for o in decided.outcomes}[action] == "unknown"

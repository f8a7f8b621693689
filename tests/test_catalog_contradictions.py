"""An offense entered with a level or class the offense catalog says its section never
carried decides nothing (decision 0065): the entry and the catalog contradict each other,
only the judgment says which is wrong, so the offense is not counted and a supervisor
compares the judgment. And what would change the outcome is what re-reading the case
with that one fact changed gives: a change of section or jurisdiction brings what the
catalog says of the new one (its class history, flags, classes), and no change that
would contradict the catalog is offered.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.counterfactual import AMEND, what_would_change
from trustdesk.core.decision import DECLINE, HONOR
from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.catalog import load_catalog
from trustdesk.rules.packs import catalog_path_for
from trustdesk.rules.registry import RuleSet, load_rules

NEVER = "which the offense catalog says the section never carried"


def _decide(rules: RuleSet, raw: dict[str, Any]) -> Any:
    case = parse_case(raw, "t", rules.sections)
    return case, evaluate(rules.pack_for(case.decision_time), case)


@pytest.mark.parametrize(
    ("statute", "level", "klass", "day", "carried"),
    [
        ("53a-61", "felony", "B", "2021-06-14", "a class A misdemeanor"),
        # Bribery: class C today, class D before P.A. 03-259; never class B.
        ("53a-147", "felony", "B", "2020-06-01", "a class C felony or class D felony"),
        ("53a-147", "felony", "B", "2000-06-01", "a class C felony or class D felony"),
    ],
)
def test_a_class_the_section_never_carried_is_not_counted(
    rules: RuleSet, statute: str, level: str, klass: str, day: str, carried: str
) -> None:
    raw = make_case(convictions=[conviction(statute, level, klass, date=day)])
    _case, decision = _decide(rules, raw)
    assert decision.decision == DECLINE  # a class B felony would have permitted it
    assert decision.needs_review
    [reason] = [r for r in decision.review_reasons if NEVER in r]
    assert f"(§ {statute}) was entered as a class B felony" in reason
    assert f"(it lists {carried})" in reason
    [warning] = [w for w in decision.warnings if NEVER in w]
    assert "compare the judgment" in warning and "is not counted" in warning
    facts = [text for result in decision.trace for _pointer, text in result.facts]
    assert any("NOT COUNTED" in text for text in facts)


def test_a_class_the_section_carries_or_carried_is_counted_as_before(rules: RuleSet) -> None:
    # Bribery as a class D felony in 2000 (its class then): counted, no contradiction.
    raw = make_case(convictions=[conviction("53a-147", "felony", "D", date="2000-06-01")])
    _case, decision = _decide(rules, raw)
    assert not any(NEVER in r for r in decision.review_reasons)
    # Robbery 1st as a class B felony: the 2025 law's class A or B felony ground.
    raw = make_case(convictions=[conviction("53a-134", "felony", "B", date="2021-06-14")])
    _case, decision = _decide(rules, raw)
    assert decision.decision == HONOR and not any(NEVER in r for r in decision.review_reasons)


def test_sections_whose_class_the_catalog_cannot_say_are_not_compared(rules: RuleSet) -> None:
    # § 53a-300 raises the sentence of the underlying felony: it has no class of its own.
    raw = make_case(convictions=[conviction("53a-300", "felony", "B", date="2021-06-14")])
    case, decision = _decide(rules, raw)
    assert case.convictions[0].catalog_forms is None
    assert not any(NEVER in r for r in decision.review_reasons)
    # Another state's conviction: the Connecticut catalog says nothing of its class.
    raw = make_case(convictions=[conviction("53a-61", "felony", "B", "NY", date="2021-06-14")])
    case, decision = _decide(rules, raw)
    assert case.convictions[0].catalog_forms is None
    assert not any(NEVER in r for r in decision.review_reasons)


def _california(convictions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "decision_time": "2016-05-10T10:00:00-07:00",
        "detainer": {"form": "I-247D", "judicial_warrant": False},
        "person": {"name": "Test Person", "booking_number": "CA-9"},
        "convictions": convictions,
        "pending_charges": [],
        "facts": {
            "sex_arson_registrant": False,
            "federal_aggravated_felony": False,
            "federal_felony_warrant": False,
        },
    }


def _ca(statute: str, level: str, **extra: Any) -> dict[str, Any]:
    return conviction(statute, level, "unclassified", "CA", date="2012-01-01", **extra)


@pytest.fixture(scope="module")
def ca_rules() -> RuleSet:
    return load_rules(jurisdiction="CA")


def test_california_robbery_entered_as_a_misdemeanor_or_reduced_is_not_counted(
    ca_rules: RuleSet,
) -> None:
    # Robbery is a felony only (serious and violent): as a felony it permits the hold.
    _case, decision = _decide(ca_rules, _california([_ca("PC 211", "felony")]))
    assert decision.decision == HONOR
    for entry, field in (
        (_ca("PC 211", "misdemeanor"), "was entered as an unclassified misdemeanor"),
        (_ca("PC 211", "felony", reduced_to_misdemeanor=True), "reduced to a misdemeanor"),
    ):
        _case, decision = _decide(ca_rules, _california([entry]))
        assert decision.decision == DECLINE and decision.needs_review
        assert any(field in r and "offense catalog" in r for r in decision.review_reasons)
    # Grand theft is a wobbler: reduced to a misdemeanor is a fact that can be true.
    entry = _ca("PC 487", "felony", reduced_to_misdemeanor=True)
    _case, decision = _decide(ca_rules, _california([entry]))
    assert not any("offense catalog" in r for r in decision.review_reasons)


def test_a_felony_dui_is_a_level_the_california_catalog_gives_vc_23152() -> None:
    catalog = load_catalog(catalog_path_for("CA"))
    entry = catalog.get("VC 23152")
    assert entry is not None and entry.can_carry("felony") and entry.can_carry("misdemeanor")


def _raw_with(raw: dict[str, Any], index: int, changed: Any) -> dict[str, Any]:
    """``raw`` with conviction ``index`` entered as ``changed`` (an Offense) is entered."""
    again = copy.deepcopy(raw)
    entry = again["convictions"][index]
    entry.update(
        statute=changed.statute,
        level=changed.level,
        jurisdiction=changed.jurisdiction,
        **{"class": changed.klass},
    )
    return again


BRIBERY_IN_NY = conviction("53a-147", "felony", "B", "NY", date="2000-06-01")


@pytest.mark.parametrize(
    ("jurisdiction", "raw", "least"),
    [
        # Bribery in New York in 2000, entered as class B: were it Connecticut's, its
        # class would be that of 2000 (class D), so no hold follows and none is named.
        ("CT", make_case(convictions=[BRIBERY_IN_NY]), 0),
        ("CT", make_case(convictions=[conviction("53a-61", "misdemeanor", "A")]), 1),
        ("CA", _california([_ca("PC 487", "misdemeanor")]), 1),
        ("CA", _california([_ca("PC 211", "felony")]), 1),
    ],
)
def test_every_amendment_named_is_what_re_reading_the_case_so_changed_gives(
    jurisdiction: str, raw: dict[str, Any], least: int, rules: RuleSet, ca_rules: RuleSet
) -> None:
    chosen = rules if jurisdiction == "CT" else ca_rules
    case, decision = _decide(chosen, raw)
    pack = chosen.pack_for(case.decision_time)
    checked = 0
    for flip in what_would_change(pack, case, decision).flips:
        change = flip.change
        if change.kind != AMEND or change.target != "convictions":
            continue
        assert change.item is not None
        changed = flip.case.convictions[change.item]
        if change.attribute in ("section", "jurisdiction", "level", "class"):
            again = parse_case(_raw_with(raw, change.item, changed), "t", chosen.sections)
            after = evaluate(pack, again)
            assert after.decision == flip.outcome, flip.fact
            assert not any(NEVER in r for r in after.review_reasons), flip.fact
            checked += 1
    assert checked >= least

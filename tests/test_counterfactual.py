"""What would change the outcome (core/counterfactual.py), checked against the engine.

For every pack and a range of cases (each pack's own embedded tests, plus cases built
here for every ground and for unknown answers) the test changes every single fact it
can think of — from the model's domains, not from the module's reading of the pack — and
re-evaluates. Every change that turns the decision around must be named, and every
change the module names must really turn it around.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.class_periods import pairs
from trustdesk.core.counterfactual import (
    ADD,
    AMEND,
    ANSWER,
    REMOVE,
    Flip,
    OutcomeChanges,
    sections,
    what_would_change,
)
from trustdesk.core.decision import DECLINE, HONOR, MET
from trustdesk.core.evaluate import evaluate
from trustdesk.core.model import CLASSES, LEVELS, Case, Offense
from trustdesk.core.pack import RulePack
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

PACKS = {
    "ct-2014": "2016-05-10T10:00:00-04:00",
    "ct-2019": "2021-05-10T10:00:00-04:00",
    "ct-2025": "2026-11-19T09:00:00-05:00",
}
TRI = (True, False, None)
#: Offense attributes as the model has them, with every value worth trying.
ATTRIBUTES: dict[str, tuple[Any, ...]] = {
    "level": LEVELS,
    "klass": CLASSES,
    "jurisdiction": ("CT", "federal"),
    "bond_posted": TRI,
    "under_appeal": TRI,
    "juvenile": TRI,
    "in_catalog": (True, False),
}
JSON_NAMES = {"klass": "class"}


def _sections(rules: RuleSet) -> tuple[str | None, ...]:
    listed = sorted({s for lp in rules.packs for x in lp.pack.lists for s in x.statutes})
    return (listed[0], listed[-1], "53a-123", None)


#: Adding an entry is tried with every combination of values (thousands of evaluations),
#: so on the cases built here only; the packs' own cases get every other change.
ADD_ON = "synthetic"


def synthetic_cases() -> list[dict[str, Any]]:
    """Cases that reach every ground and every kind of unknown, in any pack."""
    unknown_answers = {
        "outstanding_ct_warrant": None,
        "gang_member": None,
        "security_risk_group": None,
        "tsdb_match": None,
        "final_removal_order": None,
        "detainer": {"form": "I-247A", "judicial_warrant": None},
    }
    return [
        make_case(),
        make_case(**unknown_answers),
        make_case(tsdb_match=True),
        make_case(detainer={"form": "I-247A", "judicial_warrant": True}),
        make_case(tsdb_match=True, detainer={"form": "I-247A", "judicial_warrant": True}),
        make_case(convictions=[conviction("53a-134", "felony", "B")]),
        make_case(convictions=[conviction("53a-134", "felony", "B", under_appeal=None)]),
        make_case(convictions=[conviction("53a-71", "felony", "C")]),
        make_case(convictions=[conviction("53a-123", "felony", "C", "NY")]),
        make_case(
            convictions=[conviction("53a-134", "felony", "B"), conviction("53a-8", "felony", "A")]
        ),
        make_case(convictions=[conviction("53a-61", "misdemeanor", "A")], tsdb_match=None),
        make_case(pending_charges=[conviction("53a-123", "felony", "C", bond_posted=None)]),
        make_case(pending_charges=[conviction("53a-123", "felony", "C", bond_posted=False)]),
        make_case(gang_member=True, final_removal_order=True),
        make_case(public_safety_risk={"asserted": True, "reason": "threatened staff"}),
    ]


def sourced_cases(rules: RuleSet, pack_id: str) -> Iterator[tuple[str, Case]]:
    loaded = rules.pack(pack_id)
    for test in loaded.tests:
        yield "pack test", parse_case(test["case"], "pack test", rules.sections)
    for raw in synthetic_cases():
        raw["decision_time"] = PACKS[pack_id]
        yield ADD_ON, parse_case(raw, "synthetic", rules.sections)


def cases_for(rules: RuleSet, pack_id: str) -> Iterator[Case]:
    return (case for _source, case in sourced_cases(rules, pack_id))


def _answer_fields(pack: RulePack) -> list[str]:
    return [q.field for q in pack.questions if q.kind != "offense_list"]


def _get(value: Any, path: str) -> Any:
    for part in path.split("."):
        value = getattr(value, part)
    return value


def _set(value: Any, path: str, new: Any) -> Any:
    head, _, rest = path.partition(".")
    inner = new if not rest else _set(getattr(value, head), rest, new)
    return value._replace(**{head: inner})


def _offenses(rules: RuleSet) -> Iterator[Offense]:
    """Every combination of the model's values worth trying for one entry."""
    names = list(ATTRIBUTES)
    for section in _sections(rules):
        for values in itertools.product(*(ATTRIBUTES[n] for n in names if n != "in_catalog")):
            fields = dict(zip([n for n in names if n != "in_catalog"], values, strict=True))
            yield Offense(statute=section or "53a-999", section=section, **fields)


def single_changes(
    pack: RulePack, case: Case, rules: RuleSet, *, add: bool = True
) -> Iterator[tuple[str, str, int | None, str | None, Any, Case]]:
    """(kind, target, index, attribute, value, changed case) for every single-fact change."""
    for field in _answer_fields(pack):
        for value in TRI:
            if value is not _get(case, field):
                yield ANSWER, field, None, None, value, _set(case, field, value)
    for collection in ("convictions", "pending_charges"):
        items: tuple[Offense, ...] = getattr(case, collection)
        for item in _offenses(rules) if add else ():
            yield ADD, collection, None, None, item, case._replace(**{collection: (*items, item)})
        for index, item in enumerate(items):
            rest = items[:index] + items[index + 1 :]
            yield REMOVE, collection, index, None, None, case._replace(**{collection: rest})
            domains = {**ATTRIBUTES, "section": _sections(rules)}
            for attr, domain in domains.items():
                for value in domain:
                    if value == getattr(item, attr) and value is not None:
                        continue
                    changed = item._replace(**{attr: value})
                    if case.catalog is not None and value is not None:
                        if attr == "section":
                            changed = case.catalog.changed(item, statute=value)
                        elif attr == "jurisdiction":
                            changed = case.catalog.changed(item, jurisdiction=value)
                    forms = changed.catalog_forms
                    if forms and (changed.level, changed.klass) not in pairs(forms):
                        continue  # contradicts the catalog: no fact that could be true
                    new = (*items[:index], changed, *items[index + 1 :])
                    name = JSON_NAMES.get(attr, attr)
                    yield AMEND, collection, index, name, value, case._replace(**{collection: new})


def _named(
    changes: OutcomeChanges, kind: str, target: str, index: int | None, attr: str | None, value: Any
) -> list[Flip]:
    return [
        f
        for f in changes.flips
        if f.change.kind == kind
        and f.change.target == target
        and f.change.item == index
        and f.change.attribute == attr
    ]


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_every_flip_named_is_real_and_every_real_flip_is_named(
    rules: RuleSet, pack_id: str
) -> None:
    pack = rules.pack(pack_id).pack
    seen_outcomes: set[str] = set()
    flips_checked = 0
    for source, case in sourced_cases(rules, pack_id):
        decision = evaluate(pack, case)
        seen_outcomes.add(decision.decision)
        changes = what_would_change(pack, case, decision)
        assert changes.decision == decision.decision
        # What the module names really turns the decision around.
        for flip in changes.flips:
            after = evaluate(pack, flip.case)
            assert after.decision == flip.outcome != decision.decision, flip.fact
            assert after.grounds == flip.grounds
            flips_checked += 1
        # Everything that turns it around is named.
        for kind, target, index, attr, value, changed in single_changes(
            pack, case, rules, add=source == ADD_ON
        ):
            after = evaluate(pack, changed)
            if after.decision == decision.decision:
                continue
            named = _named(changes, kind, target, index, attr, value)
            if kind == ADD:
                ok = any(
                    f.outcome == after.decision and set(f.grounds) <= set(after.grounds)
                    for f in named
                )
            elif kind == REMOVE:
                ok = bool(named)
            else:
                ok = any(f.change.covers(value) for f in named)
            assert ok, f"{pack_id}: {kind} {target} {index} {attr}={value!r} flips, unnamed"
    assert seen_outcomes == {HONOR, DECLINE}
    assert flips_checked > 20


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_each_flip_changes_exactly_one_fact(rules: RuleSet, pack_id: str) -> None:
    pack = rules.pack(pack_id).pack
    for case in cases_for(rules, pack_id):
        for flip in what_would_change(pack, case).flips:
            change, new = flip.change, flip.case
            if change.kind == ANSWER:
                value = _get(new, change.target)
                assert change.covers(value)
                assert _set(new, change.target, _get(case, change.target)) == case
                continue
            if change.target == "person":  # the date of birth, the one fact of the person
                assert change.kind == AMEND and change.attribute == "date_of_birth"
                assert change.covers(new.person.date_of_birth)
                assert case._replace(person=new.person) == new
                continue
            old_items = getattr(case, change.target)
            new_items = getattr(new, change.target)
            assert case._replace(**{change.target: new_items}) == new
            if change.kind == ADD:
                assert new_items[:-1] == old_items and len(new_items) == len(old_items) + 1
            elif change.kind == REMOVE:
                assert change.item is not None
                assert new_items == old_items[: change.item] + old_items[change.item + 1 :]
            else:
                assert change.kind == AMEND and change.item is not None
                assert change.attribute is not None
                attr = {"class": "klass"}.get(change.attribute, change.attribute)
                before, after = old_items[change.item], new_items[change.item]
                assert change.covers(getattr(after, attr))
                if attr in ("section", "jurisdiction") and case.catalog is not None:
                    # What the catalog says of the new section or jurisdiction came with
                    # it: changed back, the entry is the one entered.
                    back = (
                        {"statute": before.statute}
                        if attr == "section"
                        else {"jurisdiction": before.jurisdiction}
                    )
                    assert case.catalog.changed(after, **back) == before
                    continue
                if attr == "section":
                    after = after._replace(statute=before.statute)
                assert after._replace(**{attr: getattr(before, attr)}) == before


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_unknown_answers_that_could_change_the_outcome_are_listed(
    rules: RuleSet, pack_id: str
) -> None:
    pack = rules.pack(pack_id).pack
    listed_any = False
    for case in cases_for(rules, pack_id):
        decision = evaluate(pack, case)
        changes = what_would_change(pack, case, decision)
        for flip in changes.unknowns:
            change = flip.change
            if change.kind == ANSWER:
                assert _get(case, change.target) is None
            else:
                item = getattr(case, change.target)[change.item]
                attr = {"class": "klass"}.get(str(change.attribute), str(change.attribute))
                assert getattr(item, attr) is None
        for field in _answer_fields(pack):
            if _get(case, field) is not None:
                continue
            flips = any(
                evaluate(pack, _set(case, field, value)).decision != decision.decision
                for value in (True, False)
            )
            listed = any(f.change.target == field for f in changes.unknowns)
            assert listed == flips, f"{pack_id}: unknown {field}"
            listed_any |= listed
    assert listed_any


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_every_ground_a_hold_rests_on_names_its_facts(rules: RuleSet, pack_id: str) -> None:
    pack = rules.pack(pack_id).pack
    grounds_seen: set[str] = set()
    for case in cases_for(rules, pack_id):
        decision = evaluate(pack, case)
        changes = what_would_change(pack, case, decision)
        if decision.decision != HONOR:
            assert changes.supports == ()
            continue
        met = [r.id for r in decision.trace if r.status == MET]
        assert [s.ground for s in changes.supports] == met
        for support in changes.supports:
            assert support.facts, support.ground
            grounds_seen.add(support.ground)
    # Every criterion of the pack is reached by some case above.
    assert grounds_seen == {c.id for c in pack.criteria}


def test_a_decline_names_the_pack_gates_in_the_pack_words(rules: RuleSet) -> None:
    pack = rules.pack("ct-2025").pack
    case = parse_case(make_case(), "t", rules.sections)
    changes = what_would_change(pack, case)
    assert changes.decision == DECLINE
    text = "\n".join(line for _heading, lines in sections(changes) for line in lines)
    warrant = next(q for q in pack.questions if q.id == "judicial_warrant")
    assert f"Answer “Yes” to: {warrant.prompt}" in text
    felony = next(c for c in pack.criteria if c.id == "class_a_b_felony_conviction")
    assert f"A further conviction: {felony.explain.met}" in text
    assert "Possible Terrorist Screening Database match" in text


def test_an_honor_on_two_grounds_has_no_single_fact_to_flip(rules: RuleSet) -> None:
    raw = make_case(tsdb_match=True, detainer={"form": "I-247A", "judicial_warrant": True})
    case = parse_case(raw, "t", rules.sections)
    pack = rules.pack_for(case.decision_time)
    changes = what_would_change(pack, case)
    assert changes.decision == HONOR and changes.flips == ()
    assert {s.ground for s in changes.supports} == {"judicial_warrant", "tsdb_match"}
    _heading, lines = sections(changes)[1]
    assert lines[0].startswith("No single fact")


def test_an_amended_class_is_worded_from_the_pack_values(rules: RuleSet) -> None:
    case = parse_case(
        make_case(convictions=[conviction("53a-123", "felony", "C")]), "t", rules.sections
    )
    pack = rules.pack_for(case.decision_time)
    facts = [f.fact for f in what_would_change(pack, case).flips]
    # § 53a-123 is a class C felony only: no other class is a fact that could be true.
    assert not [fact for fact in facts if " had class " in fact]
    # § 53-21 is a class C or B felony: B is offered, not A, which it never carries
    # (decided under the 2019 law, where it is on no list).
    raw = make_case(
        convictions=[conviction("53-21", "felony", "C")],
        decision_time="2021-03-02T10:00:00-05:00",
        detainer={**make_case()["detainer"], "received_at": "2021-03-02T09:00:00-05:00"},
    )
    case = parse_case(raw, "t", rules.sections)
    pack = rules.pack_for(case.decision_time)
    facts = [f.fact for f in what_would_change(pack, case).flips]
    assert "If conviction 1 (§ 53-21 class C felony (Connecticut)) had class B" in facts
    # Without a catalog (a case built in code), the pack's own grouping words it.
    bare = case._replace(
        catalog=None, convictions=(case.convictions[0]._replace(catalog_forms=None),)
    )
    facts = [f.fact for f in what_would_change(pack, bare).flips]
    assert "If conviction 1 (§ 53-21 class C felony (Connecticut)) had class A or B" in facts


def test_on_a_notification_only_form_a_flip_promises_notification_not_a_hold(
    rules: RuleSet,
) -> None:
    """On Form I-247N the list said "the hold would be permitted" for a judicial
    warrant, while the engine, evaluating that very change, says no hold: the form asks
    for none (LAW.md §1; a hostile pass). It says the detainer would be honored by
    notification only."""
    raw = make_case(
        decision_time=PACKS["ct-2025"],
        detainer={"form": "I-247N", "judicial_warrant": False},
        convictions=[],
    )
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    decision = evaluate(pack, case)
    assert decision.decision == DECLINE
    changes = what_would_change(pack, case, decision)
    effects = [f.effect for f in changes.flips]
    assert effects and not any("hold would be permitted" in e for e in effects)
    assert any(
        e.startswith("the detainer would be honored, by notification only (Form I-247N")
        for e in effects
    )


def test_a_section_is_suggested_only_with_a_class_it_carried_on_the_conviction_s_date(
    rules: RuleSet,
) -> None:
    """For a 2019 class A misdemeanor, the list named § 53a-223 and § 53a-223b, class A
    misdemeanors only until 2002 and 2004 and felonies since (the catalog's history): a
    conviction that cannot exist (a hostile pass)."""
    raw = make_case(
        decision_time=PACKS["ct-2025"],
        convictions=[conviction("53a-61", "misdemeanor", "A", date="2019-03-02")],
    )
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    changes = what_would_change(pack, case, evaluate(pack, case))
    named = " ".join(f.fact for f in changes.flips)
    assert "53a-223" not in named
    # Dated when it was still a class A misdemeanor, the same conviction may name it.
    old = parse_case(
        make_case(
            decision_time=PACKS["ct-2025"],
            convictions=[conviction("53a-61", "misdemeanor", "A", date="2001-03-02")],
        ),
        "test",
        rules.sections,
    )
    earlier = what_would_change(pack, old, evaluate(pack, old))
    assert "53a-223" in " ".join(f.fact for f in earlier.flips)


# --- an entry's date ------------------------------------------------------------------

CA_FACTS = {
    "sex_arson_registrant": False,
    "federal_aggravated_felony": False,
    "federal_felony_warrant": False,
    "judicial_probable_cause": False,
}


def _ca_case(when: str, item: dict[str, Any], born: str | None) -> dict[str, Any]:
    person: dict[str, Any] = {"name": "Test Person", "booking_number": "CA-9"}
    if born is not None:
        person["date_of_birth"] = born
    return {
        "decision_time": when,
        "detainer": {"form": "I-247A", "judicial_warrant": False},
        "person": person,
        "convictions": [item],
        "pending_charges": [],
        "facts": CA_FACTS,
    }


def _ca(section: str, level: str, day: str | None) -> dict[str, Any]:
    item = {"statute": section, "level": level, "class": "unclassified", "jurisdiction": "CA"}
    return item if day is None else {**item, "date": day}


#: (jurisdiction, case): an entry whose date decides, under each kind of law that reads
#: one — California's look-back windows (5 years for a listed wobbler misdemeanor, 15 for
#: a listed felony under SB 54), a Connecticut section whose class changed (§ 53a-54b,
#: unclassified until 2012-04-24 and class A since) — or whose date cannot be true.
DATED_CASES = (
    [
        ("CA", _ca_case("2016-11-23T09:00:00-08:00", _ca("PC 245", "misdemeanor", d), born))
        for d in ("2010-01-01", "2014-01-01", None)
        for born in ("1980-01-01", None)
    ]
    + [
        ("CA", _ca_case("2020-06-15T09:00:00-07:00", _ca("PC 459", "felony", d), "1975-02-28"))
        for d in ("1999-06-01", "2010-01-01", None)
    ]
    + [
        (
            "CT",
            make_case(
                decision_time=when,
                convictions=[
                    conviction("53a-54b", "felony", klass, **({} if d is None else {"date": d}))
                ],
            ),
        )
        for when in (PACKS["ct-2019"], PACKS["ct-2025"])
        for d in ("2010-03-01", "2013-03-01", None)
        for klass in ("A", "unclassified")
    ]
    + [
        # Dated when the person (born 1990-04-17) was four: the entry counts for nothing,
        # and a date that can be true is what would make it count.
        (
            "CT",
            make_case(
                decision_time=PACKS["ct-2019"],
                convictions=[conviction("53a-134", "felony", "B", date="1995-01-01")],
            ),
        ),
        (
            "CT",
            make_case(
                decision_time=PACKS["ct-2014"],
                pending_charges=[
                    conviction("53a-134", "felony", "B", date="1995-01-01", bond_posted=False)
                ],
            ),
        ),
    ]
)


def _probe_dates(case: Case) -> list[Any]:
    """Dates to try, read from no pack: a day a season over 40 years back, and the days
    around every anniversary of the decision and of the birth date, and around the day
    § 53a-54b changed class."""
    from datetime import date, timedelta

    day = case.decision_time.date()
    years = [day.year - n for n in range(41)]
    found = {date(y, 1 + m, 15) for y in years for m in range(0, 12, 3)}
    edges = [date(2012, 4, 25)]
    edges += [day.replace(day=min(day.day, 28), year=y) for y in years]
    born = case.person.date_of_birth
    if born is not None:
        edges += [born.replace(year=born.year + n, day=min(born.day, 28)) for n in range(19)]
    for edge in edges:
        found.update(edge + timedelta(days=k) for k in (-2, -1, 0, 1, 2))
    found.update(day + timedelta(days=k) for k in range(4))
    return sorted(found)


def _entry(case: Case) -> tuple[str, Offense]:
    """The one conviction or charge of a case of ``DATED_CASES``."""
    collection = "convictions" if case.convictions else "pending_charges"
    return collection, getattr(case, collection)[0]


def _dated(case: Case, day: Any) -> Case:
    collection, item = _entry(case)
    return case._replace(**{collection: (item._replace(date=day),)})


def _possible(case: Case, day: Any) -> bool:
    """A date that can be true: not after the decision, not before age 7."""
    from trustdesk.core.consistency import YOUNGEST, _age, latest_court_date

    _collection, item = _entry(case)
    if day > latest_court_date(case.decision_time, item):
        return False
    born = case.person.date_of_birth
    return born is None or (day >= born and _age(born, day) >= YOUNGEST)


def _until_settled(decision: Any) -> bool:
    return decision.decision == DECLINE and any(r.status == "unknown" for r in decision.trace)


@pytest.mark.parametrize(("jurisdiction", "raw"), DATED_CASES)
def test_a_conviction_s_date_that_would_change_the_outcome_is_named_and_true(
    jurisdiction: str, raw: dict[str, Any]
) -> None:
    """The counterfactual never tried an entry's date: a listed misdemeanor a month
    outside California's 5-year window, a conviction with no date, one of a section
    reclassified (§ 53a-54b) dated before the change — none said what date would turn
    the decision around (a hostile pass). Every date tried here that would, is named;
    every date named would (re-decided by the engine); no impossible date is named.
    An entry dated when the person was four counts for nothing: the date that would make
    it count was not named either."""
    from trustdesk.core.counterfactual import what_would_change_actions
    from trustdesk.rules.registry import load_rules

    rules = load_rules(jurisdiction=jurisdiction)
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    now = evaluate(pack, case)
    changes = what_would_change(pack, case, now)
    dated = [f for f in changes.flips if f.change.attribute == "date"]
    actions = [
        f for f in what_would_change_actions(pack, case, now) if f.change.attribute == "date"
    ]
    before = {o.id: o.outcome for o in now.outcomes}
    named_any = False
    current = _entry(case)[1].date
    for day in [*_probe_dates(case), None]:
        if day == current:
            continue
        after = evaluate(pack, _dated(case, day))
        covering = [f for f in dated if f.change.covers(day)]
        possible = day is None or _possible(case, day)
        if not possible:
            assert not covering, f"{day} cannot be true, yet named: {covering[0].fact}"
            continue
        if after.decision != now.decision:
            assert covering, f"{day}: {now.decision} → {after.decision}, unnamed"
        for flip in covering:
            named_any = True
            assert (after.decision, after.grounds) == (flip.outcome, flip.grounds), flip.fact
            assert ("until" in flip.effect) == _until_settled(after), flip.fact
            assert flip.change.was_unknown == (current is None)
            assert (flip in changes.unknowns) == (current is None)
        # Each action (release date, transfer…) the date changes is named too.
        for outcome in after.outcomes:
            if before.get(outcome.id, outcome.outcome) == outcome.outcome:
                continue
            assert any(
                f.action == outcome.id and f.after == outcome.outcome and f.change.covers(day)
                for f in actions
            ), f"{day}: {outcome.id} {before[outcome.id]} → {outcome.outcome}, unnamed"
    # Every span named holds at its own ends (the engine is the judge, not the probe).
    for flip in dated:
        for span in flip.change.values:
            ends = [None] if span is None else [e for e in (span.first, span.last) if e]
            for end in ends:
                assert end is None or _possible(case, end), flip.fact
                after = evaluate(pack, _dated(case, end))
                assert (after.decision, after.grounds) == (flip.outcome, flip.grounds)
    assert named_any == bool(dated)


def test_the_date_that_would_open_a_look_back_window_is_said_and_an_unknown_one_listed() -> None:
    from trustdesk.rules.registry import load_rules

    rules = load_rules(jurisdiction="CA")
    outside = parse_case(DATED_CASES[0][1], "test", rules.sections)  # 2010, window from 2011
    pack = rules.pack_for(outside.decision_time)
    assert evaluate(pack, outside).decision == DECLINE
    text = "\n".join(
        line for _h, lines in sections(what_would_change(pack, outside)) for line in lines
    )
    assert "were dated from 2011-11-23 to 2016-11-23 — the hold would be permitted" in text
    undated = parse_case(DATED_CASES[4][1], "test", rules.sections)
    assert undated.convictions[0].date is None
    heading, lines = sections(what_would_change(pack, undated))[-1]
    assert heading == "Unknown answers that could change the outcome"
    assert any("were dated from 2011-11-23 to 2016-11-23" in line for line in lines)


@pytest.mark.parametrize("pack_id", sorted(PACKS))
def test_every_value_a_merged_flip_names_has_the_effect_it_states(
    rules: RuleSet, pack_id: str
) -> None:
    """Two answers that turn the decision the same way are named in one line, with the
    first one's effect: "Answer “No” or “Unknown / not verified” … — the detainer would
    be declined", though unknown declines it only until it is settled (a hostile pass).
    Each value a flip names is re-decided here, and its effect checked."""
    pack = rules.pack(pack_id).pack
    checked = 0
    for case in cases_for(rules, pack_id):
        for flip in what_would_change(pack, case).flips:
            change = flip.change
            if change.kind == ANSWER:
                trials = [_set(case, change.target, value) for value in change.values]
            elif (
                change.kind == AMEND
                and not change.others  # "any other value": the values are those it excludes
                and change.attribute in ATTRIBUTES.keys() | {"class"}
            ):
                attr = JSON_NAMES.get(change.attribute, change.attribute)
                attr = {"class": "klass"}.get(attr, attr)
                items = getattr(case, change.target)
                assert change.item is not None
                trials = [
                    case._replace(
                        **{
                            change.target: (
                                *items[: change.item],
                                items[change.item]._replace(**{attr: value}),
                                *items[change.item + 1 :],
                            )
                        }
                    )
                    for value in change.values
                ]
            else:
                continue
            for changed in trials:
                after = evaluate(pack, changed)
                assert (after.decision, after.grounds) == (flip.outcome, flip.grounds), flip.fact
                assert ("until" in flip.effect) == _until_settled(after), flip.fact
                checked += 1
    assert checked > 20


def test_a_date_of_birth_that_would_change_the_outcome_is_named_and_true(rules: RuleSet) -> None:
    """The counterfactual tried the entries' dates, never the person's: a class B felony
    dated 1995-01-01 for a person entered as born 1990-04-17 (four then) counts for
    nothing, and the detainer is declined; that a date of birth of 1988-01-01 or earlier
    (seven or older then) would permit the hold was not said. Every date of birth named
    is re-decided here; none that would make the entry impossible is named."""
    from datetime import date

    from trustdesk.core.counterfactual import BIRTH, PERSON

    raw = make_case(
        decision_time=PACKS["ct-2019"],
        convictions=[conviction("53a-134", "felony", "B", date="1995-01-01")],
    )
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    now = evaluate(pack, case)
    assert now.decision == DECLINE
    changes = what_would_change(pack, case, now)
    born = [f for f in changes.flips if f.change.attribute == BIRTH]
    assert len(born) == 1
    flip = born[0]
    assert flip.change.target == PERSON and flip.change.item is None
    assert flip.fact == "If the date of birth were on or before 1988-01-01, or unknown"
    assert flip.outcome == HONOR
    for day in (date(1960, 5, 5), date(1977, 1, 1), date(1977, 1, 2), date(1988, 1, 1), None):
        assert flip.change.covers(day) or day is None
        person = case.person._replace(date_of_birth=day)
        assert evaluate(pack, case._replace(person=person)).decision == HONOR
    for day in (date(1988, 1, 2), date(1990, 4, 17)):
        assert not flip.change.covers(day)  # the person younger than seven: not proposed
    text = "\n".join(line for _h, lines in sections(changes) for line in lines)
    assert "If the date of birth were on or before 1988-01-01, or unknown — the hold would" in text
    # Born as entered but the conviction counting (an adult's), nothing about birth is said.
    adult = parse_case(
        make_case(
            decision_time=PACKS["ct-2019"],
            convictions=[conviction("53a-134", "felony", "B", date="2015-01-01")],
        ),
        "test",
        rules.sections,
    )
    assert not [f for f in what_would_change(pack, adult).flips if f.change.attribute == BIRTH]


def test_a_date_of_birth_is_tried_against_the_decision_for_an_undated_entry(
    rules: RuleSet,
) -> None:
    """An undated class B felony of a person four at the decision counts for nothing (it
    would be from an even younger age): the counterfactual names the dates of birth that
    would make it count, each re-decided here, and never one under seven at the decision."""
    from datetime import date

    from trustdesk.core.counterfactual import BIRTH

    raw = make_case(
        decision_time=PACKS["ct-2019"],
        person={"name": "A B", "booking_number": "B1", "date_of_birth": "2017-01-01"},
        convictions=[conviction("53a-134", "felony", "B")],
    )
    case = parse_case(raw, "test", rules.sections)
    pack = rules.pack_for(case.decision_time)
    now = evaluate(pack, case)
    assert now.decision == DECLINE
    changes = what_would_change(pack, case, now)
    [flip] = [f for f in changes.flips if f.change.attribute == BIRTH]
    assert flip.outcome == HONOR
    assert flip.fact == "If the date of birth were on or before 2014-05-10, or unknown"
    for day in (date(1960, 5, 5), date(2003, 5, 11), date(2014, 5, 10), None):
        assert day is None or flip.change.covers(day)
        person = case.person._replace(date_of_birth=day)
        assert evaluate(pack, case._replace(person=person)).decision == HONOR
    for day in (date(2014, 5, 11), date(2017, 1, 1)):
        assert not flip.change.covers(day)
        person = case.person._replace(date_of_birth=day)
        assert evaluate(pack, case._replace(person=person)).decision == DECLINE

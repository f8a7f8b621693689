"""The legality check for contacts with ICE, table-driven over the shipped packs.

Every pack × every ground (a decision honoring on it), a declined decision, a decision
that needs review, and no decision at all (gates answered fully, partly, not at all),
× every contact kind × every disclosure. The expected verdicts below are the law as
docs/decisions/0027 states it, written here independently of the packs' data, so a
wrong datum in a pack fails this test.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk.core.contacts import (
    ALLOWED,
    BASES,
    CHANNELS,
    CONTACT_KINDS,
    DIRECTIONS,
    DISCLOSURES,
    KIND_DISCLOSURES,
    NEVER,
    NOT_ALLOWED,
    ContactAdvice,
    advise,
)
from trustdesk.core.decision import UNKNOWN, Decision
from trustdesk.core.errors import CoreError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.pack import RulePack
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import RuleSet

PACK_IDS = ("ct-2014", "ct-2019", "ct-2025")
WHEN = {
    "ct-2014": "2016-03-01T09:00:00-05:00",
    "ct-2019": "2022-03-01T09:00:00-05:00",
    "ct-2025": "2026-11-19T09:00:00-05:00",
}

# The case changes that make exactly one ground hold, per pack.
GROUND_CASES: dict[str, dict[str, dict[str, Any]]] = {
    "ct-2014": {
        "felony_conviction": {
            "convictions": [conviction("53a-60", "felony", "D", date="2012-05-01")]
        },
        "pending_charges_no_bond": {
            "pending_charges": [conviction("53a-135", "felony", "C", bond_posted=False)]
        },
        "outstanding_ct_warrant": {"outstanding_ct_warrant": True},
        "gang_or_srg": {"gang_member": True},
        "tsdb_match": {"tsdb_match": True},
        "final_removal_order": {"final_removal_order": True},
        "public_safety_risk": {
            "public_safety_risk": {"asserted": True, "reason": "threatened staff with a weapon"}
        },
    },
    "ct-2019": {
        "judicial_warrant": {
            "detainer": {"form": "I-247A", "judicial_warrant": True, "administrative_warrant": None}
        },
        "class_a_b_felony_conviction": {
            "convictions": [conviction("53a-134", "felony", "B", date="2012-05-01")]
        },
        "tsdb_match": {"tsdb_match": True},
    },
}
GROUND_CASES["ct-2025"] = {
    **GROUND_CASES["ct-2019"],
    "listed_offense_conviction": {
        "convictions": [conviction("53a-71", "felony", "C", date="2012-05-01")]
    },
}

A, N, X, U = ALLOWED, NOT_ALLOWED, NEVER, UNKNOWN
# Disclosure → (verdict when a ground holds, verdict when none holds), per pack.
LAW: dict[str, dict[str, tuple[str, str]]] = {
    # P.A. 13-155 limits only holds; it requires telling ICE the decision (custody status).
    "ct-2014": {
        "release_date": (U, U),
        "custody_status": (A, A),
        "interview_access": (U, U),
        "hold": (A, N),
        "transfer": (A, U),
        "confidential": (U, U),
    },
    # P.A. 19-20/19-23: the bars apply where no ground holds; confidential never.
    "ct-2019": {
        "release_date": (A, N),
        "custody_status": (A, N),
        "interview_access": (A, N),
        "hold": (A, N),
        "transfer": (A, U),
        "confidential": (X, X),
    },
}
LAW["ct-2025"] = LAW["ct-2019"]
#: Disclosures whose verdict does not depend on the grounds, per pack.
ALWAYS = {
    "ct-2014": {"release_date", "custody_status", "interview_access", "confidential"},
    "ct-2019": {"confidential"},
    "ct-2025": {"confidential"},
}


def decide(rules: RuleSet, pack: RulePack, **changes: Any) -> Decision:
    raw = make_case(decision_time=WHEN[pack.id], **changes)
    return evaluate(pack, parse_case(raw, "test", rules.sections))


def check(advice: ContactAdvice, pack_id: str, expected: dict[str, str]) -> None:
    """Every disclosure, and every kind's view of them, says what ``expected`` says."""
    assert advice.pack_id == pack_id
    assert tuple(i.disclosure for i in advice.items) == DISCLOSURES
    for item in advice.items:
        assert item.verdict == expected[item.disclosure], (item.disclosure, item.reason)
        assert item.citations and all("54-192h" in c for c in item.citations)
        assert item.citations[0] in item.reason
    for kind in CONTACT_KINDS:
        shown = advice.for_kind(kind)
        assert [i.disclosure for i in shown] == list(KIND_DISCLOSURES[kind])
        for item in shown:
            assert item.verdict == expected[item.disclosure]
        flagged = advice.not_allowed([*KIND_DISCLOSURES[kind], "none"])
        assert {i.disclosure for i in flagged} == {
            d for d in KIND_DISCLOSURES[kind] if expected[d] != ALLOWED
        }


def expected_with(pack_id: str, index: int) -> dict[str, str]:
    return {d: LAW[pack_id][d][index] for d in DISCLOSURES}


GROUND_ROWS = [(p, g) for p in PACK_IDS for g in GROUND_CASES[p]]


def test_the_contract_ids() -> None:
    assert CONTACT_KINDS == (
        "detainer_received",
        "release_info_request",
        "interview_request",
        "inquiry",
        "transfer_arrival",
        "other",
    )
    assert DIRECTIONS == ("from_ice", "to_ice")
    assert CHANNELS == ("phone", "email", "fax", "in_person", "system", "other")
    assert DISCLOSURES == (
        "release_date",
        "custody_status",
        "interview_access",
        "hold",
        "transfer",
        "confidential",
    )
    assert set(KIND_DISCLOSURES) == set(CONTACT_KINDS)
    assert BASES == ("decision", "gates", "none")


def test_every_ground_of_every_pack_is_in_the_table(rules: RuleSet) -> None:
    for pack_id in PACK_IDS:
        pack = rules.pack(pack_id).pack
        assert set(GROUND_CASES[pack_id]) == {c.id for c in pack.criteria}
        assert pack.contacts is not None
        assert {r.disclosure for r in pack.contacts.rules} == set(DISCLOSURES)


@pytest.mark.parametrize(("pack_id", "ground"), GROUND_ROWS)
def test_a_decision_honored_on_each_ground(rules: RuleSet, pack_id: str, ground: str) -> None:
    pack = rules.pack(pack_id).pack
    decision = decide(rules, pack, **GROUND_CASES[pack_id][ground])
    assert decision.decision == "honor" and decision.grounds == (ground,)
    advice = advise(pack, decision=decision)
    assert advice.basis == "decision"
    check(advice, pack_id, expected_with(pack_id, 0))
    gate = next(g for g in pack.contacts.gates if g.criterion == ground)  # type: ignore[union-attr]
    for disclosure in set(DISCLOSURES) - ALWAYS[pack_id]:
        item = advice.advice_for(disclosure)
        # The advice names the ground it rests on, in the officer's words.
        assert gate.present in item.reason, item.reason
    if ground == "public_safety_risk":
        # The officer's own judgement: allowed, but a supervisor must confirm the ground.
        assert "supervisor review" in advice.advice_for("hold").reason
    if ground == "listed_offense_conviction":
        # The 2025 list is unverified: the verdict says so and names the items.
        hold = advice.advice_for("hold")
        assert "criteria/listed_offense_conviction" in hold.unverified
        assert "lists/ct_2025_added_offenses/53a-71" in hold.unverified
        assert "UNVERIFIED" in hold.reason


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_a_declined_decision(rules: RuleSet, pack_id: str) -> None:
    pack = rules.pack(pack_id).pack
    decision = decide(rules, pack)
    assert decision.decision == "decline" and not decision.needs_review
    advice = advise(pack, decision=decision)
    check(advice, pack_id, expected_with(pack_id, 1))
    for gate in pack.contacts.gates:  # type: ignore[union-attr]
        assert gate.absent in advice.advice_for("hold").reason


def test_the_officer_wording_of_the_issue(rules: RuleSet) -> None:
    pack = rules.pack("ct-2019").pack
    advice = advise(pack, decision=decide(rules, pack))
    assert advice.advice_for("release_date").reason == (
        "Release date may NOT be shared: no judicial warrant, no class A/B felony, "
        "no TSDB match — § 54-192h(b) (P.A. 19-20, 19-23)"
    )
    confidential = advice.advice_for("confidential")
    assert confidential.verdict == NEVER
    assert "Social Security" in confidential.reason and "never" in confidential.reason


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_a_decision_that_needs_review(rules: RuleSet, pack_id: str) -> None:
    """Declined because a gate is unknown: whatever depends on the gates is unknown."""
    pack = rules.pack(pack_id).pack
    decision = decide(rules, pack, tsdb_match=None)
    assert decision.decision == "decline" and decision.needs_review
    advice = advise(pack, decision=decision)
    expected = {d: (LAW[pack_id][d][0] if d in ALWAYS[pack_id] else UNKNOWN) for d in DISCLOSURES}
    check(advice, pack_id, expected)
    hold = advice.advice_for("hold")
    assert "TSDB not yet checked" in hold.reason and "no judicial" not in hold.reason.split("(")[0]


@pytest.mark.parametrize(("pack_id", "ground"), GROUND_ROWS)
def test_no_decision_gates_answered(rules: RuleSet, pack_id: str, ground: str) -> None:
    pack = rules.pack(pack_id).pack
    others = {c.id: False for c in pack.criteria}
    # This ground holds: allowed whatever the others (answered or not).
    for answers in ({ground: True}, {**others, ground: True}):
        advice = advise(pack, answers=answers)
        assert advice.basis == "gates"
        check(advice, pack_id, expected_with(pack_id, 0))
    # Every ground answered no.
    check(advise(pack, answers=others), pack_id, expected_with(pack_id, 1))
    # Only this one answered no: still open.
    partly = advise(pack, answers={ground: False})
    assert partly.basis == "gates"
    open_ = {d: (LAW[pack_id][d][0] if d in ALWAYS[pack_id] else UNKNOWN) for d in DISCLOSURES}
    if pack_id == "ct-2014":
        open_["custody_status"] = ALLOWED
    check(partly, pack_id, open_)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_no_decision_and_no_answers(rules: RuleSet, pack_id: str) -> None:
    pack = rules.pack(pack_id).pack
    for answers in (None, {}, {c.id: None for c in pack.criteria}):
        advice = advise(pack, answers=answers)
        assert advice.basis == "none"
        expected = {
            d: (LAW[pack_id][d][0] if d in ALWAYS[pack_id] else UNKNOWN) for d in DISCLOSURES
        }
        check(advice, pack_id, expected)
        assert "cannot be decided yet" in advice.advice_for("hold").reason


def test_a_decision_under_an_older_law_leaves_the_new_ground_open(rules: RuleSet) -> None:
    old = rules.pack("ct-2019").pack
    new = rules.pack("ct-2025").pack
    declined = decide(rules, old)
    advice = advise(new, decision=declined)
    assert advice.advice_for("release_date").verdict == UNKNOWN
    assert "offenses added in 2025 not yet checked" in advice.advice_for("release_date").reason
    answered = advise(new, decision=declined, answers={"listed_offense_conviction": False})
    assert answered.basis == "decision"
    assert answered.advice_for("release_date").verdict == NOT_ALLOWED


def test_bad_answers_are_refused_in_words(rules: RuleSet) -> None:
    pack = rules.pack("ct-2019").pack
    with pytest.raises(CoreError, match="has no ground 'felony_conviction'"):
        advise(pack, answers={"felony_conviction": True})
    with pytest.raises(CoreError, match="must be yes"):
        advise(pack, answers={"tsdb_match": "yes"})
    advice = advise(pack, answers={"tsdb_match": True})
    with pytest.raises(CoreError, match="unknown disclosure 'photo'"):
        advice.not_allowed(["photo"])
    with pytest.raises(CoreError, match="unknown contact kind"):
        advice.for_kind("visit")
    assert advice.not_allowed(["none"]) == ()


def test_a_pack_without_contact_rules_says_unknown_for_everything(rules: RuleSet) -> None:
    pack = rules.pack("ct-2019").pack._replace(contacts=None)
    advice = advise(pack, decision=decide(rules, pack))
    assert {i.verdict for i in advice.items} == {UNKNOWN}
    assert all("says nothing about contacts" in i.reason for i in advice.items)
    assert {i.disclosure for i in advice.not_allowed(DISCLOSURES)} == set(DISCLOSURES)


def test_the_verdicts_come_from_the_pack_data(rules: RuleSet) -> None:
    """Change a datum, the verdict follows: no verdict is written in code."""
    pack = rules.pack("ct-2019").pack
    assert pack.contacts is not None
    rules_ = tuple(
        r._replace(no_ground=r.no_ground._replace(verdict=ALLOWED, text="Go ahead"))
        if r.disclosure == "interview_access" and r.no_ground is not None
        else r
        for r in pack.contacts.rules
    )
    changed = pack._replace(contacts=pack.contacts._replace(rules=rules_))
    advice = advise(changed, answers={c.id: False for c in pack.criteria})
    assert advice.advice_for("interview_access").verdict == ALLOWED
    assert advice.advice_for("interview_access").reason.startswith("Go ahead: no judicial")
    assert advice.advice_for("release_date").verdict == NOT_ALLOWED


def test_unverified_rule_data_is_named_in_the_advice(rules: RuleSet) -> None:
    pack = rules.pack("ct-2019").pack
    advice = advise(pack, answers={"judicial_warrant": True})
    release = advice.advice_for("release_date")
    assert release.unverified == ("contacts/release_date/ground",)
    assert "UNVERIFIED" in release.reason
    verifications = dict(pack.verifications)
    verifications["contacts/release_date/ground"] = copy.copy(
        pack.verification("criteria/judicial_warrant")
    )
    signed = pack._replace(verifications=verifications)
    release = advise(signed, answers={"judicial_warrant": True}).advice_for("release_date")
    assert release.unverified == () and "UNVERIFIED" not in release.reason


# --- California: the advice names the conviction and its exact paragraph ------------------

#: Catalog section → the paragraphs of § 1192.7(c) (serious) and § 667.5(c) (violent) that
#: make it count, as the statute numbers them (written here, not read from the catalog).
CA_PARAGRAPHS = {
    "PC 187": ("1192.7(c)(1)", "667.5(c)(1)"),
    "PC 203": ("1192.7(c)(2)", "667.5(c)(2)"),
    "PC 207": ("1192.7(c)(20)", "667.5(c)(14)"),
    "PC 209": ("1192.7(c)(20)", "667.5(c)(14)"),
    "PC 211": ("1192.7(c)(19)", "667.5(c)(9)"),
    "PC 215": ("1192.7(c)(27)", "667.5(c)(17)"),
}
#: Pack → (its decision time, the actions a serious felony opens).
CA_PACKS = {
    "ca-2014": ("2016-03-01T09:00:00-08:00", ("hold",)),
    "ca-2018": ("2020-06-15T09:00:00-07:00", ("release_date", "transfer")),
}
CA_ROWS = [(p, s) for p in CA_PACKS for s in CA_PARAGRAPHS]


@pytest.fixture(scope="module")
def ca_rules() -> RuleSet:
    from trustdesk.rules.registry import load_rules

    return load_rules(jurisdiction="CA")


def ca_decide(rules: RuleSet, when: str, *convictions: dict[str, Any]) -> Decision:
    from datetime import datetime

    raw = {
        "decision_time": when,
        "detainer": {"form": "I-247A", "judicial_warrant": False},
        "person": {"name": "Test Person", "booking_number": "CA-1"},
        "convictions": list(convictions),
        "pending_charges": [],
        "facts": {
            "sex_arson_registrant": False,
            "federal_aggravated_felony": False,
            "federal_felony_warrant": False,
            "judicial_probable_cause": False,
        },
    }
    pack = rules.pack_for(datetime.fromisoformat(when))
    return evaluate(pack, parse_case(raw, "test", rules.sections))


def ca_felony(statute: str, day: str = "2012-05-01", **more: Any) -> dict[str, Any]:
    return {
        "statute": statute,
        "level": "felony",
        "class": "unclassified",
        "jurisdiction": "CA",
        "date": day,
        **more,
    }


@pytest.mark.parametrize(("pack_id", "statute"), CA_ROWS)
def test_california_advice_cites_the_conviction_s_paragraph(
    ca_rules: RuleSet, pack_id: str, statute: str
) -> None:
    when, opened = CA_PACKS[pack_id]
    decision = ca_decide(ca_rules, when, ca_felony(statute))
    pack = ca_rules.pack(pack_id).pack
    assert decision.rule_pack == pack_id
    serious, violent = CA_PARAGRAPHS[statute]
    cited = f"{statute} (felony, 2012-05-01) — Penal Code § {serious}; Penal Code § {violent}"
    advice = advise(pack, decision=decision)
    for action in opened:
        item = advice.advice_for(action)
        assert item.verdict in ("allowed", "allowed_with_conditions"), item.reason
        assert f"serious or violent felony conviction ({cited})" in item.reason
        outcome = decision.outcome_of(action)
        assert outcome is not None
        assert f"Convicted of a serious or violent felony: {cited}" in outcome.reasons
    # What is never opened by a conviction names no paragraph.
    assert "1192.7" not in advice.advice_for("confidential").reason


def test_california_advice_without_a_cited_paragraph_names_the_ground_only(
    ca_rules: RuleSet,
) -> None:
    # The officer enters "serious" from the judgment for a section the catalog does not
    # flag: the ground is met, but no paragraph is invented for it.
    when, _ = CA_PACKS["ca-2018"]
    decision = ca_decide(ca_rules, when, ca_felony("PC 459", flags=["serious"]))
    release = advise(ca_rules.pack("ca-2018").pack, decision=decision).advice_for("release_date")
    assert "serious or violent felony conviction" in release.reason
    assert "1192.7(c)(" not in release.reason
    assert decision.outcome_of("release_date").reasons == ()  # type: ignore[union-attr]


def test_two_convictions_are_each_named_with_their_paragraph(ca_rules: RuleSet) -> None:
    when, _ = CA_PACKS["ca-2018"]
    decision = ca_decide(
        ca_rules, when, ca_felony("PC 211", "2015-01-02"), ca_felony("187 PC", "2001-07-08")
    )
    release = advise(ca_rules.pack("ca-2018").pack, decision=decision).advice_for("release_date")
    assert "PC 211 (felony, 2015-01-02) — Penal Code § 1192.7(c)(19)" in release.reason
    assert "187 PC (felony, 2001-07-08) — Penal Code § 1192.7(c)(1)" in release.reason


def test_connecticut_records_carry_no_paragraphs(rules: RuleSet) -> None:
    # The CT catalog cites no flag paragraph: its decisions' JSON is unchanged.
    from trustdesk.core.record import decision_to_json

    pack = rules.pack("ct-2025").pack
    decision = decide(rules, pack, **GROUND_CASES["ct-2025"]["listed_offense_conviction"])
    written = decision_to_json(decision)
    assert all("reasons" not in o for o in written["outcomes"])
    assert all("matched" not in t for t in written["trace"])


def test_the_paragraphs_survive_the_record(ca_rules: RuleSet) -> None:
    from trustdesk.core.record import decision_from_json, decision_to_json

    when, _ = CA_PACKS["ca-2018"]
    decision = ca_decide(ca_rules, when, ca_felony("PC 211"))
    written = decision_to_json(decision)
    read = decision_from_json(written)
    assert decision_to_json(read) == written
    assert read.outcome_of("release_date") == decision.outcome_of("release_date")
    # The advice from the stored record names the paragraph as the fresh decision did.
    pack = ca_rules.pack("ca-2018").pack
    assert "1192.7(c)(19)" in advise(pack, decision=read).advice_for("release_date").reason


def test_a_california_release_date_given_under_its_conditions_is_not_flagged(
    ca_rules: RuleSet,
) -> None:
    """Under SB 54 a release date may be given (with conditions: a notice to the person,
    no local rule against it) once a listed ground is met: giving it is lawful, not a
    disclosure the law did not allow (the service records it as allowed, with the
    officer's word on the conditions, for a supervisor to confirm:
    tests/ui/test_california_agency.py). Without a ground, it is not allowed."""
    when, _ = CA_PACKS["ca-2018"]
    pack = ca_rules.pack("ca-2018").pack
    robbery = advise(pack, decision=ca_decide(ca_rules, when, ca_felony("PC 211")))
    release = robbery.advice_for("release_date")
    assert release.verdict == "allowed_with_conditions" and release.conditions
    assert robbery.not_allowed(["release_date"]) == ()
    nothing = advise(pack, decision=ca_decide(ca_rules, when))
    assert [i.disclosure for i in nothing.not_allowed(["release_date"])] == ["release_date"]


def test_contact_texts_refuse_what_case_texts_refuse() -> None:
    """A direction override would show "Agent \u202eredlaW" as "Agent Walder" in the
    record; C1 controls and DEL likewise. New lines and tabs in a note stay allowed."""
    from trustdesk.services.contact_input import words
    from trustdesk.services.errors import InvalidRequest

    for bad in ("Agent \u202eredlaW", "x\u2066y", "a\x85b", "a\x7fb"):
        with pytest.raises(InvalidRequest, match="ice officer contains"):
            words(bad, "ice_officer")
    assert words("first line\n\tsecond", "note") == "first line\n\tsecond"


def test_advice_names_each_paragraph_once() -> None:
    from trustdesk.cli.contacts_text import render_advice
    from trustdesk.core.contacts import ContactAdvice, DisclosureAdvice

    cited = "§ 54-192h(b) (as amended in 2025)"
    item = DisclosureAdvice("release_date", "allowed", f"May be given — {cited}", (cited,))
    other = DisclosureAdvice("transfer", "not_allowed", "Not without a ground", (cited,))
    text = render_advice(ContactAdvice("ct-2025", "decision", (item, other)))
    assert text.count(cited) == 2  # once in each line, never twice in one


def test_a_contact_given_under_conditions_is_shown_so() -> None:
    from datetime import UTC, datetime

    from trustdesk.cli.contacts_text import render_contact, render_list
    from trustdesk.store.contact_records import ContactRecord

    at = datetime(2020, 6, 15, 17, 0, tzinfo=UTC)
    record = ContactRecord(
        id=1,
        contact_id=1,
        version=1,
        amends=None,
        reason=None,
        person_id=1,
        booking_number="CA-1",
        decision_id=1,
        kind="release_info_request",
        direction="from_ice",
        occurred_at=at,
        channel="phone",
        ice_office="",
        ice_officer="",
        asked="",
        given=("release_date",),
        note="",
        user_id=2,
        user="ortiz",
        recorded_at=at,
        pack_id="ca-2018",
        advice_json="{}",
        allowed=True,
        unlawful_reason="told in writing at 10:40",
        review_needed=True,
        app_version="t",
        audit_seq=9,
        person_name="Ana Ruiz",
    )
    shown = render_contact((record,), ())
    assert "Allowed only with conditions (ca-2018)" in shown and "told in writing" in shown
    assert "NOT ALLOWED" not in shown
    assert "[allowed with conditions, review]" in render_list([record])


def test_a_stored_contact_says_which_decision_version_judged_it() -> None:
    """From the stored advice: the decision version and since when; a contact stored
    before the version was kept names its decision only; none: nothing decided then."""
    from dataclasses import replace
    from datetime import UTC, datetime

    from trustdesk.services.contact_wording import recorded_judged_by
    from trustdesk.store.contact_records import ContactRecord

    at = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
    used = (
        '{"basis":"decision","decision":{"id":4,"in_force_from":"2026-11-20T16:00:00.000000Z",'
        '"named":false,"version":2},"items":[],"pack":"ct-2025"}'
    )
    record = ContactRecord(
        id=1, contact_id=1, version=1, amends=None, reason=None, person_id=1,
        booking_number="NH-1", decision_id=4, kind="inquiry", direction="from_ice",
        occurred_at=at, channel="phone", ice_office="", ice_officer="", asked="",
        given=(), note="", user_id=2, user="ann", recorded_at=at, pack_id="ct-2025",
        advice_json=used, allowed=True, unlawful_reason=None, review_needed=False,
        app_version="t", audit_seq=9,
    )  # fmt: skip

    def when(moment: datetime) -> str:
        return moment.isoformat()

    assert recorded_judged_by(record, when) == (
        "decision 4, version 2 (in force from 2026-11-20T16:00:00+00:00), the decision on "
        "record at the contact's time"
    )
    older = replace(record, advice_json='{"basis":"decision","items":[],"pack":"ct-2025"}')
    assert recorded_judged_by(older, when) == "decision 4"
    nothing = replace(record, decision_id=None, advice_json='{"basis":"none","items":[]}')
    assert recorded_judged_by(nothing, when) == (
        "no decision on record at the contact's time, and no ground answered"
    )
    assert recorded_judged_by(replace(nothing, advice_json="{}"), when) is None

"""Item-by-item verification: what the shipped packs say, how the engine uses it, and the
revision a sign-off makes (issue 15 §1)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from casekit import conviction, make_case
from trustdesk import resources
from trustdesk.core.evaluate import UNVERIFIED_GROUNDS, evaluate
from trustdesk.core.pack import RulePack, Verification
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError
from trustdesk.rules.registry import RuleSet
from trustdesk.rules.revision import (
    Attestation,
    check_attestation,
    pack_items,
    resolve_items,
    revise,
)

LIST = "lists/ct_2025_added_offenses"
GROUND = "criteria/listed_offense_conviction"
COUNSEL = Verification(
    True, by="Dana Reyes", title="Town Attorney", source="P.A. 25-xx § 1", on=date(2026, 12, 1)
)


def with_verified(pack: RulePack, *items: str) -> RulePack:
    return pack._replace(verifications={**pack.verifications, **dict.fromkeys(items, COUNSEL)})


def decide(rules: RuleSet, pack: RulePack, *statutes: str) -> Any:
    raw = make_case(convictions=[conviction(s, "felony", "C", date="2012-05-01") for s in statutes])
    return evaluate(pack, parse_case(raw, "test", rules.sections))


def test_every_item_of_every_shipped_pack_says_how_it_was_verified(rules: RuleSet) -> None:
    for loaded in rules.packs:
        pack = loaded.pack
        assert set(pack.verifications) == set(pack_items(pack))
        for item, verification in pack.verifications.items():
            if verification.verified:
                assert verification.by and verification.title and verification.source, item
                assert verification.on is not None
            else:
                assert verification.note and verification.sources, item


#: The contact rules the project could not confirm from the text it read (decision 0027).
UNCONFIRMED_CONTACT_RULES = {
    "ct-2014": {
        "contacts/release_date/always",
        "contacts/interview_access/always",
        "contacts/transfer/no_ground",
        "contacts/confidential/always",
    },
    "ct-2019": {
        "contacts/release_date/ground",
        "contacts/custody_status/ground",
        "contacts/interview_access/ground",
        "contacts/transfer/ground",
        "contacts/transfer/no_ground",
    },
}


def test_only_the_2025_additions_and_unconfirmed_contact_rules_are_unverified(
    rules: RuleSet,
) -> None:
    for pack_id, expected in UNCONFIRMED_CONTACT_RULES.items():
        assert set(rules.pack(pack_id).pack.unverified_items()) == expected
    pack = rules.pack("ct-2025").pack
    unverified = set(pack.unverified_items())
    assert {i for i in unverified if i.startswith("contacts/")} == UNCONFIRMED_CONTACT_RULES[
        "ct-2019"
    ]
    (listed,) = pack.lists
    assert {f"{LIST}/{s}" for s in listed.statutes} <= unverified
    assert {GROUND, LIST, "dates"} <= unverified
    # The gates kept from 2019 stay verified, with the source already named.
    gate = pack.verification("criteria/judicial_warrant")
    assert gate.verified and "Public Act 19-20" in gate.source
    assert not listed.verified


def test_a_listed_offense_needs_review_until_its_items_are_verified(rules: RuleSet) -> None:
    pack = rules.pack("ct-2025").pack
    before = decide(rules, pack, "53a-71")
    assert before.grounds == ("listed_offense_conviction",)
    assert before.needs_review and UNVERIFIED_GROUNDS in before.review_reasons
    assert set(before.rests_on) == {GROUND, f"{LIST}/53a-71"}
    # The section alone is not enough: the ground's own text is unverified too.
    half = decide(rules, with_verified(pack, f"{LIST}/53a-71"), "53a-71")
    assert half.needs_review and len(half.unverified) == 1 and GROUND not in half.unverified[0]
    signed = with_verified(pack, GROUND, f"{LIST}/53a-71")
    after = decide(rules, signed, "53a-71")
    assert (after.decision, after.grounds) == (before.decision, before.grounds)
    assert not after.needs_review and after.unverified == ()
    # Another section of the same list is still unverified: that decision still goes.
    other = decide(rules, signed, "53a-72a")
    assert other.needs_review and any("§ 53a-72a is UNVERIFIED" in n for n in other.unverified)
    # Two listed convictions: one resting only on verified items is enough.
    both = decide(rules, signed, "53a-72a", "53a-71")
    assert not both.needs_review and both.unverified == ()


def test_a_decline_rests_on_the_list_being_complete(rules: RuleSet) -> None:
    pack = rules.pack("ct-2025").pack
    declined = decide(rules, pack, "53a-135")
    assert declined.decision == "decline" and not declined.needs_review
    assert declined.rests_on == (LIST,)
    assert "(whether it is complete) is UNVERIFIED" in declined.unverified[0]
    assert decide(rules, with_verified(pack, LIST), "53a-135").unverified == ()


def _attest(*items: str, on: date = date(2026, 12, 1)) -> Attestation:
    return Attestation(items, "P.A. 25-xx § 1", "Dana Reyes", "Town Attorney", on)


def test_revision_changes_only_the_chosen_verifications() -> None:
    path = resources.resource("rules", "ct-2025.json")
    original = json.loads(path.read_text())
    revised = json.loads(revise(path.read_bytes(), str(path), _attest(GROUND, f"{LIST}/53a-71")))
    assert revised["criteria"][3]["verification"] == {
        "status": "verified",
        "by": "Dana Reyes",
        "title": "Town Attorney",
        "source": "P.A. 25-xx § 1",
        "on": "2026-12-01",
    }
    assert revised["lists"][0]["entries"]["53a-71"]["status"] == "verified"
    assert revised["lists"][0]["entries"]["53a-72a"] == original["lists"][0]["entries"]["53a-72a"]
    assert revised["last_verified_on"] == "2026-12-01"
    assert (
        "Counsel sign-off of 2 items by Dana Reyes (Town Attorney)"
        in (revised["verification_note"])
    )
    for key in ("questions", "actions", "tests", "hold_clock", "effective_from", "summary"):
        assert revised[key] == original[key]
    # An older sign-off never moves last_verified_on back.
    old = json.loads(revise(path.read_bytes(), str(path), _attest(GROUND, on=date(2026, 1, 2))))
    assert old["last_verified_on"] == original["last_verified_on"]


def test_items_are_named_by_id_or_by_bare_section(rules: RuleSet) -> None:
    pack = rules.pack("ct-2025").pack
    assert resolve_items(pack, ["53a-71", GROUND, "53a-71"]) == (f"{LIST}/53a-71", GROUND)
    with pytest.raises(InputError, match="has no item 'criteria/nope'"):
        resolve_items(pack, ["criteria/nope"])
    with pytest.raises(InputError, match="no item chosen"):
        resolve_items(pack, [])


@pytest.mark.parametrize(
    ("attestation", "pointer"),
    [
        (Attestation(("dates",), " ", "Dana", "Counsel", date(2026, 1, 1)), "/source"),
        (Attestation(("dates",), "P.A.", "Dana", "", date(2026, 1, 1)), "/title"),
        (Attestation(("dates",), "P.A.", "D" * 401, "Counsel", date(2026, 1, 1)), "/by"),
        (Attestation(("dates",), "P.A.", "Dana", "Counsel", date(2026, 12, 5)), "/on"),
    ],
    ids=["blank source", "no title", "long name", "future"],
)
def test_an_incomplete_attestation_is_refused(attestation: Attestation, pointer: str) -> None:
    with pytest.raises(InputError) as caught:
        check_attestation(attestation, date(2026, 12, 4))
    assert caught.value.pointer == pointer


def test_contact_rules_are_items_that_counsel_can_sign_off(rules: RuleSet) -> None:
    pack = rules.pack("ct-2019").pack
    items = pack_items(pack)
    assert "contacts/release_date/ground" in items
    assert "contacts/confidential/always" in items
    assert "contacts/confidential/ground" not in items
    from trustdesk.rules.revision import item_label

    assert item_label(pack, "contacts/release_date/no_ground") == (
        "Contact with ICE — Release date, when no ground holds: not_allowed "
        "(§ 54-192h(b) (P.A. 19-20, 19-23))"
    )
    # A case word alone names no item (only a bare section does).
    with pytest.raises(InputError, match="has no item 'always'"):
        resolve_items(pack, ["always"])
    path = resources.resource("rules", "ct-2019.json")
    original = json.loads(path.read_text())
    item = "contacts/interview_access/ground"
    revised = json.loads(revise(path.read_bytes(), str(path), _attest(item)))
    rule = next(r for r in revised["contacts"]["rules"] if r["disclosure"] == "interview_access")
    assert rule["ground"]["verification"]["status"] == "verified"
    assert rule["ground"]["verification"]["by"] == "Dana Reyes"
    assert (
        rule["no_ground"]
        == next(r for r in original["contacts"]["rules"] if r["disclosure"] == "interview_access")[
            "no_ground"
        ]
    )
    assert revised["criteria"] == original["criteria"]

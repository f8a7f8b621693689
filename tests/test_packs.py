"""The shipped rule packs load, validate and pass their own tests; broken packs are refused."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources
from trustdesk.rules.errors import InputError, PackTestFailure
from trustdesk.rules.packs import bundled_pack_paths, load_pack
from trustdesk.rules.packtests import run_one
from trustdesk.rules.registry import RuleSet, load_rules

PACK_IDS = ["ct-2014", "ct-2019", "ct-2025"]


def raw_pack(pack_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.resource("rules", f"{pack_id}.json").read_text())
    return data


def embedded_tests() -> list[tuple[str, int]]:
    return [
        (pack_id, index) for pack_id in PACK_IDS for index in range(len(raw_pack(pack_id)["tests"]))
    ]


def test_bundled_packs_are_the_three_versions(rules: RuleSet) -> None:
    assert [p.name for p in bundled_pack_paths()] == [f"{i}.json" for i in PACK_IDS]
    spans = [
        (lp.pack.id, str(lp.pack.effective_from), str(lp.pack.effective_to)) for lp in rules.packs
    ]
    assert spans == [
        ("ct-2014", "2014-01-01", "2019-09-30"),
        ("ct-2019", "2019-10-01", "2025-09-30"),
        ("ct-2025", "2025-10-01", "None"),
    ]


def test_ground_ids_are_the_documented_ones(rules: RuleSet) -> None:
    grounds = {lp.pack.id: [c.id for c in lp.pack.criteria] for lp in rules.packs}
    assert grounds == {
        "ct-2014": [
            "felony_conviction",
            "pending_charges_no_bond",
            "outstanding_ct_warrant",
            "gang_or_srg",
            "tsdb_match",
            "final_removal_order",
            "public_safety_risk",
        ],
        "ct-2019": ["judicial_warrant", "class_a_b_felony_conviction", "tsdb_match"],
        "ct-2025": [
            "judicial_warrant",
            "class_a_b_felony_conviction",
            "tsdb_match",
            "listed_offense_conviction",
        ],
    }


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_each_pack_embeds_at_least_15_tests(pack_id: str) -> None:
    assert len(raw_pack(pack_id)["tests"]) >= 15


@pytest.mark.parametrize(("pack_id", "index"), embedded_tests())
def test_embedded_case(rules: RuleSet, pack_id: str, index: int) -> None:
    loaded = rules.pack(pack_id)
    result = run_one(loaded.pack, index, loaded.tests[index], pack_id, rules.sections)
    assert result.problems == ()


def test_2025_list_is_shipped_unverified_with_sources(rules: RuleSet) -> None:
    (statute_list,) = rules.pack("ct-2025").pack.lists
    assert statute_list.verified is False
    assert statute_list.sources
    assert {"53a-71", "53a-72a", "53-21", "53a-223"} <= statute_list.statutes
    missing = [s for s in statute_list.statutes if s not in rules.sections]
    assert missing == []


def write(tmp_path: Path, data: dict[str, Any] | str) -> Path:
    path = tmp_path / "pack.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def refused(tmp_path: Path, data: dict[str, Any] | str, rules: RuleSet) -> InputError:
    with pytest.raises(InputError) as caught:
        load_pack(write(tmp_path, data), catalog=rules.sections)
    return caught.value


UNVERIFIED = {"status": "unverified", "note": "not yet checked"}
COUNSEL = {
    "status": "verified",
    "by": "Dana Reyes",
    "title": "Agency counsel",
    "source": "Public Act 19-20, § 1",
    "on": "2026-12-01",
}


def _add_list(d: dict[str, Any], entries: dict[str, Any]) -> None:
    d["lists"].append(
        {
            "id": "x",
            "title": "X",
            "verification": UNVERIFIED,
            "entries": entries,
            "sources": ["s"],
            "statutes": ["53a-71"],
        }
    )


def mutate(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(raw_pack("ct-2019"))
    change(data)
    return data


# One invalid fixture per rule of the format, each with the message a user sees.
INVALID = [
    ("unknown key", lambda d: d.update(colour="red"), "/colour", "unknown key 'colour'"),
    ("missing key", lambda d: d.pop("last_verified_on"), "", "missing required key"),
    (
        "wrong type",
        lambda d: d["hold_clock"].update(hours="48"),
        "/hold_clock/hours",
        "must be a whole number, not text",
    ),
    ("bad id", lambda d: d.update(id="CT 2019"), "/id", "(Stable pack id, e.g. ct-2019"),
    (
        "bad date",
        lambda d: d.update(effective_from="1/10/2019"),
        "/effective_from",
        "'1/10/2019' is not a date written YYYY-MM-DD",
    ),
    (
        "impossible date",
        lambda d: d.update(effective_from="2019-02-30"),
        "/effective_from",
        "not a real date",
    ),
    ("too few tests", lambda d: d.update(tests=d["tests"][:3]), "/tests", "at least 15 items"),
    (
        "empty text",
        lambda d: d["criteria"][0].update(title=" "),
        "/criteria/0/title",
        "must not be blank",
    ),
    (
        "unknown weekday",
        lambda d: d["hold_clock"].update(excluded_weekdays=["caturday"]),
        "/hold_clock/excluded_weekdays/0",
        "'caturday' is not allowed; use one of: monday,",
    ),
    (
        "unknown question field",
        lambda d: d["questions"][0].update(field="shoe_size"),
        "/questions/0/field",
        "'shoe_size' is not allowed; use one of:",
    ),
    (
        "duplicate criterion id",
        lambda d: d["criteria"][2].update(id="judicial_warrant"),
        "/criteria/2/id",
        "used twice",
    ),
    (
        "feeds unknown criterion",
        lambda d: d["questions"][0].update(feeds=["nope"]),
        "/questions/0/feeds/0",
        "no criterion with id 'nope'",
    ),
    (
        "condition with unknown question",
        lambda d: d["criteria"][0].update(condition={"answer": "shoe"}),
        "/criteria/0/condition/answer",
        "no question with id 'shoe'",
    ),
    (
        "condition with two operators",
        lambda d: d["criteria"][0].update(
            condition={"answer": "tsdb_match", "not": {"answer": "tsdb_match"}}
        ),
        "/criteria/0/condition",
        "matches none of the allowed forms; expected a condition over the case",
    ),
    (
        "end before start",
        lambda d: d.update(effective_to="2019-01-01"),
        "/effective_to",
        "before effective_from",
    ),
    (
        "unknown time zone",
        lambda d: d["hold_clock"].update(timezone="America/Springfield"),
        "/hold_clock/timezone",
        "unknown time zone",
    ),
    ("format version 1", lambda d: d.update(schema_version=1), "/schema_version", "must be 2"),
    (
        "criterion without verification",
        lambda d: d["criteria"][0].pop("verification"),
        "/criteria/0",
        "missing required key 'verification'",
    ),
    (
        "verified without who",
        lambda d: d["criteria"][1].update(
            verification={k: v for k, v in COUNSEL.items() if k != "by"}
        ),
        "/criteria/1/verification",
        "missing required key 'by'",
    ),
    (
        "verification with a made-up status",
        lambda d: d["hold_clock"].update(verification={**COUNSEL, "status": "checked"}),
        "/hold_clock/verification/status",
        "'checked' is not allowed; use one of: unverified, verified",
    ),
    (
        "verified on a date not written YYYY-MM-DD",
        lambda d: d["actions"][0].update(verification={**COUNSEL, "on": "1 Dec 2026"}),
        "/actions/0/verification/on",
        "'1 Dec 2026' is not a date written YYYY-MM-DD",
    ),
    (
        "list section without its verification",
        lambda d: _add_list(d, {}),
        "/lists/0/entries",
        "has no verification for section 53a-71",
    ),
    (
        "verification of a section not in the list",
        lambda d: _add_list(d, {"53a-71": UNVERIFIED, "53a-72a": COUNSEL}),
        "/lists/0/entries/53a-72a",
        "not in the list's statutes",
    ),
    (
        "bad list section",
        lambda d: d["lists"].append(
            {
                "id": "x",
                "title": "X",
                "verification": UNVERIFIED,
                "entries": {},
                "sources": ["s"],
                "statutes": ["robbery"],
            }
        ),
        "/lists/0/statutes/0",
        "'robbery' is not a section in canonical form",
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "pointer", "reason"), INVALID, ids=[i[0] for i in INVALID]
)
def test_invalid_pack_is_refused_with_pointer(
    tmp_path: Path, rules: RuleSet, label: str, change: Any, pointer: str, reason: str
) -> None:
    error = refused(tmp_path, mutate(change), rules)
    assert error.pointer == pointer, str(error)
    assert reason in error.reason, str(error)
    assert str(error).startswith(f"{tmp_path / 'pack.json'}: ")
    assert "\n" not in str(error)


def test_duplicate_key_in_pack_is_refused(tmp_path: Path, rules: RuleSet) -> None:
    text = json.dumps(raw_pack("ct-2019"), indent=1).replace(
        '"hours": 48,', '"hours": 48, "hours": 96,'
    )
    error = refused(tmp_path, text, rules)
    assert (error.pointer, error.reason) == (
        "/hold_clock",
        "duplicate key 'hours'; each key may appear once",
    )


def test_pack_whose_own_test_fails_is_refused(tmp_path: Path, rules: RuleSet) -> None:
    def flip(data: dict[str, Any]) -> None:
        data["tests"][2]["expect"]["decision"] = "decline"

    with pytest.raises(PackTestFailure) as caught:
        load_pack(write(tmp_path, mutate(flip)), catalog=rules.sections)
    message = str(caught.value)
    assert "rule pack ct-2019 refused: 1 of its own 21 test cases fail" in message
    assert "/tests/2 (Connecticut class B felony conviction permits cooperation)" in message
    assert "expected decline, got honor" in message


def test_a_changed_rule_is_caught_by_the_pack_tests(tmp_path: Path, rules: RuleSet) -> None:
    # An agency edit that lets class C felonies through contradicts the pack's own tests.
    def widen(data: dict[str, Any]) -> None:
        where = data["criteria"][1]["condition"]["where"]["all"][1]
        where["in"] = ["A", "B", "C"]

    with pytest.raises(PackTestFailure, match="Class C felony does not"):
        load_pack(write(tmp_path, mutate(widen)), catalog=rules.sections)


def test_refused_pack_leaves_loaded_rules_in_force(tmp_path: Path, rules: RuleSet) -> None:
    bad = write(tmp_path, mutate(lambda d: d.update(colour="red")))
    with pytest.raises(InputError):
        load_rules([*bundled_pack_paths(), bad])
    assert [lp.pack.id for lp in rules.packs] == PACK_IDS


def test_overlapping_packs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="loaded twice"):
        load_rules([*bundled_pack_paths(), bundled_pack_paths()[1]])


def test_validated_pack_is_remembered_and_revalidated_after_a_change(tmp_path: Path) -> None:
    env = {**os.environ, "TRUSTDESK_CACHE_DIR": str(tmp_path / "cache")}
    probe = (
        "import sys; from trustdesk.rules.registry import load_rules; load_rules(); "
        "print('jsonschema' in sys.modules)"
    )

    def loaded_jsonschema() -> bool:
        out = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        )
        return out.stdout.strip() == "True"

    assert loaded_jsonschema() is True  # first run validates
    assert loaded_jsonschema() is False  # second run trusts the cache
    (tmp_path / "cache").joinpath("junk.json").write_text("{")
    for path in (tmp_path / "cache").glob("validated-packs-*.json"):
        path.write_text("not json")
    assert loaded_jsonschema() is True  # an unusable cache is simply redone


def _contact_rule(d: dict[str, Any], disclosure: str) -> dict[str, Any]:
    rule: dict[str, Any] = next(r for r in d["contacts"]["rules"] if r["disclosure"] == disclosure)
    return rule


# The contacts section (issue 14): each refusal names where and what to fix.
INVALID_CONTACTS = [
    (
        "gate for no criterion",
        lambda d: d["contacts"]["gates"][0].update(criterion="felony_conviction"),
        "/contacts/gates/0/criterion",
        "no criterion with id 'felony_conviction'",
    ),
    (
        "ground named twice",
        lambda d: d["contacts"]["gates"][1].update(criterion="judicial_warrant"),
        "/contacts/gates/1/criterion",
        "names 'judicial_warrant' again",
    ),
    (
        "ground not named",
        lambda d: d["contacts"]["gates"].pop(),
        "/contacts/gates",
        "does not name ground 'tsdb_match'",
    ),
    (
        "disclosure ruled twice",
        lambda d: d["contacts"]["rules"][1].update(disclosure="release_date"),
        "/contacts/rules/1/disclosure",
        "'release_date' has a rule already",
    ),
    (
        "unknown verdict",
        lambda d: _contact_rule(d, "hold")["ground"].update(verdict="maybe"),
        "/contacts/rules/3/ground/verdict",
        "",
    ),
    (
        "always and ground together",
        lambda d: _contact_rule(d, "confidential").update(
            ground=copy.deepcopy(_contact_rule(d, "confidential")["always"])
        ),
        "/contacts/rules/5",
        "",
    ),
    (
        "ground without no_ground",
        lambda d: _contact_rule(d, "hold").pop("no_ground"),
        "/contacts/rules/3",
        "",
    ),
    (
        "a rule missing",
        lambda d: d["contacts"]["rules"].pop(),
        "/contacts/rules",
        "",
    ),
    (
        "contact verification not a real date",
        lambda d: _contact_rule(d, "hold")["no_ground"]["verification"].update(on="2026-02-30"),
        "/contacts/rules/3/no_ground/verification/on",
        "is not a real date",
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "pointer", "reason"), INVALID_CONTACTS, ids=[i[0] for i in INVALID_CONTACTS]
)
def test_invalid_contact_rules_are_refused_with_pointer(
    tmp_path: Path, rules: RuleSet, label: str, change: Any, pointer: str, reason: str
) -> None:
    error = refused(tmp_path, mutate(change), rules)
    assert error.pointer == pointer, str(error)
    assert reason in error.reason, str(error)
    assert "\n" not in str(error)


def test_a_pack_without_contact_rules_still_loads(tmp_path: Path, rules: RuleSet) -> None:
    """Packs written before issue 14 (kept versions, imported packs) stay valid."""

    def drop(data: dict[str, Any]) -> None:
        data.pop("contacts")
        for test in data["tests"]:
            test["expect"].pop("contacts", None)

    loaded = load_pack(write(tmp_path, mutate(drop)), catalog=rules.sections)
    assert loaded.pack.contacts is None
    assert not any(i.startswith("contacts/") for i in loaded.pack.verifications)


def test_a_changed_contact_rule_is_caught_by_the_pack_tests(tmp_path: Path, rules: RuleSet) -> None:
    """An edit letting ICE interview anyone contradicts the pack's own contact verdicts."""

    def open_interviews(data: dict[str, Any]) -> None:
        _contact_rule(data, "interview_access")["no_ground"]["verdict"] = "allowed"

    with pytest.raises(PackTestFailure) as caught:
        load_pack(write(tmp_path, mutate(open_interviews)), catalog=rules.sections)
    message = str(caught.value)
    assert "/tests/1 (An ICE administrative warrant alone does not)" in message
    assert "expected interview_access not_allowed for a contact, got allowed" in message


def test_contact_expectations_need_a_contacts_section(tmp_path: Path, rules: RuleSet) -> None:
    with pytest.raises(PackTestFailure, match="the pack has no contacts section"):
        load_pack(write(tmp_path, mutate(lambda d: d.pop("contacts"))), catalog=rules.sections)

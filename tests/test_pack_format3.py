"""Pack format 3 (several actions per decision) and the format-2 converter (decision 0036).

* Every shipped pack and every kept version converts, the converted file is a valid
  format-3 pack, and it decides every embedded case of every pack exactly as the
  format-2 file does (decision, grounds, review, trace, hold, actions).
* A synthetic pack of a made-up jurisdiction (tests/fixtures/packs/zz-2020.json) runs
  through the same engine: several actions, an ``always`` conditional outcome, no hold
  clock, a look-back ground, a generic case fact, its own time zone.
* Decisions with and without outcomes round-trip through their JSON.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from trustdesk.core.errors import CoreError, NoRulePackError
from trustdesk.core.evaluate import evaluate
from trustdesk.core.record import decision_from_json, decision_to_json
from trustdesk.core.select import select_pack
from trustdesk.rules import schema_check
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.errors import InputError, PackTestFailure
from trustdesk.rules.pack_format1 import is_format_1, read_format_1
from trustdesk.rules.pack_history import MANIFEST, history_dir
from trustdesk.rules.pack_migrate import migrate_v2
from trustdesk.rules.packs import LoadedPack, bundled_pack_paths, compile_pack, load_pack
from trustdesk.rules.registry import RuleSet

FIXTURE = Path(__file__).parent / "fixtures" / "packs" / "zz-2020.json"


def pack_files() -> list[Path]:
    """Connecticut's shipped packs and the kept versions of formats 1 and 2 (what the
    conversion to format 3 is for; California's packs were written in format 3)."""
    kept = json.loads((history_dir() / MANIFEST).read_text())["packs"]
    older = (e["file"] for e in kept if e["schema_version"] < 3)
    return [*bundled_pack_paths(), *(history_dir() / name for name in older)]


def format_2(path: Path) -> dict[str, Any]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return read_format_1(raw, str(path)) if is_format_1(raw) else raw


def loaded_all(rules: RuleSet) -> list[LoadedPack]:
    return [load_pack(p, catalog=rules.sections, old_formats=True) for p in pack_files()]


def comparable(decision: Any) -> dict[str, Any]:
    written = decision_to_json(decision)
    written.pop("rule_pack_sha256")
    written.pop("outcomes", None)
    return written


@pytest.mark.parametrize("path", pack_files(), ids=lambda p: p.name[:16])
def test_every_format_2_pack_converts_and_decides_the_same(
    path: Path, rules: RuleSet, tmp_path: Path
) -> None:
    old = load_pack(path, catalog=rules.sections, old_formats=True)
    converted = migrate_v2(format_2(path), complete=True)
    # The written form is a valid format-3 pack (its own schema, its own tests).
    schema_check.validate(converted, "rule-pack", "converted")
    assert converted["schema_version"] == 3
    assert converted["timezone"] == format_2(path)["hold_clock"]["timezone"]
    assert "timezone" not in converted["hold_clock"]
    assert sum(1 for o in converted["outcomes"] if o.get("decides_hold")) == 1
    target = tmp_path / path.name
    target.write_text(json.dumps(converted), encoding="utf-8")
    if is_format_1(json.loads(path.read_text(encoding="utf-8"))):
        # Its embedded tests keep format 1's review expectations (rules/pack_format1.py):
        # compile it without them; the comparison below is the test of its substance.
        new = LoadedPack(compile_pack(converted, str(target)), (), target)
    else:
        new = load_pack(target, catalog=rules.sections)
    assert new.pack.jurisdiction == "CT" and new.pack.jurisdiction_name == "Connecticut"
    # Every embedded case of every pack in force on its date decides the same.
    cases = [
        (other.path, index, test)
        for other in loaded_all(rules)
        for index, test in enumerate(other.tests)
    ]
    compared = 0
    for source, index, test in cases:
        case = parse_case(test["case"], f"{source} /tests/{index}", rules.sections)
        try:
            before = evaluate(old.pack, case)
        except CoreError:  # a case outside the pack's dates: not comparable
            continue
        after = evaluate(new.pack, case)
        assert comparable(after) == comparable(before), (source.name, test["name"])
        if old.pack.contacts is not None:
            assert after.outcomes == before.outcomes
        compared += 1
    assert compared >= len(old.tests)


def test_the_converted_packs_are_all_compared() -> None:
    formats = [json.loads(p.read_text(encoding="utf-8"))["schema_version"] for p in pack_files()]
    assert len(formats) >= 13 and set(formats) == {1, 2}


def test_shipped_packs_read_as_format_3_with_connecticut_data_from_the_packs(
    rules: RuleSet,
) -> None:
    for loaded in rules.packs:
        pack = loaded.pack
        assert pack.timezone == "America/New_York"
        assert "54-192h" in pack.before_first
        hold = pack.hold_action
        assert hold is not None and hold.disclosure == "hold"
        assert pack.outcomes[0].disclosure == "release_date"
        # The 2019 copy-and-intent duty (an action of the format-2 pack) requires the
        # notice; the 2014 pack had no such duty and requires none (memo tests say so).
        duty = any(action.id == "give_copy_and_intent" for action in pack.actions)
        assert pack.required_notices == (("detainer_copy_and_intent",) if duty else ())
        assert duty == (pack.id != "ct-2014")


def test_a_format_2_pack_without_contacts_gets_a_hold_outcome_when_written(
    rules: RuleSet, tmp_path: Path
) -> None:
    raw = format_2(bundled_pack_paths()[0])
    raw.pop("contacts")
    for test in raw["tests"]:
        test["expect"].pop("contacts", None)
    loaded_raw = migrate_v2(raw)
    assert "outcomes" not in loaded_raw  # read as before: no advice on contacts
    written = migrate_v2(raw, complete=True)
    schema_check.validate(written, "rule-pack", "written")
    assert [o["id"] for o in written["outcomes"]] == ["hold"]
    assert written["outcomes"][0]["when_ground"]["verification"]["status"] == "unverified"
    assert {g["criterion"] for g in written["outcome_gates"]} == {c["id"] for c in raw["criteria"]}


# --- a synthetic jurisdiction --------------------------------------------------------


@pytest.fixture(scope="module")
def synthetic() -> LoadedPack:
    # No catalog: the made-up sections are taken as entered. Its 15 embedded tests
    # (look-back edges, reductions, probable cause, a fact) run at load.
    return load_pack(FIXTURE)


def synthetic_case(**fields: Any) -> dict[str, Any]:
    raw = json.loads(FIXTURE.read_text())["tests"][0]["case"]
    raw.update(fields)
    return dict(raw)


def test_the_synthetic_pack_loads_with_its_own_jurisdiction(synthetic: LoadedPack) -> None:
    pack = synthetic.pack
    assert (pack.jurisdiction, pack.jurisdiction_name) == ("ZZ", "Testland")
    assert pack.timezone == "Pacific/Honolulu"
    assert pack.clock is None
    assert [r.disclosure for r in pack.outcomes] == [
        "hold",
        "release_date",
        "transfer",
        "interview_access",
    ]


def test_several_actions_are_decided_at_once(synthetic: LoadedPack) -> None:
    case = parse_case(synthetic_case(detainer={"form": "I-247A", "judicial_warrant": True}), "case")
    decision = evaluate(synthetic.pack, case)
    # The hold is never allowed: the legacy decision is decline, with no clock.
    assert decision.decision == "decline"
    assert decision.hold is None and decision.hold_rule == ""
    by_id = {o.id: o for o in decision.outcomes}
    assert by_id["hold"].outcome == "not_allowed"
    assert by_id["release_date"].outcome == "allowed"
    assert by_id["release_date"].grounds == ("judicial_warrant",)
    assert by_id["release_date"].notices == ("release_date_told",)
    assert by_id["release_date"].citations == ("§ 4(a)",)
    assert by_id["transfer"].outcome == "allowed"
    interview = by_id["interview_access"]
    assert interview.outcome == "allowed_with_conditions"
    assert interview.conditions == ("The person has signed the consent form",)
    assert interview.grounds == ()


def test_an_unsettled_ground_leaves_only_its_actions_unknown(synthetic: LoadedPack) -> None:
    case = parse_case(
        synthetic_case(
            detainer={"form": "I-247A", "judicial_warrant": None},
            facts={"current_registrant": False},
        ),
        "case",
    )
    decision = evaluate(synthetic.pack, case)
    by_id = {o.id: o for o in decision.outcomes}
    assert by_id["transfer"].outcome == "unknown"
    assert "Judicial warrant" in by_id["transfer"].text
    assert by_id["release_date"].outcome == "unknown"
    assert by_id["hold"].outcome == "not_allowed"  # always: unknowns change nothing
    assert decision.needs_review


def test_the_synthetic_pack_is_chosen_by_its_own_zone_and_refuses_earlier_dates(
    synthetic: LoadedPack,
) -> None:
    # 09:00 UTC on 1 January 2020 is still 31 December 2019 in Honolulu.
    before = parse_case(synthetic_case(decision_time="2020-01-01T09:00:00Z"), "case")
    with pytest.raises(NoRulePackError, match="the Testland act took effect on 2020-01-01"):
        select_pack([synthetic.pack], before.decision_time)
    inside = parse_case(synthetic_case(decision_time="2020-01-01T10:00:00Z"), "case")
    assert select_pack([synthetic.pack], inside.decision_time) is synthetic.pack


def test_a_hold_allowed_without_a_clock_is_refused(tmp_path: Path) -> None:
    raw = json.loads(FIXTURE.read_text())
    raw["outcomes"][0]["always"]["outcome"] = "allowed"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError) as caught:
        load_pack(path)
    assert caught.value.pointer == "/outcomes/0/always/outcome"
    assert "hold_clock is null" in caught.value.reason


@pytest.mark.parametrize(
    ("change", "pointer", "words"),
    [
        (lambda d: d["outcomes"][1].update(decides_hold=True), "/outcomes", "exactly one"),
        (lambda d: d["outcomes"][2].update(id="release_date"), "/outcomes/2/id", "decided already"),
        (
            lambda d: d["outcomes"][2].update(grounds=["nothing"]),
            "/outcomes/2/grounds/0",
            "no criterion",
        ),
        (lambda d: d["outcome_gates"].pop(), "/outcome_gates", "does not name ground"),
        (lambda d: d.update(timezone="Mars/Olympus"), "/timezone", "unknown time zone"),
        (lambda d: d.update(schema_version=4), "/schema_version", "must be 2 or 3"),
    ],
)
def test_bad_format_3_packs_are_refused_with_a_pointer(
    tmp_path: Path, change: Any, pointer: str, words: str
) -> None:
    raw = json.loads(FIXTURE.read_text())
    change(raw)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(InputError) as caught:
        load_pack(path)
    assert caught.value.pointer == pointer, str(caught.value)
    assert words in caught.value.reason


# --- decision records ----------------------------------------------------------------


def test_decisions_round_trip_with_and_without_outcomes(
    synthetic: LoadedPack, rules: RuleSet
) -> None:
    case = parse_case(synthetic_case(), "case")
    decision = evaluate(synthetic.pack, case)
    written = decision_to_json(decision)
    assert [o["id"] for o in written["outcomes"]] == [
        "hold",
        "release_date",
        "transfer",
        "interview_access",
    ]
    back = decision_from_json(json.loads(json.dumps(written)))
    assert back.outcomes == decision.outcomes
    assert decision_to_json(back) == written
    # A record made before format 3 has no outcomes and writes none back.
    older = dict(written)
    older.pop("outcomes")
    again = decision_from_json(older)
    assert again.outcomes == ()
    assert decision_to_json(again) == older


# --- what would change each action ---------------------------------------------------


def test_what_would_change_each_action_under_a_law_that_never_allows_a_hold(
    synthetic: LoadedPack,
) -> None:
    from trustdesk.core.counterfactual import (
        action_sections,
        what_would_change,
        what_would_change_actions,
    )

    raw = json.loads(FIXTURE.read_text())["tests"]
    reduced = parse_case(raw[5]["case"], "case")  # a serious conviction, reduced
    # The hold can never change: the decision's own counterfactual has nothing to say.
    assert what_would_change(synthetic.pack, reduced).flips == ()
    flips = what_would_change_actions(synthetic.pack, reduced)
    assert {f.action for f in flips} == {"release_date", "transfer"}
    assert all(f.action != "interview_access" for f in flips)  # always: nothing changes it
    release = [f for f in flips if f.action == "release_date"]
    # The reduction is what stands between the conviction and the release date.
    undone = next(f for f in release if f.change.attribute == "reduced_to_misdemeanor")
    assert (undone.before, undone.after) == ("not_allowed", "allowed")
    assert "“reduced to a misdemeanor” were No" in undone.fact
    # A recent felony (the look-back ground) is one of the facts ICE could show.
    assert any("A felony conviction within 5 years." in f.fact for f in release)
    # A flag the catalog gives is varied like any yes/no attribute.
    outside = parse_case(raw[7]["case"], "case")  # a felony just outside the window
    flagged = [f for f in what_would_change_actions(synthetic.pack, outside) if "flag" in f.fact]
    assert [f.after for f in flagged] == ["allowed"]
    assert "had the flag “serious”" in flagged[0].fact
    headed = dict(action_sections(flips))
    assert set(headed) == {"What would change: Release date", "What would change: Transfer to ICE"}
    assert any(
        line.endswith("Release date may be shared.")
        for line in headed["What would change: Release date"]
    )


# --- importing, signing and comparing format-3 packs --------------------------------


def test_a_format_3_pack_imports_and_compares_with_its_format_2_original(
    tmp_path: Path,
) -> None:
    from trustdesk.rules.imports import check_import, install
    from trustdesk.rules.pack_diff import diff_packs

    source = next(p for p in bundled_pack_paths() if p.name == "ct-2025.json")
    original = format_2(source)
    converted = migrate_v2(original, complete=True)
    written = tmp_path / "ct-2025.json"
    written.write_text(json.dumps(converted, indent=2), encoding="utf-8")
    # The same law in the other format: the difference lists nothing but the format.
    lines = diff_packs(original, converted).lines()
    assert not any("Contacts with ICE" in line for line in lines), lines
    assert not any("Hold clock" in line for line in lines), lines
    changed = copy.deepcopy(converted)
    release = next(o for o in changed["outcomes"] if o["id"] == "release_date")
    release["when_no_ground"]["outcome"] = "allowed_with_conditions"
    shown = "\n".join(diff_packs(original, changed).lines())
    assert "when no ground holds: NOT allowed → allowed with conditions" in shown
    # It imports in place of the shipped format-2 pack and decides as it did.
    folder = tmp_path / "data" / "rules"
    installed = install(check_import(written, folder))
    pack = installed.rules.pack("ct-2025").pack
    assert pack.sha256 != load_pack(source).pack.sha256
    assert pack.hold_action is not None and pack.timezone == "America/New_York"
    # A pack of another jurisdiction is refused by name at import.
    with pytest.raises(InputError, match="is a rule pack of ZZ, not of CT"):
        check_import(FIXTURE, folder)


def test_a_signed_format_3_pack_is_reviewed_for_import(tmp_path: Path) -> None:
    from trustdesk.rules.pack_review import review_import
    from trustdesk.rules.signing import generate_key, load_private_key, sign_pack

    source = next(p for p in bundled_pack_paths() if p.name == "ct-2025.json")
    converted = migrate_v2(format_2(source), complete=True)
    pack_bytes = json.dumps(converted, indent=2).encode()
    secret = b"a passphrase long enough"
    generate_key("Testland publisher", tmp_path / "pub.key", secret)
    private = load_private_key(tmp_path / "pub.key", lambda: secret)
    signed = tmp_path / "ct-2025.tdpack"
    signed.write_bytes(sign_pack(pack_bytes, private.key, private.publisher))
    review = review_import(signed, tmp_path / "data" / "rules", ())
    assert review.opened.signature is not None and review.opened.pack == pack_bytes
    assert review.checked.loaded.pack.outcomes[0].disclosure == "release_date"
    assert review.diff is not None
    assert not any("Contacts with ICE" in line for line in review.diff.lines())


def test_unverified_grounds_that_permit_no_hold_are_worded_for_the_actions(
    tmp_path: Path,
) -> None:
    from trustdesk.core.evaluate import UNVERIFIED_ACTION_GROUNDS, UNVERIFIED_GROUNDS

    raw = json.loads(FIXTURE.read_text())
    raw["criteria"][2]["verification"] = {"status": "unverified", "note": "not read yet"}
    path = tmp_path / "zz-2020.json"
    path.write_text(json.dumps(raw))
    pack = load_pack(path).pack  # its own tests still pass: they state the law as verified
    case = parse_case(raw["tests"][4]["case"], "case")  # a serious conviction
    decision = evaluate(pack, case)
    assert decision.grounds == ("serious_conviction",) and decision.decision == "decline"
    assert UNVERIFIED_ACTION_GROUNDS in decision.review_reasons
    assert UNVERIFIED_GROUNDS not in decision.review_reasons
    release = decision.outcome_of("release_date")
    assert release is not None and "criteria/serious_conviction" in release.unverified


def test_an_unknown_answer_matters_while_an_action_it_opens_is_open(
    synthetic: LoadedPack,
) -> None:
    from trustdesk.core.relevance import can_change_outcome

    raw = json.loads(FIXTURE.read_text())["tests"]
    case = parse_case(raw[14]["case"], "case")  # serious conviction, warrant unknown
    decision = evaluate(synthetic.pack, case)
    warrant = next(q for q in synthetic.pack.questions if q.id == "warrant")
    registrant = next(q for q in synthetic.pack.questions if q.id == "registrant")
    # The warrant alone opens transfer: it still matters. Registration opens only the
    # release date, which the serious conviction has settled.
    assert can_change_outcome(warrant, decision.trace, synthetic.pack)
    assert not can_change_outcome(registrant, decision.trace, synthetic.pack)
    # Judged on the hold alone (no pack), neither would.
    assert not can_change_outcome(warrant, decision.trace)
    assert any("judicial warrant" in reason for reason in decision.review_reasons)


def test_counsel_signs_off_a_format_3_outcome_by_its_item_id(tmp_path: Path) -> None:
    from datetime import date

    from trustdesk.rules.revision import Attestation, item_label, pack_items, revise

    raw = json.loads(FIXTURE.read_text())
    raw["outcomes"][1]["when_ground"]["verification"] = {"status": "unverified", "note": "?"}
    path = tmp_path / "zz-2020.json"
    path.write_text(json.dumps(raw))
    pack = load_pack(path).pack
    item = "contacts/release_date/ground"
    assert item in pack_items(pack) and item in pack.unverified_items()
    assert item_label(pack, item).startswith("Contact with ICE — Release date, when a ground")
    attestation = Attestation(
        (item,), "Testland Act § 4", "Dana Reyes", "Counsel", date(2026, 12, 1)
    )
    revised = json.loads(revise(path.read_bytes(), str(path), attestation))
    assert revised["outcomes"][1]["when_ground"]["verification"]["by"] == "Dana Reyes"
    assert revised["outcomes"][1]["when_no_ground"] == raw["outcomes"][1]["when_no_ground"]
    again = tmp_path / "again.json"
    again.write_text(json.dumps(revised))
    assert load_pack(again).pack.verification(item).verified


def test_embedded_tests_may_state_the_contact_verdicts_of_a_format_3_pack(
    tmp_path: Path,
) -> None:
    raw = json.loads(FIXTURE.read_text())
    raw["tests"][0]["expect"]["contacts"] = {
        "interview_access": "allowed_with_conditions",
        "hold": "never",
        "release_date": "not_allowed",
    }
    path = tmp_path / "zz-2020.json"
    path.write_text(json.dumps(raw))
    assert load_pack(path).tests[0]["expect"]["contacts"]["hold"] == "never"
    raw["tests"][0]["expect"]["contacts"]["hold"] = "not_allowed"
    path.write_text(json.dumps(raw))
    with pytest.raises(PackTestFailure, match="expected hold not_allowed for a contact, got never"):
        load_pack(path)

"""The difference an administrator reads before importing a pack: complete and readable.

The expected changes are computed here from the two packs' JSON, independently of
``rules.pack_diff``, and each must appear in the listing — and nothing it does not hold.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from trustdesk import resources
from trustdesk.rules.catalog import load_catalog
from trustdesk.rules.pack_diff import PackDiff, diff_packs


def raw(pack_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.resource("rules", f"{pack_id}.json").read_text())
    return data


def membership(pack: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for statute_list in pack["lists"]:
        for section in statute_list["statutes"]:
            found.setdefault(section, set()).add(statute_list["id"])
    return found


@pytest.fixture(scope="module")
def real() -> tuple[dict[str, Any], dict[str, Any], PackDiff]:
    old, new = raw("ct-2019"), raw("ct-2025")
    names = {entry.section: entry.title for entry in load_catalog()}
    return old, new, diff_packs(old, new, names)


def texts(diff: PackDiff, topic: str) -> list[str]:
    return [change.text for change in diff.topic(topic)]


def test_every_offense_added_removed_or_reclassified_is_listed_once(real: Any) -> None:
    old, new, diff = real
    before, after = membership(old), membership(new)
    added = after.keys() - before.keys()
    removed = before.keys() - after.keys()
    moved = {s for s in before.keys() & after.keys() if before[s] != after[s]}
    assert added, "ct-2025 adds offenses; this test must see them"
    offenses = texts(diff, "Offenses listed by the pack")
    catalog = {entry.section: entry.title for entry in load_catalog()}
    for verb, sections in (("Added", added), ("Removed", removed), ("Reclassified", moved)):
        for section in sections:
            hits = [t for t in offenses if t.startswith(f"{verb}: § {section} ")]
            assert len(hits) == 1, (verb, section, offenses)
            assert catalog[section] in hits[0]  # the offense's name, not only its number
    new_lists = {item["id"] for item in new["lists"]} - {item["id"] for item in old["lists"]}
    for list_id in new_lists:
        (item,) = [i for i in new["lists"] if i["id"] == list_id]
        assert any(item["title"] in t and t.startswith("New list") for t in offenses)
        assert any(f"{len(item['statutes'])} sections" in t for t in offenses)
    # Nothing else: one line per section changed, one per new or removed list.
    assert len(offenses) == len(added) + len(removed) + len(moved) + len(new_lists)


def test_every_gate_added_removed_or_changed_is_listed(real: Any) -> None:
    old, new, diff = real
    gates = texts(diff, "Gates (when cooperation is permitted)")
    before = {c["id"]: c for c in old["criteria"]}
    after = {c["id"]: c for c in new["criteria"]}
    for gate_id in after.keys() - before.keys():
        assert any(t == f"New gate: “{after[gate_id]['title']}”" for t in gates), gate_id
    for gate_id in before.keys() - after.keys():
        assert any(t == f"Gate removed: “{before[gate_id]['title']}”" for t in gates), gate_id
    changed_fields = 0
    for gate_id in before.keys() & after.keys():
        was, now = before[gate_id], after[gate_id]
        title = f"Gate “{now['title']}”"
        for field in ("title", "citation"):
            if was.get(field) != now.get(field):
                changed_fields += 1
                assert f"{title}: its {field} changed" in gates
                change = next(c for c in diff.changes if c.text == f"{title}: its {field} changed")
                assert (change.was, change.now) == (was[field], now[field])
        for key in set(was["explain"]) | set(now["explain"]):
            if was["explain"].get(key) != now["explain"].get(key):
                changed_fields += 1
                assert any(t.startswith(f"{title}: the explanation when") for t in gates)
        if was["condition"] != now["condition"]:
            changed_fields += 1
            assert any(t.startswith(title) and ("changed" in t or "review" in t) for t in gates)
    added = len(after.keys() - before.keys())
    assert changed_fields > 0 and len(gates) >= added + changed_fields


def test_dates_citations_sources_questions_and_actions_are_listed(real: Any) -> None:
    old, new, diff = real
    dates = texts(diff, "Dates")
    for key, what in (("effective_from", "In force from"), ("effective_to", "In force until")):
        if old[key] != new[key]:
            assert any(t.startswith(what) and str(old[key]) in t for t in dates)
    assert "In force until: 2025-09-30 → no end date (in force until replaced)" in dates
    for topic, key, noun in (
        ("Citations", "citations", "citation"),
        ("Sources", "sources", "source"),
    ):
        listed = texts(diff, topic)
        for item in set(new[key]) - set(old[key]):
            assert f"New {noun}: {item}" in listed
        for item in set(old[key]) - set(new[key]):
            assert f"No longer given ({noun}): {item}" in listed
    for topic, key, noun in (
        ("Questions asked", "questions", "Question"),
        ("Required and prohibited actions", "actions", "Action"),
    ):
        listed = texts(diff, topic)
        after = {item["id"]: item for item in new[key]}
        for item in old[key]:
            changed = [f for f in item if f != "id" and item[f] != after[item["id"]].get(f)]
            mentioned = [t for t in listed if t.startswith(f"{noun} “")]
            if changed:
                assert mentioned, (item["id"], changed)
        assert len(listed) == sum(
            1
            for item in old[key]
            for f in set(item) | set(after[item["id"]])
            if f != "id" and item.get(f) != after[item["id"]].get(f)
        )


def test_the_listing_reads_as_sentences_with_before_and_after(real: Any) -> None:
    _, _, diff = real
    text = diff.text()
    assert text.startswith("Changes from ct-2019 (")
    assert "\nOffenses listed by the pack:\n" in text
    assert (
        "  • Added: § 53a-71 Sexual assault in the second degree — in “Offenses added to " in text
    )
    assert "      was: Conn. Gen. Stat. § 54-192h(b) (as amended by P.A. 19-20" in text
    assert "{" not in "\n".join(diff.lines()[:40])  # no raw JSON where words can be given
    assert "permits cooperation when a record in convictions where section is in list" in text
    felony = "Gate “Convicted of a class A or class B felony”"
    assert (
        f"  • Verification of {felony}: verified by TrustDesk project, Rule-data maintainers "
        "(not agency counsel), against Public Acts 19-20 (sSB 992), § 1, and 19-23 (SB 1115), "
        "as signed 2019-06-18, on 2026-11-27 (The subsection letters of the 2019 text were not "
        "checked against the official revision.) → verified by TrustDesk project" in text
    )
    assert '"status"' not in text  # verification objects are worded, never dumped


def test_identical_packs_say_so() -> None:
    pack = raw("ct-2025")
    assert diff_packs(pack, copy.deepcopy(pack)).lines() == [
        "ct-2025 (Connecticut TRUST Act as amended in 2025 (HB 7259)) is identical in content "
        "to ct-2025 (Connecticut TRUST Act as amended in 2025 (HB 7259))."
    ]


def test_reclassification_class_changes_verification_and_unknown_fields() -> None:
    old = raw("ct-2025")
    new = copy.deepcopy(old)
    offenses = new["lists"][0]
    offenses["statutes"].remove("53a-223")
    moved = offenses["entries"].pop("53a-223")
    new["lists"].append(
        {**copy.deepcopy(offenses), "id": "orders", "title": "Protective orders",
         "statutes": ["53a-223"], "entries": {"53a-223": moved}}
    )  # fmt: skip
    counsel = {
        "status": "verified",
        "by": "A. Counsel",
        "title": "County Attorney",
        "source": "Public Act 25-168, § 3",
        "on": "2027-01-15",
    }
    offenses["verification"] = counsel
    offenses["entries"]["53a-71"] = counsel
    felony = next(c for c in new["criteria"] if c["id"] == "class_a_b_felony_conviction")
    felony["condition"]["where"]["all"][1]["in"] = ["A", "B", "C"]
    felony["condition"]["unsettled"].pop()
    new["last_verified_on"] = "2027-01-15"
    new["hold_clock"]["hours"] = 36
    new["hold_clock"]["verification"] = counsel
    new["dates_verification"] = counsel
    offenses["checked_by_board"] = True  # a field of a later schema
    diff = diff_packs(old, new)
    listed = diff.text()
    assert "Reclassified: § 53a-223 moves from “Offenses added to § 54-192h in 2025”" in listed
    assert "to “Protective orders”, unverified" in listed
    assert "now marked VERIFIED" in listed
    change = next(c for c in diff.changes if c.text.endswith("what it accepts changed"))
    assert change.was is not None and "class is one of A, B" in change.was
    assert change.now is not None and "class is one of A, B, C" in change.now
    assert "no longer sent to review when" in listed
    assert "Last verified on: 2026-11-27 → 2027-01-15" in listed
    assert "The hold clock: its hours changed" in listed
    signed = (
        "→ verified by A. Counsel, County Attorney, against Public Act 25-168, § 3, on 2027-01-15"
    )
    was_list = old["lists"][0]["verification"]["note"]
    assert (
        "Verification of List “Offenses added to § 54-192h in 2025”, verified: "
        f"unverified ({was_list}; sources: senatedems.ct.gov" in listed
    )
    was_entry = old["lists"][0]["entries"]["53a-71"]["note"]
    assert (
        f"verification of § 53a-71 in “Offenses added to § 54-192h in 2025”: unverified "
        f"({was_entry}; sources: " in listed
    )
    for item in ("§ 53a-71 in “Offenses", "List “Offenses", "The hold clock", "the dates"):
        (line,) = [t for t in listed.splitlines() if f"erification of {item}" in t]
        assert line.endswith(signed), line
    assert "its checked by board changed" in listed  # an unknown field is still reported
    assert "{" not in listed  # every verification in words, never as JSON


def test_contact_rules_are_listed_verdict_first() -> None:
    old = raw("ct-2019")
    new = copy.deepcopy(old)
    rules = {r["disclosure"]: r for r in new["contacts"]["rules"]}
    rules["interview_access"]["no_ground"]["verdict"] = "unknown"
    rules["interview_access"]["no_ground"]["verification"] = {
        "status": "unverified",
        "note": "a court read the bar narrowly",
        "sources": ["a ruling"],
    }
    rules["release_date"]["citation"] = "§ 54-192h(b)(1)(B)"
    new["contacts"]["gates"][0]["absent"] = "no warrant signed by a judge"
    diff = diff_packs(old, new)
    listed = texts(diff, "Contacts with ICE (what may be given)")
    assert "Interview access, when no ground holds: NOT allowed → unknown (ask a supervisor)" in (
        listed
    )
    assert any(
        t.startswith("Verification of Interview access, when no ground holds: verified by")
        and t.endswith("→ unverified (a court read the bar narrowly; sources: a ruling)")
        for t in listed
    )
    assert "Rule Release date: its citation changed" in listed
    assert "How ground judicial_warrant is named in the advice changed" in listed
    # A pack that gains the section lists each rule in words.
    older = copy.deepcopy(old)
    del older["contacts"]
    gained = texts(diff_packs(older, old), "Contacts with ICE (what may be given)")
    assert gained[0] == "The pack now says what may be given to ICE"
    assert (
        "New rule: Confidential information — whatever the grounds: NEVER (§ 54-192h (P.A. 19-20))"
        in gained
    )
    assert "{" not in diff_packs(older, old).text()

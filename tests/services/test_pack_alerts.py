"""The administrators' alerts about the rule packs: stale verification, and a newer
version of the law in effect but not installed (services decide; the GUI shows them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources
from trustdesk.rules.errors import InputError
from trustdesk.rules.packs import bundled_pack_paths, load_pack
from trustdesk.rules.registry import RuleSet, load_rules
from trustdesk.services.pack_alerts import administrator_alerts

NEXT = {"id": "ct-2027", "effective_from": "2027-10-01", "citation": "Public Act 27-1, § 3"}


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=UTC)


def with_2025(tmp_path: Path, change: Any) -> RuleSet:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    change(data)
    path = tmp_path / "ct-2025.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return load_rules([*bundled_pack_paths()[:2], path])


def test_current_packs_raise_no_alert(rules: RuleSet) -> None:
    assert administrator_alerts(rules, at("2026-12-04")) == []


def test_a_pack_verified_over_a_year_ago_is_named(rules: RuleSet) -> None:
    assert administrator_alerts(rules, at("2027-11-27")) == []  # exactly a year: not yet
    alerts = administrator_alerts(rules, at("2027-11-29"))
    assert [a.split(" was last")[0] for a in alerts] == [
        "Rule pack ct-2014",
        "Rule pack ct-2019",
        "Rule pack ct-2025",
    ]
    assert "27 Nov 2026, more than a year ago" in alerts[2]


def test_a_named_next_version_in_effect_but_not_installed(tmp_path: Path) -> None:
    rules = with_2025(tmp_path, lambda d: d.update(next_version=NEXT))
    assert rules.pack("ct-2025").pack.next_version is not None
    assert administrator_alerts(rules, at("2027-09-30")) == []  # not yet in effect
    (alert,) = administrator_alerts(rules, at("2027-10-01"))
    assert "names a newer version of the law, ct-2027 (Public Act 27-1, § 3)" in alert
    assert "in effect since 01 Oct 2027; it is not installed: import it" in alert


def test_a_next_version_that_is_installed_raises_nothing(tmp_path: Path, rules: RuleSet) -> None:
    named = with_2025(tmp_path, lambda d: d.update(next_version={**NEXT, "id": "ct-2019"}))
    assert administrator_alerts(named, at("2027-10-02")) == []


def test_law_that_ended_with_nothing_after_it(tmp_path: Path) -> None:
    rules = with_2025(tmp_path, lambda d: d.update(effective_to="2027-06-30"))
    assert administrator_alerts(rules, at("2027-06-30")) == []
    (alert,) = administrator_alerts(rules, at("2027-07-01"))
    assert "No installed rule pack covers today: the latest, ct-2025, ended on 30 Jun 2027" in alert


@pytest.mark.parametrize(
    ("value", "pointer"),
    [
        ({**NEXT, "effective_from": "2027-02-30"}, "/next_version/effective_from"),
        ({**NEXT, "id": "CT 2027"}, "/next_version/id"),
        ({"id": "ct-2027"}, "/next_version"),
    ],
)
def test_a_bad_next_version_is_refused(tmp_path: Path, value: Any, pointer: str) -> None:
    data = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    data["next_version"] = value
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_pack(path)
    assert caught.value.pointer == pointer


#: The ct-2014 shipped before the current one (history manifest), and the current one.
EARLIER_2014 = "a34cf0c86412bad4e1fd8daa000e4220e161a8f0fe14832bcd567d0bcc64c133"


def _shipped_2014() -> str:
    return load_rules().pack("ct-2014").pack.sha256


def _in_place_of_2014(tmp_path: Path, data: bytes) -> tuple[RuleSet, str]:
    """The rules with ``data`` as the agency's ct-2014, and that pack's SHA-256."""
    path = tmp_path / "agency" / "ct-2014.json"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    rules = load_rules(extra_files=[path])
    assert [lp.pack.id for lp in rules.replaced] == ["ct-2014"]
    return rules, rules.pack("ct-2014").pack.sha256


def _earlier_2014() -> bytes:
    from trustdesk.rules.pack_history import kept_file

    path = kept_file("ct-2014", EARLIER_2014)
    assert path is not None
    return path.read_bytes()


def test_an_agency_pack_kept_from_an_earlier_shipped_version_is_named(tmp_path: Path) -> None:
    # The agency's ct-2014 is the version TrustDesk shipped before the current one (which
    # sends a juvenile adjudication to review): it stays in force without that change.
    assert _shipped_2014() != EARLIER_2014
    rules, agency = _in_place_of_2014(tmp_path, _earlier_2014())
    assert agency == EARLIER_2014
    assert administrator_alerts(rules, at("2026-12-06")) == []  # nothing asked of the chain
    (alert,) = administrator_alerts(rules, at("2026-12-06"), {})
    assert alert.startswith("Your agency's rule pack ct-2014, in force in place of TrustDesk")
    assert f"shipped as {EARLIER_2014[:12]}…; TrustDesk now ships {_shipped_2014()[:12]}…" in alert
    assert "whose changes yours does not have" in alert and "Rule packs" in alert


def test_a_revision_is_followed_back_to_the_shipped_version_it_replaced(tmp_path: Path) -> None:
    # A sign-off or import makes a version of its own (not a shipped one): the chain of
    # what each replaced, from the audit trail, leads back to the shipped version.
    data = json.loads(_earlier_2014())
    data["title"] += " (agency)"
    rules, agency = _in_place_of_2014(tmp_path, json.dumps(data).encode())
    now = at("2026-12-06")
    made_from_earlier = {agency: "b" * 64, "b" * 64: EARLIER_2014}
    (alert,) = administrator_alerts(rules, now, made_from_earlier)
    assert f"shipped as {EARLIER_2014[:12]}…" in alert
    # Made from the version shipped now: nothing to tell.
    assert administrator_alerts(rules, now, {agency: _shipped_2014()}) == []
    # No record of what it replaced (or a loop in a damaged trail): nothing is guessed.
    assert administrator_alerts(rules, now, {}) == []
    assert administrator_alerts(rules, now, {agency: "c" * 64, "c" * 64: agency}) == []


def test_the_audit_trail_of_an_import_gives_what_it_replaced(tmp_path: Path, desk: Any) -> None:
    from test_rulepack_archive import UNSIGNED, Holder

    from trustdesk.rules.registry import rules_for_data_dir

    holder = Holder(rules_for_data_dir(desk.store.data_dir))
    admin = desk.session("admin")
    source = tmp_path / "usb" / "ct-2014.json"
    source.parent.mkdir()
    source.write_bytes(_earlier_2014())
    imported = desk.services.rulepacks.import_pack(admin, source, holder, override=UNSIGNED)
    replaced = desk.services.rulepacks.replacements()
    assert replaced == {imported.sha256: _shipped_2014()}
    (alert,) = administrator_alerts(holder.rules, at("2026-12-06"), replaced)
    assert f"shipped as {EARLIER_2014[:12]}…; TrustDesk now ships {_shipped_2014()[:12]}" in alert


def test_an_administrator_keeps_the_agency_version_on_the_record(tmp_path: Path, desk: Any) -> None:
    # The agency's ct-2014 is the earlier shipped version: the alert names it until an
    # administrator records why the agency keeps it; then it stops, and the record says
    # who kept what and why. Bad requests change nothing.
    from test_rulepack_archive import UNSIGNED, Holder

    from trustdesk.rules.registry import rules_for_data_dir
    from trustdesk.services.errors import InvalidRequest, PermissionDenied
    from trustdesk.store.pack_imports import SHIPPED_CHANGE_KEPT

    holder = Holder(rules_for_data_dir(desk.store.data_dir))
    service, admin = desk.services.rulepacks, desk.session("admin")
    source = tmp_path / "usb" / "ct-2014.json"
    source.parent.mkdir()
    source.write_bytes(_earlier_2014())
    imported = service.import_pack(admin, source, holder, override=UNSIGNED)
    rules, now = holder.rules, at("2026-12-06")

    def alerts() -> list[str]:
        return administrator_alerts(rules, now, service.replacements(), service.changes_kept())

    (change,) = service.pending_changes(rules)
    assert (change.pack_id, change.agency, change.made_from) == (
        "ct-2014",
        imported.sha256,
        EARLIER_2014,
    )
    assert change.shipped == _shipped_2014()
    assert len(alerts()) == 1
    with pytest.raises(PermissionDenied):
        service.keep_agency_version(desk.session("officer"), rules, "ct-2014", "x" * 20)
    with pytest.raises(InvalidRequest, match="The reason is 5 characters; give 10 to 500"):
        service.keep_agency_version(admin, rules, "ct-2014", " ok  ok ")
    with pytest.raises(InvalidRequest, match="rule pack ct-2025 has no shipped change"):
        service.keep_agency_version(admin, rules, "ct-2025", "Counsel keeps the old reading")
    assert desk.store.audit.of_events(SHIPPED_CHANGE_KEPT) == [] and len(alerts()) == 1

    reason = "Counsel advised: keep the 2014 reading of juvenile records until reviewed"
    kept = service.keep_agency_version(admin, rules, "ct-2014", f"  {reason} ")
    assert kept == change
    assert alerts() == [] and service.pending_changes(rules) == []
    (entry,) = desk.store.audit.of_events(SHIPPED_CHANGE_KEPT)
    objects = json.loads(entry.objects)
    assert objects["reason"] == reason and objects["sha256"] == imported.sha256
    assert objects["shipped_sha256"] == _shipped_2014() and objects["pack"] == "ct-2014"
    with pytest.raises(InvalidRequest, match="already recorded"):
        service.keep_agency_version(admin, rules, "ct-2014", reason)
    # A later shipped version is another change: named again, whatever was kept before.
    later = {(kept.agency, "d" * 64)}
    assert administrator_alerts(rules, now, service.replacements(), later) != []


def test_a_version_put_back_in_force_keeps_where_it_came_from(tmp_path: Path) -> None:
    # X made from the earlier shipped ct-2014, then Y, then X again: the trail records X
    # replacing Y the second time, and X is still made from the earlier shipped version.
    from trustdesk.store.pack_imports import RULES_IMPORTED, replacements
    from trustdesk.store.records import AuditEntry

    data = json.loads(_earlier_2014())
    data["title"] += " (agency)"
    rules, agency = _in_place_of_2014(tmp_path, json.dumps(data).encode())
    other = "e" * 64

    def imported(seq: int, sha: str, replaced: str) -> AuditEntry:
        objects = json.dumps({"pack": "ct-2014", "sha256": sha, "replaced_sha256": replaced})
        return AuditEntry(seq, "", "", "chief", 1, RULES_IMPORTED, "success", objects, "", "")

    trail = [imported(1, agency, EARLIER_2014), imported(2, other, agency)]
    trail.append(imported(3, agency, other))
    replaced = replacements(trail)
    assert replaced == {agency: EARLIER_2014, other: agency}
    (alert,) = administrator_alerts(rules, at("2026-12-06"), replaced)
    assert f"shipped as {EARLIER_2014[:12]}…" in alert


def test_a_california_agency_imports_and_keeps_a_california_pack(tmp_path: Path, desk: Any) -> None:
    # The import checked every pack against Connecticut: a California agency could put no
    # pack of its own in force. Here it imports ca-2014 as TrustDesk first shipped it
    # (kept in the history), which the alert then names, and keeps it on the record.
    from test_rulepack_archive import UNSIGNED, Holder

    from trustdesk.rules.pack_history import kept_file
    from trustdesk.rules.registry import rules_for_data_dir

    admin, service = desk.session("admin"), desk.services.rulepacks
    assert desk.services.jurisdiction.change(admin, "CA").code == "CA"
    first = "3017872caa73afb8f78858238831714fab2d8fdeeadfff766a57808c5aeeca01"
    kept = kept_file("ca-2014", first)
    assert kept is not None
    holder = Holder(rules_for_data_dir(desk.store.data_dir, jurisdiction="CA"))
    imported = service.import_pack(admin, kept, holder, override=UNSIGNED)
    assert (imported.pack_id, imported.sha256) == ("ca-2014", first)
    assert holder.rules.pack("ca-2014").pack.sha256 == first
    (change,) = service.pending_changes(holder.rules)
    assert change.pack_id == "ca-2014" and change.made_from == first
    service.keep_agency_version(admin, holder.rules, "ca-2014", "Counsel reviews the 2025 edits")
    assert service.pending_changes(holder.rules) == []


# --- an agency pack imported before TrustDesk shipped one of its id --------------------------
#
# The import recorded that it replaced nothing (no pack of its id was in force). When a
# later TrustDesk ships a pack of that id, the agency's stays in force in its place, and
# the chain back to a shipped version ended without one: nothing was said.


def _agency_2014() -> bytes:
    data = json.loads(_earlier_2014())
    data["title"] += " (agency's own, imported before TrustDesk shipped ct-2014)"
    return json.dumps(data).encode()


def test_an_agency_pack_imported_before_a_shipped_one_of_its_id_is_named(tmp_path: Path) -> None:
    from trustdesk.store.pack_imports import REPLACED_NOTHING

    rules, agency = _in_place_of_2014(tmp_path, _agency_2014())
    now = at("2026-12-06")
    (alert,) = administrator_alerts(rules, now, {agency: REPLACED_NOTHING})
    assert alert.startswith(
        "Your agency's rule pack ct-2014 came into force where no pack of that id was, so "
        "it was never compared with TrustDesk's own; TrustDesk ships one now "
        f"({_shipped_2014()[:12]}…), which yours keeps out of force"
    )
    assert "record why your agency keeps its own" in alert and "Rule packs" in alert
    # Through a later revision of the agency's own (a sign-off replacing it): the same.
    revised = {agency: "f" * 64, "f" * 64: REPLACED_NOTHING}
    assert administrator_alerts(rules, now, revised)[0].startswith(
        "Your agency's rule pack ct-2014 came into force where no pack of that id was"
    )
    # No record at all of what it replaced still says nothing: nothing is guessed.
    assert administrator_alerts(rules, now, {}) == []


def test_an_import_recorded_as_replacing_nothing_is_read_as_such() -> None:
    from trustdesk.store.pack_imports import REPLACED_NOTHING, RULES_IMPORTED, replacements
    from trustdesk.store.records import AuditEntry

    def imported(seq: int, objects: dict[str, Any]) -> AuditEntry:
        text = json.dumps({"pack": "ct-2031", **objects})
        return AuditEntry(seq, "", "", "chief", 1, RULES_IMPORTED, "success", text, "", "")

    trail = [
        imported(1, {"sha256": "a" * 64, "replaced_sha256": None}),
        imported(2, {"sha256": "b" * 64, "replaced_sha256": "a" * 64}),
        imported(3, {"sha256": "c" * 64}),  # says nothing of what it replaced
        imported(4, {"sha256": "a" * 64, "replaced_sha256": "b" * 64}),  # put back
        # Replacing nothing after versions of its id were put in force: the one in force
        # was withheld (its file damaged); it replaced the version last put in force.
        imported(5, {"sha256": "d" * 64, "replaced_sha256": None}),
    ]
    assert replacements(trail) == {
        "a" * 64: REPLACED_NOTHING,
        "b" * 64: "a" * 64,
        "d" * 64: "a" * 64,
    }


def test_a_version_imported_while_the_agency_file_was_withheld_is_not_named(
    tmp_path: Path, desk: Any
) -> None:
    # The agency's ct-2014 made from the version shipped now; its installed file damaged,
    # so no ct-2014 is in force (the shipped one is withheld with it); the next version
    # imported then is recorded as replacing nothing. It still descends from the shipped
    # version through the first: nothing to tell (a hostile review found it named).
    from test_rulepack_archive import UNSIGNED, Holder

    from trustdesk.rules.registry import rules_for_data_dir

    service, admin = desk.services.rulepacks, desk.session("admin")
    data_dir = desk.store.data_dir
    current = json.loads(resources.resource("rules", "ct-2014.json").read_text("utf-8"))
    current["title"] += " (the agency's, from the version shipped now)"
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "first.json").write_text(json.dumps(current), "utf-8")
    holder = Holder(rules_for_data_dir(data_dir, service.in_force()))
    first = service.import_pack(admin, usb / "first.json", holder, override=UNSIGNED)
    assert service.replacements()[first.sha256] == _shipped_2014()
    assert service.pending_changes(holder.rules) == []
    installed = data_dir / "rules" / "ct-2014.json"
    installed.write_bytes(installed.read_bytes() + b" ")
    holder = Holder(rules_for_data_dir(data_dir, service.in_force()))
    assert [loaded.pack.id for loaded, _why in holder.rules.withheld] == ["ct-2014"]
    current["title"] += ", revised"
    (usb / "second.json").write_text(json.dumps(current), "utf-8")
    second = service.import_pack(admin, usb / "second.json", holder, override=UNSIGNED)
    assert service.replacements()[second.sha256] == first.sha256
    assert service.pending_changes(holder.rules) == []
    now = at("2026-12-06")
    alerts = administrator_alerts(holder.rules, now, service.replacements(), service.changes_kept())
    assert not any("ct-2014" in alert for alert in alerts), alerts


def test_the_administrator_keeps_a_pack_imported_before_a_shipped_one(
    tmp_path: Path, desk: Any
) -> None:
    # The trail an earlier TrustDesk wrote when it shipped no ct-2014: the agency's
    # import replaced nothing. This TrustDesk ships ct-2014: named until kept.
    from trustdesk.store.pack_imports import SHIPPED_CHANGE_KEPT

    rules, agency = _in_place_of_2014(tmp_path, _agency_2014())
    service, admin = desk.services.rulepacks, desk.session("admin")
    service.ctx.audit("rules.imported", admin, pack="ct-2014", sha256=agency, replaced_sha256=None)
    (change,) = service.pending_changes(rules)
    assert (change.pack_id, change.agency, change.made_from, change.shipped) == (
        "ct-2014",
        agency,
        None,
        _shipped_2014(),
    )
    reason = "Counsel wrote our own ct-2014 before TrustDesk shipped one; reviewed, kept"
    service.keep_agency_version(admin, rules, "ct-2014", reason)
    assert service.pending_changes(rules) == []
    (entry,) = desk.store.audit.of_events(SHIPPED_CHANGE_KEPT)
    objects = json.loads(entry.objects)
    assert objects["made_from_sha256"] is None and objects["shipped_sha256"] == _shipped_2014()
    now = at("2026-12-06")
    assert administrator_alerts(rules, now, service.replacements(), service.changes_kept()) == []

"""Importing an agency's rule pack: checked as the bundled ones, installed atomically, audited."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from trustdesk import resources
from trustdesk.rules.errors import InputError, PackTestFailure, RulesError
from trustdesk.rules.imports import check_import, imported_folder, install
from trustdesk.rules.inventory import describe
from trustdesk.rules.registry import RuleSet, load_rules
from trustdesk.services.context import ServiceContext
from trustdesk.services.errors import PermissionDenied
from trustdesk.services.rulepacks import RulePackService

_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T")


#: Test packs are unsigned: each import is an administrator's recorded override.
UNSIGNED = "an agency test pack, unsigned"


def pack_data(pack_id: str = "ct-2025") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.resource("rules", f"{pack_id}.json").read_text())
    return data


def write_pack(folder: Path, data: dict[str, Any] | str, name: str = "agency-pack.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def retitled(title: str = "Connecticut TRUST Act, agency edition") -> dict[str, Any]:
    data = pack_data()
    data["title"] = title
    return data


def later_version() -> dict[str, Any]:
    """A new version from 1 July 2027: ct-2025's rules, its test cases moved 52 weeks on."""

    def shift(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: shift(item) for key, item in value.items()}
        if isinstance(value, list):
            return [shift(item) for item in value]
        if isinstance(value, str) and _INSTANT.match(value):
            return (datetime.fromisoformat(value) + timedelta(weeks=52)).isoformat()
        return value

    data = pack_data()
    data.update(id="ct-2027", title="A later version", effective_from="2027-07-01")
    data["tests"] = [shift(t) for t in data["tests"] if "First day" not in t["name"]]
    return data


class Holder:
    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules

    def replace(self, rules: RuleSet) -> None:
        self.rules = rules


# --- rules layer: check, install, load at start -------------------------------------------


def test_a_valid_pack_replaces_the_bundled_one_of_its_id(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "rules"
    source = write_pack(tmp_path / "usb", retitled())
    checked = check_import(source, folder)
    assert checked.replaces is not None and checked.replaces.pack.title != checked.loaded.pack.title
    assert not folder.exists()  # checking writes nothing
    installed = install(checked)
    assert (folder / "ct-2025.json").read_bytes() == source.read_bytes()
    assert [lp.pack.id for lp in installed.rules.packs] == ["ct-2014", "ct-2019", "ct-2025"]
    assert installed.rules.pack("ct-2025").pack.title == "Connecticut TRUST Act, agency edition"
    assert installed.rules.pack("ct-2025").path == folder / "ct-2025.json"
    assert [p.name for p in folder.iterdir()] == ["ct-2025.json"]  # no temporary left
    # What a fresh start loads: the imported pack in place of the bundled one.
    again = load_rules(extra_dir=folder)
    assert again.pack("ct-2025").pack.sha256 == installed.rules.pack("ct-2025").pack.sha256
    assert [info.imported for info in describe(again).packs] == [False, False, True]
    # The CLI's rule set (no folder given) is untouched.
    assert load_rules().pack("ct-2025").pack.title != "Connecticut TRUST Act, agency edition"


def test_a_new_version_is_added_when_the_dates_allow(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    overlapping = write_pack(tmp_path, later_version(), "ct-2027.json")
    with pytest.raises(InputError, match="overlaps rule pack ct-2025") as caught:
        check_import(overlapping, folder)
    assert caught.value.pointer == "/effective_from"
    ended = pack_data()
    ended["effective_to"] = "2027-06-30"
    install(check_import(write_pack(tmp_path, ended, "ct-2025-ended.json"), folder))
    installed = install(check_import(overlapping, folder))
    assert [lp.pack.id for lp in installed.rules.packs] == [
        "ct-2014",
        "ct-2019",
        "ct-2025",
        "ct-2027",
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["ct-2025.json", "ct-2027.json"]


def test_a_pack_leaving_days_with_no_law_in_force_is_refused(tmp_path: Path) -> None:
    """Between two versions of the law there is never a day with none: a case on such a
    day could not be decided at all (the desk refuses it). An import that leaves one,
    from either side, is refused with the days and the fix; nothing is written."""
    folder = tmp_path / "rules"
    ended = pack_data()
    ended["effective_to"] = "2027-03-31"
    with_gap = write_pack(tmp_path, ended, "ct-2025-ended-early.json")
    install(check_import(with_gap, folder))  # nothing after it yet: its end is no gap
    before = sorted((p.name, p.read_bytes()) for p in folder.iterdir())
    later = write_pack(tmp_path, later_version(), "ct-2027.json")
    with pytest.raises(InputError) as caught:
        check_import(later, folder)
    assert caught.value.pointer == "/effective_from"
    assert caught.value.reason == (
        "leaves 2027-04-01 to 2027-06-30 with no rule pack in force (ct-2025 ends on "
        "2027-03-31, ct-2027 begins on 2027-07-01): a case on those days could not be "
        "decided; make one begin the day after the other ends"
    )
    # The later version in force, an earlier end of the one before it is refused too.
    ended["effective_to"] = "2027-06-30"
    install(check_import(write_pack(tmp_path, ended, "ct-2025-ended.json"), folder))
    install(check_import(later, folder))
    installed = sorted((p.name, p.read_bytes()) for p in folder.iterdir() if p.is_file())
    with pytest.raises(InputError) as caught:
        check_import(with_gap, folder)
    assert caught.value.pointer == "/effective_to"
    assert "leaves 2027-04-01 to 2027-06-30 with no rule pack in force" in str(caught.value)
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir() if p.is_file()) == installed
    assert before != installed


def wrong_type() -> str:
    data = retitled()
    data["hold_clock"]["hours"] = "48"
    return json.dumps(data)


@pytest.mark.parametrize(
    ("content", "pointer", "reason"),
    [
        ("{ not json", "", "not valid JSON"),
        ('{"id": "ct-2025", "id": "ct-2026"}', "", "duplicate key 'id'"),
        (wrong_type(), "/hold_clock/hours", "must be a whole number, not text"),
    ],
)
def test_broken_json_is_refused_with_file_and_pointer(
    tmp_path: Path, content: str, pointer: str, reason: str
) -> None:
    source = write_pack(tmp_path, content)
    with pytest.raises(InputError) as caught:
        check_import(source, tmp_path / "rules")
    message = str(caught.value)
    assert message.startswith(str(source)) and reason in message
    assert caught.value.pointer == pointer
    assert not (tmp_path / "rules").exists()


def test_a_failing_embedded_test_refuses_the_pack(tmp_path: Path) -> None:
    data = retitled()
    data["tests"][0]["expect"]["decision"] = "decline"
    source = write_pack(tmp_path, data)
    with pytest.raises(PackTestFailure, match=r"/tests/0 .*expected decline, got honor"):
        check_import(source, tmp_path / "rules")


def test_files_that_are_not_packs_are_refused_before_reading(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    with pytest.raises(InputError, match="cannot be read"):
        check_import(tmp_path / "missing.json", folder)
    huge = tmp_path / "huge.json"
    with open(huge, "wb") as handle:
        handle.truncate(6 * 1024 * 1024)
    with pytest.raises(InputError, match="at most"):
        check_import(huge, folder)
    install(check_import(write_pack(tmp_path, retitled()), folder))
    with pytest.raises(InputError, match="already in TrustDesk's folder"):
        check_import(folder / "ct-2025.json", folder)


def test_a_damaged_imported_pack_is_skipped_with_its_name_and_never_stood_in_for(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "rules"
    install(check_import(write_pack(tmp_path, retitled()), folder))
    (folder / "ct-2025.json").write_text("{", encoding="utf-8")
    rules = load_rules(extra_dir=folder)
    [message] = rules.skipped
    assert "ct-2025.json" in message and "import the pack again" in message
    assert "ct-2025" not in [lp.pack.id for lp in rules.packs]
    with pytest.raises(RulesError, match=r"ct-2025\.json"):
        rules.pack_for(datetime(2026, 11, 19, 14, tzinfo=UTC))


def test_two_imported_files_with_one_id_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    write_pack(folder, retitled("one"), "a.json")
    write_pack(folder, retitled("two"), "b.json")
    with pytest.raises(InputError, match="loaded twice"):
        load_rules(extra_dir=folder)


def test_rules_holder_loads_the_imported_packs(tmp_path: Path) -> None:
    from trustdesk.ui.context import RulesHolder

    folder = tmp_path / "rules"
    install(check_import(write_pack(tmp_path, retitled()), folder))
    holder = RulesHolder(imported_dir=folder)
    assert holder.pack("ct-2025").pack.title == "Connecticut TRUST Act, agency edition"
    assert RulesHolder().pack("ct-2025").pack.title != "Connecticut TRUST Act, agency edition"
    # Rules loaded before the data folder was known are not applied without its packs.
    early = RulesHolder(load_rules())
    early.use_data_folder(folder.parent)
    assert early.pack("ct-2025").pack.title == "Connecticut TRUST Act, agency edition"
    bundled = load_rules()
    untouched = RulesHolder(bundled)
    untouched.use_data_folder(tmp_path / "empty")
    assert untouched.get() is bundled


# --- services: who may, what is recorded, nothing half-done ----------------------------------


def test_import_is_for_administrators_and_audited(tmp_path: Path, desk: Any) -> None:
    service = RulePackService(desk.services.records.ctx)
    holder = Holder(load_rules())
    source = write_pack(tmp_path / "usb", retitled())
    with pytest.raises(PermissionDenied, match="auditor"):
        service.import_pack(desk.session("auditor"), source, holder, override=UNSIGNED)
    assert not service.folder.exists()
    denied = desk.store.audit.of_events("permission.denied")[-1].objects_dict()
    assert denied["setting"] == "rule_pack"

    imported = service.import_pack(desk.session("admin"), source, holder, override=UNSIGNED)
    assert imported.pack_id == "ct-2025" and imported.replaced == "ct-2025 (shipped with TrustDesk)"
    assert holder.rules is imported.rules
    assert service.folder == imported_folder(desk.store.data_dir)
    entry = desk.store.audit.of_events("rules.imported")[-1]
    assert entry.actor == "admin"
    objects = entry.objects_dict()
    assert objects["pack"] == "ct-2025"
    assert objects["sha256"] == imported.sha256
    assert objects["replaced_sha256"] == load_rules().pack("ct-2025").pack.sha256
    assert str(source) not in entry.objects  # paths may carry a person's name

    again = service.import_pack(
        desk.session("admin"), write_pack(tmp_path, retitled("v2")), holder, override=UNSIGNED
    )
    assert again.replaced == "ct-2025 (imported earlier)"
    assert holder.rules.pack("ct-2025").pack.title == "v2"
    # The version it replaced is kept, named by its SHA-256, not destroyed.
    assert sorted(p.name for p in service.folder.iterdir()) == ["ct-2025.json", "superseded"]
    kept = service.folder / "superseded" / f"ct-2025-{imported.sha256[:12]}.json"
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]
    assert desk.store.audit.of_events("rules.imported")[-1].objects_dict()["replaced_kept"]


def test_a_refused_import_is_audited_and_changes_nothing(tmp_path: Path, desk: Any) -> None:
    service = RulePackService(desk.services.records.ctx)
    before = load_rules()
    holder = Holder(before)
    source = write_pack(tmp_path, '{"schema_version": 1,}')
    with pytest.raises(RulesError):
        service.import_pack(desk.session("admin"), source, holder, override=UNSIGNED)
    assert holder.rules is before
    assert not service.folder.exists()
    entry = desk.store.audit.of_events("rules.import_refused")[-1]
    assert entry.outcome == "failure"
    assert entry.objects_dict()["problem"] == "invalid"


def test_an_import_that_cannot_be_recorded_is_taken_back(
    tmp_path: Path, desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = RulePackService(desk.services.records.ctx)
    holder = Holder(load_rules())
    session = desk.session("admin")
    first = service.import_pack(
        session, write_pack(tmp_path, retitled("first")), holder, override=UNSIGNED
    )
    previous = (service.folder / "ct-2025.json").read_bytes()

    audit = ServiceContext.audit

    def failing(ctx: ServiceContext, event: str, *args: Any, **kwargs: Any) -> None:
        if event == "rules.imported":
            raise OSError("disk full")
        audit(ctx, event, *args, **kwargs)

    monkeypatch.setattr(ServiceContext, "audit", failing)
    with pytest.raises(OSError, match="disk full"):
        service.import_pack(
            session, write_pack(tmp_path, retitled("second")), holder, override=UNSIGNED
        )
    assert (service.folder / "ct-2025.json").read_bytes() == previous
    assert holder.rules is first.rules
    assert sorted(p.name for p in service.folder.iterdir()) == ["ct-2025.json"]


# --- replaced versions are kept: decisions made under them can still be printed -----------


def without_statute(statute: str = "53a-103a", title: str = "Agency edition") -> dict[str, Any]:
    """ct-2025 with one statute off its list: its own tests still pass, some decisions differ."""
    data = pack_data()
    data["title"] = title
    (offenses,) = data["lists"]
    offenses["statutes"].remove(statute)
    del offenses["entries"][statute]  # its verification goes with it
    return data


def test_a_replaced_imported_version_is_kept_and_found_by_its_sha(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "rules"
    bundled = load_rules()
    first = install(check_import(write_pack(tmp_path / "usb", retitled("first")), folder))
    first_bytes = (folder / "ct-2025.json").read_bytes()
    first_sha = first.checked.loaded.pack.sha256
    assert first.kept is None  # the shipped pack it replaced stays in resources/
    assert not (folder / "superseded").exists()

    second = install(check_import(write_pack(tmp_path / "usb", retitled("second")), folder))
    second_sha = second.checked.loaded.pack.sha256
    kept = folder / "superseded" / f"ct-2025-{first_sha[:12]}.json"
    assert second.kept == kept and kept.read_bytes() == first_bytes
    assert sorted(p.name for p in folder.iterdir()) == ["ct-2025.json", "superseded"]
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no temporary left

    rules = load_rules(extra_dir=folder)
    assert [lp.pack.id for lp in rules.packs] == ["ct-2014", "ct-2019", "ct-2025"]
    assert rules.pack("ct-2025").pack.title == "second"
    assert rules.pack_version("ct-2025", second_sha) is rules.pack("ct-2025")
    old = rules.pack_version("ct-2025", first_sha)
    assert (old.pack.title, old.path) == ("first", kept)
    assert rules.pack_version("ct-2025", first_sha) is old  # read once
    shipped = bundled.pack("ct-2025")
    assert rules.pack_version("ct-2025", shipped.pack.sha256).path == shipped.path
    ct_2019 = bundled.pack("ct-2019").pack.sha256
    assert rules.pack_version("ct-2019", ct_2019).pack.sha256 == ct_2019
    for pack_id, sha in (
        ("ct-2025", "0" * 64),
        ("ct-2019", first_sha),
        ("../rules/ct-2025", first_sha),
        ("ct-2025", first_sha[:12]),
    ):
        with pytest.raises(KeyError):
            rules.pack_version(pack_id, sha)
    # Without a data folder only the shipped versions are known.
    with pytest.raises(KeyError):
        bundled.pack_version("ct-2025", first_sha)

    # Importing the first version again keeps the second; the first's copy stays as it was.
    install(check_import(write_pack(tmp_path / "usb", retitled("first")), folder))
    assert sorted(p.name for p in kept.parent.iterdir()) == sorted(
        [kept.name, f"ct-2025-{second_sha[:12]}.json"]
    )
    assert kept.read_bytes() == first_bytes
    # The same bytes imported again replace nothing, so nothing more is kept.
    install(check_import(write_pack(tmp_path / "usb", retitled("first")), folder))
    assert len(list(kept.parent.iterdir())) == 2


def test_a_changed_kept_version_is_refused_when_asked_for(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    first = install(check_import(write_pack(tmp_path / "usb", retitled("first")), folder))
    first_sha = first.checked.loaded.pack.sha256
    install(check_import(write_pack(tmp_path / "usb", retitled("second")), folder))
    kept = folder / "superseded" / f"ct-2025-{first_sha[:12]}.json"
    kept.write_bytes(kept.read_bytes().replace(b'"first"', b'"forged"'))
    rules = load_rules(extra_dir=folder)  # kept versions are not read at start
    assert rules.pack("ct-2025").pack.title == "second"
    with pytest.raises(InputError) as caught:
        rules.pack_version("ct-2025", first_sha)
    message = str(caught.value)
    assert message.startswith(str(kept))
    assert f"not the {first_sha[:12]}… its name records" in message
    assert "\n" not in message


def test_a_kept_version_is_checked_as_at_import(tmp_path: Path) -> None:
    archive = tmp_path / "rules" / "superseded"
    archive.mkdir(parents=True)

    def keep(data: dict[str, Any], pack_id: str = "ct-2025") -> str:
        raw = json.dumps(data).encode()
        sha = hashlib.sha256(raw).hexdigest()
        (archive / f"{pack_id}-{sha[:12]}.json").write_bytes(raw)
        return sha

    failing = retitled("failing")
    failing["tests"][0]["expect"]["decision"] = "decline"
    failing_sha = keep(failing)
    other_id_sha = keep(later_version())  # a ct-2027 kept under ct-2025's name
    rules = load_rules(extra_dir=tmp_path / "rules")
    with pytest.raises(PackTestFailure, match="expected decline, got honor"):
        rules.pack_version("ct-2025", failing_sha)
    with pytest.raises(InputError, match=r"/id: is 'ct-2027', not the 'ct-2025'"):
        rules.pack_version("ct-2025", other_id_sha)


def test_undo_puts_the_replaced_version_back(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    install(check_import(write_pack(tmp_path / "usb", retitled("first")), folder))
    before = (folder / "ct-2025.json").read_bytes()
    second = install(check_import(write_pack(tmp_path / "usb", retitled("second")), folder))
    assert second.kept is not None and second.kept.exists()
    second.undo()
    assert (folder / "ct-2025.json").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["ct-2025.json"]


def test_a_failed_replacement_keeps_the_old_pack_in_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.rules import imports

    folder = tmp_path / "rules"
    install(check_import(write_pack(tmp_path / "usb", retitled("first")), folder))
    before = (folder / "ct-2025.json").read_bytes()
    checked = check_import(write_pack(tmp_path / "usb", retitled("second")), folder)
    written = imports.write_atomically

    def fail_on_the_pack(target: Path, data: bytes) -> None:
        if target.name == "ct-2025.json":
            raise InputError(str(target), "", "cannot be written: disk full")
        written(target, data)

    monkeypatch.setattr(imports, "write_atomically", fail_on_the_pack)
    with pytest.raises(InputError, match="disk full"):
        install(checked)
    assert (folder / "ct-2025.json").read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["ct-2025.json"]


def test_an_unreadable_rules_folder_is_an_error_not_an_empty_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trustdesk.rules import registry

    folder = tmp_path / "rules"
    install(check_import(write_pack(tmp_path / "usb", retitled()), folder))

    def denied(path: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(registry.os, "scandir", denied)
    with pytest.raises(InputError, match=r"rules: /: cannot be read: Permission denied"):
        load_rules(extra_dir=folder)


def test_the_data_folder_rules_are_the_gui_rules(tmp_path: Path) -> None:
    from trustdesk.rules.registry import rules_for_data_dir
    from trustdesk.ui.context import RulesHolder

    data = tmp_path / "data"
    install(check_import(write_pack(tmp_path, without_statute()), imported_folder(data)))
    holder = RulesHolder()
    holder.use_data_folder(data)
    cli = rules_for_data_dir(data)
    assert [lp.pack.sha256 for lp in cli.packs] == [lp.pack.sha256 for lp in holder.get().packs]
    assert cli.pack("ct-2025").pack.title == "Agency edition"
    assert rules_for_data_dir(tmp_path / "empty").pack("ct-2025").pack.title != "Agency edition"

"""An ORI's two state letters against the agency's jurisdiction (CT for Connecticut, CA
for California): refused at set-up, ``agency set`` and Administration, nothing changed;
a record stored before the check (or before the jurisdiction changed) is still read,
with a warning; IT's ORI of another state is reported where config problems are."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from servicekit import FAST_HASHER, ROLE_PASSWORDS, Clock

from configkit import machine_config
from trustdesk import config
from trustdesk.cli import main
from trustdesk.services.bundle import Services, open_services
from trustdesk.services.errors import InvalidRequest
from trustdesk.store.records import AgencyProfile

PROFILE = AgencyProfile("New Haven Police", "Union Avenue Detention", "CT0009300")
ADMIN_PW = ROLE_PASSWORDS["administrator"]


def test_set_up_refuses_an_ori_of_another_state_and_records_nothing(fresh: Services) -> None:
    california = replace(PROFILE, ori="CT0100000", timezone="America/Los_Angeles")
    with pytest.raises(InvalidRequest) as refused:
        fresh.agency.set_up(california, "chief", ADMIN_PW, jurisdiction="CA")
    message = str(refused.value)
    assert "'CT0100000' starts with 'CT'" in message
    assert "jurisdiction is California, whose ORIs start with CA" in message
    assert "nothing was saved" in message
    assert fresh.agency.needs_set_up() and fresh.store.users.count() == 0
    # Connecticut (the default) refuses a California ORI the same way.
    with pytest.raises(InvalidRequest, match="jurisdiction is Connecticut, whose ORIs start"):
        fresh.agency.set_up(replace(PROFILE, ori="CA0100000"), "chief", ADMIN_PW)
    assert fresh.agency.needs_set_up()
    fresh.agency.set_up(replace(california, ori="ca0100000"), "chief", ADMIN_PW, jurisdiction="CA")
    assert fresh.agency.profile().ori == "CA0100000"  # type: ignore[union-attr]


def test_set_up_checks_against_the_jurisdiction_it_set_for_themachine_config(
    fresh: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    machine_config(tmp_path, monkeypatch, 'jurisdiction = "CA"\n')
    with pytest.raises(InvalidRequest, match="jurisdiction is California"):
        fresh.agency.set_up(PROFILE, "chief", ADMIN_PW, jurisdiction="CT")
    assert fresh.agency.needs_set_up()


def test_update_refuses_an_ori_of_another_state_nothing_changed(desk: Any) -> None:
    admin = desk.session("admin")
    desk.services.agency.update(admin, PROFILE)
    changes = len(desk.store.audit.of_events("settings.changed"))
    with pytest.raises(InvalidRequest, match=r"'CA0009300' starts with 'CA'.*Connecticut"):
        desk.services.agency.update(admin, replace(PROFILE, ori="CA0009300"))
    assert desk.services.agency.profile() == PROFILE
    assert len(desk.store.audit.of_events("settings.changed")) == changes


def test_a_stored_ori_of_another_state_is_read_with_a_warning(desk: Any) -> None:
    """A record saved before the check (or whose jurisdiction changed since) still opens:
    the profile is read and printed as stored; a warning says what is wrong; a change
    must correct the ORI as well."""
    admin = desk.session("admin")
    desk.services.agency.update(admin, PROFILE)
    assert desk.services.agency.ori_warning() is None
    desk.services.jurisdiction.change(admin, "CA")
    assert desk.services.agency.profile() == PROFILE
    warning = desk.services.agency.ori_warning()
    assert warning is not None
    assert "stored ORI does not fit" in warning and "'CT0009300' starts with 'CT'" in warning
    assert "California, whose ORIs start with CA" in warning
    assert warning in desk.services.agency.machine_notes()
    with pytest.raises(InvalidRequest, match=r"stored ORI does not fit.*correct the ORI"):
        desk.services.agency.update(admin, replace(PROFILE, facility="Main Jail"))
    assert desk.services.agency.profile() == PROFILE
    fixed = desk.services.agency.update(admin, replace(PROFILE, ori="CA0009300"))
    assert fixed.ori == "CA0009300" and desk.services.agency.ori_warning() is None


def test_it_ori_of_another_state_is_a_config_problem_when_it_sets_the_jurisdiction(
    tmp_path: Path,
) -> None:
    path = tmp_path / "machine.toml"
    path.write_text('jurisdiction = "CA"\nagency_ori = "CT0009300"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError) as raised:
        config.load(None, {"TRUSTDESK_CONFIG": str(path)})
    [problem] = raised.value.problems
    assert problem.startswith(f"agency_ori (set by IT in {path} (locked)) and jurisdiction")
    assert "'CT0009300' starts with 'CT'" in problem and "California" in problem
    path.write_text('jurisdiction = "CA"\nagency_ori = "CA0009300"\n', encoding="utf-8")
    assert config.load(None, {"TRUSTDESK_CONFIG": str(path)}).agency_ori == "CA0009300"


def test_config_check_compares_it_ori_with_the_agency_choice(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    rules: Any,
) -> None:
    data = tmp_path / "data"
    services = open_services(data, rules, hasher=FAST_HASHER, clock=Clock())
    california = replace(PROFILE, ori="CA0100000", timezone="America/Los_Angeles")
    services.agency.set_up(california, "chief", ADMIN_PW, jurisdiction="CA")
    services.close()
    machine_config(tmp_path, monkeypatch, f"data_dir = '{data}'\nagency_ori = 'CT0009300'\n")
    code = main(["config", "check"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.startswith("trustdesk: agency_ori (set by IT in ")
    assert "'CT0009300' starts with 'CT'" in err and "California" in err
    assert "IT corrects agency_ori in the machine config" in err
    machine_config(tmp_path, monkeypatch, f"data_dir = '{data}'\nagency_ori = 'CA0100000'\n")
    assert main(["config", "check"]) == 0
    assert "settings OK" in capsys.readouterr().out


def test_the_ori_check_holds_when_another_desk_changes_the_jurisdiction_meanwhile(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The administrator's page read Connecticut and checked the ORI against it; another
    desk moved the agency to California before the save: the save re-checks the
    jurisdiction in its own transaction, refuses, and stores nothing."""
    from trustdesk.services.jurisdiction import Jurisdiction, JurisdictionService
    from trustdesk.store.errors import StoreError

    admin = desk.session("admin")
    desk.services.agency.update(admin, PROFILE)
    desk.services.jurisdiction.change(admin, "CA")  # "the other desk"
    changes = len(desk.store.audit.of_events("settings.changed"))
    read = Jurisdiction("CT", "Connecticut", "default", False)  # read just before it
    monkeypatch.setattr(JurisdictionService, "current", lambda self: read)
    with pytest.raises(StoreError) as refused:
        desk.services.agency.update(admin, replace(PROFILE, ori="CT0006400"))
    assert type(refused.value).__name__ == "JurisdictionChanged"
    message = str(refused.value)
    assert "jurisdiction in the record was changed to California by admin" in message
    assert "but this desk read Connecticut when it checked these settings" in message
    assert "nothing was saved" in message
    assert desk.services.agency.profile() == PROFILE
    assert len(desk.store.audit.of_events("settings.changed")) == changes

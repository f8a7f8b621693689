"""The agency profile: validation messages, the first-run set-up in one transaction, changes."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from imagekit import jpeg, png
from servicekit import FAST_HASHER, ROLE_PASSWORDS, Clock, Desk

from trustdesk.services.bundle import Services, open_services
from trustdesk.services.errors import InvalidRequest, PasswordRejected, PermissionDenied
from trustdesk.store.audit import entries_for
from trustdesk.store.records import AgencyProfile

PROFILE = AgencyProfile("New Haven Police", "Union Avenue Detention", "CT0009300")
ADMIN_PW = ROLE_PASSWORDS["administrator"]


def _entries(services: Services, event: str) -> list[Any]:
    with services.store.db.reading() as conn:
        return list(entries_for(conn, event))


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"name": "   "}, "the agency name is empty"),
        ({"name": "x" * 201}, "201 characters long; shorten it to at most 200"),
        ({"facility": "Union\nAvenue"}, "facility contains an invisible or control character"),
        ({"facility": "Union \u202eeunevA"}, "U+202E"),
        ({"ori": "CT00093"}, "not an NCIC ORI: use 9 characters"),
        ({"ori": "12T009300"}, "the state's two letters"),
        ({"ori": "CT-009300"}, "7 letters or digits"),
        ({"timezone": "Mars/Olympus_Mons"}, "not a known IANA time zone"),
        ({"timezone": "../../etc/passwd"}, "not a known IANA time zone"),
        ({"logo": b""}, "the logo file is empty"),
        ({"logo": b"GIF89a" + b"\0" * 40}, "not a PNG or JPEG image"),
        ({"logo": png()[:60]}, "looks like a PNG file but cannot be decoded"),
        ({"logo": jpeg()[:200]}, "looks like a JPEG file but cannot be decoded"),
        ({"logo": png()[:8] + b"\0" * (512 * 1024)}, "at most 512 KiB"),
        ({"logo": png(5000, 4000)}, "scale it down"),
    ],
)
def test_bad_profiles_are_refused_saying_what_to_fix(
    desk: Desk, changes: dict[str, Any], words: str
) -> None:
    with pytest.raises(InvalidRequest, match=re.escape(words)):
        desk.services.agency.validate(replace(PROFILE, **changes))


def test_validation_cleans_what_it_accepts(desk: Desk) -> None:
    raw = AgencyProfile(
        "  New Haven Police ", "Union Avenue", " ct0009300", "america/new_york", png(), "image/jpeg"
    )
    checked = desk.services.agency.validate(raw)
    assert checked == AgencyProfile(
        "New Haven Police", "Union Avenue", "CT0009300", "America/New_York", png(), "image/png"
    )
    assert desk.services.agency.validate(replace(PROFILE, timezone=" ")).timezone == (
        "America/New_York"
    )
    assert desk.services.agency.validate(replace(PROFILE, logo=jpeg())).logo_type == "image/jpeg"
    assert desk.services.agency.validate(replace(PROFILE, logo_type="image/png")).logo_type is None


# --- first run -------------------------------------------------------------------------------


def test_set_up_creates_profile_and_first_administrator(fresh: Services) -> None:
    assert fresh.agency.profile() is None and fresh.agency.needs_set_up()
    user = fresh.agency.set_up(replace(PROFILE, logo=png()), " Chief ", ADMIN_PW)
    assert (user.username, user.role) == ("chief", "administrator")
    assert fresh.agency.profile() == replace(PROFILE, logo=png(), logo_type="image/png")
    assert not fresh.agency.needs_set_up()
    session = fresh.accounts.log_on("chief", ADMIN_PW)
    assert session.user_id == user.id
    [created] = _entries(fresh, "user.created")
    [changed] = _entries(fresh, "settings.changed")
    assert created.objects_dict()["first_administrator"] is True
    assert changed.seq == created.seq + 1 and changed.actor == "chief"
    objects = changed.objects_dict()
    assert objects["setting"] == "agency"
    assert objects["fields"] == ["name", "facility", "ori", "timezone", "logo", "logo_type"]
    assert "New Haven" not in changed.objects and "CT0009300" not in changed.objects
    assert fresh.store.verify().ok


def test_set_up_is_first_run_only(fresh: Services, desk: Desk) -> None:
    fresh.agency.set_up(PROFILE, "chief", ADMIN_PW)
    with pytest.raises(InvalidRequest, match="already set up"):
        fresh.agency.set_up(PROFILE, "other", ADMIN_PW)
    # Accounts made before any profile (trustdesk users add) also close the first run.
    assert desk.services.agency.profile() is None
    with pytest.raises(InvalidRequest, match="already set up"):
        desk.services.agency.set_up(PROFILE, "intruder", ADMIN_PW)
    assert [u.username for u in fresh.store.users.all()] == ["chief"]
    assert desk.services.agency.profile() is None


def test_a_failed_set_up_writes_nothing(fresh: Services) -> None:
    head = fresh.store.audit.head()
    with pytest.raises(PasswordRejected):
        fresh.agency.set_up(PROFILE, "chief", "password1")
    with pytest.raises(InvalidRequest, match="ORI"):
        fresh.agency.set_up(replace(PROFILE, ori="nope"), "chief", ADMIN_PW)
    # A failure inside the transaction, after the account row is written, undoes the account.
    with fresh.store.db.transaction() as conn:
        conn.execute(
            "CREATE TEMP TRIGGER agency_fails BEFORE INSERT ON main.agency "
            "BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END"
        )
    with pytest.raises(Exception, match="simulated write failure"):
        fresh.agency.set_up(PROFILE, "chief", ADMIN_PW)
    assert fresh.store.users.count() == 0 and fresh.agency.profile() is None
    assert fresh.store.audit.head() == head
    with fresh.store.db.transaction() as conn:
        conn.execute("DROP TRIGGER temp.agency_fails")
    assert fresh.agency.set_up(PROFILE, "chief", ADMIN_PW).username == "chief"


def test_a_set_up_cut_short_keeps_the_jurisdiction_chosen_with_it(
    tmp_path: Path, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A California agency's set-up whose program died (a power cut, the window killed)
    just after the profile and the first administrator were written: the choice of
    California was recorded apart, after them, so it was lost, the set-up page was never
    offered again and every decision followed Connecticut's law with nothing said."""
    services = open_services(tmp_path / "new", rules, hasher=FAST_HASHER, clock=Clock())
    written = services.store.agency.set_up

    def power_cut(*args: Any, **kwargs: Any) -> Any:
        written(*args, **kwargs)
        raise KeyboardInterrupt("the power went off")

    monkeypatch.setattr(services.store.agency, "set_up", power_cut)
    california = replace(PROFILE, ori="CA0100000", timezone="America/Los_Angeles")
    with pytest.raises(KeyboardInterrupt):
        services.agency.set_up(california, "chief", ADMIN_PW, jurisdiction="CA")
    services.close()

    again = open_services(tmp_path / "new", rules, hasher=FAST_HASHER, clock=Clock())
    try:
        assert not again.agency.needs_set_up()
        now = again.jurisdiction.current()
        assert (now.code, now.source) == ("CA", "chosen by the agency")
        [choice] = [
            e
            for e in _entries(again, "settings.changed")
            if e.objects_dict()["setting"] == "jurisdiction"
        ]
        assert choice.actor == "chief"
        assert again.store.verify().ok
    finally:
        again.close()


# --- changes ---------------------------------------------------------------------------------


def test_an_administrator_changes_the_profile_and_each_change_is_audited(desk: Desk) -> None:
    admin = desk.session("admin")
    agency = desk.services.agency
    assert agency.update(admin, PROFILE) == PROFILE  # created when none is stored
    renamed = agency.update(admin, replace(PROFILE, facility="Whalley Avenue", ori="ct0009301"))
    assert (renamed.facility, renamed.ori) == ("Whalley Avenue", "CT0009301")
    assert agency.profile() == renamed
    agency.update(admin, renamed)  # nothing changed: nothing recorded
    with_logo = agency.update(admin, replace(renamed, logo=png()))
    assert with_logo.logo == png() and with_logo.logo_type == "image/png"
    without = agency.update(admin, replace(with_logo, logo=None))
    assert without.logo is None and without.logo_type is None
    changes = [e.objects_dict()["fields"] for e in _entries(desk.services, "settings.changed")]
    assert changes == [
        ["name", "facility", "ori", "timezone", "logo", "logo_type"],
        ["facility", "ori"],
        ["logo", "logo_type"],
        ["logo", "logo_type"],
    ]
    assert all(e.actor == "admin" for e in _entries(desk.services, "settings.changed"))
    assert desk.store.verify().ok


def test_only_administrators_change_it_and_bad_input_changes_nothing(desk: Desk) -> None:
    agency = desk.services.agency
    agency.update(desk.session("admin"), PROFILE)
    with pytest.raises(PermissionDenied, match="change the agency settings"):
        agency.update(desk.session("supervisor"), replace(PROFILE, name="Hijacked"))
    [denial] = _entries(desk.services, "permission.denied")
    assert denial.objects_dict()["operation"] == "settings.manage"
    with pytest.raises(InvalidRequest, match="ORI"):
        agency.update(desk.session("admin"), replace(PROFILE, name="Other", ori="bad"))
    assert agency.profile() == PROFILE


def test_the_profile_survives_a_restart(tmp_path: Path, rules: Any) -> None:
    with open_services(tmp_path / "d", rules, hasher=FAST_HASHER, clock=Clock()) as services:
        services.agency.set_up(replace(PROFILE, logo=jpeg()), "chief", ADMIN_PW)
    with open_services(tmp_path / "d", rules, hasher=FAST_HASHER, clock=Clock()) as services:
        assert services.agency.profile() == replace(PROFILE, logo=jpeg(), logo_type="image/jpeg")

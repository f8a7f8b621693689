"""The agency profile: checked input, the first-run set-up, and administrators' changes."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache

from trustdesk.config.keys import DEFAULT_JURISDICTION, JURISDICTIONS, ori_state_problem
from trustdesk.services.accounts import normalise_username
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.fields import clean_text
from trustdesk.services.logo import check_logo
from trustdesk.services.permissions import Operation
from trustdesk.store.errors import Conflict
from trustdesk.store.jurisdiction_choice import LawCheck
from trustdesk.store.records import DEFAULT_TIMEZONE, AgencyProfile, User

NAME_MAX = 200
#: NCIC Originating Agency Identifier: the state's two letters, then seven letters or digits.
_ORI = re.compile(r"[A-Z]{2}[A-Z0-9]{7}")


@cache
def _zones() -> dict[str, str]:
    """Every IANA key this installation can load, by its case-folded spelling."""
    from zoneinfo import available_timezones

    return {key.casefold(): key for key in available_timezones()}


def check_timezone(value: object) -> str:
    """The canonical IANA key for ``value`` (blank: America/New_York)."""
    if not isinstance(value, str):
        raise InvalidRequest("the time zone must be text, such as America/New_York")
    typed = value.strip() or DEFAULT_TIMEZONE
    key = _zones().get(typed.casefold())
    if key is not None:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(key)
        except (ValueError, OSError, LookupError):
            key = None
    if key is None:
        raise InvalidRequest(
            f"the time zone {typed[:64]!r} is not a known IANA time zone; use a name like "
            f"{DEFAULT_TIMEZONE} (Region/City)"
        )
    return key


def check_ori(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequest("the ORI must be text, such as CT0009300")
    ori = value.strip().upper()
    if not _ORI.fullmatch(ori):
        raise InvalidRequest(
            f"the ORI {value.strip()[:20]!r} is not an NCIC ORI: use 9 characters, the "
            "state's two letters then 7 letters or digits (e.g. CT0009300)"
        )
    return ori


#: The memo header's fields as the command line names them, in words.
_HEADER_FIELDS = {"agency": "the agency name", "facility": "the facility"}


def check_header_field(field: str, value: str, source: str) -> str:
    """One field of a memo header given outside the stored profile (``agency``,
    ``facility`` or ``ori``, from the flag or variable ``source``), checked as the stored
    profile's are: it is printed on every page of a memo whose SHA-256 is recorded."""
    if field == "ori":
        try:
            return check_ori(value)
        except InvalidRequest as exc:
            raise InvalidRequest(f"{source}: {exc}") from None
    return clean_text(
        value, f"{_HEADER_FIELDS[field]} ({source})", max_length=NAME_MAX, required=True
    )


def validate_profile(profile: AgencyProfile) -> AgencyProfile:
    """``profile`` cleaned (trimmed, ORI upper-cased, logo type from its bytes), or refused."""
    logo = profile.logo
    if logo is not None and not isinstance(logo, bytes):
        raise InvalidRequest("the logo must be the bytes of a PNG or JPEG file")
    return AgencyProfile(
        name=clean_text(profile.name, "the agency name", max_length=NAME_MAX, required=True),
        facility=clean_text(profile.facility, "the facility", max_length=NAME_MAX, required=True),
        ori=check_ori(profile.ori),
        timezone=check_timezone(profile.timezone),
        logo=logo,
        # Judged from the bytes, whatever the caller said the file was.
        logo_type=None if logo is None else check_logo(logo),
    )


#: The profile's fields IT may set for the machine: (config key, field, header field, words).
_MACHINE_FIELDS = (
    ("agency_name", "name", "agency", "the agency name"),
    ("agency_ori", "ori", "ori", "the ORI"),
)


def keep_machine_settings(profile: AgencyProfile, stored: AgencyProfile | None) -> AgencyProfile:
    """``profile`` (checked) with the name and ORI IT locked for the machine.

    A locked field the caller left as stored takes IT's value (as Administration, which
    shows IT's, saves it); one changed to anything but IT's value is refused: the memo
    would print what nobody at the desk sees in Administration."""
    from trustdesk.config import current

    settings = current()
    values = {"name": profile.name, "ori": profile.ori}
    for key, field, header, words in _MACHINE_FIELDS:
        setting = settings[key]
        if not (setting.locked and setting.value):
            continue
        machine = check_header_field(header, str(setting.value), setting.describe())
        value = values[field]
        if value == machine:
            continue
        if stored is None or value != getattr(stored, field):
            raise InvalidRequest(
                f"{words} is {setting.describe()}: it cannot be changed to {value!r} here; "
                "IT changes it in the machine config file"
            )
        values[field] = machine
    return replace(profile, name=values["name"], ori=values["ori"])


def check_ori_state(
    profile: AgencyProfile, jurisdiction: str, stored: AgencyProfile | None
) -> AgencyProfile:
    """``profile`` unless its ORI's two state letters are not ``jurisdiction``'s (the
    agency's, as in force): then refused, naming where the ORI came from (IT's machine
    config, the record as stored, or what was typed) and how to put it right."""
    problem = ori_state_problem(profile.ori, jurisdiction)
    if problem is None:
        return profile
    from trustdesk.config import current

    setting = current()["agency_ori"]
    if setting.locked and setting.value and str(setting.value).upper() == profile.ori:
        raise InvalidRequest(
            f"the ORI is {setting.describe()}: {problem}; IT corrects agency_ori in the "
            "machine config file; nothing was saved"
        )
    if stored is not None and stored.ori == profile.ori:
        raise InvalidRequest(
            f"the stored ORI does not fit the jurisdiction: {problem}; correct the ORI in "
            "the same change; nothing was saved"
        )
    raise InvalidRequest(f"{problem}; nothing was saved")


def ori_warning(profile: AgencyProfile | None, jurisdiction: str) -> str | None:
    """What to tell someone reading a stored profile whose ORI is not of the agency's
    jurisdiction (stored before the check existed, or before the jurisdiction changed):
    it is read and printed as stored, never refused on reading."""
    if profile is None:
        return None
    problem = ori_state_problem(profile.ori, jurisdiction)
    if problem is None:
        return None
    return f"The stored ORI does not fit the jurisdiction: {problem}. Memos print it as stored."


class AgencyService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.store = ctx.store

    def profile(self) -> AgencyProfile | None:
        """The stored profile; no session needed (the sign-in screen shows the name)."""
        return self.store.agency.get()

    def validate(self, profile: AgencyProfile) -> AgencyProfile:
        return validate_profile(profile)

    def needs_set_up(self) -> bool:
        """True on a new data folder: no profile and no account yet (the first-run dialog)."""
        return self.profile() is None and self.store.users.count() == 0

    def set_up(
        self,
        profile: AgencyProfile,
        admin_username: str,
        admin_password: str,
        *,
        jurisdiction: str | None = None,
    ) -> User:
        """First run: the agency profile, the first administrator and the agency's
        ``jurisdiction`` (None: the machine's or the default), in one transaction."""
        from trustdesk.services.jurisdiction import JurisdictionService
        from trustdesk.services.jurisdiction import check_code as jurisdiction_code

        checked = keep_machine_settings(self.validate(profile), None)
        laws = JurisdictionService(self.ctx)
        choice = [] if jurisdiction is None else laws.first_choice_entries(jurisdiction)
        # The jurisdiction the new agency will be under: IT's, else the one chosen here.
        law = laws.current()
        code = jurisdiction_code(jurisdiction) if not law.locked and jurisdiction else law.code
        checked = check_ori_state(checked, code, None)
        name = normalise_username(admin_username)
        if not self.needs_set_up():
            raise InvalidRequest(
                "TrustDesk is already set up: an administrator changes the agency settings "
                "(trustdesk agency set) and adds users"
            )
        _check_new_password(admin_password, name)
        try:
            admin = self.store.agency.set_up(
                checked,
                name,
                self.ctx.hasher.hash(admin_password),
                workstation=self.ctx.workstation,
                at=self.ctx.now(),
                also=choice,
            )
        except Conflict as exc:  # someone else finished the set-up meanwhile
            raise InvalidRequest(str(exc)) from None
        return admin

    def ori_warning(self) -> str | None:
        """A warning when the stored ORI is not of the jurisdiction in force (None: fits)."""
        from trustdesk.services.jurisdiction import JurisdictionService

        return ori_warning(self.profile(), JurisdictionService(self.ctx).current().code)

    def machine_notes(self) -> list[str]:
        """Where the record and this machine's config disagree, in words for the
        Agency settings page: the stored name or ORI (printed on every memo, the same
        for every desk of the record) against the one IT locked for this machine (shown
        on the page), and an ORI of IT's whose state is not the jurisdiction's."""
        from trustdesk.config import current
        from trustdesk.services.jurisdiction import JurisdictionService

        settings = current()
        stored = self.profile()
        law = JurisdictionService(self.ctx).current()
        notes = []
        for key, field, _header, words in _MACHINE_FIELDS:
            setting = settings[key]
            if not (setting.locked and setting.value):
                continue
            machine = str(setting.value)
            if key == "agency_ori":
                problem = ori_state_problem(machine, law.code)
                if problem is not None:
                    notes.append(
                        f"IT's ORI for this machine ({setting.describe()}) does not fit the "
                        f"jurisdiction: {problem}. Saving here is refused until IT corrects "
                        "agency_ori in the machine config."
                    )
            if stored is None:
                continue
            held = str(getattr(stored, field))
            if held == machine:
                continue
            used = (
                "memos, reports and the sign-in screen show"
                if field == "name"
                else "memos and reports print"
            )
            notes.append(
                f"The record holds {words} {held!r}, while IT's machine config "
                f"({setting.describe()}) sets {machine!r} for this machine. This page shows "
                f"IT's value, but {used} the record's ({held!r}) until an administrator "
                f"saves these settings, which stores {machine!r} for every desk of this "
                "record."
            )
        warning = ori_warning(stored, law.code)
        if warning is not None:
            notes.append(warning)
        return notes

    def update(self, session: Session, profile: AgencyProfile) -> AgencyProfile:
        """Replace the profile (administrators only; creates it if none is stored)."""
        from trustdesk.services.jurisdiction import JurisdictionService

        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": "agency"})
        stored = self.profile()
        checked = keep_machine_settings(self.validate(profile), stored)
        law = JurisdictionService(self.ctx).current()
        checked = check_ori_state(checked, law.code, stored)
        # Checked again in the save's transaction: another desk may change it meanwhile.
        again = None if law.locked else LawCheck(law.code, JURISDICTIONS, DEFAULT_JURISDICTION)
        return self.store.agency.save(
            checked, actor=self.ctx.actor(session), at=self.ctx.now(), law=again
        )


def _check_new_password(password: str, username: str) -> None:
    # Imported when a password is set: the rules (and the banned list) are not needed to
    # show the sign-in window.
    from trustdesk.services.passwords import check_new_password

    check_new_password(password, username)

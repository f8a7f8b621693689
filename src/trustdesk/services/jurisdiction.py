"""The agency's jurisdiction: whose law its decisions follow (the packs and the catalog).

Where the answer comes from, first found wins:
1. the machine config key ``jurisdiction`` set by IT (file or environment; locked);
2. the agency's own choice, the latest ``settings.changed`` entry of the audit chain for
   the setting "jurisdiction" (made at first-run set-up or by an administrator) — kept in
   the chain, not in the data folder, so every desk of a shared database agrees;
3. the default, Connecticut, so installs made before the choice existed are unchanged.

A change applies to new decisions only: a recorded decision names its pack and keeps it.
"""

from __future__ import annotations

from typing import NamedTuple

from trustdesk.config.keys import DEFAULT_JURISDICTION, JURISDICTIONS
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.permissions import Operation
from trustdesk.store.jurisdiction_choice import LawCheck, choice_in, law_change
from trustdesk.store.records import AuditEvent

SETTINGS_CHANGED = "settings.changed"  # as store.agency: one event for every setting
SETTING = "jurisdiction"
#: Said wherever the jurisdiction can be changed.
CHANGE_WARNING = (
    "Changing the jurisdiction changes which state's law applies to NEW decisions only: "
    "decisions already recorded keep the rule pack they were decided under."
)


class Jurisdiction(NamedTuple):
    code: str  # the packs' ``jurisdiction``: "CT", "CA"
    name: str  # "Connecticut"
    source: str  # "set by IT in …" | "chosen by the agency" | "default"
    locked: bool  # set by IT for the machine: not changeable in the app


def choices() -> list[tuple[str, str]]:
    """(code, name) of every jurisdiction an agency may choose, in display order."""
    return list(JURISDICTIONS.items())


def check_code(value: object) -> str:
    code = str(value).strip().upper() if isinstance(value, str) else ""
    if code not in JURISDICTIONS:
        names = ", ".join(f"{c} ({n})" for c, n in JURISDICTIONS.items())
        raise InvalidRequest(
            f"the jurisdiction {str(value)[:20]!r} is not one TrustDesk has packs for; "
            f"choose one of {names}"
        )
    return code


def home_zone(code: str) -> str | None:
    """The time zone the jurisdiction's newest shipped rule pack states (its ``timezone``:
    "America/Los_Angeles" for CA), the natural default for an agency there; None when no
    pack of it ships or its file cannot be read."""
    from trustdesk.rules import strict_json
    from trustdesk.rules.errors import RulesError
    from trustdesk.rules.packs import bundled_pack_paths

    for path in reversed(bundled_pack_paths(code)):
        try:
            raw = strict_json.load_path(path)
            # Format 3 states it at the top; format 2 in its hold clock (pack_migrate).
            zone = raw.get("timezone") or (raw.get("hold_clock") or {}).get("timezone")
        except (RulesError, AttributeError):
            continue
        if isinstance(zone, str):
            return zone
    return None


def machine_setting() -> tuple[str, str] | None:
    """(code, where) when IT set the jurisdiction for this machine, else None."""
    from trustdesk.config import current

    setting = current()[SETTING]
    return (str(setting.value), setting.describe()) if setting.locked else None


class JurisdictionService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def chosen(self) -> str | None:
        """The agency's latest recorded choice (None: never chosen)."""
        entries = self.ctx.store.audit.of_events(SETTINGS_CHANGED)
        return choice_in((entry.objects for entry in entries), JURISDICTIONS)

    def current(self) -> Jurisdiction:
        """The jurisdiction in force on this desk, and where it came from."""
        machine = machine_setting()
        if machine is not None:
            code, where = machine
            return Jurisdiction(code, JURISDICTIONS[code], where, True)
        chosen = self.chosen()
        if chosen is not None:
            return Jurisdiction(chosen, JURISDICTIONS[chosen], "chosen by the agency", False)
        return Jurisdiction(
            DEFAULT_JURISDICTION, JURISDICTIONS[DEFAULT_JURISDICTION], "default", False
        )

    def changed_since(self, code: str) -> str | None:
        """What changed when the record's jurisdiction is no longer ``code``, the one
        this desk read when it signed in (its rules'), with who changed it and when;
        None while it is (or IT set it for this machine). Said before a review starts:
        the save would be refused anyway (``DecisionService.law``)."""
        if machine_setting() is not None or code not in JURISDICTIONS:
            return None
        entries = [
            entry
            for entry in self.ctx.store.audit.of_events(SETTINGS_CHANGED)
            if entry.objects_dict().get("setting") == SETTING
        ]
        last = entries[-1] if entries else None
        latest = (None, None, None) if last is None else (last.objects, last.actor, last.at)
        change = law_change(
            LawCheck(code, JURISDICTIONS, DEFAULT_JURISDICTION),
            latest,
            lambda: [entry.objects for entry in entries],
        )
        if change is None:
            return None
        return (
            f"{change}. A review started here now would follow the old law: sign in again "
            "(or restart TrustDesk), then start the case under the law now in force"
        )

    def first_choice_entries(self, code: object) -> list[AuditEvent]:
        """At first-run set-up: the entry recording the choice made with the first
        administrator, written in the set-up's own transaction (``AgencyService.set_up``);
        none when IT set it for the machine, or it is what applies anyway."""
        checked = check_code(code)
        if machine_setting() is not None:
            return []  # IT's setting applies; nothing to record
        if checked == self.current().code:
            return []
        objects = {"setting": SETTING, "jurisdiction": checked, "previous": None}
        return [AuditEvent(SETTINGS_CHANGED, "success", objects)]

    def change(self, session: Session, code: object) -> Jurisdiction:
        """An administrator's change: audited; refused when IT set it for the machine."""
        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": SETTING})
        checked = check_code(code)
        now = self.current()
        if now.locked:
            raise InvalidRequest(
                f"the jurisdiction is {now.source}; IT changes it in the machine config file"
            )
        if checked != now.code:
            self.ctx.audit(
                SETTINGS_CHANGED, session, setting=SETTING, jurisdiction=checked, previous=now.code
            )
        return self.current()

"""Reading the verification of each datum of a rule pack (schema version 2).

Every datum that can be wrong carries a ``verification`` object: unverified (with what
is uncertain and where it came from) or verified (by whom, their title, against which
source, on which date). This module turns them into ``core.pack.Verification`` values
keyed by item id, the keys the engine, the sign-off and the reports share:
``dates``, ``hold_clock``, ``criteria/<id>``, ``actions/<id>``, ``lists/<id>`` (the
list is complete), ``lists/<id>/<section>`` (the section is listed) and
``contacts/<disclosure>/<case>`` (what the law allows for a disclosure to ICE, in the
case ``always``, ``ground`` or ``no_ground``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from trustdesk.core.pack import (
    CLOCK_ITEM,
    DATES_ITEM,
    Verification,
    action_item,
    contact_item,
    criterion_item,
    entry_item,
    list_item,
)
from trustdesk.rules.errors import InputError

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def verification_of(raw: Mapping[str, Any]) -> Verification:
    """One ``verification`` object (already schema-checked) as a value."""
    if raw["status"] != "verified":
        return Verification(False, note=raw["note"], sources=tuple(raw.get("sources", ())))
    return Verification(
        True,
        by=raw["by"],
        title=raw["title"],
        source=raw["source"],
        on=date.fromisoformat(raw["on"]),
        note=raw.get("note", ""),
    )


def item_verifications(raw: Mapping[str, Any]) -> Mapping[str, Verification]:
    """Item id → verification, for every verifiable datum of the pack ``raw``."""
    found: dict[str, Verification] = {DATES_ITEM: verification_of(raw["dates_verification"])}
    for criterion in raw["criteria"]:
        found[criterion_item(criterion["id"])] = verification_of(criterion["verification"])
    for statute_list in raw["lists"]:
        list_id = statute_list["id"]
        found[list_item(list_id)] = verification_of(statute_list["verification"])
        for section in statute_list["statutes"]:
            found[entry_item(list_id, section)] = verification_of(statute_list["entries"][section])
    found[CLOCK_ITEM] = verification_of(raw["hold_clock"]["verification"])
    for action in raw["actions"]:
        found[action_item(action["id"])] = verification_of(action["verification"])
    for rule in contact_rules(raw):
        for case in CONTACT_CASES:
            if case in rule:
                item = contact_item(rule["disclosure"], case)
                found[item] = verification_of(rule[case]["verification"])
    return MappingProxyType(found)


#: The cases a contact rule can state (``always``, or ``ground`` and ``no_ground``).
CONTACT_CASES = ("always", "ground", "no_ground")


def contact_rules(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The rules of the pack's optional ``contacts`` section (none in an older pack)."""
    section = raw.get("contacts")
    return [] if section is None else list(section["rules"])


def check_entries(raw: Mapping[str, Any], source: str) -> None:
    """Each list's ``entries`` verify exactly its ``statutes``, no more and no fewer."""
    for index, statute_list in enumerate(raw["lists"]):
        entries = statute_list["entries"]
        for section in statute_list["statutes"]:
            if section not in entries:
                raise InputError(
                    source,
                    f"/lists/{index}/entries",
                    f"has no verification for section {section}; add "
                    f'"{section}": {{"status": "unverified", "note": "…"}} or its verification',
                )
        for section in entries:
            if section not in statute_list["statutes"]:
                raise InputError(
                    source,
                    f"/lists/{index}/entries/{section}",
                    "verifies a section that is not in the list's statutes; remove it",
                )


def check_verification_dates(raw: Mapping[str, Any], source: str) -> None:
    """Each verification's ``on`` is a real date (the schema checks only its shape)."""
    found: list[tuple[str, Mapping[str, Any]]] = [
        ("/dates_verification", raw["dates_verification"])
    ]
    for key in ("criteria", "actions"):
        found += [
            (f"/{key}/{i}/verification", item["verification"]) for i, item in enumerate(raw[key])
        ]
    for index, statute_list in enumerate(raw["lists"]):
        found.append((f"/lists/{index}/verification", statute_list["verification"]))
        found += [
            (f"/lists/{index}/entries/{section}", value)
            for section, value in statute_list["entries"].items()
        ]
    found.append(("/hold_clock/verification", raw["hold_clock"]["verification"]))
    for index, rule in enumerate(contact_rules(raw)):
        found += [
            (f"/contacts/rules/{index}/{case}/verification", rule[case]["verification"])
            for case in CONTACT_CASES
            if case in rule
        ]
    for pointer, verification in found:
        day = verification.get("on")
        if day is None:
            continue
        try:
            date.fromisoformat(day)
        except ValueError:
            raise InputError(source, f"{pointer}/on", f"is not a real date: {day}") from None

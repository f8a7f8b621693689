"""Reading the verification of each datum of a rule pack (schema version 2).

Every datum that can be wrong carries a ``verification`` object: unverified (with what
is uncertain and where it came from) or verified (by whom, their title, against which
source, on which date). This module turns them into ``core.pack.Verification`` values
keyed by item id, the keys the engine, the sign-off and the reports share:
``dates``, ``hold_clock``, ``criteria/<id>``, ``actions/<id>``, ``lists/<id>`` (the
list is complete), ``lists/<id>/<section>`` (the section is listed) and
``contacts/<action>/<case>`` (what the law decides for an action, in the case
``always``, ``ground`` or ``no_ground``: format 3's ``outcomes`` keep format 2's item ids,
so a verification or sign-off recorded against a format-2 pack still names its item).
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
    if raw["hold_clock"] is not None:
        found[CLOCK_ITEM] = verification_of(raw["hold_clock"]["verification"])
    for action in raw["actions"]:
        found[action_item(action["id"])] = verification_of(action["verification"])
    for action_id, case, _pointer, value in outcome_cases(raw):
        found[contact_item(action_id, case)] = verification_of(value["verification"])
    return MappingProxyType(found)


#: The cases a contact rule can state (``always``, or ``ground`` and ``no_ground``).
CONTACT_CASES = ("always", "ground", "no_ground")
#: Their names in format 3's ``outcomes``.
OUTCOME_CASES = {"always": "always", "ground": "when_ground", "no_ground": "when_no_ground"}


def contact_rules(raw: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The rules of a format-2 pack's optional ``contacts`` section (none in an older pack)."""
    section = raw.get("contacts")
    return [] if section is None else list(section["rules"])


def outcome_cases(raw: Mapping[str, Any]) -> list[tuple[str, str, str, Mapping[str, Any]]]:
    """(action id, case, JSON pointer, the case's data) for every case of every action
    rule of ``raw``, a format-2 (``contacts``) or format-3 (``outcomes``) pack."""
    found: list[tuple[str, str, str, Mapping[str, Any]]] = []
    if "outcomes" in raw or "contacts" not in raw:
        for index, rule in enumerate(raw.get("outcomes", ())):
            for case, key in OUTCOME_CASES.items():
                if key in rule:
                    found.append((rule["id"], case, f"/outcomes/{index}/{key}", rule[key]))
        return found
    for index, rule in enumerate(contact_rules(raw)):
        for case in CONTACT_CASES:
            if case in rule:
                pointer = f"/contacts/rules/{index}/{case}"
                found.append((rule["disclosure"], case, pointer, rule[case]))
    return found


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
    if raw["hold_clock"] is not None:
        found.append(("/hold_clock/verification", raw["hold_clock"]["verification"]))
    found += [
        (f"{pointer}/verification", value["verification"])
        for _action, _case, pointer, value in outcome_cases(raw)
    ]
    for pointer, verification in found:
        day = verification.get("on")
        if day is None:
            continue
        try:
            date.fromisoformat(day)
        except ValueError:
            raise InputError(source, f"{pointer}/on", f"is not a real date: {day}") from None

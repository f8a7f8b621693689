"""A new revision of a rule pack in which counsel has verified chosen items.

Counsel's sign-off changes nothing in the law a pack encodes, only what its items say
about their verification: each chosen item's ``verification`` becomes *verified by whom,
their title, against which source, on which date*. The pack's ``last_verified_on`` moves
to the sign-off date (never back) and its ``verification_note`` records the sign-off.
The result is new bytes, so a new SHA-256; the revision it came from is left as it was.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from trustdesk.core.pack import (
    CLOCK_ITEM,
    DATES_ITEM,
    RulePack,
    action_item,
    contact_item,
    criterion_item,
    entry_item,
    list_item,
)
from trustdesk.rules import strict_json
from trustdesk.rules.errors import InputError

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Longest name, title and source text accepted (the schema's text limit is 4000).
MAX_TEXT = 400


@dataclass(frozen=True, slots=True)
class Attestation:
    """What counsel attests: these items, checked against ``source``, by ``by`` on ``on``."""

    items: tuple[str, ...]
    source: str
    by: str
    title: str
    on: date
    note: str = ""


def item_label(pack: RulePack, item: str) -> str:
    """The item in words, for lists of items and confirmations."""
    if item == DATES_ITEM:
        until = "no end date" if pack.effective_to is None else pack.effective_to.isoformat()
        return f"Effective dates ({pack.effective_from.isoformat()} to {until})"
    if item == CLOCK_ITEM:
        if pack.clock is None:
            return "Hold clock (none: the pack allows no hold)"
        return f"Hold clock ({pack.clock.hours} hours; {pack.clock.citation})"
    kind, _, rest = item.partition("/")
    if kind == "criteria":
        found = next((c for c in pack.criteria if c.id == rest), None)
        return item if found is None else f"Ground “{found.title}” ({found.citation})"
    if kind == "actions":
        act = next((a for a in pack.actions if a.id == rest), None)
        return item if act is None else f"Action: {act.text}"
    if kind == "lists":
        list_id, _, section = rest.partition("/")
        title = next((x.title for x in pack.lists if x.id == list_id), list_id)
        return f"{title}: § {section}" if section else f"{title} — the list is complete"
    if kind == "contacts" and pack.contacts is not None:
        disclosure, _, case = rest.partition("/")
        rule = pack.contacts.rule(disclosure)
        outcome = None if rule is None else getattr(rule, case, None)
        if rule is not None and outcome is not None:
            when = _CONTACT_CASE_WORDS.get(case, case)
            return f"Contact with ICE — {rule.label}, {when}: {outcome.verdict} ({rule.citation})"
    return item


_CONTACT_CASE_WORDS = {
    "always": "whatever the grounds",
    "ground": "when a ground holds",
    "no_ground": "when no ground holds",
}


def pack_items(pack: RulePack) -> tuple[str, ...]:
    """Every verifiable item of ``pack``, in the order a person reads the pack."""
    items = [DATES_ITEM]
    items.extend(criterion_item(c.id) for c in pack.criteria)
    for statute_list in pack.lists:
        items.append(list_item(statute_list.id))
        items.extend(entry_item(statute_list.id, s) for s in sorted(statute_list.statutes))
    items.append(CLOCK_ITEM)
    items.extend(action_item(a.id) for a in pack.actions)
    if pack.contacts is not None:
        for rule in pack.contacts.rules:
            items.extend(
                contact_item(rule.disclosure, case)
                for case in ("always", "ground", "no_ground")
                if getattr(rule, case) is not None
            )
    return tuple(items)


def resolve_items(pack: RulePack, wanted: Iterable[str]) -> tuple[str, ...]:
    """The item ids named by ``wanted``: full ids, or a bare section when only one list has it.

    Raises ``InputError`` naming the first one that is not an item of the pack.
    """
    known = pack_items(pack)
    found: list[str] = []
    for name in wanted:
        text = name.strip()
        if text in known:
            found.append(text)
            continue
        by_section = [
            i
            for i in known
            if i.startswith("lists/") and i.count("/") == 2 and i.rsplit("/", 1)[1] == text
        ]
        if len(by_section) == 1:
            found.append(by_section[0])
            continue
        raise InputError(
            pack.id,
            "",
            f"has no item {text!r}; list them with trustdesk rules items --pack {pack.id}",
        )
    if not found:
        raise InputError(pack.id, "", "no item chosen: name at least one item to sign off")
    return tuple(dict.fromkeys(found))


def check_attestation(attestation: Attestation, today: date) -> None:
    """Refuse an attestation that is incomplete, too long or dated in the future."""
    for name, value in (("source", attestation.source), ("by", attestation.by)):
        if not value.strip():
            raise InputError("sign-off", f"/{name}", "must not be blank")
    if not attestation.title.strip():
        raise InputError("sign-off", "/title", "must not be blank: give counsel's title")
    for name, value in (
        ("source", attestation.source),
        ("by", attestation.by),
        ("title", attestation.title),
        ("note", attestation.note),
    ):
        if len(value) > MAX_TEXT:
            raise InputError("sign-off", f"/{name}", f"is longer than {MAX_TEXT} characters")
    if attestation.on > today:
        raise InputError(
            "sign-off",
            "/on",
            f"{attestation.on.isoformat()} is in the future; give the day "
            "counsel checked the items",
        )


def _verification(attestation: Attestation) -> dict[str, Any]:
    value: dict[str, Any] = {
        "status": "verified",
        "by": attestation.by.strip(),
        "title": attestation.title.strip(),
        "source": attestation.source.strip(),
        "on": attestation.on.isoformat(),
    }
    if attestation.note.strip():
        value["note"] = attestation.note.strip()
    return value


def _holder(raw: dict[str, Any], item: str) -> tuple[dict[str, Any], str]:
    """The JSON object that holds ``item``'s verification, and the key it is under."""
    if item == DATES_ITEM:
        return raw, "dates_verification"
    if item == CLOCK_ITEM:
        return raw["hold_clock"], "verification"
    kind, _, rest = item.partition("/")
    if kind in ("criteria", "actions"):
        return next(x for x in raw[kind] if x["id"] == rest), "verification"
    if kind == "contacts":
        disclosure, _, case = rest.partition("/")
        if "outcomes" in raw:  # format 3 keeps format 2's item ids (decision 0036)
            key = {"ground": "when_ground", "no_ground": "when_no_ground"}.get(case, case)
            rule = next(x for x in raw["outcomes"] if x["id"] == disclosure)
            return rule[key], "verification"
        rule = next(x for x in raw["contacts"]["rules"] if x["disclosure"] == disclosure)
        return rule[case], "verification"
    list_id, _, section = rest.partition("/")
    found = next(x for x in raw["lists"] if x["id"] == list_id)
    return (found["entries"], section) if section else (found, "verification")


def revise(data: bytes, source: str, attestation: Attestation) -> bytes:
    """The bytes of the revision of pack file ``data`` with ``attestation`` applied."""
    raw = strict_json.loads(data, source)
    if not isinstance(raw, dict):
        raise InputError(source, "", "is not a rule pack")
    verified = _verification(attestation)
    for item in attestation.items:
        holder, key = _holder(raw, item)
        holder[key] = dict(verified)
    raw["last_verified_on"] = max(raw["last_verified_on"], attestation.on.isoformat())
    count = len(attestation.items)
    raw["verification_note"] = (
        f"{raw['verification_note']} Counsel sign-off of {count} item"
        f"{'s' if count != 1 else ''} by {verified['by']} ({verified['title']}) on "
        f"{verified['on']} against {verified['source']}."
    )[:4000]
    return (json.dumps(raw, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

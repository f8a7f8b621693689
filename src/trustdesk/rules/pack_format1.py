"""Reading a format-1 rule pack as format 2, to evaluate cases under a kept old version.

Format 1 (schema_version 1, the packs shipped up to release 2796f55) recorded
verification for the pack as a whole (``last_verified_on`` and ``verification_note``)
and one ``verified`` flag per offense list. Format 2 gives every datum its own
``verification`` object. A decision recorded under a format-1 pack names that file's
SHA-256, so the file is kept byte for byte (``resources/rules/history``) and read
through this fixed, deterministic translation — for evaluation only: importing a
format-1 pack is still refused.

The translation (docs/decisions/0023-reprinting-old-records.md):

* every datum the pack as a whole vouched for (its dates, each criterion, each action,
  the hold clock) becomes ``verified`` by ``FORMAT_1_VERIFIER`` with the title
  ``FORMAT_1_TITLE``, against the pack's ``sources`` (joined by "; "), on its
  ``last_verified_on``, with its ``verification_note`` as the note;
* a list with ``verified: true`` and each of its sections: the same, against the list's
  own sources; a list with ``verified: false`` and each of its sections: ``unverified``,
  the list's ``note`` (else the pack's note) saying why, the list's sources as sources;
* ``schema_version`` becomes 2; the embedded tests lose their ``unverified``
  expectation and are otherwise kept as written, but ``load_pack`` does not run them
  for a format-1 reading: format 1's review expectation mixed the law's reasons with
  "rests on an unverified list", which format 2 separates and format 1 does not say.
  The test suite instead checks that the reading reaches the outcome, grounds and hold
  every embedded case expects (tests/test_pack_history.py).

That is what format 1 meant: the old engine flagged exactly the unverified lists, and
treated everything else as checked on the pack's date.

A format-1 pack an *agency imported* before the upgrade (``rules.format1_imports``,
decision 0031) is read the same way, then applied with **every item unverified**: nothing in the
file says who checked the agency's own edits, so a hold resting on it goes to review
until counsel signs the items off or a format-2 version is imported. It is applied only
when its reading reaches the outcome, grounds and hold expiry that each of its own
embedded cases expects; otherwise it stays out of force with a message saying what to do.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from trustdesk.rules import schema_check

if TYPE_CHECKING:
    from trustdesk.core.pack import RulePack

FORMAT_1_VERIFIER = "The pack's publisher (format 1 names no one)"
FORMAT_1_TITLE = "Pack-level verification of a format-1 rule pack"
V1_SCHEMA = "rule-pack-v1"
#: Why every item of an imported format-1 pack is unverified (shown with each of them).
IMPORTED_NOTE = (
    "imported in format 1, which does not say who verified the agency's edits: treated as "
    "unverified until counsel signs the items off or a format-2 version is imported"
)
#: What an administrator reads beside an imported format-1 pack in force.
IMPORTED_NOTICE = (
    "imported before the upgrade in rule-pack format 1; it stays in force, read as format 2 "
    "with EVERY item unverified (a hold resting on it goes to supervisor review). To lift "
    "that, import a format-2 version of the pack (ask its publisher) or have counsel sign "
    "its items off"
)


def is_format_1(raw: Mapping[str, Any]) -> bool:
    return raw.get("schema_version") == 1


def read_format_1(raw: Mapping[str, Any], source: str, *, check: bool = True) -> dict[str, Any]:
    """The format-2 reading of the format-1 pack ``raw``.

    ``check``: validate ``raw`` against the format-1 schema first (skipped only for
    bytes that passed every check before, as the validation cache records).
    """
    if check:
        schema_check.validate(raw, V1_SCHEMA, source)
    pack: dict[str, Any] = copy.deepcopy(dict(raw))
    note = str(raw["verification_note"])

    def verified(sources: list[str]) -> dict[str, Any]:
        return {
            "status": "verified",
            "by": FORMAT_1_VERIFIER,
            "title": FORMAT_1_TITLE,
            "source": "; ".join(sources) or "the pack's sources",
            "on": raw["last_verified_on"],
            "note": note,
        }

    vouched = verified(list(raw["sources"]))
    pack["schema_version"] = 2
    pack["dates_verification"] = dict(vouched)
    for criterion in pack["criteria"]:
        criterion["verification"] = dict(vouched)
    for action in pack["actions"]:
        action["verification"] = dict(vouched)
    pack["hold_clock"]["verification"] = dict(vouched)
    for statute_list in pack["lists"]:
        if statute_list.pop("verified"):
            state = verified(list(statute_list["sources"]))
        else:
            state = {
                "status": "unverified",
                "note": str(statute_list.get("note") or note),
                "sources": list(statute_list["sources"]),
            }
        statute_list["verification"] = state
        statute_list["entries"] = {section: dict(state) for section in statute_list["statutes"]}
    for test in pack["tests"]:
        test["expect"].pop("unverified", None)
    return pack


def is_format_1_file(path: Path) -> bool:
    """Whether the file at ``path`` is a format-1 pack (False for anything unreadable)."""
    try:
        raw = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(raw, dict) and is_format_1(raw)


def all_unverified(pack: RulePack, note: str = IMPORTED_NOTE) -> RulePack:
    """``pack`` with every item, and every statute list, marked unverified with ``note``."""
    from trustdesk.core.pack import Verification

    items = {
        item: Verification(False, note=note, sources=(found.source,) if found.source else ())
        for item, found in pack.verifications.items()
    }
    lists = tuple(item._replace(verified=False, note=note) for item in pack.lists)
    return pack._replace(verifications=MappingProxyType(items), lists=lists)

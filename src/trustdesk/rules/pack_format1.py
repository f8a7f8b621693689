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
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from trustdesk.rules import schema_check

FORMAT_1_VERIFIER = "The pack's publisher (format 1 names no one)"
FORMAT_1_TITLE = "Pack-level verification of a format-1 rule pack"
V1_SCHEMA = "rule-pack-v1"


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

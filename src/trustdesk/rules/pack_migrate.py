"""Converting a format-2 rule pack to format 3 (several actions per decision), in memory.

Format 2 decided one thing, the hold (honor or decline), and said what may be given to
ICE in an optional ``contacts`` section. Format 3 states every action the law decides
as ``outcomes``; one of them (``decides_hold``) is the old decision. The conversion:

* ``contacts.rules`` → ``outcomes`` (``disclosure`` → ``id``; ``ground`` / ``no_ground``
  → ``when_ground`` / ``when_no_ground``; the verdict ``never`` → ``not_allowed`` under
  ``always``, which is how format 3 says it), ``contacts.gates`` → ``outcome_gates``;
  the ``hold`` rule decides the hold. A pack without ``contacts`` (written before issue
  14) is read with no outcomes, as before: the engine then honors when any ground is met
  and the contact advice says nothing. Written out as a file (``complete``), it gets a
  ``hold`` outcome restating that rule, marked unverified, and gates worded from its
  criteria's titles, so the file is a valid format-3 pack.
* ``hold_clock.timezone`` → the pack's ``timezone``.
* ``jurisdiction_name``, ``before_first`` and ``required_notices``, which format 2 did
  not state, come from resources/rules/migration/v2.json (data, not code).

The stored file and its SHA-256 are never changed: the conversion is made on every load
(``rules.packs``), and ``trustdesk rules migrate`` writes it out for a publisher.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from functools import cache

from trustdesk import resources

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FORMAT_2 = 2
FORMAT_3 = 3

#: Format 2's names of the cases of a contact rule → format 3's.
_CASES = {"ground": "when_ground", "no_ground": "when_no_ground", "always": "always"}


@cache
def _defaults() -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(
        resources.resource("rules", "migration", "v2.json").read_text(encoding="utf-8")
    )
    return data


def is_format_2(raw: Mapping[str, Any]) -> bool:
    return raw.get("schema_version") == FORMAT_2


def _case(value: Mapping[str, Any]) -> dict[str, Any]:
    verdict = value["verdict"]
    return {
        "outcome": "not_allowed" if verdict == "never" else verdict,
        "text": value["text"],
        "verification": copy.deepcopy(value["verification"]),
    }


def _outcome(rule: Mapping[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = {
        "id": rule["disclosure"],
        "label": rule["label"],
        "citation": rule["citation"],
    }
    if rule["disclosure"] == "hold":
        converted["decides_hold"] = True
    for old, new in _CASES.items():
        if old in rule:
            converted[new] = _case(rule[old])
    return converted


def _hold_outcome(raw: Mapping[str, Any]) -> dict[str, Any]:
    words = _defaults()["hold_outcome"]
    unverified = {"status": "unverified", "note": words["note"]}
    clock = raw["hold_clock"]
    return {
        "id": "hold",
        "label": words["label"],
        "citation": clock["citation"],
        "decides_hold": True,
        "when_ground": {
            "outcome": "allowed",
            "text": words["when_ground"],
            "verification": dict(unverified),
        },
        "when_no_ground": {
            "outcome": "not_allowed",
            "text": words["when_no_ground"],
            "verification": dict(unverified),
        },
    }


def _gates(raw: Mapping[str, Any]) -> list[dict[str, str]]:
    gates = []
    for criterion in raw["criteria"]:
        title = criterion["title"][:100]
        gates.append(
            {
                "criterion": criterion["id"],
                "present": title,
                "absent": f"not: {title}"[:120],
                "unknown": f"not yet checked: {title}"[:120],
            }
        )
    return gates


def migrate_v2(raw: Mapping[str, Any], *, complete: bool = False) -> dict[str, Any]:
    """The format-3 form of the (schema-checked) format-2 pack ``raw``; ``raw`` is untouched.

    ``complete``: also give a pack without ``contacts`` the outcomes format 3 requires
    (to write a file); on load they are left out so such a pack reads exactly as before.
    """
    old = copy.deepcopy(dict(raw))
    jurisdiction = old["jurisdiction"]
    known = _defaults()["jurisdictions"].get(jurisdiction, {})
    clock = old.pop("hold_clock")
    contacts = old.pop("contacts", None)
    converted: dict[str, Any] = {}
    for key, value in old.items():
        converted[key] = FORMAT_3 if key == "schema_version" else value
        if key == "jurisdiction":
            converted["jurisdiction_name"] = known.get("jurisdiction_name", jurisdiction)
            converted["timezone"] = clock["timezone"]
            converted["before_first"] = known.get(
                "before_first",
                "no rule pack of this jurisdiction covers dates before its first pack",
            )
        if key == "actions":
            converted["hold_clock"] = {k: v for k, v in clock.items() if k != "timezone"}
            # A format-2 pack required a notice through one of its actions (Connecticut's
            # copy-and-intent duty from 2019), so the 2014 pack requires none.
            by_action = known.get("notices_by_action", {})
            converted["required_notices"] = list(
                dict.fromkeys(
                    [
                        *known.get("required_notices", ()),
                        *(n for a in value for n in by_action.get(a.get("id"), ())),
                    ]
                )
            )
            if contacts is None and not complete:
                pass
            elif contacts is None:
                converted["outcome_gates"] = _gates(old)
                converted["outcomes"] = [_hold_outcome({"hold_clock": clock})]
            else:
                converted["outcome_gates"] = contacts["gates"]
                converted["outcomes"] = [_outcome(rule) for rule in contacts["rules"]]
                if not any(o.get("decides_hold") for o in converted["outcomes"]):
                    converted["outcomes"].insert(0, _hold_outcome({"hold_clock": clock}))
                if "note" in contacts:
                    converted["outcomes_note"] = contacts["note"]
    if "$schema" in converted:
        converted["$schema"] = str(converted["$schema"]).replace(
            "rule-pack-v2.schema.json", "rule-pack.schema.json"
        )
    return converted

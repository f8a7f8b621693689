"""Loading rule packs: strict JSON, schema validation, compilation, embedded tests.

A pack is accepted only when it validates against schemas/rule-pack.schema.json (format
3; a format-2 file against schemas/rule-pack-v2.schema.json, then converted in memory by
``rules.pack_migrate``), its references hold together, and its own test cases all pass.
Once a pack file has passed, the fact is remembered in the validation cache (keyed by
the file's bytes, the schemas, the catalog and TrustDesk's code), so later runs skip the
slow checks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Container, Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trustdesk import resources
from trustdesk.core.conditions import ConditionError, compile_condition
from trustdesk.core.pack import (
    Action,
    ClockRule,
    ContactOutcome,
    ContactRule,
    ContactRules,
    Criterion,
    Explanation,
    Gate,
    NextVersion,
    Question,
    RulePack,
    StatuteList,
)
from trustdesk.rules import cache, pack_format1, pack_migrate, schema_check, strict_json
from trustdesk.rules.calendar import exclusion_calendar
from trustdesk.rules.errors import InputError
from trustdesk.rules.verification import (
    check_entries,
    check_verification_dates,
    item_verifications,
)

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_CACHE_NAME = "validated-packs"
V2_SCHEMA = "rule-pack-v2"
#: The jurisdiction of an installation that never chose one: TrustDesk was first made
#: for it, so existing installations keep their packs (issue 16, contract D).
DEFAULT_JURISDICTION = "CT"


class LoadedPack(NamedTuple):
    """A compiled pack together with its raw test cases (for ``rules test``)."""

    pack: RulePack
    tests: tuple[Mapping[str, Any], ...]
    path: Path


def _unique(items: list[Mapping[str, Any]], pointer: str, source: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item["id"] in seen:
            raise InputError(
                source,
                f"{pointer}/{index}/id",
                f"id {item['id']!r} is used twice (first at {pointer}/{seen[item['id']]})",
            )
        seen[item["id"]] = index
    return seen


def _check_common(raw: Mapping[str, Any], source: str) -> dict[str, int]:
    """The checks formats 2 and 3 share; the criteria's ids → their index."""
    criteria = _unique(raw["criteria"], "/criteria", source)
    _unique(raw["questions"], "/questions", source)
    _unique(raw["lists"], "/lists", source)
    _unique(raw["actions"], "/actions", source)
    for index, question in enumerate(raw["questions"]):
        for feed_index, criterion in enumerate(question["feeds"]):
            if criterion not in criteria:
                raise InputError(
                    source,
                    f"/questions/{index}/feeds/{feed_index}",
                    f"no criterion with id {criterion!r}",
                )
    check_entries(raw, source)
    check_verification_dates(raw, source)
    start = _day(raw["effective_from"], "/effective_from", source)
    _day(raw["last_verified_on"], "/last_verified_on", source)
    end = raw["effective_to"]
    if end is not None and _day(end, "/effective_to", source) < start:
        raise InputError(source, "/effective_to", "is before effective_from")
    return criteria


def _check_zone(zone: str, pointer: str, source: str) -> None:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(source, pointer, f"unknown time zone {zone!r}") from None


def _check_references(raw: Mapping[str, Any], source: str) -> None:
    """Format 2: the references hold together (before the pack is converted)."""
    criteria = _check_common(raw, source)
    _check_contacts(raw, criteria, source)
    _check_zone(raw["hold_clock"]["timezone"], "/hold_clock/timezone", source)


def _check_references_v3(raw: Mapping[str, Any], source: str) -> None:
    """Format 3: gates name every criterion once; each action is decided once; exactly
    one decides the hold; grounds name criteria; no hold is allowed without a clock."""
    criteria = _check_common(raw, source)
    _check_zone(raw["timezone"], "/timezone", source)
    _check_gates(raw["outcome_gates"], "/outcome_gates", criteria, source)
    ruled: dict[str, int] = {}
    deciding = []
    for index, rule in enumerate(raw["outcomes"]):
        pointer = f"/outcomes/{index}"
        if rule["id"] in ruled:
            raise InputError(
                source,
                f"{pointer}/id",
                f"{rule['id']!r} is decided already (/outcomes/{ruled[rule['id']]})",
            )
        ruled[rule["id"]] = index
        for g, ground in enumerate(rule.get("grounds", ())):
            if ground not in criteria:
                raise InputError(
                    source, f"{pointer}/grounds/{g}", f"no criterion with id {ground!r}"
                )
        if rule.get("decides_hold", False):
            deciding.append(index)
    if len(deciding) != 1:
        raise InputError(
            source,
            "/outcomes",
            "exactly one outcome must have decides_hold: true (the hold decision); "
            f"found {len(deciding)}",
        )
    hold = raw["outcomes"][deciding[0]]
    if raw["hold_clock"] is None:
        for case in ("when_ground", "always"):
            if case in hold and hold[case]["outcome"] in ("allowed", "allowed_with_conditions"):
                raise InputError(
                    source,
                    f"/outcomes/{deciding[0]}/{case}/outcome",
                    "allows a hold but hold_clock is null; add the hold clock or do not allow it",
                )


def _check_gates(
    gates: list[Mapping[str, Any]], where: str, criteria: Mapping[str, int], source: str
) -> None:
    named: dict[str, int] = {}
    for index, gate in enumerate(gates):
        pointer = f"{where}/{index}/criterion"
        if gate["criterion"] not in criteria:
            raise InputError(source, pointer, f"no criterion with id {gate['criterion']!r}")
        if gate["criterion"] in named:
            raise InputError(
                source,
                pointer,
                f"names {gate['criterion']!r} again (first at {where}/{named[gate['criterion']]})",
            )
        named[gate["criterion"]] = index
    for criterion in criteria:
        if criterion not in named:
            raise InputError(
                source,
                where,
                f"does not name ground {criterion!r}; add its present/absent/unknown words",
            )


def _check_contacts(raw: Mapping[str, Any], criteria: Mapping[str, int], source: str) -> None:
    """The contacts section names each ground once and rules on each disclosure once."""
    section = raw.get("contacts")
    if section is None:
        return
    named: dict[str, int] = {}
    for index, gate in enumerate(section["gates"]):
        pointer = f"/contacts/gates/{index}/criterion"
        if gate["criterion"] not in criteria:
            raise InputError(source, pointer, f"no criterion with id {gate['criterion']!r}")
        if gate["criterion"] in named:
            raise InputError(
                source,
                pointer,
                f"names {gate['criterion']!r} again (first at /contacts/gates/"
                f"{named[gate['criterion']]})",
            )
        named[gate["criterion"]] = index
    for criterion in criteria:
        if criterion not in named:
            raise InputError(
                source,
                "/contacts/gates",
                f"does not name ground {criterion!r}; add its present/absent/unknown words",
            )
    ruled: dict[str, int] = {}
    for index, rule in enumerate(section["rules"]):
        if rule["disclosure"] in ruled:
            raise InputError(
                source,
                f"/contacts/rules/{index}/disclosure",
                f"{rule['disclosure']!r} has a rule already (/contacts/rules/"
                f"{ruled[rule['disclosure']]})",
            )
        ruled[rule["disclosure"]] = index


def _outcome_rules(raw: Mapping[str, Any]) -> ContactRules:
    """A format-3 pack's ``outcome_gates`` and ``outcomes`` as values."""

    def case(value: Mapping[str, Any] | None) -> ContactOutcome | None:
        if value is None:
            return None
        return ContactOutcome(
            value["outcome"],
            value["text"],
            tuple(value.get("conditions", ())),
            tuple(value.get("notices", ())),
        )

    return ContactRules(
        gates=tuple(
            Gate(g["criterion"], g["present"], g["absent"], g["unknown"])
            for g in raw["outcome_gates"]
        ),
        rules=tuple(
            ContactRule(
                disclosure=r["id"],
                label=r["label"],
                citation=r["citation"],
                ground=case(r.get("when_ground")),
                no_ground=case(r.get("when_no_ground")),
                always=case(r.get("always")),
                decides_hold=r.get("decides_hold", False),
                grounds=tuple(r["grounds"]) if "grounds" in r else None,
            )
            for r in raw["outcomes"]
        ),
        note=raw.get("outcomes_note", ""),
    )


def _day(value: str, pointer: str, source: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(source, pointer, f"is not a real date: {value}") from None


def _build(raw: Mapping[str, Any], sha256: str, source: str) -> RulePack:
    verifications = item_verifications(raw)
    lists = tuple(
        StatuteList(
            id=item["id"],
            title=item["title"],
            statutes=frozenset(item["statutes"]),
            verified=all(
                v.verified
                for key, v in verifications.items()
                if key == f"lists/{item['id']}" or key.startswith(f"lists/{item['id']}/")
            ),
            sources=tuple(item["sources"]),
            note=item.get("note", ""),
        )
        for item in raw["lists"]
    )
    statutes = {item.id: item.statutes for item in lists}
    questions = tuple(
        Question(q["id"], q["field"], q["kind"], q["prompt"], q["help"], tuple(q["feeds"]))
        for q in raw["questions"]
    )
    answerable = {q.id: q.field for q in questions if q.kind != "offense_list"}
    criteria = []
    for index, item in enumerate(raw["criteria"]):
        try:
            condition = compile_condition(
                item["condition"], f"/criteria/{index}/condition", answerable, statutes
            )
        except ConditionError as exc:
            raise InputError(source, exc.pointer, exc.reason) from None
        criteria.append(
            Criterion(
                id=item["id"],
                title=item["title"],
                citation=item["citation"],
                condition=condition,
                explain=Explanation(**item["explain"]),
                discretionary=item.get("discretionary", False),
            )
        )
    clock_raw = raw["hold_clock"]
    clock = None
    if clock_raw is not None:
        clock = ClockRule(
            hours=clock_raw["hours"],
            timezone=raw["timezone"],
            excluded_weekdays=frozenset(WEEKDAYS.index(d) for d in clock_raw["excluded_weekdays"]),
            holidays=clock_raw["holidays"],
            citation=clock_raw["citation"],
            text=clock_raw["text"],
        )
    effective_to = raw["effective_to"]
    return RulePack(
        id=raw["id"],
        title=raw["title"],
        statute=raw["statute"],
        effective_from=_day(raw["effective_from"], "/effective_from", source),
        effective_to=None if effective_to is None else _day(effective_to, "/effective_to", source),
        citations=tuple(raw["citations"]),
        sources=tuple(raw["sources"]),
        last_verified_on=_day(raw["last_verified_on"], "/last_verified_on", source),
        questions=questions,
        criteria=tuple(criteria),
        lists=lists,
        clock=clock,
        actions=tuple(
            Action(a["id"], a["text"], a["citation"], a["kind"], a["when"]) for a in raw["actions"]
        ),
        notification_only_forms=frozenset(raw["notification_only_forms"]),
        sha256=sha256,
        calendar=_no_days_excluded if clock is None else exclusion_calendar(clock),
        jurisdiction=raw["jurisdiction"],
        jurisdiction_name=raw["jurisdiction_name"],
        timezone=raw["timezone"],
        before_first=raw["before_first"],
        verifications=verifications,
        next_version=_next_version(raw.get("next_version"), source),
        # Only a format-2 pack written before issue 14 has none (see rules.pack_migrate).
        contacts=_outcome_rules(raw) if "outcomes" in raw else None,
        required_notices=tuple(raw.get("required_notices", ())),
    )


def _no_days_excluded(day: date) -> str | None:
    """The calendar of a pack with no hold clock: nothing is counted, nothing excluded."""
    return None


def _next_version(raw: Mapping[str, Any] | None, source: str) -> NextVersion | None:
    if raw is None:
        return None
    day = _day(raw["effective_from"], "/next_version/effective_from", source)
    return NextVersion(raw["id"], day, raw["citation"])


def load_pack(
    path: Path,
    *,
    catalog: Container[str] | None = None,
    catalog_fingerprint: str = "",
    old_formats: bool = False,
    jurisdiction: str | None = None,
) -> LoadedPack:
    """Load, validate, compile and self-test one pack file; InputError when refused.

    ``old_formats``: a format-1 file is read through ``rules.pack_format1`` (kept
    versions, to print decisions made under them); otherwise it is refused like any
    file that is not format 2. The pack's SHA-256 is always that of the file's bytes.
    ``jurisdiction``: refuse a pack of another jurisdiction before its own tests run
    (they would be run against the wrong catalog).
    """
    source = str(path)
    try:
        data = strict_json.read_file(path, "rule pack")
    except OSError as exc:
        raise InputError(source, "", f"cannot be read: {exc.strerror or exc}") from None
    parts = [
        data,
        schema_check.schema_bytes("rule-pack"),
        schema_check.schema_bytes(V2_SCHEMA),
        catalog_fingerprint.encode(),
    ]
    if old_formats:
        # A file trusted under the format-1 reading is not thereby trusted without it.
        parts.append(schema_check.schema_bytes(pack_format1.V1_SCHEMA))
    key = cache.sha256_hex(*parts)
    known = cache.read(_CACHE_NAME)
    trusted = known.get(key) is True
    if trusted:
        # These exact bytes passed every check before (strict decoding included).
        raw = json.loads(data)
        if old_formats and pack_format1.is_format_1(raw):
            raw = pack_format1.read_format_1(raw, source, check=False)
        if pack_migrate.is_format_2(raw):
            raw = pack_migrate.migrate_v2(raw)
    else:
        raw = strict_json.loads(data, source)
        if old_formats and pack_format1.is_format_1(raw):
            raw = pack_format1.read_format_1(raw, source)
            # Its own tests' review expectations are format 1's (see pack_format1):
            # the bytes are known by their SHA-256, the substance is tested in the suite.
            trusted = True
        raw = check_raw(raw, source)
    if jurisdiction is not None and raw["jurisdiction"] != jurisdiction:
        raise InputError(
            source,
            "/jurisdiction",
            f"is a rule pack of {raw['jurisdiction']}, not of {jurisdiction} "
            "(the agency's jurisdiction); it is not applied",
        )
    pack = _build(raw, hashlib.sha256(data).hexdigest(), source)
    tests = tuple(raw["tests"])
    if not trusted:
        from trustdesk.rules.packtests import check_pack_tests

        check_pack_tests(pack, tests, source, catalog)
        known[key] = True
        cache.write(_CACHE_NAME, known)
    return LoadedPack(pack, tests, path)


def check_raw(raw: Any, source: str) -> dict[str, Any]:
    """Validate a decoded pack of format 2 or 3; its format-3 form (InputError if refused).

    A format-2 pack is checked against its own schema, so every error points into the
    file as written, and then converted (``rules.pack_migrate``).
    """
    if isinstance(raw, Mapping) and raw.get("schema_version", 3) not in (2, 3):
        version = raw["schema_version"]
        raise InputError(
            source,
            "/schema_version",
            f"must be 2 or 3 (the rule-pack formats this TrustDesk reads), not {version!r}",
        )
    if isinstance(raw, Mapping) and pack_migrate.is_format_2(raw):
        schema_check.validate(raw, V2_SCHEMA, source)
        _check_references(raw, source)
        return pack_migrate.migrate_v2(raw)
    schema_check.validate(raw, "rule-pack", source)
    _check_references_v3(raw, source)
    return dict(raw)


def compile_pack(raw: Any, source: str, sha256: str = "") -> RulePack:
    """Check and compile a decoded pack (format 2 or 3) without running its own tests.

    For readers that test the substance elsewhere (a converted format-1 pack, whose
    tests keep format 1's review expectations; ``rules migrate`` checking what it wrote).
    """
    return _build(check_raw(raw, source), sha256, source)


def bundled_pack_paths(jurisdiction: str | None = DEFAULT_JURISDICTION) -> list[Path]:
    """The shipped pack files of ``jurisdiction`` (all of them for None).

    A shipped pack's file is named after its id, whose first letters are its
    jurisdiction's (``ct-2019.json``, ``ca-2018.json``); the loader checks the pack says so.
    """
    found = sorted(resources.resource("rules").glob("*.json"))
    if jurisdiction is None:
        return found
    prefix = f"{jurisdiction.lower()}-"
    return [path for path in found if path.name.startswith(prefix)]


def catalog_path_for(jurisdiction: str) -> Path:
    """The shipped offense catalog of ``jurisdiction``: ``resources/offenses/<id>.json``."""
    return resources.resource("offenses", f"{jurisdiction.lower()}.json")

"""What a new rule pack changes, worded for the administrator who is about to import it.

``diff_packs(old, new)`` compares two packs as parsed JSON and lists, topic by topic:
the dates, offenses (sections added to or removed from the pack's lists, or moved from
one list to another), the gates (criteria) added, removed or changed — their titles,
citations, the convictions or answers they accept, their explanations — the questions,
actions, hold clock, citations and sources. Any field this module does not know (a later
schema's) is still reported, as "changed", so nothing changes unseen. Pure: no Qt, no files.

Format 2 gives every datum a ``verification`` object (and each list an ``entries`` map:
section → verification); a change of one is worded as a sentence — "verification of
<item>: unverified (why) → verified by NAME, TITLE, against SOURCE, on DATE" — never
shown as raw JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

_TEXT_MAX = 400  # a changed value longer than this is shortened in the listing


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: its topic, a sentence, and the values before and after if useful."""

    topic: str
    text: str
    was: str | None = None
    now: str | None = None


@dataclass(frozen=True, slots=True)
class PackDiff:
    old_label: str
    new_label: str
    changes: tuple[Change, ...] = field(default_factory=tuple)

    def topic(self, name: str) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.topic == name)

    def lines(self) -> list[str]:
        """The listing: a heading per topic, one bullet per change, before/after beneath."""
        if not self.changes:
            return [f"{self.new_label} is identical in content to {self.old_label}."]
        out = [f"Changes from {self.old_label} to {self.new_label}:"]
        for topic in dict.fromkeys(change.topic for change in self.changes):
            out.append("")
            out.append(f"{topic}:")
            for change in self.topic(topic):
                out.append(f"  • {change.text}")
                if change.was is not None:
                    out.append(f"      was: {change.was}")
                if change.now is not None:
                    out.append(f"      now: {change.now}")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def label(raw: Mapping[str, Any]) -> str:
    return f"{raw.get('id', '?')} ({raw.get('title', 'untitled')})"


def diff_packs(
    old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, str] | None = None
) -> PackDiff:
    """The differences from ``old`` to ``new``; ``names``: section → offense title.

    A format-2 pack compared with a format-3 one is first converted (``rules.pack_migrate``),
    so only what the law says is compared, not how the format writes it.
    """
    old, new = _same_format(old, new)
    out: list[Change] = []
    _dates(old, new, out)
    _offenses(old, new, names or {}, out)
    _items("Gates (when cooperation is permitted)", "gate", old, new, "criteria", out, _gate_fields)
    _items("Questions asked", "question", old, new, "questions", out, _plain_fields)
    _items("Required and prohibited actions", "action", old, new, "actions", out, _plain_fields)
    _hold_clock(old, new, out)
    _contacts(old, new, out)
    _strings("Citations", "citation", old.get("citations"), new.get("citations"), out)
    _strings("Sources", "source", old.get("sources"), new.get("sources"), out)
    _strings(
        "Notification-only detainer forms",
        "form",
        old.get("notification_only_forms"),
        new.get("notification_only_forms"),
        out,
    )
    _pack_fields(old, new, out)
    return PackDiff(label(old), label(new), tuple(out))


def _same_format(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    from trustdesk.rules.pack_migrate import is_format_2, migrate_v2

    if is_format_2(old) and new.get("schema_version") == 3:
        return migrate_v2(old), new
    if is_format_2(new) and old.get("schema_version") == 3:
        return old, migrate_v2(new)
    return old, new


# -- dates --------------------------------------------------------------------------------------

_DATES = (
    ("effective_from", "In force from"),
    ("effective_to", "In force until"),
    ("last_verified_on", "Last verified on"),
)


def _dates(old: Mapping[str, Any], new: Mapping[str, Any], out: list[Change]) -> None:
    for key, what in _DATES:
        before, after = old.get(key), new.get(key)
        if before != after:
            out.append(Change("Dates", f"{what}: {_day(before)} → {_day(after)}", None, None))
    before, after = old.get("dates_verification"), new.get("dates_verification")
    if before != after:
        text = _verification_change("the dates in force", before, after)
        out.append(Change("Dates", text[:1].upper() + text[1:]))


def _day(value: Any) -> str:
    return "no end date (in force until replaced)" if value is None else str(value)


# -- offenses: list membership ------------------------------------------------------------------


def _lists(raw: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(item.get("id")): item for item in raw.get("lists") or () if isinstance(item, dict)}


def _membership(lists: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Section → ids of the lists that name it."""
    found: dict[str, list[str]] = {}
    for list_id, item in lists.items():
        for section in item.get("statutes") or ():
            found.setdefault(str(section), []).append(list_id)
    return {section: tuple(ids) for section, ids in found.items()}


def _list_name(item: Mapping[str, Any] | None, list_id: str) -> str:
    title = item.get("title") if item else None
    state = "" if item is None else (", verified" if _is_verified(item) else ", unverified")
    return f"“{title or list_id}”{state}"


def _is_verified(item: Mapping[str, Any]) -> bool:
    """Whether a list is marked verified (format 2's object, or format 1's flag)."""
    verification = item.get("verification")
    if isinstance(verification, dict) and "status" in verification:
        return verification.get("status") == "verified"
    return bool(item.get("verified"))


def verification_words(value: Any) -> str:
    """A ``verification`` object in words, e.g. "verified by A, B, against C, on D"."""
    if value is None:
        return "no verification recorded"
    if not isinstance(value, dict):
        return _value(value)
    status = value.get("status")
    note = str(value.get("note") or "").strip()
    if status == "unverified":
        why = [note] if note else []
        sources = [str(s) for s in value.get("sources") or ()]
        if sources:
            why.append("sources: " + "; ".join(sources))
        return _short("unverified" + (f" ({'; '.join(why)})" if why else ""))
    words = "verified" if status == "verified" else f"status {status or 'not given'}"
    who = ", ".join(str(value[k]) for k in ("by", "title") if value.get(k))
    if who:
        words += f" by {who}"
    if value.get("source"):
        words += f", against {value['source']}"
    if value.get("on"):
        words += f", on {value['on']}"
    if note:
        words += f" ({note})"
    return _short(words)


def _verification_change(name: str, was: Any, now: Any) -> str:
    return f"verification of {name}: {verification_words(was)} → {verification_words(now)}"


def _offenses(
    old: Mapping[str, Any], new: Mapping[str, Any], names: Mapping[str, str], out: list[Change]
) -> None:
    topic = "Offenses listed by the pack"
    old_lists, new_lists = _lists(old), _lists(new)
    before, after = _membership(old_lists), _membership(new_lists)

    def section(number: str) -> str:
        title = names.get(number)
        return f"§ {number}" + (f" {title}" if title else "")

    def where(ids: Sequence[str], lists: Mapping[str, Mapping[str, Any]]) -> str:
        return "; ".join(_list_name(lists.get(i), i) for i in ids)

    for number in sorted(after.keys() - before.keys(), key=_section_key):
        out.append(
            Change(topic, f"Added: {section(number)} — in {where(after[number], new_lists)}")
        )
    for number in sorted(before.keys() - after.keys(), key=_section_key):
        out.append(
            Change(topic, f"Removed: {section(number)} — was in {where(before[number], old_lists)}")
        )
    for number in sorted(before.keys() & after.keys(), key=_section_key):
        if set(before[number]) != set(after[number]):
            out.append(
                Change(
                    topic,
                    f"Reclassified: {section(number)} moves from {where(before[number], old_lists)}"
                    f" to {where(after[number], new_lists)}",
                )
            )
    for list_id in sorted(new_lists.keys() - old_lists.keys()):
        item = new_lists[list_id]
        count = len(item.get("statutes") or ())
        out.append(Change(topic, f"New list {_list_name(item, list_id)}: {count} sections"))
    for list_id in sorted(old_lists.keys() - new_lists.keys()):
        out.append(Change(topic, f"List {_list_name(old_lists[list_id], list_id)} is removed"))
    for list_id in sorted(old_lists.keys() & new_lists.keys()):
        was, now = old_lists[list_id], new_lists[list_id]
        name = _list_name(now, list_id)
        if _is_verified(was) != _is_verified(now):
            state = "now marked VERIFIED" if _is_verified(now) else "now marked UNVERIFIED"
            out.append(Change(topic, f"List {name}: {state}"))
        skip = {"id", "statutes", "verified", "entries"}
        _fields(topic, f"List {name}", was, now, skip, out)
        _entries(topic, was, now, names, out)


def _entries(
    topic: str,
    was: Mapping[str, Any],
    now: Mapping[str, Any],
    names: Mapping[str, str],
    out: list[Change],
) -> None:
    """The verification of each section a list keeps, where it changed.

    A section added or removed is already reported (with the list); only the sections in
    both versions are compared here.
    """
    before, after = was.get("entries"), now.get("entries")
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    kept = [str(s) for s in now.get("statutes") or () if s in (was.get("statutes") or ())]
    title = now.get("title") or now.get("id")
    for number in sorted(kept, key=_section_key):
        if before.get(number) == after.get(number):
            continue
        offense = names.get(number)
        item = f"§ {number}" + (f" {offense}" if offense else "") + f" in “{title}”"
        out.append(Change(topic, _verification_change(item, before.get(number), after.get(number))))


def _section_key(number: str) -> tuple[Any, ...]:
    """53a-9 before 53a-10: digit runs compared as numbers."""
    parts: list[Any] = []
    run = ""
    for ch in number:
        if ch.isdigit():
            run += ch
            continue
        if run:
            parts.append((0, int(run), ""))
            run = ""
        parts.append((1, 0, ch))
    if run:
        parts.append((0, int(run), ""))
    return tuple(parts)


# -- items with ids: gates, questions, actions -------------------------------------------------

_ITEM_NAMES = {"gate": "Gate", "question": "Question", "action": "Action"}


def _items(
    topic: str,
    kind: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    key: str,
    out: list[Change],
    fields: Any,
) -> None:
    before = {str(i.get("id")): i for i in old.get(key) or () if isinstance(i, dict)}
    after = {str(i.get("id")): i for i in new.get(key) or () if isinstance(i, dict)}
    noun = _ITEM_NAMES[kind]
    for item_id in [i for i in after if i not in before]:
        item = after[item_id]
        out.append(Change(topic, f"New {kind}: {_item_name(item, item_id)}", None, _about(item)))
    for item_id in [i for i in before if i not in after]:
        item = before[item_id]
        out.append(Change(topic, f"{noun} removed: {_item_name(item, item_id)}"))
    for item_id in [i for i in after if i in before]:
        fields(
            topic,
            f"{noun} {_item_name(after[item_id], item_id)}",
            before[item_id],
            after[item_id],
            out,
        )


def _item_name(item: Mapping[str, Any], item_id: str) -> str:
    title = item.get("title") or item.get("prompt") or item.get("text")
    return f"“{_short(str(title))}”" if title else item_id


def _about(item: Mapping[str, Any]) -> str | None:
    """A new item's citation, and for a gate what it accepts."""
    parts = []
    if isinstance(item.get("condition"), dict):
        parts.append(f"permits cooperation when {_accepts(item['condition'])}")
    if item.get("citation"):
        parts.append(f"cites {item['citation']}")
    return "; ".join(parts) or None


_FIELD_WORDS = {
    "title": "its title",
    "citation": "its citation",
    "prompt": "the question as asked",
    "help": "its help text",
    "text": "its text",
    "kind": "its kind",
    "when": "when it applies",
    "field": "the case field it fills",
    "feeds": "the gates it answers",
    "discretionary": "whether it is discretionary",
    "note": "its note",
    "sources": "its sources",
}


def _plain_fields(
    topic: str, name: str, was: Mapping[str, Any], now: Mapping[str, Any], out: list[Change]
) -> None:
    _fields(topic, name, was, now, {"id"}, out)


def _gate_fields(
    topic: str, name: str, was: Mapping[str, Any], now: Mapping[str, Any], out: list[Change]
) -> None:
    _fields(topic, name, was, now, {"id", "condition", "explain"}, out)
    old_cond, new_cond = was.get("condition") or {}, now.get("condition") or {}
    if old_cond != new_cond:
        accepted = (_accepts(old_cond), _accepts(new_cond))
        if accepted[0] != accepted[1]:
            out.append(Change(topic, f"{name}: what it accepts changed", *accepted))
        reasons = (_unsettled(old_cond), _unsettled(new_cond))
        for reason in [r for r in reasons[1] if r not in reasons[0]]:
            out.append(Change(topic, f"{name}: now sent to review when {reason}"))
        for reason in [r for r in reasons[0] if r not in reasons[1]]:
            out.append(Change(topic, f"{name}: no longer sent to review when {reason}"))
        if accepted[0] == accepted[1] and reasons[0] == reasons[1]:
            out.append(
                Change(topic, f"{name}: its condition changed", _json(old_cond), _json(new_cond))
            )
    old_explain, new_explain = was.get("explain") or {}, now.get("explain") or {}
    for key in dict.fromkeys([*old_explain, *new_explain]):
        if old_explain.get(key) != new_explain.get(key):
            out.append(
                Change(
                    topic,
                    f"{name}: the explanation when {key.replace('_', ' ')} changed",
                    _value(old_explain.get(key)),
                    _value(new_explain.get(key)),
                )
            )


def _accepts(condition: Mapping[str, Any]) -> str:
    """What a gate's condition accepts, in words (its review reasons left aside)."""
    if "answer" in condition:
        return f"the answer to “{condition['answer']}” is yes"
    if "exists" in condition:
        where = condition.get("where")
        return f"a record in {condition['exists']}" + (
            f" where {_where(where)}" if where is not None else ""
        )
    return _json({k: v for k, v in condition.items() if k != "unsettled"})


def _where(where: Any) -> str:
    if not isinstance(where, dict):
        return _json(where)
    if "all" in where:
        return " and ".join(_where(w) for w in where["all"])
    if "any" in where:
        return "(" + " or ".join(_where(w) for w in where["any"]) + ")"
    if "not" in where:
        return f"not ({_where(where['not'])})"
    attr = where.get("attr", "?")
    if "in" in where:
        return f"{attr} is one of {', '.join(map(str, where['in']))}"
    if "in_list" in where:
        return f"{attr} is in list {where['in_list']}"
    if "equals" in where:
        return f"{attr} is {json.dumps(where['equals'])}"
    return _json(where)


def _unsettled(condition: Mapping[str, Any]) -> list[str]:
    return [
        str(item.get("reason") or _json(item))
        for item in condition.get("unsettled") or ()
        if isinstance(item, dict)
    ]


def _fields(
    topic: str,
    name: str,
    was: Mapping[str, Any],
    now: Mapping[str, Any],
    skip: Iterable[str],
    out: list[Change],
) -> None:
    """Each changed field of two versions of one item (known or not), before and after."""
    skipped = set(skip)
    for key in dict.fromkeys([*was, *now]):
        if key in skipped or was.get(key) == now.get(key):
            continue
        if key == "verification":
            text = _verification_change(name, was.get(key), now.get(key))
            out.append(Change(topic, text[:1].upper() + text[1:]))
            continue
        words = _FIELD_WORDS.get(key, "its " + key.replace("_", " "))
        out.append(
            Change(topic, f"{name}: {words} changed", _value(was.get(key)), _value(now.get(key)))
        )


# -- contacts with ICE: what may be given --------------------------------------------------------

_CONTACTS_TOPIC = "Contacts with ICE (what may be given)"
_CASES = (
    ("always", "whatever the grounds"),
    ("ground", "when a ground holds"),
    ("no_ground", "when no ground holds"),
)
_VERDICT_WORDS = {
    "allowed": "allowed",
    "allowed_with_conditions": "allowed with conditions",
    "not_allowed": "NOT allowed",
    "never": "NEVER",
    "unknown": "unknown (ask a supervisor)",
}


def _verdict(outcome: Any) -> str:
    if not isinstance(outcome, dict):
        return "(none)"
    verdict = str(outcome.get("verdict"))
    return _VERDICT_WORDS.get(verdict, verdict)


def _rule_summary(rule: Mapping[str, Any]) -> str:
    cases = [f"{words}: {_verdict(rule[case])}" for case, words in _CASES if case in rule]
    return "; ".join(cases) + (f" ({rule['citation']})" if rule.get("citation") else "")


def _contacts_view(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """The pack's action rules in format 2's ``contacts`` shape, for comparing.

    Format 3's ``outcomes`` are read back as format 2 wrote them (``always`` +
    ``not_allowed`` is "never", as the contact log says it), so a converted pack compared
    with its format-2 original shows no change.
    """
    if "outcomes" not in raw:
        return raw.get("contacts") or {}
    cases = {"when_ground": "ground", "when_no_ground": "no_ground", "always": "always"}
    rules = []
    for rule in raw["outcomes"]:
        if not isinstance(rule, dict):
            continue
        view: dict[str, Any] = {}
        for key, value in rule.items():
            if key == "id":
                view["disclosure"] = value
            elif key in cases and isinstance(value, dict):
                said = {("verdict" if k == "outcome" else k): v for k, v in value.items()}
                if key == "always" and said.get("verdict") == "not_allowed":
                    said["verdict"] = "never"
                view[cases[key]] = said
            elif key != "decides_hold" or value is not True or rule.get("id") != "hold":
                view[key] = value
        rules.append(view)
    view_all: dict[str, Any] = {"gates": raw.get("outcome_gates") or [], "rules": rules}
    if "outcomes_note" in raw:
        view_all["note"] = raw["outcomes_note"]
    return view_all


def _contacts(old: Mapping[str, Any], new: Mapping[str, Any], out: list[Change]) -> None:
    """The contact rules, disclosure by disclosure, verdicts first, then wording."""
    was, now = _contacts_view(old), _contacts_view(new)
    if was == now:
        return
    topic = _CONTACTS_TOPIC
    if not was:
        out.append(Change(topic, "The pack now says what may be given to ICE"))
    elif not now:
        out.append(Change(topic, "The pack no longer says what may be given to ICE"))
    before = {str(r.get("disclosure")): r for r in was.get("rules") or () if isinstance(r, dict)}
    after = {str(r.get("disclosure")): r for r in now.get("rules") or () if isinstance(r, dict)}
    for key in [k for k in after if k not in before]:
        rule = after[key]
        name = rule.get("label") or key
        out.append(Change(topic, f"New rule: {name} — {_rule_summary(rule)}"))
    for key in [k for k in before if k not in after]:
        rule = before[key]
        out.append(Change(topic, f"Rule removed: {rule.get('label') or key}"))
    for key in [k for k in after if k in before]:
        _contact_rule(topic, before[key], after[key], out)
    old_gates = {str(g.get("criterion")): g for g in was.get("gates") or () if isinstance(g, dict)}
    new_gates = {str(g.get("criterion")): g for g in now.get("gates") or () if isinstance(g, dict)}
    if was:
        for key in dict.fromkeys([*old_gates, *new_gates]):
            if old_gates.get(key) != new_gates.get(key):
                out.append(
                    Change(
                        topic,
                        f"How ground {key} is named in the advice changed",
                        _json(old_gates.get(key)),
                        _json(new_gates.get(key)),
                    )
                )
    if was and now and was.get("note") != now.get("note"):
        out.append(
            Change(
                topic,
                "The note on these rules changed",
                _value(was.get("note")),
                _value(now.get("note")),
            )
        )


def _contact_rule(
    topic: str, was: Mapping[str, Any], now: Mapping[str, Any], out: list[Change]
) -> None:
    name = f"{now.get('label') or now.get('disclosure')}"
    for case, words in _CASES:
        before, after = was.get(case), now.get(case)
        if before == after:
            continue
        if before is None or after is None or _verdict(before) != _verdict(after):
            out.append(Change(topic, f"{name}, {words}: {_verdict(before)} → {_verdict(after)}"))
        if isinstance(before, dict) and isinstance(after, dict):
            _fields(topic, f"{name}, {words}", before, after, {"verdict"}, out)
    _fields(topic, f"Rule {name}", was, now, {"disclosure", *(c for c, _ in _CASES)}, out)


# -- hold clock, strings, the pack's own fields ----------------------------------------------


def _hold_clock(old: Mapping[str, Any], new: Mapping[str, Any], out: list[Change]) -> None:
    was, now = old.get("hold_clock") or {}, new.get("hold_clock") or {}
    _fields("Hold clock", "The hold clock", was, now, (), out)


def _strings(topic: str, noun: str, old: Any, new: Any, out: list[Change]) -> None:
    before = [str(s) for s in old or ()]
    after = [str(s) for s in new or ()]
    for item in after:
        if item not in before:
            out.append(Change(topic, f"New {noun}: {item}"))
    for item in before:
        if item not in after:
            out.append(Change(topic, f"No longer given ({noun}): {item}"))


_PACK_FIELDS = {
    "id": "Pack id",
    "title": "Title",
    "statute": "Statute",
    "jurisdiction": "Jurisdiction",
    "summary": "Summary",
    "verification_note": "Verification note",
    "schema_version": "Schema version",
    "jurisdiction_name": "Name of the jurisdiction",
    "timezone": "Time zone choosing the pack",
    "before_first": "Words for a date before the first pack",
    "required_notices": "Notices the person always gets",
}
_HANDLED = {
    "$schema",
    "dates_verification",
    "effective_from",
    "effective_to",
    "last_verified_on",
    "lists",
    "criteria",
    "questions",
    "actions",
    "hold_clock",
    "citations",
    "sources",
    "notification_only_forms",
    "contacts",
    "outcomes",
    "outcome_gates",
    "outcomes_note",
    "tests",
}


def _pack_fields(old: Mapping[str, Any], new: Mapping[str, Any], out: list[Change]) -> None:
    topic = "The pack as a whole"
    for key in dict.fromkeys([*old, *new]):
        if key in _HANDLED or old.get(key) == new.get(key):
            continue
        what = _PACK_FIELDS.get(key, key.replace("_", " ").capitalize())
        out.append(Change(topic, f"{what} changed", _value(old.get(key)), _value(new.get(key))))
    old_tests, new_tests = len(old.get("tests") or ()), len(new.get("tests") or ())
    if old.get("tests") != new.get("tests"):
        out.append(Change(topic, f"Its own test cases changed: {old_tests} → {new_tests}"))


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return _short(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _short("; ".join(value) or "(none)")
    return _json(value)


def _json(value: Any) -> str:
    return _short(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _TEXT_MAX else text[: _TEXT_MAX - 1] + "…"

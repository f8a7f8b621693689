"""A review's draft read back before the wizard shows it: checked, never trusted.

The draft service keeps any JSON object; the review wizard writes a known shape (the case
being entered, the step, what an amendment corrects). A draft is not evidence and sits
in a table anyone with the database's file or password can edit: what the pages cannot
show is refused here, saying which value and what to do, instead of a traceback halfway
through building the page.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from trustdesk.core.characters import shown
from trustdesk.resources import schema
from trustdesk.services.errors import InvalidRequest

#: The case's sections the pages read, and the texts in them they show.
_SECTIONS = ("person", "detainer", "public_safety_risk")
_TIMES = {
    "decision_time": "decision time",
    "releasable_at": "release time",
    "detainer.received_at": "detainer's received-at time",
}
_OFFENSE_KEYS = ("statute", "level", "class", "jurisdiction")
#: The case schema's yes / no / unknown answers (``$defs/tri``).
_TRI = "#/$defs/tri"


@functools.cache
def _answer_paths() -> tuple[tuple[str, ...], ...]:
    """Where the case schema puts a yes / no / unknown answer ("[]": each list item)."""
    document = json.loads(schema("case").read_text(encoding="utf-8"))
    found: list[tuple[str, ...]] = []

    def walk(node: Any, path: tuple[str, ...], seen: frozenset[str]) -> None:
        if not isinstance(node, Mapping):
            return
        ref = node.get("$ref")
        if ref == _TRI:
            found.append(path)
            return
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in seen:
            walk(document["$defs"][ref.rsplit("/", 1)[1]], path, seen | {ref})
        for key, child in node.get("properties", {}).items():
            walk(child, (*path, key), seen)
        if "items" in node:
            walk(node["items"], (*path, "[]"), seen)
        for key in ("oneOf", "anyOf", "allOf"):
            for child in node.get(key, []):
                walk(child, path, seen)

    walk(document, (), frozenset())
    return tuple(found)


def _values_at(node: Any, path: tuple[str, ...]) -> Iterator[Any]:
    """The values at ``path`` in ``node`` that are there."""
    if not path:
        yield node
        return
    head, rest = path[0], path[1:]
    if head == "[]":
        for item in node if isinstance(node, list) else ():
            yield from _values_at(item, rest)
    elif isinstance(node, Mapping) and head in node:
        yield from _values_at(node[head], rest)


@dataclass(frozen=True, slots=True)
class ReviewDraft:
    """What a review's draft holds, every value of the type the wizard reads."""

    case: dict[str, Any] | None
    step: int
    amend_of: int | None
    amend_record: int | None
    as_reviewer: bool
    replaces_kept: str | None


def _damaged(draft_id: int, what: str) -> InvalidRequest:
    return InvalidRequest(
        f"draft {draft_id} is damaged ({what}) and cannot be resumed; nothing was changed. "
        "Discard it under “Reviews in progress” on the board and start the review again"
    )


def _quoted(value: object) -> str:
    text = shown(repr(value))
    return text if len(text) <= 40 else text[:37] + "…"


def _optional_int(payload: Mapping[str, Any], key: str, draft_id: int) -> int | None:
    value = payload.get(key)
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return value
    raise _damaged(draft_id, f"its {key} is {_quoted(value)}, not a decision's number")


def _get(case: Mapping[str, Any], dotted: str) -> Any:
    node: Any = case
    for part in dotted.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _check_case(case: Mapping[str, Any], draft_id: int) -> None:
    for section in _SECTIONS:
        if section in case and not isinstance(case[section], Mapping):
            raise _damaged(draft_id, f"its {section} is {_quoted(case[section])}, not a section")
    for dotted, what in _TIMES.items():
        value = _get(case, dotted)
        if value is None or value == "":
            continue
        try:
            moment = datetime.fromisoformat(value) if isinstance(value, str) else None
            if moment is not None and moment.tzinfo is not None:
                moment.astimezone(UTC)
                continue
        except (ValueError, OverflowError):
            pass
        raise _damaged(
            draft_id, f"its {what} {_quoted(value)} is not a date and time with its UTC offset"
        )
    born = _get(case, "person.date_of_birth")
    if born:
        try:
            if isinstance(born, str):
                date.fromisoformat(born)
                born = None
        except ValueError:
            pass
        if born is not None:
            raise _damaged(draft_id, f"its date of birth {_quoted(born)} is not a date")
    for path in _answer_paths():
        for value in _values_at(case, path):
            if value is not None and not isinstance(value, bool):
                name = ".".join(part for part in path if part != "[]")
                raise _damaged(
                    draft_id, f"its answer {name} is {_quoted(value)}, not yes, no or unknown"
                )
    for key, value in case.items():
        if isinstance(value, list) and not all(
            isinstance(item, Mapping) and all(k in item for k in _OFFENSE_KEYS) for item in value
        ):
            what = f"its {shown(key)[:40]} list holds an entry that is not an offense"
            raise _damaged(draft_id, what)


def read_review_draft(draft_id: int, payload: Mapping[str, Any]) -> ReviewDraft:
    """``payload`` (a draft the review wizard wrote) checked, or InvalidRequest saying
    which value cannot be shown and that nothing changed."""
    case = payload.get("case")
    if case is not None and not isinstance(case, dict):
        raise _damaged(draft_id, f"its case is {_quoted(case)}, not a case")
    if case:
        _check_case(case, draft_id)
    step = payload.get("step", 0)
    if step is None:
        step = 0
    if not isinstance(step, int) or isinstance(step, bool):
        raise _damaged(draft_id, f"its step is {_quoted(step)}, not a step's number")
    as_reviewer = payload.get("as_reviewer", False)
    if not isinstance(as_reviewer, bool):
        raise _damaged(draft_id, f"its as_reviewer is {_quoted(as_reviewer)}, not yes or no")
    replaces = payload.get("replaces_kept")
    if replaces is not None and not isinstance(replaces, str):
        raise _damaged(draft_id, f"its replaces_kept is {_quoted(replaces)}, not a kept id")
    return ReviewDraft(
        case=case or None,
        step=max(step, 0),  # -1: saved while the step list was being rebuilt
        amend_of=_optional_int(payload, "amend_of", draft_id),
        amend_record=_optional_int(payload, "amend_record", draft_id),
        as_reviewer=as_reviewer,
        replaces_kept=replaces,
    )

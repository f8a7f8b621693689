"""Contacts with ICE in words: the labels of the contract's ids, the advice ordered for
what ICE asked, and one line per contact for lists, the decision detail and the memo.

Plain text, no Qt and no PDF: the desktop app and the memo's view-model both use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from trustdesk.core.characters import shown_lines
from trustdesk.core.contacts import (
    ALLOWED_WITH_CONDITIONS,
    DECISION_BASIS,
    GATES_BASIS,
    NEVER,
    ContactAdvice,
    DecisionUsed,
    DisclosureAdvice,
)
from trustdesk.core.decision import Decision
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.encoding import parse_utc

KIND_TEXT = {
    "detainer_received": "Detainer or warrant received",
    "release_info_request": "Request for release date or custody status",
    "interview_request": "Request to interview or access the person",
    "inquiry": "Phone or e-mail inquiry",
    "transfer_arrival": "ICE arrival for transfer",
    "other": "Other",
}
DIRECTION_TEXT = {"from_ice": "From ICE", "to_ice": "To ICE"}
CHANNEL_TEXT = {
    "phone": "Phone",
    "email": "E-mail",
    "fax": "Fax",
    "in_person": "In person",
    "system": "System (e.g. a database)",
    "other": "Other",
}
DISCLOSURE_TEXT = {
    "release_date": "Release date",
    "custody_status": "Custody status",
    "interview_access": "Interview or access to the person",
    "hold": "Held the person for ICE",
    "transfer": "Handed the person to ICE",
    "confidential": "Confidential information",
}
VERDICT_MARK = {
    "allowed": "✔",
    "allowed_with_conditions": "⚠",
    "not_allowed": "✖",
    "never": "✖",
    "unknown": "?",
}
#: A verdict in a few words, beside a disclosure's check box.
VERDICT_WORDS = {
    "allowed": "allowed",
    "allowed_with_conditions": "allowed only with conditions",
    "not_allowed": "NOT allowed",
    "never": "NEVER",
    "unknown": "not yet known",
}


def notice_title(notice: str, language: str = "en") -> str:
    """The title of a document the person must be given (``truth_consent``…), as the
    notice wording file names it; the id in words when no wording file has it."""
    from trustdesk.memo.errors import MemoError
    from trustdesk.memo.wording import load_wording

    try:
        return str(load_wording(language).document(notice).text("title"))
    except MemoError:
        return notice.replace("_", " ")


def notice_due(notice: str, language: str = "en") -> str:
    """A document's title and, for one due only once something is given to ICE (the
    release date told), when: "… (when the release date is given to ICE)"."""
    from trustdesk.core.contacts import due_when_given

    due = due_when_given(notice)
    title = notice_title(notice, language)
    return f"{title} ({due})" if due else title


#: An action's outcome (core ``ActionOutcome.outcome``) in words, for the result view.
OUTCOME_WORDS = {
    "allowed": "ALLOWED",
    "allowed_with_conditions": "ALLOWED ONLY WITH CONDITIONS",
    "not_allowed": "NOT ALLOWED",
    "unknown": "NOT SETTLED — answer the open questions or ask a supervisor",
}


@dataclass(frozen=True, slots=True)
class AdviceLine:
    disclosure: str
    verdict: str
    text: str  # the pack's words with their citation


def advice_lines(advice: ContactAdvice, kind: str) -> list[AdviceLine]:
    """The advice for what a contact of ``kind`` is usually about, first; then what is
    never to be shared (confidential information), named whatever ICE asked."""
    first = advice.for_kind(kind)
    chosen = [item.disclosure for item in first]
    rest = [
        item for item in advice.items if item.verdict == NEVER and item.disclosure not in chosen
    ]
    lines = [_line(item) for item in (*first, *rest)]
    if advice.also_in_force is None:
        return lines
    later = advice.also_in_force.decision_id
    return [
        AdviceLine(
            line.disclosure,
            ALLOWED_WITH_CONDITIONS,
            f"{line.text} — but not by decision {later}, made later and also in force: "
            "a reason and a supervisor's review",
        )
        if line.disclosure in advice.also_not_allowed
        else line
        for line in lines
    ]


def _line(item: DisclosureAdvice) -> AdviceLine:
    text = item.reason
    conditions = getattr(item, "conditions", ())
    # The pack's words may already say what must come first; say it once.
    missing = [c for c in conditions if c not in text]
    if missing:
        text += " — first: " + "; ".join(missing)
    return AdviceLine(item.disclosure, item.verdict, text)


class OutcomeLine(NamedTuple):
    """One action of a decision as the result view and contact dialog word it."""

    action: str
    outcome: str
    heading: str  # "Release date to ICE: ALLOWED"
    text: str  # the pack's words
    grounds: tuple[str, ...]  # "Serious felony conviction — Penal Code § 1192.7(c)"
    conditions: tuple[str, ...]
    notices: tuple[str, ...]
    citations: tuple[str, ...]


def outcome_lines(decision: Decision) -> list[OutcomeLine]:
    """Every action the pack decides, in the pack's order, with the grounds that opened
    it named by their criteria's titles and citations (empty for records made before
    packs decided several actions)."""
    criteria = {r.id: r for r in decision.trace}
    lines = []
    for item in decision.outcomes:
        # A ground met through an offense's cited paragraph names the offense and it
        # (the outcome's reasons); else each ground by its criterion's title and citation.
        grounds = item.reasons or tuple(
            f"{criteria[g].title} — {criteria[g].citation}" if g in criteria else g
            for g in item.grounds
        )
        lines.append(
            OutcomeLine(
                item.id,
                item.outcome,
                f"{item.label}: {OUTCOME_WORDS.get(item.outcome, item.outcome)}",
                item.text,
                grounds,
                item.conditions,
                item.notices,
                item.citations,
            )
        )
    return lines


def given_text(given: tuple[str, ...]) -> str:
    return ", ".join(DISCLOSURE_TEXT.get(g, g).lower() for g in given) or "nothing"


def _typed(text: str | None) -> str:
    """Text an officer typed, on one line; one stored before the character check (a
    direction override in a name) prints escaped, never as other text."""
    return shown_lines(text or "", one_line=True)


def contact_line(record: ContactRecord, when: Callable[[datetime], str]) -> str:
    """One line: when, what kind, which way, who at ICE, what was given, and a flag."""
    who = ", ".join(_typed(part) for part in (record.ice_officer, record.ice_office) if part)
    line = (
        f"{when(record.occurred_at)} — {KIND_TEXT.get(record.kind, record.kind)} "
        f"({DIRECTION_TEXT.get(record.direction, record.direction).lower()}, "
        f"{CHANNEL_TEXT.get(record.channel, record.channel).lower()}; {who or 'ICE'}); "
        f"given: {given_text(record.given)}; recorded by {record.user}"
    )
    if record.version > 1:
        line += f"; amended (version {record.version}): {_typed(record.reason)}"
    if not record.allowed:
        line += (
            f". NOT ALLOWED by {record.pack_id} — officer's reason: "
            f"{_typed(record.unlawful_reason)}"
        )
    return line


def judged_by_text(
    used: DecisionUsed | None,
    basis: str,
    when: Callable[[datetime], str],
    also: DecisionUsed | None = None,
    also_not_allowed: Sequence[str] = (),
) -> str:
    """What a contact's advice rested on, in words: the decision version in force at the
    contact's time (and since when), or that nothing had been decided by then; with a
    decision the officer named, a later one about the person also in force then
    (``also``) and what of the advice it does not allow."""
    if used is not None:
        if used.named:
            text = (
                f"decision {used.decision_id}, version {used.version} (in force from "
                f"{when(used.in_force_from)}), the decision the contact was recorded under"
            )
        else:
            text = (
                f"decision {used.decision_id}, version {used.version} (in force from "
                f"{when(used.in_force_from)}), the decision on record at the contact's time"
            )
        if also is not None:
            refused = ", ".join(d.replace("_", " ") for d in also_not_allowed)
            text += (
                f"; decision {also.decision_id}, version {also.version} (in force from "
                f"{when(also.in_force_from)}), made later about the person, was also in "
                "force: " + (f"it does not allow {refused}" if refused else "it allows as much")
            )
        return text
    if basis == DECISION_BASIS:  # a caller that did not say which
        return "the decision on record at the contact's time"
    if basis == GATES_BASIS:
        return "no decision on record at the contact's time: the grounds answered"
    return "no decision on record at the contact's time, and no ground answered"


def _also_in_force(value: Any) -> tuple[DecisionUsed | None, tuple[str, ...]]:
    """The later decision also in force a stored advice names, if it reads whole."""
    if not isinstance(value, dict):
        return None, ()
    try:
        also = DecisionUsed(
            int(value["id"]),
            int(value["version"]),
            parse_utc(str(value["in_force_from"])),
            False,
        )
        refused = tuple(str(d) for d in value.get("not_allowed", ()))
    except (KeyError, TypeError, ValueError, OverflowError):  # 1e400: no integer
        return None, ()
    return also, refused


def given_against_later(record: ContactRecord) -> int | None:
    """The later decision, also in force, that did not allow something this contact gave
    (it was allowed by the decision named: the officer gave a reason, and a supervisor
    reviews it); None otherwise, or when the stored advice does not say."""
    return against_later(record.advice_json, record.given)


def against_later(advice_json: str, given: Iterable[str]) -> int | None:
    """``given_against_later`` of a contact's stored advice and what it gave."""
    try:
        stored = json.loads(advice_json)
    except (TypeError, ValueError, RecursionError):
        return None
    also, refused = _also_in_force(
        stored.get("also_in_force") if isinstance(stored, dict) else None
    )
    if also is None or not set(refused) & set(given):
        return None
    return also.decision_id


def recorded_judged_by(record: ContactRecord, when: Callable[[datetime], str]) -> str | None:
    """What a stored contact was judged against, from its stored advice; None when the
    advice does not say (nothing to show)."""
    try:
        stored = json.loads(record.advice_json)
    except (ValueError, RecursionError):  # a tampered row: no advice to show
        stored = {}
    stored = stored if isinstance(stored, dict) else {}
    used = stored.get("decision")
    if isinstance(used, dict):
        try:
            decision = DecisionUsed(
                int(used["id"]),
                int(used["version"]),
                parse_utc(str(used["in_force_from"])),
                bool(used.get("named")),
            )
        except (KeyError, TypeError, ValueError, OverflowError):  # 1e400: no integer
            decision = None
        if decision is not None:
            also, refused = _also_in_force(stored.get("also_in_force"))
            return judged_by_text(decision, DECISION_BASIS, when, also, refused)
    if record.decision_id is not None:  # recorded before the version was kept with it
        return f"decision {record.decision_id}"
    basis = stored.get("basis")
    return None if basis is None else judged_by_text(None, str(basis), when)

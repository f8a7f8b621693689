"""Plain-text rendering of a decision for the terminal."""

from __future__ import annotations

import textwrap
from datetime import datetime

from trustdesk.core.characters import shown
from trustdesk.core.contacts import due_when_given
from trustdesk.core.decision import HONOR, MET, NOT_MET, ActionOutcome, Decision
from trustdesk.core.model import Case

_MARK = {MET: "MET", NOT_MET: "not met", "unknown": "UNKNOWN"}
#: Each action's outcome in a few letters (the pack's own words follow).
_OUTCOME = {
    "allowed": "MAY",
    "allowed_with_conditions": "MAY, IF",
    "not_allowed": "MAY NOT",
    "unknown": "UNKNOWN",
}


def when(value: datetime) -> str:
    """A local time written out in full, e.g. 'Tue 24 Nov 2026 15:00 EST'."""
    return value.strftime("%a %d %b %Y %H:%M %Z").strip()


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=96, initial_indent=indent, subsequent_indent=indent + "  ")


def render_decision(case: Case, decision: Decision) -> str:
    lines = [
        f"Person:    {shown(case.person.name)} (booking {case.person.booking_number})",
        f"Law:       {decision.statute}, rule pack {decision.rule_pack}",
    ]
    # The statute and the hold's wording are the pack's: nothing here names a state.
    held = next((o for o in decision.outcomes if o.id == "hold"), None)
    if decision.notification_only:
        lines.append(
            f"DECISION:  NO HOLD: NOTIFICATION ONLY UNDER {decision.statute} — grounds: "
            + ", ".join(decision.grounds)
        )
    elif decision.decision == HONOR:
        lines.append(
            f"DECISION:  HOLD PERMITTED UNDER {decision.statute} — grounds: "
            + ", ".join(decision.grounds)
        )
    elif held is not None and decision.grounds:
        lines.extend(_wrap(f"DECISION:  DETAINER DECLINED — {held.text}", ""))
    else:
        lines.append(f"DECISION:  DETAINER DECLINED — no ground of {decision.statute} is met")
    if decision.hold is not None:
        hold = decision.hold
        skipped = ", ".join(hold.excluded_reasons()) or "none"
        lines.append(
            f"Hold:      expires {when(hold.expires_at)} "
            f"({hold.hours} h counted from {when(hold.starts_at)}; days skipped: {skipped})"
        )
    elif decision.notification_only:
        lines.append("Hold:      none: the detainer's form asks only to be told before release")
    elif decision.decision == HONOR:
        lines.extend(_wrap("Hold:      start not yet known. " + decision.hold_rule, ""))
    if decision.needs_review:
        lines.append("REVIEW:    a supervisor must review this decision:")
        for reason in decision.review_reasons:
            lines.extend(_wrap("- " + reason, "           "))
    for warning in decision.warnings:
        lines.extend(_wrap("WARNING:   " + warning, ""))
    for note in decision.unverified:
        lines.extend(_wrap("UNVERIFIED: " + note, ""))
    if decision.outcomes:
        lines.append("Actions:")
        for outcome in decision.outcomes:
            lines.extend(_outcome_lines(outcome))
    lines.append("Criteria:")
    for result in decision.trace:
        lines.append(f"  [{_MARK[result.status]:>7}] {result.title} ({result.citation})")
        lines.extend(_wrap(result.reason, "            "))
        for pointer, value in result.facts:
            lines.extend(_wrap(f"{pointer}: {value}", "            · "))
    lines.append("Required:")
    lines.extend(line for a in decision.required_actions for line in _wrap(f"[ ] {a.text}", "  "))
    lines.append("Prohibited:")
    lines.extend(line for a in decision.prohibited_actions for line in _wrap(f"[ ] {a.text}", "  "))
    return "\n".join(lines) + "\n"


def _outcome_lines(outcome: ActionOutcome) -> list[str]:
    mark = _OUTCOME.get(outcome.outcome, outcome.outcome)
    cited = f" ({'; '.join(outcome.citations)})" if outcome.citations else ""
    lines = _wrap(f"[{mark:>7}] {outcome.label}: {outcome.text}{cited}", "  ")
    if outcome.grounds:
        lines.extend(_wrap("grounds: " + ", ".join(outcome.grounds), "            "))
    for condition in outcome.conditions:
        lines.extend(_wrap("first: " + condition, "            "))
    if outcome.notices:
        # A notice that ICE was told (the release date) is given when ICE is, not now.
        notices = [
            f"{notice} ({due_when_given(notice)})" if due_when_given(notice) else notice
            for notice in outcome.notices
        ]
        lines.extend(_wrap("give the person: " + ", ".join(notices), "            "))
    if outcome.unverified:
        lines.extend(
            _wrap("UNVERIFIED pack data: " + ", ".join(outcome.unverified), "            ")
        )
    return lines

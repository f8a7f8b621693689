"""One decision as the history's detail view tells it: versions, reviews, the hold, the
memos printed with their SHA-256, and the audit entries that name the decision.

No Qt here: ``build_detail`` turns what the services return into titled lines, which the
detail widget only lays out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from trustdesk.core.characters import shown
from trustdesk.services.alarm_acks import ALARM_ACKNOWLEDGED, overdue_since
from trustdesk.services.contact_wording import VERDICT_MARK, contact_line, outcome_lines
from trustdesk.services.context import Session
from trustdesk.services.decisions import DecisionService, DecisionView
from trustdesk.store.case_records import DecisionRecord, Hold
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.hold_due import release_due_of_versions
from trustdesk.store.records import AuditEntry
from trustdesk.ui.countdown import UNKNOWN_TEXT, stamp_text

MEMO_PRINTED = "memo.printed"
#: Events that can name a decision (their objects carry ``"decision": id``). The
#: versions' own entries are read by their sequence number, not by scanning.
HOLD_OUTCOME_TEXT = {
    "ice_took_custody": "ICE took custody",
    "released_at_expiry": "released at expiry",
    "released_other": "released otherwise",
}
OUTCOME_TEXT = {"honor": "HONOR the detainer", "decline": "DECLINE the detainer"}
#: A version honoring a detainer whose form asks for no hold (I-247N).
NO_HOLD_ASKED = "No hold: the detainer's form asks only to be told before the release"


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: tuple[str, ...]


#: What a review's text is, by verdict: a note on an approval, a reason for an amendment.
_REVIEW_TEXT = {"approved": "Note", "amended": "Reason"}


def decision_trail(
    decisions: DecisionService, session: Session, view: DecisionView
) -> list[AuditEntry]:
    """The audit entries of one decision, in chain order: every entry naming it (its
    versions, viewings, reviews, hold closure, memos, refusals), read through the audit's
    per-decision index, so the time does not grow with the length of the log."""
    return decisions.trail(session, view.latest.decision_id)


def _version_lines(record: DecisionRecord, zone: tzinfo) -> list[str]:
    head = (
        f"Version {record.version} — {OUTCOME_TEXT.get(record.outcome, record.outcome)}; "
        f"recorded {stamp_text(record.recorded_at, zone)} by {record.officer}"
    )
    lines = [head]
    if record.amends is not None:
        lines.append(
            f"    Amendment by {record.officer}. Reason: {record.reason or '(none given)'}"
        )
    lines.append(
        f"    Decision time {stamp_text(record.decision_time, zone)}; rule pack "
        f"{record.rule_pack} (SHA-256 {record.rule_pack_sha256})"
    )
    expiry = record.hold_expires_at
    if record.asks_no_hold:
        lines.append(f"    {NO_HOLD_ASKED}")
    elif record.outcome == "honor":
        due = UNKNOWN_TEXT if expiry is None else f"hold expires {stamp_text(expiry, zone)}"
        lines.append(f"    {due[0].upper()}{due[1:]}")
    if record.review_required:
        lines.append("    Needs a supervisor's review")
    lines.append(f"    Record SHA-256 {record.record_sha256}")
    return lines


def _hold_lines(hold: Hold | None, versions: Sequence[DecisionRecord], zone: tzinfo) -> list[str]:
    latest = versions[-1]
    if hold is None:
        if latest.asks_no_hold:
            return [NO_HOLD_ASKED]
        return ["No hold: the detainer was not honoured."]
    lines = [f"Opened {stamp_text(hold.opened_at, zone)} (hold {hold.id})"]
    closure = hold.closure
    if closure is None:
        due = release_due_of_versions(versions)
        lines.append(
            UNKNOWN_TEXT[0].upper() + UNKNOWN_TEXT[1:]
            if due is None
            else f"Release due {stamp_text(due, zone)}"
        )
        lines.append("Still open")
        return lines
    outcome = HOLD_OUTCOME_TEXT.get(closure.outcome, closure.outcome)
    lines.append(
        f"Closed: {outcome} at {stamp_text(closure.ended_at, zone)}, recorded by "
        f"{closure.officer} at {stamp_text(closure.recorded_at, zone)}"
    )
    if closure.note:
        lines.append(f"Note: {closure.note}")
    return lines


def _alarm_lines(trail: Iterable[AuditEntry], zone: tzinfo) -> list[str]:
    """Who acknowledged the hold's overdue alarm, when and at which desk (0034)."""
    lines = []
    for entry in trail:
        if entry.event != ALARM_ACKNOWLEDGED or entry.outcome != "success":
            continue
        since = overdue_since(entry)
        overdue = "" if since is None else f" (overdue since {stamp_text(since, zone)})"
        lines.append(
            f"Overdue alarm acknowledged by {entry.actor or '—'} at desk "
            f"{entry.workstation}, {stamp_text(entry.when, zone)}{overdue}"
        )
    return lines


def _memo_lines(trail: Iterable[AuditEntry], zone: tzinfo) -> list[str]:
    lines = []
    for entry in trail:
        if entry.event != MEMO_PRINTED or entry.outcome != "success":
            continue
        objects = entry.objects_dict()
        notices = ", ".join(str(n) for n in objects.get("notices") or []) or "none"
        lines.append(
            f"Version {objects.get('version')} printed {stamp_text(entry.when, zone)} by "
            f"{entry.actor or '—'}; notices: {notices}; PDF SHA-256 {objects.get('pdf_sha256')}"
        )
    return lines or ["No memo has been printed."]


def _audit_line(entry: AuditEntry, zone: tzinfo) -> str:
    return (
        f"#{entry.seq}  {stamp_text(entry.when, zone, seconds=True)}  {entry.event} "
        f"({entry.outcome}) by {entry.actor or '—'} at {entry.workstation}"
    )


def _action_lines(record: DecisionRecord) -> tuple[str, ...]:
    """Each action's outcome as the decision recorded it (its ``outcomes``)."""
    from trustdesk.core.record import decision_from_json

    decision = decision_from_json(json.loads(record.decision_json))
    return tuple(
        f"{VERDICT_MARK.get(line.outcome, '?')} {line.heading} — {line.text}"
        + (f" (first: {'; '.join(line.conditions)})" if line.conditions else "")
        for line in outcome_lines(decision)
    )


def build_detail(
    view: DecisionView,
    trail: list[AuditEntry],
    zone: tzinfo,
    contacts: Sequence[ContactRecord] = (),
) -> list[Section]:
    latest = view.latest
    person = latest.person
    born = "" if person.date_of_birth is None else f", born {person.date_of_birth:%d %b %Y}"
    status = "awaiting a supervisor's review" if view.awaiting_review else "no review pending"
    summary = (
        f"{shown(person.name)}{born} — booking {person.booking_number}",
        f"Decision {latest.decision_id}: {OUTCOME_TEXT.get(latest.outcome, latest.outcome)} "
        f"(version {latest.version} of {len(view.versions)}; {status})",
        f"Detainer {latest.detainer.form}, judicial warrant: {latest.detainer.judicial_warrant}",
    )
    versions: list[str] = []
    for record in view.versions:
        versions.extend(_version_lines(record, zone))
    reviews = [
        f"{review.verdict.capitalize()} by {review.reviewer} at "
        f"{stamp_text(review.reviewed_at, zone)} (version record {review.record_id})"
        + (
            f". {_REVIEW_TEXT.get(review.verdict, 'Reason')}: {review.reason}"
            if review.reason
            else ""
        )
        for review in view.reviews
    ] or ["No review recorded."]
    sections = [Section("Decision", summary)]
    actions = _action_lines(latest)
    if actions:  # records made before packs decided several actions have none
        sections.append(Section("What the law allows, action by action", actions))
    return [
        *sections,
        Section("Versions", tuple(versions)),
        Section("Supervisor reviews", tuple(reviews)),
        Section(
            "Hold timeline",
            tuple(_hold_lines(view.hold, view.versions, zone) + _alarm_lines(trail, zone)),
        ),
        Section("Memos printed", tuple(_memo_lines(trail, zone))),
        Section(
            "Contacts with ICE",
            tuple(contact_line(c, lambda t: stamp_text(t, zone)) for c in contacts)
            or ("No contact with ICE recorded for this person.",),
        ),
        Section("Audit entries", tuple(_audit_line(entry, zone) for entry in trail)),
    ]

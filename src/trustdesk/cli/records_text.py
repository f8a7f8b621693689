"""Plain-text (and JSON) views of stored decisions, holds and lists for the terminal.

Instants are stored in UTC and shown in the agency's zone: its profile's, which the
command sets when it opens the records (``use_agency_zone``); America/New_York before.
"""

from __future__ import annotations

import argparse
import textwrap
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from trustdesk.core.characters import shown

if TYPE_CHECKING:
    from trustdesk.services.decisions import DecisionView
    from trustdesk.store.case_records import (
        DecisionRecord,
        DecisionSummary,
        HoldStatus,
        SavedDecision,
    )
    from trustdesk.store.search import SearchQuery

DEFAULT_ZONE = "America/New_York"  # store.records.DEFAULT_TIMEZONE
#: The zone times are shown and dates are read in (a holder, so commands share it).
_AGENCY = {"zone": ZoneInfo(DEFAULT_ZONE)}


def agency_zone() -> ZoneInfo:
    """The agency's zone: days given on the command line start and end in it."""
    return _AGENCY["zone"]


def use_agency_zone(key: str | None) -> None:
    """Show times in ``key`` (the agency profile's zone; None or unknown: the default),
    so a California agency reads its own clock, not Connecticut's."""
    try:
        _AGENCY["zone"] = ZoneInfo(key or DEFAULT_ZONE)
    except (ValueError, KeyError):
        _AGENCY["zone"] = ZoneInfo(DEFAULT_ZONE)


_MARK = {"met": "MET", "not_met": "not met", "unknown": "UNKNOWN"}


def local(value: datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(agency_zone()).strftime("%a %d %b %Y %H:%M %Z")


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=96, initial_indent=indent, subsequent_indent=indent + "  ")


def saved_note(saved: SavedDecision, reviewed_by: str | None = None) -> str:
    """One line on what was saved; ``reviewed_by``: the supervisor whose amending review
    wrote it (it is then reviewed, not waiting for one)."""
    record = saved.record
    parts = [
        f"decision {record.decision_id} version {record.version} recorded "
        f"(audit entry {saved.audit.seq}): {record.outcome}"
    ]
    if record.hold_expires_at is not None:
        parts.append(f"hold expires {local(record.hold_expires_at)}")
    elif saved.hold_id is not None:
        parts.append("hold opened; its start is not known yet (amend when it is)")
    if reviewed_by is not None:
        parts.append(f"written in review: reviewed by {reviewed_by}")
    elif record.review_required:
        parts.append("a supervisor must review it")
    return "; ".join(parts)


def _record_lines(record: DecisionRecord) -> list[str]:
    decision = record.decision()
    person = record.person
    born = f", born {person.date_of_birth.isoformat()}" if person.date_of_birth else ""
    grounds = ", ".join(decision.get("grounds", []))
    if record.outcome != "honor":
        outcome = "DETAINER DECLINED — no ground is met"
    elif record.asks_no_hold:
        outcome = "NO HOLD: NOTIFICATION ONLY (the form asks for no hold) — grounds: " + grounds
    else:
        outcome = "HOLD PERMITTED — grounds: " + grounds
    lines = [
        f"Version {record.version} (record {record.id}, audit entry {record.audit_seq})",
        f"  Decision:   {outcome}",
        f"  Person:     {shown(person.name)}, booking {person.booking_number}{born}",
        f"  Detainer:   {record.detainer.form}, "
        f"judicial warrant: {record.detainer.judicial_warrant}"
        + (
            f", received {local(record.detainer.received_at)}"
            if record.detainer.received_at
            else ""
        ),
        f"  Decided:    {local(record.decision_time)}; recorded {local(record.recorded_at)} "
        f"by {record.officer}",
        f"  Law:        {decision.get('statute', '')}, rule pack {record.rule_pack} "
        f"(sha256 {record.rule_pack_sha256[:16]}…); TrustDesk {record.app_version}",
        f"  Releasable: {local(record.releasable_at)}; "
        f"hold expires {local(record.hold_expires_at)}",
        f"  Record:     sha256 {record.record_sha256}",
    ]
    if record.reason:
        lines.extend(_wrap(f"Amends record {record.amends}. Reason: {record.reason}", "  "))
    for reason in decision.get("review_reasons", []):
        lines.extend(_wrap("REVIEW: " + reason, "  "))
    for warning in decision.get("warnings", []):
        lines.extend(_wrap("WARNING: " + warning, "  "))
    lines.append("  Criteria:")
    for result in decision.get("trace", []):
        mark = _MARK.get(result.get("status"), "?")
        lines.append(f"    [{mark:>7}] {result.get('title')} ({result.get('citation')})")
        lines.extend(_wrap(str(result.get("reason", "")), "              "))
    return lines


def render_view(view: DecisionView) -> str:
    latest = view.latest
    lines = [
        f"Decision {latest.decision_id} — {len(view.versions)} version(s); "
        f"latest is version {latest.version}",
    ]
    if latest.review_required:
        lines.append(
            "Review:     AWAITING A SUPERVISOR'S REVIEW"
            if view.awaiting_review
            else "Review:     reviewed"
        )
    for review in view.reviews:
        text = (
            f"  {review.verdict} by {review.reviewer} at {local(review.reviewed_at)} "
            f"(record {review.record_id})"
        )
        lines.extend(_wrap(text + (f": {review.reason}" if review.reason else ""), ""))
    if view.hold is not None:
        hold = view.hold
        state = (
            f"closed: {hold.closure.outcome} at {local(hold.closure.ended_at)} "
            f"by {hold.closure.officer}"
            if hold.closure
            else "open"
        )
        lines.append(f"Hold:       hold {hold.id}, opened {local(hold.opened_at)}; {state}")
    for record in reversed(view.versions):
        lines.append("")
        lines.extend(_record_lines(record))
    return "\n".join(lines) + "\n"


def _record_json(record: DecisionRecord) -> dict[str, Any]:
    return {
        "record_id": record.id,
        "decision_id": record.decision_id,
        "version": record.version,
        "amends": record.amends,
        "reason": record.reason,
        "officer": record.officer,
        "recorded_at": record.recorded_at.isoformat(),
        "decision_time": record.decision_time.isoformat(),
        "outcome": record.outcome,
        "review_required": record.review_required,
        "rule_pack": record.rule_pack,
        "rule_pack_sha256": record.rule_pack_sha256,
        "app_version": record.app_version,
        "record_sha256": record.record_sha256,
        "audit_seq": record.audit_seq,
        "case": record.case(),
        "decision": record.decision(),
    }


def view_json(view: DecisionView) -> dict[str, Any]:
    hold = view.hold
    return {
        "decision_id": view.latest.decision_id,
        "awaiting_review": view.awaiting_review,
        "versions": [_record_json(record) for record in view.versions],
        "reviews": [
            {
                "review_id": r.id,
                "record_id": r.record_id,
                "reviewer": r.reviewer,
                "reviewed_at": r.reviewed_at.isoformat(),
                "verdict": r.verdict,
                "result_record_id": r.result_record_id,
                "reason": r.reason,
            }
            for r in view.reviews
        ],
        "hold": None
        if hold is None
        else {
            "hold_id": hold.id,
            "opened_at": hold.opened_at.isoformat(),
            "closure": None
            if hold.closure is None
            else {
                "outcome": hold.closure.outcome,
                "ended_at": hold.closure.ended_at.isoformat(),
                "officer": hold.closure.officer,
                "note": hold.closure.note,
            },
        },
    }


def render_summaries(rows: list[DecisionSummary]) -> str:
    if not rows:
        return "no decisions found\n"
    lines = [
        f"{'ID':>7}  {'VER':>3}  {'DECIDED':<26} {'OUTCOME':<8} {'BOOKING':<16} "
        f"{'OFFICER':<12} NAME"
    ]
    for row in rows:
        flag = " [REVIEW]" if row.review_required and not row.reviewed else ""
        lines.append(
            f"{row.decision_id:>7}  {row.version:>3}  {local(row.decision_time):<26} "
            f"{row.outcome:<8} {row.booking_number:<16} {row.officer:<12} {shown(row.name)}{flag}"
        )
    return "\n".join(lines) + "\n"


def render_holds(rows: list[HoldStatus], now: datetime | None = None) -> str:
    if not rows:
        return "no holds\n"
    now = now or datetime.now(UTC)
    lines = [f"{'HOLD':>6}  {'DECISION':>8}  {'RELEASE DUE':<26} {'BOOKING':<16} NAME"]
    for row in rows:
        due = row.release_due_at
        if due is None:
            state = "start not yet known"
        elif due <= now:
            state = f"OVERDUE by {int((now - due).total_seconds() // 60)} min"
        else:
            state = ""
        if row.outcome != "honor":
            state = "DECISION AMENDED TO DECLINE: release now"
        elif row.asks_no_hold:
            state = "DECISION AMENDED: THE FORM ASKS FOR NO HOLD: release now"
        lines.append(
            f"{row.hold_id:>6}  {row.decision_id:>8}  {local(due):<26} "
            f"{row.booking_number:<16} {shown(row.name)}" + (f"  [{state}]" if state else "")
        )
    return "\n".join(lines) + "\n"


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    from trustdesk.cli.arguments import day

    return day(text, flag)


def check_listing(args: argparse.Namespace) -> tuple[date | None, date | None]:
    """The listing's days, refused before anything is opened or recorded when they make
    no period, or --limit lists nothing."""
    from trustdesk.services.errors import InvalidRequest

    start = _day(args.date_from, "--from")
    end = _day(args.date_to, "--to")
    if start is not None and end is not None and end < start:
        raise InvalidRequest(
            f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()}): "
            "swap --from and --to"
        )
    if args.limit < 1:
        raise InvalidRequest(f"--limit {args.limit} lists nothing: give 1 or more")
    return start, end


def search_query(args: argparse.Namespace) -> SearchQuery:
    from trustdesk.store.search import SearchQuery

    start, end = check_listing(args)
    return SearchQuery(
        booking_number=args.booking,
        name=args.name,
        decided_from=None if start is None else datetime.combine(start, time(), agency_zone()),
        decided_before=None
        if end is None
        else datetime.combine(end + timedelta(days=1), time(), agency_zone()),
        outcome=args.outcome,
        officer=args.officer,
        limit=args.limit,
    )

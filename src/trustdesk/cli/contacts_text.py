"""Plain-text and JSON renderings of contacts with ICE for the terminal."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from trustdesk.cli.records_text import local
from trustdesk.core.characters import shown
from trustdesk.core.contacts import ContactAdvice
from trustdesk.services.contact_wording import (
    given_against_later,
    judged_by_text,
    recorded_judged_by,
)
from trustdesk.store.contact_records import ContactRecord, ContactReview

_VERDICT = {
    "allowed": "may",
    "allowed_with_conditions": "may, IF",
    "not_allowed": "may NOT",
    "never": "NEVER",
    "unknown": "UNKNOWN",
}


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, width=96, initial_indent=indent, subsequent_indent=indent + "  ")


def render_advice(advice: ContactAdvice) -> str:
    """What the law in force allows for this person, one line per disclosure."""
    judged = judged_by_text(
        advice.decision, advice.basis, local, advice.also_in_force, advice.also_not_allowed
    )
    lines = _wrap(f"What the law allows ({advice.pack_id}; judged by {judged}):", "")
    later = advice.also_in_force
    for item in advice.items:
        # A reason that already names its paragraphs is not followed by them again.
        missing = [c for c in item.citations if c not in item.reason]
        cited = f" — {'; '.join(missing)}" if missing else ""
        if later is not None and item.disclosure in advice.also_not_allowed:
            cited += (
                f" — but not by decision {later.decision_id}, made later and also in force: "
                "giving it needs a reason and a supervisor's review"
            )
        lines.extend(
            _wrap(f"[{_VERDICT.get(item.verdict, item.verdict):>7}] {item.reason}{cited}", "  ")
        )
    return "\n".join(lines) + "\n"


def _who(record: ContactRecord) -> str:
    if record.person_name is not None:
        return shown(record.person_name) + (
            f" (booking {record.booking_number})" if record.booking_number else ""
        )
    return f"booking {record.booking_number}"


def _given(record: ContactRecord) -> str:
    return ", ".join(item.replace("_", " ") for item in record.given) or "nothing"


def review_cause(record: ContactRecord) -> str | None:
    """Why a contact recorded as allowed goes to a supervisor: what a later decision also
    in force did not allow, or the conditions it was given under; None for neither (an
    amended contact whose earlier version still waits)."""
    if (later := given_against_later(record)) is not None:
        return f"allowed by the decision named, not by later decision {later}"
    if record.unlawful_reason:  # given under its conditions: a supervisor confirms them
        return "allowed with conditions"
    return None


def render_list(rows: list[ContactRecord], none: str = "no contacts with ICE on record") -> str:
    """The contacts one per line; ``none``: what to say when there are none (what was
    asked for: a filter that matched nothing is not an empty log)."""
    if not rows:
        return none + "\n"
    lines = []
    for row in rows:
        if not row.allowed:
            flag = "  [NOT ALLOWED" + (", review]" if row.review_needed else "]")
        elif not row.review_needed:
            flag = ""
        elif (cause := review_cause(row)) is not None:
            flag = f"  [{cause}, review]"
        else:  # amended, but an earlier version still waits for a supervisor
            flag = "  [review: an earlier version]"
        lines.append(
            f"{row.contact_id:>6} v{row.version}  {local(row.occurred_at)}  {row.kind:<20} "
            f"{row.direction:<8} {_who(row)}  gave: {_given(row)}{flag}"
        )
    return "\n".join(lines) + "\n"


def render_contact(versions: tuple[ContactRecord, ...], reviews: tuple[ContactReview, ...]) -> str:
    latest = versions[-1]
    lines = [
        f"Contact {latest.contact_id} (version {latest.version}), about {_who(latest)}",
        f"  When:       {local(latest.occurred_at)}  ({latest.direction}, {latest.channel})",
        f"  Kind:       {latest.kind}",
        f"  ICE:        {latest.ice_officer or '—'}, {latest.ice_office or '—'}",
    ]
    lines += _wrap(f"Asked:      {latest.asked or '—'}", "  ")
    lines.append(f"  Given:      {_given(latest)}")
    if not latest.allowed:
        lines.append("  NOT ALLOWED by the law in force (" + latest.pack_id + ")")
        lines += _wrap(f"Reason:     {latest.unlawful_reason}", "  ")
    elif (later := given_against_later(latest)) is not None:
        lines.append(
            f"  Allowed by the decision named, not by decision {later}, made later and also "
            f"in force ({latest.pack_id})"
        )
        lines += _wrap(f"Reason:     {latest.unlawful_reason}", "  ")
    elif latest.unlawful_reason:
        lines.append("  Allowed only with conditions (" + latest.pack_id + ")")
        lines += _wrap(f"Conditions: {latest.unlawful_reason}", "  ")
    if latest.note:
        lines += _wrap(f"Note:       {latest.note}", "  ")
    judged = recorded_judged_by(latest, local)
    if judged is not None:
        lines += _wrap(f"Judged by:  {judged}", "  ")
    lines.append(f"  Recorded:   {local(latest.recorded_at)} by {latest.user}")
    for version in versions[:-1][::-1]:
        lines.append(
            f"  Version {version.version}: recorded {local(version.recorded_at)} by {version.user}"
            f"; gave: {_given(version)}"
        )
        if not version.allowed:  # what an amendment replaced stays in view
            lines += _wrap(
                f"NOT ALLOWED by the law in force ({version.pack_id}); reason given: "
                f"{version.unlawful_reason}",
                "             ",
            )
    for version in versions[1:]:
        lines += _wrap(f"Amended (v{version.version}) by {version.user}: {version.reason}", "  ")
    if latest.review_needed and not any(r.record_id == latest.id for r in reviews):
        lines.append("  REVIEW:     waiting for a supervisor")
    for review in reviews:
        note = f": {review.note}" if review.note else ""
        lines += _wrap(
            f"Reviewed (v{_version_of(versions, review.record_id)}) {review.verdict} by "
            f"{review.reviewer}, {local(review.reviewed_at)}{note}",
            "  ",
        )
    return "\n".join(lines) + "\n"


def _version_of(versions: tuple[ContactRecord, ...], record_id: int) -> int:
    return next((v.version for v in versions if v.id == record_id), 0)


def record_json(record: ContactRecord) -> dict[str, Any]:
    return {
        "contact_id": record.contact_id,
        "record_id": record.id,
        "version": record.version,
        "amends": record.amends,
        "reason": record.reason,
        "person_id": record.person_id,
        "booking_number": record.booking_number,
        "decision_id": record.decision_id,
        "kind": record.kind,
        "direction": record.direction,
        "occurred_at": record.occurred_at.isoformat(),
        "channel": record.channel,
        "ice_office": record.ice_office,
        "ice_officer": record.ice_officer,
        "asked": record.asked,
        "given": list(record.given),
        "note": record.note,
        "user": record.user,
        "recorded_at": record.recorded_at.isoformat(),
        "pack_id": record.pack_id,
        "advice": json.loads(record.advice_json),
        "allowed": record.allowed,
        "unlawful_reason": record.unlawful_reason,
        "review_needed": record.review_needed,
        "app_version": record.app_version,
        "audit_seq": record.audit_seq,
    }


def review_json(review: ContactReview) -> dict[str, Any]:
    return {
        "record_id": review.record_id,
        "reviewer": review.reviewer,
        "reviewed_at": review.reviewed_at.isoformat(),
        "verdict": review.verdict,
        "note": review.note,
    }

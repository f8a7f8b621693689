"""Building the memo view-model from a case, its decision and the rule pack (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from trustdesk.core.characters import shown
from trustdesk.core.contacts import NOTICES_ON_GIVING, due_when_given
from trustdesk.core.counterfactual import sections, what_would_change
from trustdesk.core.decision import HONOR, MET, NOT_MET, ActionOutcome, CriterionResult, Decision
from trustdesk.core.model import Case, Offense
from trustdesk.core.pack import RulePack
from trustdesk.memo import timefmt, verification
from trustdesk.memo.errors import MemoError, NoticeTextError
from trustdesk.memo.facts import fact_label
from trustdesk.memo.viewmodel import (
    HOLD_NEVER,
    HOLD_NONE,
    HOLD_NOTIFICATION_ONLY,
    HOLD_RUNNING,
    HOLD_START_UNKNOWN,
    INTENT_DECLINE,
    INTENT_HOLD,
    INTENT_NOTIFY,
    NOT_YET_RECORDED,
    REPLACED_BY,
    ActionRow,
    AgencyHeader,
    ChangeList,
    CriterionRow,
    DecisionBlock,
    DetainerBlock,
    GivenToIce,
    HoldBlock,
    ListRow,
    MemoViewModel,
    NoticeFacts,
    OffenseRow,
    OutcomeRow,
    PersonBlock,
    RecordInfo,
    RulePackBlock,
    Signer,
    SignOffBlock,
    VerificationBlock,
    VersionNote,
)
from trustdesk.memo.wording import load_wording

HONOR_HEADLINE = "HOLD PERMITTED UNDER {section}"
#: Honored, but the form asks for no hold (``Decision.notification_only``).
NOTIFY_HEADLINE = "NO HOLD: NOTIFICATION ONLY UNDER {section}"
DECLINE_HEADLINE = "DETAINER DECLINED"
NO_GROUNDS = "No ground of {section} is met: the person may not be held on this detainer."
MEMO_TITLE = "Immigration detainer decision — {statute}"
PERMITTING = ("allowed", "allowed_with_conditions")
OUTCOME_WORDS = {
    "allowed": "Allowed",
    "not_allowed": "NOT allowed",
    "allowed_with_conditions": "Allowed with conditions",
    "unknown": "Unknown — not settled",
}

_STATUS = {MET: "MET", NOT_MET: "NOT MET"}
_FORMS = {
    "I-247A": "DHS Form I-247A, Immigration Detainer – Notice of Action",
    "I-247D": "DHS Form I-247D, Immigration Detainer – Request for Voluntary Action "
    "(withdrawn 2017-04-02)",
    "I-247N": "DHS Form I-247N, Request for Voluntary Notification of Release "
    "(notification only; withdrawn 2017-04-02)",
    "I-247X": "DHS Form I-247X, Request for Voluntary Transfer (withdrawn 2017-04-02)",
    "I-203": "DHS Form I-203, Order to Detain or Release Alien",
    "other": "another form (see the detainer itself)",
}
_ADMIN_WARRANTS = {
    "I-200": "I-200, Warrant for Arrest of Alien",
    "I-205": "I-205, Warrant of Removal/Deportation",
}
NOT_RECORDED = "not recorded"


def build_view_model(
    case: Case,
    decision: Decision,
    pack: RulePack,
    *,
    agency: AgencyHeader,
    record: RecordInfo,
    officer: Signer,
    supervisor: Signer | None = None,
    titles: Mapping[str, str] | None = None,
    given: Sequence[GivenToIce] = (),
) -> MemoViewModel:
    """Everything the memo and notices print; ``titles`` maps catalog sections to titles.

    ``given``: the contacts on record that gave ICE something about the person (as of the
    memo's chain head); a document due on giving (``NOTICES_ON_GIVING``: the release date
    told) is printed only once one gave its disclosure, never at decision time.
    """
    if decision.rule_pack != pack.id or decision.rule_pack_sha256 != pack.sha256:
        raise MemoError(
            f"the decision was made under rule pack {decision.rule_pack} "
            f"({decision.rule_pack_sha256[:12]}…), not the pack given ({pack.id}, "
            f"{pack.sha256[:12]}…); render it with the pack it was decided under"
        )
    _require_aware(record.created_at, "the record's creation time")
    try:
        code = verification.short_code(record.record_sha256)
        payload = verification.qr_payload(
            record.decision_id, record.version, record.chain_position, record.record_sha256
        )
    except ValueError as exc:
        raise MemoError(f"record hash: {exc}") from None
    zone = ZoneInfo(pack.timezone)
    decided = case.decision_time.astimezone(zone)
    section = statute_section(pack.statute)
    if decision.notification_only:
        headline = NOTIFY_HEADLINE.format(section=section)
    elif decision.decision == HONOR:
        headline = HONOR_HEADLINE.format(section=section)
    else:
        headline = DECLINE_HEADLINE
    outcomes = decision.outcomes
    documents = notice_documents(pack, outcomes, given)
    told_at = given_at(given, NOTICES_ON_GIVING["release_date_told"], zone)
    hold = _hold(case, decision, pack)
    title = f"Detainer decision memo — decision {record.decision_id}, version {record.version}"
    replaced_mark = ""
    if record.replaced_by is not None:
        replaced_mark = REPLACED_BY.format(version=record.replaced_by.version)
        title = f"{replaced_mark} — {title}"
    return MemoViewModel(
        title=f"{NOT_YET_RECORDED} — {title}" if record.not_recorded else title,
        subject=f"{headline} ({decision.statute}, rule pack {pack.id})",
        agency=agency,
        person=PersonBlock(
            name=shown(case.person.name),
            date_of_birth=_day(case.person.date_of_birth),
            booking_number=case.person.booking_number or NOT_RECORDED,
        ),
        detainer=_detainer(case, zone),
        decision=replace(
            _decision(decision, headline, timefmt.long_when(decided), supervisor, zone),
            no_grounds=NO_GROUNDS.format(section=section),
        ),
        rule_pack=_rule_pack(decision, pack),
        criteria=tuple(_criterion(result) for result in decision.trace),
        offenses=_offenses(case, titles or {}, _jurisdictions(pack)),
        hold=hold,
        required_actions=tuple(ActionRow(a.text, a.citation) for a in decision.required_actions),
        prohibited_actions=tuple(
            ActionRow(a.text, a.citation) for a in decision.prohibited_actions
        ),
        officer=_sign_off("Deciding officer", officer, zone),
        supervisor=_sign_off("Supervisor", supervisor or Signer(), zone),
        verification=VerificationBlock(
            record_sha256=record.record_sha256,
            short_code=code,
            decision_id=record.decision_id,
            version=record.version,
            chain_position=record.chain_position,
            qr_payload=payload,
            chain_head=record.chain_head,
        ),
        notice=NoticeFacts(
            required=bool(documents),
            intent=_intent(decision, hold),
            detainer_form=case.detainer.form,
            received_on=(
                None
                if case.detainer.received_at is None
                else case.detainer.received_at.astimezone(zone).date()
            ),
            decided_on=decided.date(),
            hold_expires_at=hold.expires_at,
            documents=documents,
            release_date_shared=_release_date_shared(outcomes),
            release_date_given_at=told_at if "release_date_told" in documents else (),
            review_pending=decision.needs_review
            and (supervisor is None or supervisor.signed_at is None),
        ),
        created_at=record.created_at,
        outcome_changes=tuple(
            ChangeList(heading, lines)
            for heading, lines in sections(what_would_change(pack, case, decision))
        ),
        not_recorded=record.not_recorded,
        amendment=_amendment(record.amendment, zone),
        replaced_mark=replaced_mark,
        replaced=_replaced(record.version, record.replaced_by, zone),
        document_title=memo_title(pack),
        jurisdiction_name=pack.jurisdiction_name,
        outcomes=tuple(_outcome_row(outcome, decision, given, zone) for outcome in outcomes),
    )


def _amendment(note: VersionNote | None, zone: ZoneInfo) -> str:
    """What this version changed: the version it amends, by whom, when and why."""
    if note is None:
        return ""
    when, reason = _noted(note, zone, "the amendment's recording time")
    return (
        f"This version amends version {note.replaces}: recorded {when} by {note.recorded_by}. "
        f"Reason: {reason}"
    )


def _replaced(version: int, note: VersionNote | None, zone: ZoneInfo) -> str:
    """Why a memo of a replaced version is not the decision in force."""
    if note is None:
        return ""
    when, reason = _noted(note, zone, "the replacing version's recording time")
    return (
        f"Version {note.version} of this decision, recorded {when} by {note.recorded_by} "
        f"(reason: {reason}), replaces this version. This memo shows "
        f"version {version} as it was decided; it is not the decision in force."
    )


def _noted(note: VersionNote, zone: ZoneInfo, what: str) -> tuple[str, str]:
    """A version's recording time in the agency's words and zone, and its reason."""
    _require_aware(note.recorded_at, what)
    return timefmt.long_when(note.recorded_at.astimezone(zone)), note.reason or "none given"


def statute_section(statute: str) -> str:
    """ "§ 54-192h" of "Conn. Gen. Stat. § 54-192h": the section a headline names."""
    at = statute.find("§")
    return statute[at:] if at >= 0 else statute


def memo_title(pack: RulePack) -> str:
    """The memo's first line from the pack: its statute, and its act's short name.

    The act's name is the pack title up to " as " or " (" without the jurisdiction's name
    ("Connecticut TRUST Act as amended…" → "TRUST Act"), so no state is named in code.
    """
    name = pack.title
    for cut in (" as ", " ("):
        name = name.split(cut, 1)[0]
    prefix = pack.jurisdiction_name + " "
    if name.startswith(prefix):
        name = name[len(prefix) :]
    title = MEMO_TITLE.format(statute=pack.statute)
    return f"{title} ({name})" if name and name != pack.title else title


def notice_documents(
    pack: RulePack, outcomes: Sequence[ActionOutcome], given: Sequence[GivenToIce] = ()
) -> tuple[str, ...]:
    """The documents the person gets: the pack's ``required_notices``, then those each
    permitted action names (e.g. the consent form before an interview), once each.

    A document that tells the person something was given to ICE (``NOTICES_ON_GIVING``)
    is left out until a contact in ``given`` gave that disclosure; then it is due whatever
    the decision said of the disclosure (given when not allowed, ICE was still told), if
    the pack names it for that action at all (a Connecticut pack never does).
    """
    required = pack.required_notices
    named = [
        notice
        for outcome in outcomes
        if outcome.outcome in PERMITTING
        for notice in outcome.notices
    ]
    disclosed = {item for contact in given for item in contact.given}
    due = [
        notice
        for notice, disclosure in NOTICES_ON_GIVING.items()
        if disclosure in disclosed and notice in _named_for(pack, outcomes, disclosure)
    ]
    return tuple(
        notice
        for notice in dict.fromkeys((*required, *named, *due))
        if notice not in NOTICES_ON_GIVING or notice in due
    )


def given_at(given: Sequence[GivenToIce], disclosure: str, zone: ZoneInfo) -> tuple[datetime, ...]:
    """When ``disclosure`` was given to ICE, in the pack's local time, oldest first."""
    for contact in given:
        _require_aware(contact.at, "the time of a contact with ICE")
    return tuple(sorted(c.at.astimezone(zone) for c in given if disclosure in c.given))


def _named_for(
    pack: RulePack, outcomes: Sequence[ActionOutcome], disclosure: str
) -> frozenset[str]:
    """Every document the pack (any of its cases) or the decision names for an action."""
    names = set(pack.required_notices)
    names.update(n for outcome in outcomes if outcome.id == disclosure for n in outcome.notices)
    for rule in pack.outcomes:
        if rule.disclosure == disclosure:
            for case in (rule.ground, rule.no_ground, rule.always):
                if case is not None:
                    names.update(case.notices)
    return frozenset(names)


def _jurisdictions(pack: RulePack) -> dict[str, str]:
    return {"federal": "Federal", pack.jurisdiction: pack.jurisdiction_name}


def _release_date_shared(outcomes: Sequence[ActionOutcome]) -> bool | None:
    found = next((o for o in outcomes if o.id == "release_date"), None)
    if found is None or found.outcome == "unknown":
        return None
    return bool(found.outcome in PERMITTING)


def _outcome_row(
    outcome: ActionOutcome, decision: Decision, given: Sequence[GivenToIce], zone: ZoneInfo
) -> OutcomeRow:
    titles = {result.id: result.title for result in decision.trace}
    return OutcomeRow(
        action=outcome.id,
        label=outcome.label,
        outcome=outcome.outcome,
        outcome_text=OUTCOME_WORDS.get(outcome.outcome, outcome.outcome),
        text=outcome.text,
        # The offense and its exact paragraph, when a ground met names one.
        grounds=outcome.reasons or tuple(f"{titles.get(g, g)} ({g})" for g in outcome.grounds),
        conditions=tuple(outcome.conditions),
        notices=tuple(_notice_due(notice, given, zone) for notice in outcome.notices),
        citations=tuple(outcome.citations),
        unverified=outcome.unverified,
    )


def _notice_due(notice: str, given: Sequence[GivenToIce], zone: ZoneInfo) -> str:
    """A document's title, and for one due on giving (the release date told) when it is
    due: "(when the release date is given to ICE)", or when it was given."""
    title = _document_title(notice)
    due = due_when_given(notice)
    if not due:
        return title
    times = given_at(given, NOTICES_ON_GIVING[notice], zone)
    if not times:
        return f"{title} ({due})"
    what = NOTICES_ON_GIVING[notice].replace("_", " ")
    when = "; ".join(timefmt.long_when(at) for at in times)
    return f"{title} (due now: the {what} was given to ICE on {when})"


def _document_title(document_id: str) -> str:
    try:
        return load_wording("en").document(document_id).text("title")
    except NoticeTextError:
        return document_id  # a document no wording file has yet: named by its id


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise MemoError(f"{what} ({value.isoformat()}) has no time zone")


def _day(value: object) -> str:
    return NOT_RECORDED if value is None else str(value)


def _detainer(case: Case, zone: ZoneInfo) -> DetainerBlock:
    detainer = case.detainer
    received = None if detainer.received_at is None else detainer.received_at.astimezone(zone)
    if detainer.judicial_warrant is True:
        judicial = "Yes — a warrant issued or signed by a judicial officer accompanies it"
    elif detainer.judicial_warrant is False:
        judicial = "No"
    else:
        judicial = "Unknown — not verified"
    if detainer.administrative_warrant is None:
        administrative = "none attached"
    else:
        administrative = (
            _ADMIN_WARRANTS.get(detainer.administrative_warrant, detainer.administrative_warrant)
            + " — signed by an immigration officer, not a judge; never a judicial warrant"
        )
    return DetainerBlock(
        form=detainer.form,
        form_description=_FORMS.get(detainer.form, detainer.form),
        received_at=NOT_RECORDED if received is None else timefmt.long_when(received),
        received_on=None if received is None else received.date(),
        issuing_office=detainer.issuing_office or NOT_RECORDED,
        subject_id=detainer.subject_id or NOT_RECORDED,
        judicial_warrant=judicial,
        administrative_warrant=administrative,
    )


def _decision(
    decision: Decision, headline: str, decided_at: str, supervisor: Signer | None, zone: ZoneInfo
) -> DecisionBlock:
    titles = {result.id: result.title for result in decision.trace}
    grounds = tuple(f"{titles.get(ground, ground)} ({ground})" for ground in decision.grounds)
    if not decision.needs_review:
        status = "No supervisor review is required by the rule pack."
    elif supervisor is not None and supervisor.signed_at is not None:
        _require_aware(supervisor.signed_at, "the supervisor's review time")
        who = supervisor.name + (f", badge {supervisor.badge}" if supervisor.badge else "")
        status = (
            f"SUPERVISOR REVIEW REQUIRED — reviewed by {who} on "
            f"{timefmt.long_when(supervisor.signed_at.astimezone(zone))}."
        )
    else:
        status = "SUPERVISOR REVIEW REQUIRED — a supervisor must review this decision."
    return DecisionBlock(
        outcome=decision.decision,
        headline=headline,
        grounds=grounds,
        decided_at=decided_at,
        needs_review=decision.needs_review,
        review_status=status,
        review_note=supervisor.note if supervisor is not None else "",
        review_reasons=decision.review_reasons,
        warnings=decision.warnings,
    )


def _rule_pack(decision: Decision, pack: RulePack) -> RulePackBlock:
    if pack.effective_to is None:
        effective = f"from {pack.effective_from.isoformat()} (no end date)"
    else:
        effective = f"{pack.effective_from.isoformat()} to {pack.effective_to.isoformat()}"
    return RulePackBlock(
        id=pack.id,
        title=pack.title,
        statute=pack.statute,
        effective=effective,
        citations=pack.citations,
        last_verified_on=pack.last_verified_on.isoformat(),
        sha256=pack.sha256,
        lists=tuple(ListRow(item.title, item.verified, item.note) for item in pack.lists),
        uses_unverified_data=bool(decision.unverified),
        unverified_notes=decision.unverified,
        verified_by=_verified_by(decision, pack),
    )


def _verified_by(decision: Decision, pack: RulePack) -> tuple[str, ...]:
    """One line per distinct verification of the items the decision rests on, naming them.

    Items checked by the same person against the same source on the same day share a
    line, so the block stays short: "criteria/x, hold_clock: verified by … on …".
    """
    grouped: dict[str, list[str]] = {}
    for item in decision.rests_on:
        grouped.setdefault(pack.verification(item).describe(), []).append(item)
    return tuple(f"{', '.join(items)}: {text}" for text, items in grouped.items())


def _criterion(result: CriterionResult) -> CriterionRow:
    notes = [f"Unsettled law — {text}" for text in result.unsettled]
    if result.unverified:
        notes.append("Relies on UNVERIFIED data — see “Data used” under the rule pack.")
    if result.discretionary:
        notes.append("The officer's own judgement: a supervisor must review it.")
    return CriterionRow(
        status=_STATUS.get(result.status, "UNKNOWN"),
        id=result.id,
        title=result.title,
        citation=result.citation,
        reason=result.reason,
        facts=tuple(f"{fact_label(pointer)}: {value}" for pointer, value in result.facts),
        notes=tuple(notes),
    )


def _offenses(
    case: Case, titles: Mapping[str, str], places: Mapping[str, str]
) -> tuple[OffenseRow, ...]:
    rows = [
        _offense("Conviction", number, item, titles, places)
        for number, item in enumerate(case.convictions, start=1)
    ]
    rows.extend(
        _offense("Pending charge", number, item, titles, places)
        for number, item in enumerate(case.pending_charges, start=1)
    )
    return tuple(rows)


def _offense(
    kind: str, number: int, item: Offense, titles: Mapping[str, str], places: Mapping[str, str]
) -> OffenseRow:
    section = item.section or item.statute
    title = (
        titles.get(section)
        or item.title
        or ("not in the offense catalog" if not item.in_catalog else "—")
    )
    notes: list[str] = []
    if kind == "Conviction":
        notes.extend(_tri(item.under_appeal, "under appeal", None, "appeal status unknown"))
    else:
        notes.extend(_tri(item.bond_posted, "bond posted", "no bond posted", "bond status unknown"))
    notes.extend(_tri(item.juvenile, "juvenile", None, "juvenile status unknown"))
    if not item.in_catalog:
        notes.append("not in catalog: level and class as entered")
    jurisdiction = places.get(item.jurisdiction, item.jurisdiction)
    return OffenseRow(
        kind=kind,
        number=number,
        section=f"§ {section}",
        title=title,
        level=item.level.capitalize(),
        klass="Unclassified" if item.klass == "unclassified" else item.klass,
        jurisdiction=jurisdiction,
        date="—" if item.date is None else item.date.isoformat(),
        notes="; ".join(notes),
    )


def _tri(value: bool | None, yes: str, no: str | None, unknown: str) -> list[str]:
    if value is None:
        return [unknown]
    if value:
        return [yes]
    return [] if no is None else [no]


def _hold(case: Case, decision: Decision, pack: RulePack) -> HoldBlock:
    hold = decision.hold
    if hold is None:
        if pack.clock is None:
            kind = HOLD_NEVER
        elif decision.decision != HONOR:
            kind = HOLD_NONE
        elif case.detainer.form in pack.notification_only_forms:
            kind = HOLD_NOTIFICATION_ONLY
        else:
            kind = HOLD_START_UNKNOWN
    else:
        kind = HOLD_RUNNING
    # In the pack's zone, as the decision time is: a stored decision's times come back
    # with a bare UTC offset, which printed "UTC-05:00" where a fresh one says EST.
    zone = ZoneInfo(pack.timezone)
    starts = None if hold is None else hold.starts_at.astimezone(zone)
    expires = None if hold is None else hold.expires_at.astimezone(zone)
    return HoldBlock(
        kind=kind,
        starts_at=starts,
        expires_at=expires,
        starts_text="" if starts is None else timefmt.long_when(starts),
        expires_text="" if expires is None else timefmt.long_when(expires),
        hours=(0 if pack.clock is None else pack.clock.hours) if hold is None else hold.hours,
        excluded_reasons=() if hold is None else tuple(hold.excluded_reasons()),
        excluded_days=()
        if hold is None
        else tuple(f"{timefmt.long_day(day.day)} — {day.reason}" for day in hold.excluded_days),
        rule=decision.hold_rule,
        citation=decision.hold_citation,
        zone=pack.timezone,
    )


def _intent(decision: Decision, hold: HoldBlock) -> str:
    if decision.decision != HONOR:
        return INTENT_DECLINE
    return INTENT_NOTIFY if hold.kind == HOLD_NOTIFICATION_ONLY else INTENT_HOLD


def _sign_off(role: str, signer: Signer, zone: ZoneInfo) -> SignOffBlock:
    if signer.signed_at is not None:
        _require_aware(signer.signed_at, f"the {role.lower()}'s signing time")
    when = "" if signer.signed_at is None else timefmt.long_when(signer.signed_at.astimezone(zone))
    return SignOffBlock(role=role, name=signer.name, badge=signer.badge, when=when)

"""``evaluate(pack, case)``: the pure decision function of TrustDesk.

Same pack and case, same decision, every time: no clock, no files, no globals. Every
criterion of the pack is evaluated and traced; the decision is to honor the detainer
when at least one criterion (a ground the statute allows) is met, else to decline.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from trustdesk.core.class_history import apply_class_history, settle
from trustdesk.core.conditions import Trace, field_reader
from trustdesk.core.consistency import (
    Finding,
    check_facts,
    hold_expired_finding,
    minor_convictions,
    removal_warrant_finding,
)
from trustdesk.core.decision import (
    DECLINE,
    HONOR,
    MET,
    NOT_MET,
    UNKNOWN,
    ActionOutcome,
    CriterionResult,
    Decision,
)
from trustdesk.core.errors import CoreError
from trustdesk.core.holdclock import HoldClock, compute_hold
from trustdesk.core.model import Case, Offense
from trustdesk.core.outcomes import action_outcomes, permits
from trustdesk.core.pack import (
    NOT_ALLOWED,
    Action,
    Criterion,
    RulePack,
    criterion_item,
    entry_item,
    list_item,
)
from trustdesk.core.relevance import can_change_outcome, criterion_matters
from trustdesk.core.select import local_date

# Imported for type checking only: typing costs milliseconds at every CLI start.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


@cache
def _getter(path: str) -> Any:
    return field_reader(path)


#: The review reason of a hold that rests only on unverified pack data.
UNVERIFIED_GROUNDS = (
    "The hold rests only on grounds that use unverified data; "
    "agency counsel must confirm before relying on it"
)
#: The same for an honored request that asks only for notification (Form I-247N): no
#: hold rests on anything.
UNVERIFIED_NOTIFICATION_GROUNDS = (
    "The notification rests only on grounds that use unverified data; "
    "agency counsel must confirm before relying on it"
)
#: The same when the grounds met permit no hold (a law that never allows one) and only
#: other actions (release date, transfer…) rest on them.
UNVERIFIED_ACTION_GROUNDS = (
    "The action outcomes resting on the grounds met use only unverified data; "
    "agency counsel must confirm before relying on them"
)
#: The review reasons of a decision whose grounds met all use unverified data (one of
#: them, as the decision and the form are).
UNVERIFIED_REASONS = frozenset(
    {UNVERIFIED_GROUNDS, UNVERIFIED_NOTIFICATION_GROUNDS, UNVERIFIED_ACTION_GROUNDS}
)


def _note(pack: RulePack, item: str, label: str) -> str | None:
    verification = pack.verification(item)
    if verification.verified:
        return None
    sources = verification.sources
    return (
        f"{label} is UNVERIFIED data"
        + (f" ({verification.note})" if verification.note else "")
        + (f"; sources: {'; '.join(sources)}" if sources else "")
    )


def _resting_on(
    pack: RulePack, criterion: Criterion, status: str, trace: Trace
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The pack items this criterion's result rests on, and a note per unverified one.

    A met ground rests on its own text and citation and on the list sections its matching
    entries were found in; it counts as verified when its text is and at least one
    matching entry was found only in verified sections. A ground not met after a list was
    consulted rests on that list being complete.
    """
    items: list[str] = []
    notes: list[str] = []
    if status == MET:
        own = criterion_item(criterion.id)
        items.append(own)
        note = _note(pack, own, f"“{criterion.title}” ({criterion.citation})")
        matches = [tuple(entry_item(lid, section) for lid, section in m) for m in trace.matches]
        for match in matches:
            items.extend(match)
        firm_match = any(all(pack.verification(i).verified for i in m) for m in matches)
        if note is not None:
            notes.append(note)
        if not firm_match:
            for list_id, section in dict.fromkeys(h for m in trace.matches for h in m):
                title = pack.statute_list(list_id).title
                found = _note(pack, entry_item(list_id, section), f"{title}: § {section}")
                if found is not None:
                    notes.append(found)
    else:
        for list_id in trace.lists_used:
            item = list_item(list_id)
            items.append(item)
            title = pack.statute_list(list_id).title
            found = _note(pack, item, f"{title} (whether it is complete)")
            if found is not None:
                notes.append(found)
    return tuple(dict.fromkeys(items)), tuple(notes)


def _evaluate_criterion(
    pack: RulePack, criterion: Criterion, case: Case, void: dict[str, str], day: date
) -> CriterionResult:
    trace = Trace(void, day)
    outcome = criterion.condition.evaluate(case, trace)
    explain = criterion.explain
    if outcome is True:
        status, reason = MET, explain.met
    elif outcome is False:
        status, reason = NOT_MET, explain.not_met
    else:
        status, reason = UNKNOWN, explain.unknown
    rests_on, unverified = _resting_on(pack, criterion, status, trace)
    return CriterionResult(
        id=criterion.id,
        title=criterion.title,
        citation=criterion.citation,
        status=status,
        reason=reason,
        facts=tuple(trace.facts),
        unsettled=tuple(trace.unsettled),
        unverified=unverified,
        discretionary=criterion.discretionary,
        rests_on=rests_on,
        matched=tuple(trace.matched) if status == MET else (),
    )


def _grounds(pack: RulePack, case: Case, void: dict[str, str], day: date) -> tuple[str, ...]:
    """The grounds ``case`` meets under ``pack``: used to try a conviction's other classes."""
    results = (_evaluate_criterion(pack, c, case, void, day) for c in pack.criteria)
    return tuple(result.id for result in results if result.status == MET)


def _catalog_warnings(case: Case) -> list[str]:
    warnings = []
    groups: tuple[tuple[str, tuple[Offense, ...]], ...] = (
        ("Conviction", case.convictions),
        ("Pending charge", case.pending_charges),
    )
    for label, items in groups:
        for number, item in enumerate(items, start=1):
            if not item.in_catalog:
                warnings.append(
                    f"{label} {number} (§ {item.statute}) is not in the offense catalog: "
                    "its level and class were taken as entered and must be checked"
                )
    return warnings


def _review_reasons(pack: RulePack, case: Case, trace: tuple[CriterionResult, ...]) -> list[str]:
    reasons: list[str] = []
    for question in pack.questions:
        if (
            question.kind == "yes_no_unknown"
            and _getter(question.field)(case) is None
            and can_change_outcome(question, trace, pack)
        ):
            reasons.append(
                f"Answer to “{question.prompt}” is Unknown / not verified: "
                "unknown never establishes a ground"
            )
    for result in trace:
        reasons.extend(f"Unsettled law — {text}" for text in result.unsettled)
        # Once a ground is met, another that cannot be determined changes nothing (for
        # the actions that ground opens).
        if (
            result.status == UNKNOWN
            and not result.unsettled
            and criterion_matters(result.id, trace, pack)
        ):
            reasons.append(f"“{result.title}” could not be determined: {result.reason}")
        if result.status == MET and result.discretionary:
            reasons.append(
                f"“{result.title}” is the officer's own judgement; a supervisor must review it"
            )
    return reasons


def _unverified_grounds(
    trace: tuple[CriterionResult, ...], decision: str, *, notification_only: bool
) -> str | None:
    met = [result for result in trace if result.status == MET]
    if not met or not all(result.unverified for result in met):
        return None
    if decision != HONOR:
        return UNVERIFIED_ACTION_GROUNDS
    return UNVERIFIED_NOTIFICATION_GROUNDS if notification_only else UNVERIFIED_GROUNDS


def _report_findings(findings: list[Finding], warnings: list[str], reasons: list[str]) -> None:
    """Impossible or inconsistent facts: each one a warning, and (most) a reason for
    review."""
    for finding in findings:
        text = finding.message
        warnings.append(text[0].upper() + text[1:])
        if finding.review:
            reasons.append(f"Facts that cannot all be right — {finding.problem}")


def _minor_findings(
    pack: RulePack, case: Case, void: dict[str, str], day: date, grounds: tuple[str, ...]
) -> list[Finding]:
    """Convictions of a minor not entered as juvenile adjudications: each is said, and
    goes to review where, entered as juvenile, it would change the grounds (a doubt
    that cannot change them is only stated, as a class doubt is)."""
    found = []
    for index, finding in minor_convictions(case):
        if f"/convictions/{index}" in void:
            continue  # not counted already: nothing rests on it
        convictions = list(case.convictions)
        convictions[index] = convictions[index]._replace(juvenile=True)
        as_juvenile = case._replace(convictions=tuple(convictions))
        matters = _grounds(pack, as_juvenile, void, day) != grounds
        found.append(finding if matters else finding._replace(review=False))
    return found


def _removal_warrant_findings(
    pack: RulePack, case: Case, void: dict[str, str], day: date, grounds: tuple[str, ...]
) -> list[Finding]:
    """A warrant of removal with no final order entered: said, and sent to review, only
    where the person entered as subject to a final order would meet other grounds (a
    pack without that ground asks no one about it)."""
    finding = removal_warrant_finding(case)
    if (
        finding is None
        or _grounds(pack, case._replace(final_removal_order=True), void, day) == grounds
    ):
        return []
    return [finding]


def _hold(pack: RulePack, case: Case, decision: str, warnings: list[str]) -> HoldClock | None:
    if decision != HONOR or pack.clock is None:
        return None
    if case.detainer.form in pack.notification_only_forms:
        warnings.append(
            f"Form {case.detainer.form} asks only for notification, not a hold: "
            "no hold clock applies"
        )
        return None
    if case.releasable_at is None:
        return None
    return compute_hold(case.releasable_at, pack.clock, pack.calendar)


def _no_hold(
    pack: RulePack, form: str, outcomes: tuple[ActionOutcome, ...]
) -> tuple[tuple[Action, ...], tuple[ActionOutcome, ...]]:
    """The actions and outcomes of a detainer honored whose form asks for no hold (the
    pack's ``notification_only_forms``): the pack's actions for every decision, and no
    hold — not its honor actions, which all follow a hold (tell ICE how long it lasts,
    release at its expiry)."""
    cited = f"Form {form}"
    actions = (
        *pack.actions_for("always"),
        Action(
            "no_hold_requested",
            f"Do not hold the person on this detainer: {cited} asks only to be told before "
            "the person's release, never for a hold.",
            cited,
            "prohibited",
            HONOR,
        ),
    )
    hold_action = pack.hold_action
    if hold_action is None:
        return actions, outcomes
    changed = tuple(
        outcome._replace(
            outcome=NOT_ALLOWED,
            text=f"The person is not held: {cited} asks for no hold",
            grounds=(),
            citations=(cited,),
            conditions=(),
            notices=(),
            unverified=(),
            reasons=(),
        )
        if outcome.id == hold_action.disclosure
        else outcome
        for outcome in outcomes
    )
    return actions, changed


def evaluate(pack: RulePack, case: Case) -> Decision:
    """Decide ``case`` under ``pack``; refuses a pack not in force on the decision date."""
    day = local_date(case.decision_time, pack.timezone)
    if not pack.in_force_on(day):
        raise CoreError(
            f"rule pack {pack.id} is not in force on {day.isoformat()}; "
            "choose the pack for the decision date"
        )
    # The facts as entered (a class the section never carried is one of them), then the
    # convictions with the class their section carried on the conviction date.
    findings = list(check_facts(case))
    void = {f.voids: f.problem for f in findings if f.voids is not None}
    classes = apply_class_history(case)
    case = classes.case
    # An offense that is not counted leaves no doubt about its class to settle.
    classes = classes._replace(
        doubts=tuple(d for d in classes.doubts if f"/convictions/{d.position}" not in void)
    )
    trace = tuple(
        _evaluate_criterion(pack, criterion, case, void, day) for criterion in pack.criteria
    )
    grounds = tuple(result.id for result in trace if result.status == MET)
    outcomes = action_outcomes(pack, trace)
    hold_action = pack.hold_action
    if hold_action is None:
        # A pack value without outcomes: any ground met permits the hold.
        decision = HONOR if grounds else DECLINE
    else:
        held = next(o for o in outcomes if o.id == hold_action.disclosure)
        decision = HONOR if permits(held) else DECLINE
    warnings = _catalog_warnings(case)
    reasons = _review_reasons(pack, case, trace)
    requested = not (decision == HONOR and case.detainer.form in pack.notification_only_forms)
    unverified_grounds = _unverified_grounds(trace, decision, notification_only=not requested)
    if unverified_grounds is not None:
        reasons.append(unverified_grounds)
    if warnings:
        reasons.append("A conviction or charge is not in the offense catalog")
    class_notes, class_reviews = settle(classes, lambda other: _grounds(pack, other, void, day))
    warnings.extend(class_notes)
    reasons.extend(class_reviews)
    findings.extend(_minor_findings(pack, case, void, day, grounds))
    findings.extend(_removal_warrant_findings(pack, case, void, day, grounds))
    hold = _hold(pack, case, decision, warnings)
    if hold is not None:
        expired = hold_expired_finding(hold.expires_at, case)
        if expired is not None:
            findings.append(expired)
    _report_findings(findings, warnings, reasons)
    actions = pack.actions_for(decision)
    if not requested:
        actions, outcomes = _no_hold(pack, case.detainer.form, outcomes)
    unverified = tuple(dict.fromkeys(text for result in trace for text in result.unverified))
    return Decision(
        rule_pack=pack.id,
        rule_pack_sha256=pack.sha256,
        statute=pack.statute,
        decision=decision,
        grounds=grounds,
        trace=trace,
        actions=actions,
        needs_review=bool(reasons),
        review_reasons=tuple(dict.fromkeys(reasons)),
        warnings=tuple(warnings),
        unverified=unverified,
        hold=hold,
        hold_rule="" if pack.clock is None else pack.clock.text,
        hold_citation="" if pack.clock is None else pack.clock.citation,
        outcomes=outcomes,
        hold_requested=requested,
    )

"""The legality check for a contact with ICE: may the officer give ICE this, now?

Pure logic over data. What each version of the law allows for each disclosure (release
date, custody status, interview access, hold, transfer, confidential information) is
written in the rule pack's ``outcomes`` (format 3; format 2's ``contacts`` section is
converted to them), with its citation and verification; this module only reads them
against the grounds (the pack's criteria) as the decision on record found them or, with
no decision yet, as the officer can answer them now.

A disclosure whose rule depends on the grounds is decided by the grounds that open it
(the rule's ``grounds``; every criterion when it names none):
* at least one of them holds → the rule's ``when_ground`` outcome;
* every one is settled and none holds → its ``when_no_ground`` outcome;
* otherwise (a ground not yet answered, or unsettled) → "unknown", unless both outcomes
  agree. "unknown" is never a guess: it asks for the missing answers or a supervisor.
An ``always`` outcome ``not_allowed`` is worded "never". A disclosure the pack has no
outcome for is "unknown" (a pack value without outcomes says nothing on any).

The ids below are fixed by issue 14's contract and shared with the store, the CLI, the
GUI and the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from trustdesk.core.decision import MET, NOT_MET, UNKNOWN, CriterionResult, Decision
from trustdesk.core.errors import CoreError
from trustdesk.core.pack import ContactOutcome, ContactRule, RulePack, contact_item, criterion_item
from trustdesk.core.relevance import is_firm

CONTACT_KINDS: tuple[str, ...] = (
    "detainer_received",
    "release_info_request",
    "interview_request",
    "inquiry",
    "transfer_arrival",
    "other",
)
DIRECTIONS: tuple[str, ...] = ("from_ice", "to_ice")
CHANNELS: tuple[str, ...] = ("phone", "email", "fax", "in_person", "system", "other")
#: What may be given to or done for ICE; "none" (nothing given) is not a disclosure.
DISCLOSURES: tuple[str, ...] = (
    "release_date",
    "custody_status",
    "interview_access",
    "hold",
    "transfer",
    "confidential",
)
NOTHING_GIVEN = "none"

#: Documents that tell the person something WAS given to ICE, each with the disclosure
#: that makes it due. They are due once a contact on record gave that disclosure, never
#: when a decision merely allows it: Gov. Code § 7283.1(b) has the person told in writing
#: after the agency gives ICE the release date, and a notice served at decision time would
#: tell the person it was given when it may never be. Only the release date: custody
#: status (whether the person is held) is no notification of a release date.
NOTICES_ON_GIVING: Mapping[str, str] = {"release_date_told": "release_date"}


def due_when_given(notice: str) -> str:
    """When a document of ``NOTICES_ON_GIVING`` is due, in words ("when the release date
    is given to ICE"); empty for a document due with the decision."""
    disclosure = NOTICES_ON_GIVING.get(notice)
    if disclosure is None:
        return ""
    return f"when the {disclosure.replace('_', ' ')} is given to ICE"


#: The disclosures a contact of each kind is usually about, most likely first, so a form
#: can show those first. Every disclosure stays possible for every kind ("other" and an
#: inquiry can touch anything); this is no rule of law.
KIND_DISCLOSURES: Mapping[str, tuple[str, ...]] = {
    "detainer_received": ("hold", "custody_status", "release_date", "transfer"),
    "release_info_request": ("release_date", "custody_status"),
    "interview_request": ("interview_access",),
    "inquiry": ("custody_status", "release_date", "confidential"),
    "transfer_arrival": ("transfer", "hold", "custody_status"),
    "other": DISCLOSURES,
}

ALLOWED = "allowed"
NOT_ALLOWED = "not_allowed"
NEVER = "never"
#: Allowed once the rule's conditions are met (e.g. a consent form signed first).
ALLOWED_WITH_CONDITIONS = "allowed_with_conditions"
VERDICTS: tuple[str, ...] = (ALLOWED, ALLOWED_WITH_CONDITIONS, NOT_ALLOWED, NEVER, UNKNOWN)

#: Where the advice comes from: the decision on record, the officer's answers, nothing.
DECISION_BASIS = "decision"
GATES_BASIS = "gates"
NO_BASIS = "none"
BASES: tuple[str, ...] = (DECISION_BASIS, GATES_BASIS, NO_BASIS)

_UNVERIFIED = " (UNVERIFIED: agency counsel has not confirmed the rule data this rests on)"


@dataclass(frozen=True, slots=True)
class DisclosureAdvice:
    """Whether one disclosure is allowed, in the officer's words, with its citations.

    ``unverified``: the pack items this verdict rests on that nobody has verified (rule
    items ``contacts/<disclosure>/<case>`` and the grounds it relies on).
    """

    disclosure: str
    verdict: str
    reason: str
    citations: tuple[str, ...]
    unverified: tuple[str, ...] = ()
    #: What must be done first (``allowed_with_conditions``), and the documents the
    #: person gets, from the pack's outcome.
    conditions: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionUsed:
    """The version of a recorded decision a contact is judged against: the one in force
    when the contact happened (``in_force_from``: since when), and whether the officer
    named the decision or it was found as the person's decision at that time."""

    decision_id: int
    version: int
    in_force_from: datetime
    named: bool


@dataclass(frozen=True, slots=True)
class ContactAdvice:
    """The advice on every disclosure (in ``DISCLOSURES`` order) for one person.

    ``decision``: the decision version it rests on (basis "decision"), when the caller
    says which; ``advise`` knows only the decision's content, never its record."""

    pack_id: str
    basis: str
    items: tuple[DisclosureAdvice, ...]
    decision: DecisionUsed | None = None
    #: A later decision about the person, also in force at the contact's time, when the
    #: officer named an earlier one (two detainers; or an earlier honor named after a
    #: later decline), and what of ``items`` it does not allow (``also_not_allowed``):
    #: giving one of those needs the officer's reason and a supervisor's review.
    also_in_force: DecisionUsed | None = None
    also_not_allowed: tuple[str, ...] = ()

    def advice_for(self, disclosure: str) -> DisclosureAdvice:
        for item in self.items:
            if item.disclosure == disclosure:
                return item
        raise KeyError(disclosure)

    def not_allowed(self, given: Iterable[str]) -> tuple[DisclosureAdvice, ...]:
        """Those of ``given`` whose verdict is neither "allowed" nor "allowed with
        conditions".

        "unknown" counts as not allowed for flagging: it needs a reason and supervisor
        review. "none" (nothing given) is never flagged; an id that is not a disclosure
        is refused.
        """
        wanted = set()
        for name in given:
            if name == NOTHING_GIVEN:
                continue
            if name not in DISCLOSURES:
                raise CoreError(
                    f"unknown disclosure {name!r}; use one of {', '.join(DISCLOSURES)} or none"
                )
            wanted.add(name)
        # Allowed with conditions is allowed: the conditions (a notice to the person, no
        # local rule against it) are the officer's to meet and are shown with the advice.
        permitted = (ALLOWED, ALLOWED_WITH_CONDITIONS)
        return tuple(i for i in self.items if i.disclosure in wanted and i.verdict not in permitted)

    def for_kind(self, kind: str) -> tuple[DisclosureAdvice, ...]:
        """The advice a contact of ``kind`` is usually about, most likely first."""
        if kind not in KIND_DISCLOSURES:
            raise CoreError(f"unknown contact kind {kind!r}; use one of {', '.join(CONTACT_KINDS)}")
        return tuple(self.advice_for(d) for d in KIND_DISCLOSURES[kind])


class _GateState(NamedTuple):
    criterion: str
    status: str  # met | not_met | unknown
    #: A met ground that needs nobody's confirmation (no discretion, no unverified data).
    firm: bool
    #: Pack items the ground rests on that nobody has verified.
    unverified: tuple[str, ...]
    #: The entries that met it through a cited paragraph of law (the decision's trace).
    matched: tuple[str, ...] = ()


def _from_decision(pack: RulePack, result: CriterionResult) -> _GateState:
    unverified: tuple[str, ...] = ()
    if result.status == MET and result.unverified:
        own = criterion_item(result.id)
        items = [i for i in result.rests_on if not pack.verification(i).verified] or [own]
        unverified = tuple(dict.fromkeys(items))
    return _GateState(result.id, result.status, is_firm(result), unverified, result.matched)


def _from_answer(pack: RulePack, criterion: str, value: object) -> _GateState:
    if value is not None and not isinstance(value, bool):
        raise CoreError(
            f"answer for ground {criterion!r} must be yes (true), no (false) or unknown "
            f"(none), not {value!r}"
        )
    status = UNKNOWN if value is None else (MET if value else NOT_MET)
    item = criterion_item(criterion)
    discretionary = next(c.discretionary for c in pack.criteria if c.id == criterion)
    unverified = (item,) if status == MET and not pack.verification(item).verified else ()
    firm = status == MET and not discretionary and not unverified
    return _GateState(criterion, status, firm, unverified)


def _gate_states(
    pack: RulePack, decision: Decision | None, answers: Mapping[str, object]
) -> dict[str, _GateState]:
    """Each ground of ``pack`` as the decision found it, else as the officer answered it.

    A decision made under another pack (an older law) names only its own grounds; a
    ground it does not name counts as the officer's answer to it, else as unknown.
    """
    known = {c.id for c in pack.criteria}
    for name in answers:
        if name not in known:
            raise CoreError(
                f"{pack.id} has no ground {name!r}; answer one of {', '.join(sorted(known))}"
            )
    found = {} if decision is None else {r.id: r for r in decision.trace}
    states: dict[str, _GateState] = {}
    for criterion in pack.criteria:
        result = found.get(criterion.id)
        if result is not None:
            states[criterion.id] = _from_decision(pack, result)
        else:
            states[criterion.id] = _from_answer(pack, criterion.id, answers.get(criterion.id))
    return states


def _say(outcome: ContactOutcome, phrases: Iterable[str], citation: str) -> str:
    listed = ", ".join(phrases)
    said = f"{outcome.text}: {listed}" if listed else outcome.text
    if outcome.conditions:
        said += f" (first: {'; '.join(outcome.conditions)})"
    return f"{said} — {citation}"


def _present(phrase: str, matched: tuple[str, ...]) -> str:
    return f"{phrase} ({'; '.join(matched)})" if matched else phrase


def _verdict(outcome: ContactOutcome, always: bool) -> str:
    """The contact log's verdict for a pack outcome: ``always`` + not allowed is "never"."""
    return NEVER if always and outcome.verdict == NOT_ALLOWED else outcome.verdict


def _advice(
    pack: RulePack,
    rule: ContactRule,
    states: Mapping[str, _GateState],
    decision: Decision | None,
) -> DisclosureAdvice:
    opening = set(rule.opened_by(tuple(c.id for c in pack.criteria)))
    gates = [g for g in pack.outcome_gates if g.criterion in opening]
    citations = (rule.citation,)
    if rule.always is not None:
        item = contact_item(rule.disclosure, "always")
        always_unverified = () if pack.verification(item).verified else (item,)
        reason = _say(rule.always, (), rule.citation)
        return DisclosureAdvice(
            rule.disclosure,
            _verdict(rule.always, always=True),
            reason + (_UNVERIFIED if always_unverified else ""),
            citations,
            always_unverified,
            rule.always.conditions,
            rule.always.notices,
        )
    assert rule.ground is not None and rule.no_ground is not None  # the schema requires both
    met = [g for g in gates if states[g.criterion].status == MET]
    open_ = [g for g in gates if states[g.criterion].status == UNKNOWN]
    if met:
        case, outcome = "ground", rule.ground
        # A ground met through an offense whose paragraph the catalog cites names both:
        # "serious or violent felony conviction (PC 211 … — Penal Code § 1192.7(c)(19))".
        phrases = [_present(g.present, states[g.criterion].matched) for g in met]
        grounds_unverified = [i for g in met for i in states[g.criterion].unverified]
        firm = any(states[g.criterion].firm for g in met)
    elif not open_:
        case, outcome = "no_ground", rule.no_ground
        phrases = [g.absent for g in gates]
        grounds_unverified, firm = [], True
    elif rule.ground.verdict == rule.no_ground.verdict:
        case, outcome = "ground", rule.ground
        phrases, grounds_unverified, firm = [], [], True
    else:
        settled = [g.absent for g in gates if states[g.criterion].status == NOT_MET]
        waiting = ", ".join(g.unknown for g in open_)
        reason = (
            f"{rule.label}: cannot be decided yet — {waiting}"
            + (f" ({', '.join(settled)})" if settled else "")
            + "; treat it as not allowed until these are answered, or ask a supervisor"
            + f" — {rule.citation}"
        )
        items = (
            contact_item(rule.disclosure, "ground"),
            contact_item(rule.disclosure, "no_ground"),
        )
        waiting_on = tuple(i for i in items if not pack.verification(i).verified)
        return DisclosureAdvice(rule.disclosure, UNKNOWN, reason, citations, waiting_on)
    item = contact_item(rule.disclosure, case)
    rule_unverified = () if pack.verification(item).verified else (item,)
    unverified = tuple(dict.fromkeys([*rule_unverified, *grounds_unverified]))
    reason = _say(outcome, phrases, rule.citation)
    if case == "ground" and phrases and not firm:
        reason += " (the ground needs supervisor review before it is relied on)"
    elif outcome.verdict in (ALLOWED, ALLOWED_WITH_CONDITIONS) and (
        decision is not None and decision.needs_review
    ):
        reason += " (the decision on record awaits supervisor review)"
    if unverified:
        reason += _UNVERIFIED
    return DisclosureAdvice(
        rule.disclosure,
        outcome.verdict,
        reason,
        citations,
        unverified,
        outcome.conditions,
        outcome.notices,
    )


def _silent(pack: RulePack, disclosure: str) -> DisclosureAdvice:
    label = disclosure.replace("_", " ").capitalize()
    return DisclosureAdvice(
        disclosure,
        UNKNOWN,
        f"{label}: rule pack {pack.id} says nothing about contacts with ICE; "
        "ask a supervisor before giving it",
        (),
    )


def advise(
    pack: RulePack,
    *,
    decision: Decision | None = None,
    answers: Mapping[str, object] | None = None,
) -> ContactAdvice:
    """The advice on every disclosure for this person under ``pack`` (the law in force on
    the contact's date).

    ``decision``: the decision on record, if any; it wins over ``answers``.
    ``answers``: the grounds the officer can answer now, keyed by the pack's criterion
    id (``judicial_warrant``, ``class_a_b_felony_conviction``, ``tsdb_match``…): True
    (the ground holds), False (it does not) or None (not known yet). With a decision,
    they count only for a ground the decision did not weigh (one made under an older
    pack). A key that is not a ground of the pack, or another value, raises CoreError.
    """
    given = dict(answers or {})
    states = _gate_states(pack, decision, given)
    if decision is not None:
        basis = DECISION_BASIS
    elif any(value is not None for value in given.values()):
        basis = GATES_BASIS
    else:
        basis = NO_BASIS
    contacts = pack.contacts
    items = []
    for disclosure in DISCLOSURES:
        rule = None if contacts is None else contacts.rule(disclosure)
        if rule is None:
            items.append(_silent(pack, disclosure))
        else:
            items.append(_advice(pack, rule, states, decision))
    return ContactAdvice(pack_id=pack.id, basis=basis, items=tuple(items))

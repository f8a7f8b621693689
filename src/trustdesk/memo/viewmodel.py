"""The view-model of a memo: every text the documents print, as frozen plain values.

``build.build_view_model`` fills it from a case, its decision and the rule pack; the
renderers read nothing else (no database, no rule files, no clock), so the same
view-model always renders to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Values the notices choose their wording by.
INTENT_HOLD = "hold"  # comply: hold up to the limit
INTENT_NOTIFY = "notify"  # comply with a notification-only request: no hold
INTENT_DECLINE = "decline"

# Hold block kinds.
HOLD_RUNNING = "running"  # start known, expiry computed
HOLD_START_UNKNOWN = "start_unknown"  # honored, the start is not yet known
HOLD_NOTIFICATION_ONLY = "notification_only"  # honored, but the form asks for no hold
HOLD_NONE = "none"  # declined: no hold at all
HOLD_NEVER = "never"  # the law in force never allows a hold on a detainer (no clock)

#: The mark on every page of a memo whose decision the record does not hold yet.
NOT_YET_RECORDED = "NOT YET RECORDED"
#: The mark on every page of a memo of a version a later version replaces.
REPLACED_BY = "REPLACED BY VERSION {version}"


# --- plain inputs the caller passes to build_view_model --------------------------------


@dataclass(frozen=True, slots=True)
class AgencyHeader:
    """The agency settings printed at the top of every page (the logo as PNG or JPEG bytes)."""

    name: str
    facility: str
    ori: str
    logo: bytes | None = field(default=None, repr=False)
    #: Said on the memo when the header or the signers are not those in force at the
    #: decision (a record made before they were kept, a logo changed since).
    note: str = ""


@dataclass(frozen=True, slots=True)
class Signer:
    """An officer or supervisor as printed in a sign-off block (blank fields stay blank)."""

    name: str = ""
    badge: str = ""
    signed_at: datetime | None = None
    note: str = ""  # a supervisor's note on the approval


@dataclass(frozen=True, slots=True)
class GivenToIce:
    """A contact on record that gave ICE something about the person: when, and what
    (disclosure ids of ``core.contacts.DISCLOSURES``). It makes the documents of
    ``core.contacts.NOTICES_ON_GIVING`` due (the release date: Gov. Code § 7283.1(b))."""

    at: datetime  # when ICE was given it (aware)
    given: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VersionNote:
    """A version of the decision that amends an earlier one: its number, the version it
    replaced, who recorded it, when, and the reason given."""

    version: int
    replaces: int
    recorded_by: str
    recorded_at: datetime  # aware
    reason: str


@dataclass(frozen=True, slots=True)
class RecordInfo:
    """Where the decision sits in the store: id, version, hash, audit-chain position."""

    decision_id: str
    version: int
    record_sha256: str
    chain_position: int | None
    created_at: datetime  # when the record was stored: the PDF's creation date
    #: The audit chain's head (entry, hash) when the memo is made: an anchor on paper.
    chain_head: tuple[int, str] | None = None
    #: Not empty while the decision is only a local draft (the server was unreachable):
    #: why, and where it is kept. Every page of the memo then says NOT YET RECORDED.
    not_recorded: str = ""
    #: This version's own amendment (None for version 1).
    amendment: VersionNote | None = None
    #: The newest version that replaces this one, as of ``chain_head``; None while this
    #: version is the one in force. Every page of the memo then says REPLACED BY VERSION N.
    replaced_by: VersionNote | None = None


# --- the view-model ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonBlock:
    name: str
    date_of_birth: str
    booking_number: str


@dataclass(frozen=True, slots=True)
class DetainerBlock:
    form: str
    form_description: str
    received_at: str
    received_on: date | None
    issuing_office: str
    subject_id: str
    judicial_warrant: str
    administrative_warrant: str


@dataclass(frozen=True, slots=True)
class ListRow:
    """A statute list of the rule pack and whether counsel verified it."""

    title: str
    verified: bool
    note: str


@dataclass(frozen=True, slots=True)
class RulePackBlock:
    id: str
    title: str
    statute: str
    effective: str
    citations: tuple[str, ...]
    last_verified_on: str
    sha256: str
    lists: tuple[ListRow, ...]
    uses_unverified_data: bool
    unverified_notes: tuple[str, ...]
    #: Who verified each pack item the decision rests on (name, title, source, date) or
    #: "UNVERIFIED": one line per item, "criteria/<id>: verified by …" (issue 15 §1).
    verified_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DecisionBlock:
    outcome: str  # honor | decline
    headline: str
    grounds: tuple[str, ...]  # criterion titles with their ids, for a hold
    decided_at: str
    needs_review: bool
    review_status: str
    review_reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    review_note: str = ""  # the approving supervisor's note, if any
    #: What the box says when no ground is met (the pack's statute section in it).
    no_grounds: str = ""


@dataclass(frozen=True, slots=True)
class CriterionRow:
    status: str  # MET | NOT MET | UNKNOWN
    id: str
    title: str
    citation: str
    reason: str
    facts: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChangeList:
    """One list of "what would change the outcome" (core/counterfactual.py), headed."""

    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OffenseRow:
    kind: str  # Conviction | Pending charge
    number: int
    section: str
    title: str
    level: str
    klass: str
    jurisdiction: str
    date: str
    notes: str


@dataclass(frozen=True, slots=True)
class HoldBlock:
    kind: str  # HOLD_*
    starts_at: datetime | None
    expires_at: datetime | None
    starts_text: str
    expires_text: str
    hours: int
    excluded_reasons: tuple[str, ...]
    excluded_days: tuple[str, ...]
    rule: str
    citation: str
    zone: str


@dataclass(frozen=True, slots=True)
class ActionRow:
    text: str
    citation: str


@dataclass(frozen=True, slots=True)
class SignOffBlock:
    role: str
    name: str
    badge: str
    when: str


@dataclass(frozen=True, slots=True)
class VerificationBlock:
    record_sha256: str
    short_code: str
    decision_id: str
    version: int
    chain_position: int | None
    qr_payload: str
    chain_head: tuple[int, str] | None = None


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """What the notices to the person say, chosen by the decision."""

    required: bool
    intent: str  # INTENT_*
    detainer_form: str
    received_on: date | None
    decided_on: date
    hold_expires_at: datetime | None
    #: The documents (ids of resources/notices/LANG.json ``documents``) the person gets,
    #: in print order: the pack's ``required_notices`` and those its outcomes name.
    documents: tuple[str, ...] = ()
    #: Whether the law lets the agency tell ICE the release date (``release_date``
    #: outcome allowed, with or without conditions); None when the pack does not say.
    release_date_shared: bool | None = None
    #: When ICE was given the release date, per the contact log as of the memo's chain
    #: head (local time, oldest first); empty: not given (yet), so the notice telling the
    #: person it was given is not among ``documents``.
    release_date_given_at: tuple[datetime, ...] = ()
    #: The decision needs a supervisor's review and has not had it: what the agency will
    #: do is not settled yet, and the notice says so beside its intent.
    review_pending: bool = False


@dataclass(frozen=True, slots=True)
class OutcomeRow:
    """One action the law decides (hold, release date, transfer, interview…) as printed."""

    action: str  # the action id
    label: str
    outcome: str  # allowed | not_allowed | allowed_with_conditions | unknown
    outcome_text: str  # in words: "allowed", "NOT allowed"…
    text: str  # the pack's words for the officer
    grounds: tuple[str, ...]  # criterion titles with their ids
    conditions: tuple[str, ...]
    notices: tuple[str, ...]  # document titles the person must get
    citations: tuple[str, ...]
    unverified: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ContactRow:
    """One contact with ICE about the person, as the memo's history lists it."""

    when: str  # local time, written out
    kind: str  # in words
    ice: str  # who at ICE, which way, by what channel
    asked: str
    given: str  # in words; "nothing" when nothing was given
    recorded_by: str
    allowed: bool
    #: The officer's reason when something given was not allowed, and the review state.
    flag: str = ""
    amended: str = ""  # "version 2: reason" when the contact was corrected


@dataclass(frozen=True, slots=True)
class MemoViewModel:
    title: str
    subject: str
    agency: AgencyHeader
    person: PersonBlock
    detainer: DetainerBlock
    decision: DecisionBlock
    rule_pack: RulePackBlock
    criteria: tuple[CriterionRow, ...]
    offenses: tuple[OffenseRow, ...]
    hold: HoldBlock
    required_actions: tuple[ActionRow, ...]
    prohibited_actions: tuple[ActionRow, ...]
    officer: SignOffBlock
    supervisor: SignOffBlock
    verification: VerificationBlock
    notice: NoticeFacts
    created_at: datetime
    #: What would change the outcome; empty in a memo built before it was computed.
    outcome_changes: tuple[ChangeList, ...] = ()
    not_recorded: str = ""  # as RecordInfo.not_recorded
    #: "This version amends version 1: …" (empty for version 1).
    amendment: str = ""
    #: The mark and the sentence of a version a later one replaces (empty while in force).
    replaced_mark: str = ""
    replaced: str = ""
    #: The history of contacts with ICE about the person, as of the memo's chain head;
    #: None: not looked up (the history section is left out).
    contacts: tuple[ContactRow, ...] | None = None
    #: The first line of the memo, from the pack (statute and act).
    document_title: str = ""
    #: The jurisdiction's name as the pack states it ("Connecticut", "California").
    jurisdiction_name: str = ""
    #: Every action outcome of the decision; empty for a record made before outcomes
    #: were recorded (the section is then left out: decision 0038).
    outcomes: tuple[OutcomeRow, ...] = ()

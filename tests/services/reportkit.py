"""A generated record whose true report figures are known: the proof of the report.

``make_record`` writes decisions through the store's own repositories (as the desk
does: versions, holds and their closures, reviews, amendments), spread over several
months, two desks, two officers, with amendments, overdue holds (closed late and still
open), detainers received in another month than they were decided, and receipt times
left out. ``Truth`` counts the same figures from the plan in plain Python, with the
definitions written out again here (not by calling the report code), so that a wrong
query or a wrong definition in TrustDesk shows as a difference.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from trustdesk.store.case_records import DecisionDraft, DetainerFacts, PersonFacts
from trustdesk.store.encoding import document_json
from trustdesk.store.records import Actor
from trustdesk.store.store import Store

ZONE = ZoneInfo("America/New_York")
#: The report's period in the tests: January to April 2026 (local days, both included).
PERIOD = (date(2026, 1, 1), date(2026, 4, 30))
#: "Now" for the report: holds still open after their expiry are overdue until then.
NOW = datetime(2026, 5, 20, 16, 0, tzinfo=UTC)
DESKS = ("desk-a", "desk-b")
OFFICERS = ("officer", "officer2")
GROUNDS = ("judicial_warrant", "class_a_b_felony_conviction", "tsdb_match")
#: With a bracket and a quote in it: the lists are read out of the document's text on
#: PostgreSQL, and must not be cut short by either.
UNVERIFIED_ITEM = 'Offenses added in 2025 [the "list"] is UNVERIFIED data (test)'
REASONS = ("typo in the booking number", '=HYPERLINK("http://x")', "wrong form recorded")


@dataclass
class Version:
    outcome: str
    grounds: tuple[str, ...]
    form: str
    judicial: str
    administrative: str | None
    pack: str
    unverified: bool
    review_required: bool
    author: str
    desk: str
    recorded_at: datetime
    reason: str | None = None
    reviewed_at: datetime | None = None  # an approval of this version

    @property
    def asks_no_hold(self) -> bool:
        """Honored on a form that asks only to be told of the release (as the engine
        decides an I-247N: no hold, ``"hold_requested": false`` in the document)."""
        return self.outcome == "honor" and self.form == "I-247N"

    @property
    def holds(self) -> bool:
        return self.outcome == "honor" and not self.asks_no_hold


@dataclass
class Planned:
    decision_time: datetime
    received_at: datetime | None
    releasable_at: datetime | None
    versions: list[Version]
    #: (outcome, ended_at) or None for a hold never closed.
    closure: tuple[str, datetime] | None = None

    @property
    def latest(self) -> Version:
        return self.versions[-1]

    @property
    def first(self) -> Version:
        return self.versions[0]

    @property
    def opens_hold(self) -> bool:
        return any(v.holds for v in self.versions)

    def hold_expires_at(self) -> datetime | None:
        return None if self.releasable_at is None else self.releasable_at + timedelta(hours=48)


def local_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=ZONE).astimezone(UTC)


def plan(seed: int = 14, packs: tuple[str, str] = ("ct-2019", "ct-2025")) -> list[Planned]:
    """About 70 decisions from December 2025 to May 2026, a few on the period's edges;
    ``packs``: the rule packs of those decided in 2025 and in 2026."""
    rng = random.Random(seed)
    planned: list[Planned] = []
    start = datetime(2025, 12, 10, 15, tzinfo=UTC)
    instants = [start + timedelta(hours=rng.randrange(0, 24 * 165)) for _ in range(64)]
    # The edges: one minute before and at the period's first local midnight (05:00 UTC),
    # and on the last local day's evening (after midnight UTC, before local midnight).
    instants += [
        local_midnight(PERIOD[0]) - timedelta(minutes=1),
        local_midnight(PERIOD[0]),
        local_midnight(PERIOD[1]) + timedelta(hours=23, minutes=30),
        local_midnight(PERIOD[1] + timedelta(days=1)),
    ]
    for number, when in enumerate(sorted(instants)):
        honor = rng.random() < 0.55
        grounds = tuple(sorted(rng.sample(GROUNDS, rng.choice((1, 1, 2))))) if honor else ()
        judicial = "yes" if "judicial_warrant" in grounds else rng.choice(("no", "unknown"))
        received: datetime | None = when - timedelta(hours=rng.choice((2, 30, 24 * 20)))
        if number % 9 == 4:
            received = None
        releasable = None if number % 11 == 5 else when + timedelta(hours=1)
        author = OFFICERS[number % 2]
        version = Version(
            outcome="honor" if honor else "decline",
            grounds=grounds,
            form=rng.choice(("I-247A", "I-247A", "I-247D", "I-247N")),
            judicial=judicial,
            administrative=None if judicial == "yes" else rng.choice(("I-200", "I-205", None)),
            pack=packs[1] if when.year == 2026 else packs[0],
            unverified=when.year == 2026 and number % 4 == 0,
            review_required=number % 5 == 0 or judicial == "unknown",
            author=author,
            desk=DESKS[(number // 2) % 2],
            recorded_at=when + timedelta(minutes=5),
        )
        item = Planned(when, received, releasable, [version])
        if version.review_required and number % 3 != 2:
            version.reviewed_at = version.recorded_at + timedelta(minutes=rng.choice((7, 45, 180)))
        if number % 7 == 3:
            # An amendment by the other officer at the other desk; every third one flips
            # the outcome (the latest version is what counts).
            flip = number % 21 == 3
            outcome = ("decline" if version.outcome == "honor" else "honor") if flip else None
            amended = Version(
                **{
                    **version.__dict__,
                    "outcome": outcome or version.outcome,
                    "grounds": () if outcome == "decline" else (version.grounds or ("tsdb_match",)),
                    "form": "I-247D" if version.form == "I-247A" else version.form,
                    "author": OFFICERS[(number + 1) % 2],
                    "desk": DESKS[((number // 2) + 1) % 2],
                    "recorded_at": version.recorded_at + timedelta(hours=3),
                    "reason": REASONS[number % len(REASONS)],
                    "reviewed_at": None,
                    "review_required": number % 2 == 1,
                }
            )
            item.versions.append(amended)
        if item.opens_hold and item.releasable_at is not None:
            roll = number % 6
            expiry = item.hold_expires_at()
            assert expiry is not None
            if roll in (0, 1):
                item.closure = (
                    "ice_took_custody",
                    item.releasable_at + timedelta(minutes=rng.choice((55, 300, 900, 2000))),
                )
            elif roll == 2:
                item.closure = ("released_at_expiry", expiry)
            elif roll == 3:
                item.closure = (
                    "released_other",
                    expiry + timedelta(minutes=rng.choice((30, 95, 400, 2000))),
                )
            elif roll == 4 and expiry > NOW:
                item.closure = None
            # roll 5 (and 4 when expired): left open, overdue if expired by NOW.
        elif item.opens_hold:
            item.closure = ("ice_took_custody", when + timedelta(hours=6)) if number % 2 else None
        planned.append(item)
    return planned


def _decision_json(version: Version) -> str:
    unverified = [UNVERIFIED_ITEM] if version.unverified else []
    # The keys of a real decision document (core.record.decision_to_json), sorted as
    # document_json writes them; the trace's items carry lists named "unverified" too.
    document: dict[str, Any] = {
        "decision": version.outcome,
        "grounds": list(version.grounds),
        "hold": None,
        "hold_citation": "§ 54-192h(b)",
        "needs_review": version.review_required,
        "trace": [{"id": g, "reason": "x" * 50, "unverified": unverified} for g in version.grounds],
        "unverified": unverified,
        "warnings": ['a warning with ] and "quotes", "unverified":["not a key"]'],
    }
    if version.asks_no_hold:  # written only then, as core.record writes it
        document["hold_requested"] = False
    return document_json(document)


def outcomes_for(version: Version) -> list[dict[str, Any]]:
    """The action outcomes a California-like pack would record for this version."""
    honor = version.outcome == "honor"
    return [
        # A form asking for no hold gets none (core.evaluate._no_hold).
        {"id": "hold", "outcome": "allowed" if version.holds else "not_allowed"},
        {"id": "release_date", "outcome": "allowed" if honor else "not_allowed"},
        {"id": "transfer", "outcome": "unknown" if version.review_required else "not_allowed"},
        {"id": "interview_access", "outcome": "allowed_with_conditions"},
    ]


def with_action_outcomes(monkeypatch: Any) -> None:
    """From now on (for the test) every generated decision document also records its
    action outcomes, as a rule pack of format 3 would (``outcomes_for``)."""
    plain = _decision_json

    def with_outcomes(version: Version) -> str:
        document = json.loads(plain(version))
        document["outcomes"] = outcomes_for(version)
        return document_json(document)

    monkeypatch.setattr(sys.modules[__name__], "_decision_json", with_outcomes)


def _draft(item: Planned, version: Version, number: int) -> DecisionDraft:
    holds = version.holds
    return DecisionDraft(
        decision_time=item.decision_time,
        outcome=version.outcome,
        needs_review=version.review_required,
        review_required=version.review_required,
        releasable_at=item.releasable_at,
        hold_expires_at=item.hold_expires_at() if holds else None,
        opens_hold=holds,
        rule_pack=version.pack,
        rule_pack_sha256="a" * 64,
        app_version="0.1.0",
        person=PersonFacts(f"NH-{number:05d}", f"Person {number}", date(1990, 1, 1)),
        detainer=DetainerFacts(
            version.form,
            item.received_at,
            version.judicial,
            version.administrative,
            "ICE ERO",
            f"A{number:09d}",
        ),
        answers=(),
        case_json=document_json({"n": number}),
        decision_json=_decision_json(version),
    )


def make_record(
    store: Store,
    users: dict[str, int],
    reviewer: str = "supervisor",
    packs: tuple[str, str] = ("ct-2019", "ct-2025"),
) -> list[Planned]:
    """Write the plan into ``store``; ``users`` maps user names to ids; ``packs``: as
    ``plan``'s."""
    planned = plan(packs=packs)
    for number, item in enumerate(planned):
        decision_id = None
        for version in item.versions:
            author = Actor(users[version.author], version.author, version.desk)
            draft = _draft(item, version, number)
            if decision_id is None:
                saved = store.decisions.add(draft, author, version.recorded_at)
                decision_id = saved.record.decision_id
            else:
                saved = store.decisions.amend(
                    decision_id,
                    draft,
                    reason=version.reason or "",
                    author=author,
                    at=version.recorded_at,
                )
            if version.reviewed_at is not None:
                store.reviews.approve(
                    decision_id,
                    expected_record_id=saved.record.id,
                    reviewer=Actor(users[reviewer], reviewer, "desk-a"),
                    at=version.reviewed_at,
                )
        if item.closure is not None:
            hold = store.holds.of_decision(decision_id)  # type: ignore[arg-type]
            assert hold is not None
            outcome, ended = item.closure
            store.holds.close(
                hold.id,
                outcome=outcome,
                ended_at=ended,
                note="released on bond" if outcome == "released_other" else None,
                officer=Actor(users["officer"], "officer", "desk-a"),
                at=ended + timedelta(minutes=1),
            )
    return planned


def nearest_rank(values: list[int], p: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered))) - 1]


def whole_minutes(later: datetime, earlier: datetime) -> int:
    seconds = int(later.timestamp()) - int(earlier.timestamp())
    return int(seconds / 60)  # toward zero, as the databases divide


@dataclass
class Truth:
    """The report's figures counted from the plan (see the module docstring)."""

    counted: list[Planned]
    months: list[date]
    by_month: dict[date, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    forms: Counter[str] = field(default_factory=Counter)
    warrants: Counter[str] = field(default_factory=Counter)
    grounds: Counter[str] = field(default_factory=Counter)
    packs: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    officers: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    desks: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    review: dict[str, Any] = field(default_factory=dict)
    holds: Counter[str] = field(default_factory=Counter)
    overdue: list[tuple[int, bool]] = field(default_factory=list)
    custody: list[int] = field(default_factory=list)
    custody_start_unknown: int = 0
    holds_expiry_unknown: int = 0
    amendments: Counter[str] = field(default_factory=Counter)
    #: Per rule pack, the honored decisions whose form asked for no hold.
    no_hold_asked: Counter[str] = field(default_factory=Counter)
    unverified: int = 0
    receipt_unknown: int = 0


def when_counted(item: Planned, by: str) -> datetime:
    if by == "received" and item.received_at is not None:
        return item.received_at
    return item.decision_time


def _count_hold(found: Truth, item: Planned) -> None:
    latest = item.latest
    found.holds[item.closure[0] if item.closure else "open"] += 1
    due = item.hold_expires_at() if latest.outcome == "honor" else latest.recorded_at
    if due is None:
        found.holds_expiry_unknown += 1
    else:
        ended = item.closure[1] if item.closure else NOW
        if ended > due:
            found.overdue.append((whole_minutes(ended, due), item.closure is not None))
    if item.closure and item.closure[0] == "ice_took_custody":
        if item.releasable_at is None:
            found.custody_start_unknown += 1
        else:
            found.custody.append(whole_minutes(item.closure[1], item.releasable_at))


def truth(
    planned: list[Planned], by: str, *, officer: str | None = None, desk: str | None = None
) -> Truth:
    start, end = local_midnight(PERIOD[0]), local_midnight(PERIOD[1] + timedelta(days=1))
    counted = [
        item
        for item in planned
        if start <= when_counted(item, by) < end
        and (officer is None or item.first.author == officer)
        and (desk is None or item.first.desk == desk)
    ]
    months = [date(2026, month, 1) for month in (1, 2, 3, 4)]
    found = Truth(counted, months)
    review_minutes: list[int] = []
    for item in counted:
        latest = item.latest
        month = when_counted(item, by).astimezone(ZONE).date().replace(day=1)
        found.by_month[month][latest.outcome] += 1
        found.forms[latest.form] += 1
        if latest.judicial == "yes":
            found.warrants["Judicial warrant"] += 1
        elif latest.administrative:
            found.warrants[f"Administrative warrant only ({latest.administrative})"] += 1
        elif latest.judicial == "no":
            found.warrants["No warrant"] += 1
        else:
            found.warrants["Not known (judicial warrant unverified)"] += 1
        if latest.outcome == "decline":
            found.grounds["(no ground: declined)"] += 1
        for ground in latest.grounds:
            found.grounds[ground] += 1
        found.packs[latest.pack][latest.outcome] += 1
        found.no_hold_asked[latest.pack] += latest.asks_no_hold
        found.officers[item.first.author][latest.outcome] += 1
        found.desks[item.first.desk][latest.outcome] += 1
        reviewed = [v for v in item.versions if v.reviewed_at is not None]
        if latest.review_required or reviewed:
            found.review["needed"] = found.review.get("needed", 0) + 1
        if reviewed:
            found.review["reviewed"] = found.review.get("reviewed", 0) + 1
            first = min(reviewed, key=lambda v: v.reviewed_at)  # type: ignore[arg-type,return-value]
            review_minutes.append(
                whole_minutes(first.reviewed_at, first.recorded_at)  # type: ignore[arg-type]
            )
        if latest.review_required and latest.reviewed_at is None:
            found.review["pending"] = found.review.get("pending", 0) + 1
        if item.opens_hold:
            _count_hold(found, item)
        for version in item.versions[1:]:
            found.amendments[version.reason or ""] += 1
        found.unverified += latest.unverified
        found.receipt_unknown += by == "received" and item.received_at is None
    found.review.setdefault("needed", 0)
    found.review.setdefault("reviewed", 0)
    found.review.setdefault("pending", 0)
    found.review["median"] = nearest_rank(review_minutes, 0.5)
    found.review["p90"] = nearest_rank(review_minutes, 0.9)
    return found

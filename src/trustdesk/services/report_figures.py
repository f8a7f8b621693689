"""What each report figure is: its definition (the footnote) and its table, from the
grouped counts the store returns (store/reports.py). Pure functions, no I/O.

Medians and percentiles are taken from histograms in whole minutes by the nearest-rank
rule: the p-th percentile of n times is the smallest time t such that at least
ceil(p × n) of the times are at most t.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from trustdesk.memo.report_model import NO_HOLD_ROW, ChartSpec, Figure, Series
from trustdesk.services.contact_wording import KIND_TEXT, against_later
from trustdesk.store.reports import ContactData, ReportData

OUTCOME_WORDS = {"honor": "Honored", "decline": "Declined"}
HOLD_WORDS = {
    "ice_took_custody": "ICE took custody",
    "released_at_expiry": "Released at the hold's expiry",
    "released_other": "Released otherwise",
    "open": "Still open",
}
CONTACT_KIND_WORDS = KIND_TEXT  # one wording of the kinds, the contact log's
DISCLOSURE_WORDS = {
    "release_date": "Release date",
    "custody_status": "Custody status",
    "interview_access": "Access to interview the person",
    "hold": "Holding the person for ICE",
    "transfer": "Handing the person to ICE",
    "confidential": "Confidential information",
    "none": "Nothing",
}
#: Lateness of overdue holds, in minutes: (upper bound excluded, label).
LATENESS = ((60, "under 1 hour"), (240, "1 to 4 hours"), (1440, "4 to 24 hours"))
#: Time from hold start to ICE custody, in hours: the histogram's bins.
CUSTODY_BINS = ((0, 4), (4, 8), (8, 12), (12, 24), (24, 48), (48, None))

NO_GROUND = "(no ground: declined)"


def percentile(histogram: Sequence[tuple[int, int]], p: float) -> int | None:
    """Nearest-rank percentile of a (value, count) histogram sorted by value."""
    total = sum(count for _, count in histogram)
    if total == 0:
        return None
    rank = max(1, math.ceil(p * total))
    seen = 0
    for value, count in histogram:
        seen += count
        if seen >= rank:
            return value
    return histogram[-1][0]


def duration(minutes: int | None) -> str:
    """Minutes as a person reads them: "3 h 05 min", "2 d 4 h 10 min"."""
    if minutes is None:
        return "—"
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h {mins:02d} min"
    if hours:
        return f"{sign}{hours} h {mins:02d} min"
    return f"{sign}{mins} min"


def hours(minutes: int | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 2)


def _counts(rows: Iterable[tuple[str, str, int]]) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for key, outcome, count in rows:
        table[key][outcome] += count
    return table


#: What a contact's disclosures are counted as when its column cannot be read as a JSON
#: list (only a row changed behind TrustDesk's back holds such a text; audit verify names it).
UNREADABLE = "(unreadable: run audit verify)"


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return [UNREADABLE]
    return [str(item) for item in value] if isinstance(value, list) else [UNREADABLE]


def total_decisions(data: ReportData) -> int:
    return sum(count for *_, count in data.outcomes)


def received_by_form(data: ReportData, counted: str) -> Figure:
    forms: Counter[str] = Counter()
    for form, _jw, _aw, count in data.received:
        forms[form] += count
    rows = tuple((form, count) for form, count in sorted(forms.items()))
    return Figure(
        "received_by_form",
        "Detainers by form",
        f"Each detainer handled in the period ({counted}) counts once, under the ICE form "
        "named in the latest version of its decision (I-247A, I-247D, I-247N, I-247X, "
        "I-203, other).",
        ("Form", "Detainers"),
        (*rows, ("Total", sum(forms.values()))),
        (False, True),
    )


def warrant_type(judicial: str, administrative: str | None) -> str:
    if judicial == "yes":
        return "Judicial warrant"
    if administrative:
        return f"Administrative warrant only ({administrative})"
    if judicial == "no":
        return "No warrant"
    return "Not known (judicial warrant unverified)"


def received_by_warrant(data: ReportData, counted: str) -> Figure:
    kinds: Counter[str] = Counter()
    for _form, judicial, administrative, count in data.received:
        kinds[warrant_type(judicial, administrative)] += count
    rows = tuple(sorted(kinds.items()))
    return Figure(
        "received_by_warrant",
        "Detainers by warrant type",
        f"Each detainer handled in the period ({counted}) counts once: 'Judicial warrant' "
        "when the officer recorded a warrant signed by a judge; 'Administrative warrant "
        "only' when only an ICE warrant (I-200 or I-205, never judicial) came with it; "
        "'No warrant' when none did; 'Not known' when whether a judge signed one was not "
        "verified.",
        ("Warrant type", "Detainers"),
        (*rows, ("Total", sum(kinds.values()))),
        (False, True),
    )


def ground_counts(data: ReportData) -> Counter[str]:
    grounds: Counter[str] = Counter()
    for outcome, _pack, grounds_json, _unverified, count in data.outcomes:
        found = _json_list(grounds_json)
        if outcome == "decline" or not found:
            grounds[NO_GROUND if outcome == "decline" else "(honored, no ground recorded)"] += count
        for ground in found:
            grounds[ground] += count
    return grounds


NO_HOLD_COLUMN = "Of which no hold asked"
NO_HOLD_NOTE = (
    "A detainer on a form that asks only to be told of the release, never for a hold "
    "(I-247N), is honored by telling, and nobody is held on it: such decisions count as "
    "honored and, apart, as '" + NO_HOLD_ROW + "'. None opens a hold of its own; a hold "
    "opened before the form was corrected to it is counted with the holds, its release "
    "due from the correction."
)


def decisions_by_ground(data: ReportData) -> Figure:
    honored = sum(c for o, *_, c in data.outcomes if o == "honor")
    declined = sum(c for o, *_, c in data.outcomes if o == "decline")
    no_hold = sum(c for _pack, c in data.no_hold_asked)
    rows = [(ground, count) for ground, count in sorted(ground_counts(data).items())]
    return Figure(
        "decisions_by_ground",
        "Decisions by ground",
        "Each decision counts once, with its latest version. A decision honoring a "
        "detainer counts under every ground the law recognised for it (one decision may "
        "rest on several grounds, so these rows can add up to more than the decisions "
        "honored); a declined decision rests on no ground. Ground ids are the rule packs' "
        f"(README: ground ids). {NO_HOLD_NOTE} Honored: {honored} (of which no hold asked: "
        f"{no_hold}); declined: {declined}.",
        ("Ground", "Decisions"),
        (*rows, ("Honored", honored), (NO_HOLD_ROW, no_hold), ("Declined", declined)),
        (False, True),
    )


def decisions_by_pack(data: ReportData, law: str = "") -> Figure:
    """``law``: how the footnote names the law of the period's packs
    (``services.report_laws.law_phrase``)."""
    packs: dict[str, Counter[str]] = defaultdict(Counter)
    for outcome, pack, _g, _u, count in data.outcomes:
        packs[pack][outcome] += count
    for pack, count in data.no_hold_asked:
        packs[pack]["no_hold"] += count
    rows = tuple(
        (pack, c["honor"], c["no_hold"], c["decline"], c["honor"] + c["decline"])
        for pack, c in sorted(packs.items())
    )
    return Figure(
        "decisions_by_pack",
        "Decisions by rule pack (version of the law)",
        "Each decision counts once, under the rule pack its latest version was decided "
        f"with: {law or 'the version of the law in force on its decision date'}. "
        + NO_HOLD_NOTE.replace("'" + NO_HOLD_ROW + "'", "'" + NO_HOLD_COLUMN + "'"),
        ("Rule pack", "Honored", NO_HOLD_COLUMN, "Declined", "Total"),
        rows,
        (False, True, True, True, True),
    )


#: Outcome columns of the action figure, in order (the engine's outcome values).
ACTION_OUTCOMES = (
    ("allowed", "Allowed"),
    ("allowed_with_conditions", "With conditions"),
    ("not_allowed", "Not allowed"),
    ("unknown", "Unknown"),
)


def decides_other_actions(data: ReportData) -> bool:
    """Whether a decision of the period recorded an outcome for an action besides the hold
    (the packs then decide release dates, transfers, interviews…)."""
    return any(action != "hold" for action, _outcome, _count in data.action_outcomes)


def action_outcomes(data: ReportData) -> Figure:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for action, outcome, count in data.action_outcomes:
        table[action][outcome] += count
    rows: tuple[tuple[str | int, ...], ...] = tuple(
        (
            DISCLOSURE_WORDS.get(action, action),
            *(counts[key] for key, _ in ACTION_OUTCOMES),
            sum(counts.values()),
        )
        for action, counts in sorted(table.items())
    )
    return Figure(
        "action_outcomes",
        "Decisions by action outcome",
        "Each decision counts once per action its rule pack decides (hold, release date, "
        "transfer, interview…), under the outcome recorded in its latest version: allowed, "
        "allowed with conditions (e.g. a signed consent form first), not allowed, or "
        "unknown (the facts did not settle it). Decisions recorded before rule packs "
        "decided several actions are not counted here.",
        ("Action", *(label for _, label in ACTION_OUTCOMES), "Total"),
        rows,
        (False, True, True, True, True, True),
    )


def reviews(data: ReportData) -> Figure:
    median = percentile(data.review_minutes, 0.5)
    p90 = percentile(data.review_minutes, 0.9)
    timed = sum(count for _, count in data.review_minutes)
    return Figure(
        "reviews",
        "Supervisor reviews",
        "'Needing review': decisions whose latest version is flagged for supervisor "
        "review, or that a supervisor reviewed. 'Reviewed': those with at least one "
        "review. 'Waiting': those whose latest version still waits for one. Time to "
        "review: for each decision, from the recording of the version its first review "
        "reviewed to that first review (a later review does not shorten it), in whole "
        "minutes; median and 90th percentile by the nearest-rank rule over the "
        f"{timed} decisions reviewed.",
        ("Measure", "Value", "Hours"),
        (
            ("Decisions needing review", data.review_needed, None),
            ("Reviewed", data.reviewed, None),
            ("Waiting for review", data.review_pending, None),
            ("Median time to review", duration(median), hours(median)),
            ("90th percentile time to review", duration(p90), hours(p90)),
        ),
        (False, True, True),
    )


def holds_by_outcome(data: ReportData) -> Figure:
    counts = dict(data.holds)
    order = ("ice_took_custody", "released_at_expiry", "released_other", "open")
    rows = tuple((HOLD_WORDS[o], counts.get(o, 0)) for o in order)
    return Figure(
        "holds_by_outcome",
        "Holds by outcome",
        "Every hold opened by a decision of the period, by how it ended: ICE took custody, "
        "the person was released when the hold expired, or released otherwise (bond, "
        "court order, the decision amended to decline…); 'Still open' when no end was "
        "recorded when the report was made.",
        ("Outcome", "Holds"),
        (*rows, ("Total", sum(counts.values()))),
        (False, True),
    )


def lateness_label(minutes: int) -> str:
    for bound, label in LATENESS:
        if minutes < bound:
            return label
    return "24 hours or more"


def overdue_holds(data: ReportData) -> Figure:
    buckets: dict[str, Counter[bool]] = defaultdict(Counter)
    for minutes, ended, count in data.overdue_minutes:
        buckets[lateness_label(minutes)][ended] += count
    labels = [label for _, label in LATENESS] + ["24 hours or more"]
    rows = [(label, buckets[label][True], buckets[label][False]) for label in labels]
    closed = sum(r[1] for r in rows)
    still = sum(r[2] for r in rows)
    worst = max((m for m, _c, _n in data.overdue_minutes), default=None)
    return Figure(
        "overdue_holds",
        "Overdue holds",
        "A hold is overdue when the person was still held after release was due: at the "
        "hold's expiry or, once a later version declined the detainer or corrected it to a "
        "form that asks for no hold, from the first such version's recording. It ended "
        "after that, or is still open after it when the report was made. How long: from "
        "when release was due to the hold's end or to the report. Holds whose expiry is "
        f"unknown (the hold clock's start never entered): {data.holds_expiry_unknown}. "
        f"Longest: {duration(worst)}.",
        ("Overdue by", "Ended late", "Still open"),
        (*rows, ("Total", closed, still)),
        (False, True, True),
    )


def custody_bin(minutes: int) -> str:
    for low, high in CUSTODY_BINS:
        if high is None or minutes < high * 60:
            return f"{low}–{high} h" if high is not None else f"{low} h or more"
    raise AssertionError(minutes)


def custody_labels() -> tuple[str, ...]:
    return tuple(
        f"{low}–{high} h" if high is not None else f"{low} h or more" for low, high in CUSTODY_BINS
    )


def custody_time(data: ReportData) -> Figure:
    bins: Counter[str] = Counter()
    before = 0
    for minutes, count in data.custody_minutes:
        if minutes < 0:
            before += count
        else:
            bins[custody_bin(minutes)] += count
    median = percentile(data.custody_minutes, 0.5)
    rows: list[tuple[str, int | str | float | None]] = [
        (label, bins[label]) for label in custody_labels()
    ]
    if before:
        rows.insert(0, ("before the hold started", before))
    return Figure(
        "custody_time",
        "Time from hold start to ICE custody",
        "For holds ICE ended by taking custody: from the hold's start (when the person "
        "would otherwise have been released) to the recorded end, in whole minutes. "
        f"Median {duration(median)} (nearest rank). Holds whose start was never entered "
        f"are left out: {data.custody_start_unknown}.",
        ("Time to ICE custody", "Holds"),
        (*rows, ("Median", duration(median))),
        (False, True),
    )


def amendments(data: ReportData) -> Figure:
    rows = sorted(data.amendments, key=lambda r: (-r[1], r[0]))
    total = sum(count for _, count in rows)
    return Figure(
        "amendments",
        "Amendments and their reasons",
        "Every version after the first of a decision of the period (an officer's "
        "correction, or a supervisor's review that amended it), grouped by the reason "
        "typed, word for word.",
        ("Reason", "Amendments"),
        (*((reason or "(no reason)", count) for reason, count in rows), ("Total", total)),
        (False, True),
    )


def unverified(data: ReportData) -> Figure:
    items: Counter[str] = Counter()
    resting = 0
    for _o, _p, _g, listed, count in data.outcomes:
        found = _json_list(listed)
        if found:
            resting += count
        for item in found:
            items[item.split(" is UNVERIFIED", 1)[0]] += count
    return Figure(
        "unverified",
        "Decisions resting on unverified data",
        "Decisions whose latest version used rule data counsel has not confirmed (it is "
        "marked unverified in the decision and its memo), by the item used; a decision may "
        "use several.",
        ("Unverified item", "Decisions"),
        (*sorted(items.items()), ("Decisions resting on unverified data", resting)),
        (False, True),
    )


def contacts_by_kind(contacts: ContactData) -> Figure:
    kinds: dict[str, Counter[int]] = defaultdict(Counter)
    for kind, allowed, _month, count in contacts.by_kind:
        kinds[kind][allowed] += count
    rows = tuple(
        (CONTACT_KIND_WORDS.get(kind, kind), c[1] + c[0], c[0]) for kind, c in sorted(kinds.items())
    )
    return Figure(
        "contacts_by_kind",
        "Contacts with ICE by kind",
        "Every contact with ICE logged for the period (by when it occurred), once, with its "
        "latest version. 'Not allowed': contacts in which something was given or done that "
        "the law in force did not allow for that person, as checked when it was logged.",
        ("Kind", "Contacts", "Not allowed"),
        (*rows, ("Total", sum(r[1] for r in rows), sum(r[2] for r in rows))),
        (False, True, True),
    )


def contacts_against_later(contacts: ContactData) -> int:
    """How many contacts counted as allowed gave what a later decision, also in force,
    did not allow (``contact_wording.against_later``): the report names them in a note,
    not as "Not allowed" (the decision named allowed them)."""
    return sum(
        against_later(advice, _json_list(gave)) is not None
        for gave, advice in contacts.allowed_reviewed
    )


RELEASE_INFO = "Release date or custody status"


def contacts_given(contacts: ContactData) -> Figure:
    """What was given or done in the period's contacts, each kind once per contact."""
    given: Counter[str] = Counter()
    not_allowed: Counter[str] = Counter()
    for text, allowed, count in contacts.given:
        items = set(_json_list(text))
        if items & {"release_date", "custody_status"}:
            items.add(RELEASE_INFO)
        for item in items:
            given[item] += count
            if not allowed:
                not_allowed[item] += count
    order = [*DISCLOSURE_WORDS, RELEASE_INFO]
    rows = tuple(
        (DISCLOSURE_WORDS.get(item, item), given[item], not_allowed[item])
        for item in sorted(given, key=lambda k: (order.index(k) if k in order else len(order), k))
    )
    return Figure(
        "contacts_given",
        "What was given to ICE or done for it",
        "For every contact of the period: each thing given or done (release date, custody "
        "status, access to interview the person, holding the person, handing the person to "
        "ICE, confidential information); one contact may count under several. 'Release date "
        "or custody status' counts contacts that gave either. 'Not allowed': in contacts "
        "the law in force did not allow.",
        ("Given or done", "Contacts", "Not allowed"),
        rows,
        (False, True, True),
    )


def breakdown(
    figure_id: str, title: str, what: str, rows: Iterable[tuple[str, str, int]]
) -> Figure:
    table = _counts(rows)
    body = tuple(
        (key or "(unknown)", c["honor"], c["decline"], c["honor"] + c["decline"])
        for key, c in sorted(table.items())
    )
    return Figure(
        figure_id,
        title,
        what,
        (title.rsplit(" by ", maxsplit=1)[-1].capitalize(), "Honored", "Declined", "Total"),
        body,
        (False, True, True, True),
    )


def monthly(data: ReportData, months: Sequence[date], counted: str) -> tuple[Figure, ChartSpec]:
    """The by-month table (months as dates: their first day) and the trend chart."""
    table: dict[int, Counter[str]] = defaultdict(Counter)
    for index, outcome, count in data.by_month:
        table[index][outcome] += count
    contacts: Counter[int] = Counter()
    if data.contacts is not None:
        for _kind, _allowed, index, count in data.contacts.by_kind:
            contacts[index] += count
    rows = tuple(
        (
            label,
            table[i]["honor"] + table[i]["decline"],
            table[i]["honor"],
            table[i]["decline"],
            contacts[i],
        )
        for i, label in enumerate(months)
    )
    labels = tuple(month.strftime("%Y-%m") for month in months)
    word = "Received" if counted == "received" else "Decided"
    figure = Figure(
        "by_month",
        "By month",
        f"Detainers per calendar month in the agency's time zone, by when "
        f"{'the detainer was received' if counted == 'received' else 'it was decided'}; "
        "contacts with ICE by when they occurred.",
        ("Month", word, "Honored", "Declined", "ICE contacts"),
        rows,
        (False, True, True, True, True),
    )
    chart = ChartSpec(
        "trend",
        f"{word}, honored and declined by month",
        "line",
        labels,
        (
            Series(word, tuple(float(r[1]) for r in rows)),
            Series("Honored", tuple(float(r[2]) for r in rows)),
            Series("Declined", tuple(float(r[3]) for r in rows)),
        ),
        Figure(
            "trend",
            "By month",
            figure.definition,
            figure.columns[:4],
            tuple(r[:4] for r in rows),
            (False, True, True, True),
        ),
    )
    return figure, chart

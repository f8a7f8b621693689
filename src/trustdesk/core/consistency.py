"""Facts of a case that cannot all be true: which are refused, which go to review.

The rule for each fact (also stated in schemas/case.schema.json and the README):

- refused as invalid input (``refused``): a date of birth after the decision time; a
  conviction or pending charge dated after the decision time or before the date of
  birth; a detainer received after the decision time or before the date of birth. Each
  is a certain error, and the fix is plain: correct the date, or leave it out when it is
  not known.
- flagged for supervisor review (not refused): a release time (``releasable_at``) before
  the detainer was received, or so early that the hold had already expired at the
  decision time. Such a time may be a typing slip, but the hold counted from it is the
  shorter one, so keeping it cannot hold anybody longer.
- flagged for review, never counted: an offense dated before the person was seven, or
  undated for a person not yet seven at the decision (it can only be older than the
  decision). Flagged for review: a person not yet seven at the decision (no one that
  young is in custody on state matters), or, without a date of birth, an offense dated
  so long ago that the person would be over ``OLDEST``.
- said, and sent to review only where it could change the grounds: a conviction dated
  before the person's 18th birthday, or undated for a person not yet 18 at the decision,
  and not entered as a juvenile adjudication (``minor_convictions``; every pack leaves a
  juvenile adjudication to counsel); an I-205 warrant of removal with the person entered
  as not subject to a final order of removal (``removal_warrant_finding``).

Whatever reaches the engine anyway (a case built in code, a record stored before these
checks) is never a ground: an impossible conviction or charge counts as unknown, and
every finding is a warning that sends the decision to review.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from trustdesk.core.class_periods import describe_forms, pairs
from trustdesk.core.model import Case, Offense

#: Local time is at most 14 hours ahead of UTC anywhere (UTC+14, Kiribati): a date later
#: than this one is after the decision time whatever zone the date was written in.
_MAX_AHEAD = timedelta(hours=14)


class Finding(NamedTuple):
    """One fact that cannot be right as entered."""

    pointer: str  # the JSON pointer of the field at fault, e.g. /convictions/0/date
    problem: str  # what is wrong, in words (naming the field for people, not pointers)
    fix: str  # what to do about it
    refused: bool  # True: invalid input; False: kept, flagged for review
    voids: str | None = None  # the pointer of an entry that must not count, if any
    #: Whether it sends the decision to review; False: a warning only, for a slip that
    #: cannot change the decision (the form's name where the law does not ask for it).
    review: bool = True

    @property
    def message(self) -> str:
        return f"{self.problem}; {self.fix}"


def latest_date(instant: datetime) -> date:
    """The last calendar date ``instant`` falls on anywhere (it carries a UTC offset)."""
    return (instant.astimezone(UTC) + _MAX_AHEAD).date()


def latest_court_date(instant: datetime, item: Offense) -> date:
    """The last calendar date the court of ``item`` can have dated it at ``instant``: in
    the zone the case reader gives its jurisdiction's courts; without one, anywhere."""
    if item.court_zone is None:
        return latest_date(instant)
    return instant.astimezone(ZoneInfo(item.court_zone)).date()


def _offense_findings(case: Case, key: str, items: tuple[Offense, ...]) -> list[Finding]:
    label = "conviction" if key == "convictions" else "pending charge"
    decided = case.decision_time
    born = case.person.date_of_birth
    found = []
    for index, item in enumerate(items):
        if item.date is None:
            continue
        pointer = f"/{key}/{index}"
        what = f"the date of {label} {index + 1} (§ {item.statute}, {item.date.isoformat()})"
        if item.date > latest_court_date(decided, item):
            found.append(
                Finding(
                    f"{pointer}/date",
                    f"{what} is after the decision time ({decided.isoformat()})",
                    "correct the date, or leave it out (null) if it is not known; "
                    f"a {label} dated after the decision establishes nothing",
                    True,
                    pointer,
                )
            )
        elif born is not None and item.date < born:
            found.append(
                Finding(
                    f"{pointer}/date",
                    f"{what} is before the date of birth ({born.isoformat()})",
                    "correct whichever of the two dates is wrong, or leave the unknown one "
                    f"out (null); a {label} dated before birth establishes nothing",
                    True,
                    pointer,
                )
            )
    return found


#: Younger than this, no one is convicted or charged (the common law's conclusive
#: infancy): an offense dated before the person was this old contradicts the birth date.
YOUNGEST = 7
#: Older than this at the decision time, the date of birth is checked (review only).
OLDEST = 120
#: When a detainer form came into use: one received earlier cannot be on it (LAW.md §1).
FORMS_IN_USE_FROM = {"I-247A": date(2017, 4, 2)}


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_day(case: Case) -> date:
    """The day a person's age at the decision is counted on: the decision's own date.
    An undated offense is no later than it, so the age then bounds its age."""
    return case.decision_time.date()


def _age_findings(case: Case, key: str, items: tuple[Offense, ...]) -> list[Finding]:
    """Offenses dated when the person was younger than ``YOUNGEST`` (their date or the
    date of birth is wrong), or undated for a person younger than that at the decision
    (judged or charged earlier still): not counted, and a supervisor checks the dates."""
    born = case.person.date_of_birth
    label = "conviction" if key == "convictions" else "pending charge"
    found = []
    for index, item in enumerate(items):
        if born is None or born > latest_date(case.decision_time):
            continue  # a date of birth after the decision is refused
        if item.date is None:
            age = max(0, _age(born, age_day(case)))
            if age < YOUNGEST:
                found.append(
                    Finding(
                        f"/{key}/{index}/date",
                        f"{label} {index + 1} (§ {item.statute}) has no date, and the person "
                        f"is {age} at the decision time (born {born.isoformat()}), so it "
                        "would be from an even younger age; no one that young is convicted "
                        "or charged",
                        f"check the date of birth and enter the {label}'s date; until they "
                        f"are corrected this {label} is not counted",
                        False,
                        f"/{key}/{index}",
                    )
                )
            continue
        if item.date < born:
            continue  # an offense before birth is refused by _offense_findings
        age = _age(born, item.date)
        if age < YOUNGEST:
            pointer = f"/{key}/{index}"
            found.append(
                Finding(
                    f"{pointer}/date",
                    f"{label} {index + 1} (§ {item.statute}) is dated "
                    f"{item.date.isoformat()}, when the person was {age} (born "
                    f"{born.isoformat()}); no one that young is convicted or charged",
                    f"check the date of birth and the {label}'s date; until they are "
                    f"corrected this {label} is not counted",
                    False,
                    pointer,
                )
            )
    return found


#: Younger than this on a conviction's date, the person was a minor: the judgment may be
#: a juvenile adjudication, which no pack counts as a conviction without counsel.
ADULT = 18


def minor_convictions(case: Case) -> tuple[tuple[int, Finding], ...]:
    """Convictions dated before the person's 18th birthday and not entered as juvenile
    adjudications (``juvenile`` left out reads as false), each with its finding: the
    record may be a juvenile adjudication, which the law leaves to counsel (LAW.md
    §2.2), so a person checks it. Whether it goes to review is the engine's to say: only
    where counting it as juvenile would change the grounds."""
    born = case.person.date_of_birth
    found = []
    for index, item in enumerate(case.convictions):
        if born is None or item.juvenile is not False:
            continue
        # Undated, it is no later than the decision: a minor then was a minor at it.
        age = _age(born, age_day(case) if item.date is None else item.date)
        if not YOUNGEST <= age < ADULT:
            continue  # younger is not counted at all (_age_findings), older is an adult's
        when = (
            f"has no date, and the person is {age} at the decision time (born "
            f"{born.isoformat()}), so it is a judgment of a minor,"
            if item.date is None
            else f"is dated {item.date.isoformat()}, when the person was {age} (born "
            f"{born.isoformat()}),"
        )
        found.append(
            (
                index,
                Finding(
                    f"/convictions/{index}/juvenile",
                    f"conviction {index + 1} (§ {item.statute}) {when} and is not entered as "
                    "a juvenile adjudication",
                    "check the judgment: if it was a juvenile court's, mark it as a juvenile "
                    "adjudication (whether one counts is for counsel); if the person was "
                    "convicted as an adult, a supervisor confirms it",
                    False,
                ),
            )
        )
    return tuple(found)


def _person_findings(case: Case) -> list[Finding]:
    born = case.person.date_of_birth
    if born is None:
        return _oldest_entry_findings(case)
    if born > age_day(case):
        return []
    age = _age(born, age_day(case))
    if YOUNGEST <= age <= OLDEST:
        return []
    why = "; no one that young is in custody on state matters" if age < YOUNGEST else ""
    return [
        Finding(
            "/person/date_of_birth",
            f"the date of birth ({born.isoformat()}) makes the person {age} at the decision "
            f"time{why}",
            "check it against the detainer and the booking record",
            False,
        )
    ]


def _oldest_entry_findings(case: Case) -> list[Finding]:
    """Without a date of birth: an offense dated so long ago that the person, at least
    ``YOUNGEST`` then, would be older than ``OLDEST`` at the decision (what a date of
    birth that old is flagged for). Its date, or the entry, is checked."""
    dated = [
        (item.date, key, index, item)
        for key, items in (
            ("convictions", case.convictions),
            ("pending_charges", case.pending_charges),
        )
        for index, item in enumerate(items)
        if item.date is not None
    ]
    if not dated:
        return []
    day, key, index, item = min(dated, key=lambda entry: entry[0])
    at_least = _age(day, age_day(case)) + YOUNGEST
    if at_least <= OLDEST:
        return []
    label = "conviction" if key == "convictions" else "pending charge"
    return [
        Finding(
            f"/{key}/{index}/date",
            f"{label} {index + 1} (§ {item.statute}) is dated {day.isoformat()}, which makes "
            f"the person at least {at_least} at the decision time (no one is convicted or "
            f"charged before the age of {YOUNGEST})",
            "check the date against the judgment or the charge, and enter the date of birth",
            False,
        )
    ]


def removal_warrant_finding(case: Case) -> Finding | None:
    """A detainer accompanied by Form I-205, a warrant of removal (LAW.md §1), with the
    person entered as not subject to a final order of removal: a warrant of removal is
    issued to carry such an order out, so one of the two entries is wrong. Whether it
    sends the decision to review is the engine's to say: only where the answer would
    change the grounds (the 2014 law's final-order ground)."""
    if case.detainer.administrative_warrant != "I-205" or case.final_removal_order is not False:
        return None
    return Finding(
        "/final_removal_order",
        "the detainer is accompanied by Form I-205, a warrant of removal, which is issued to "
        "carry out a final order of removal, yet the person is entered as not subject to one",
        "check the detainer's papers: correct the warrant or the final-order answer; until "
        "then a supervisor confirms the decision",
        False,
    )


def _form_findings(case: Case) -> list[Finding]:
    """A form named that did not exist yet when the detainer was received: a warning
    (what decides is whether the form asks for a hold, which a slip here does not
    change; the notification-only form is one ICE did use then)."""
    detainer = case.detainer
    since = FORMS_IN_USE_FROM.get(detainer.form)
    received = detainer.received_at or case.decision_time
    if since is None or received.date() >= since:
        return []
    return [
        Finding(
            "/detainer/form",
            f"the detainer is entered as Form {detainer.form}, which came into use on "
            f"{since.isoformat()}, but it was received on {received.date().isoformat()}",
            "check the form named on the detainer (before that date ICE used the I-247D, "
            "I-247N and I-247X) and correct it",
            False,
            review=False,
        )
    ]


def _catalog_findings(key: str, items: tuple[Offense, ...]) -> list[Finding]:
    """Offenses entered with a level and class their section never carried, or reduced
    to a misdemeanor though the section has none, as the offense catalog says: one of
    the two is wrong, and which one only the judgment tells. The offense then counts
    for nothing and a supervisor compares the judgment (never a guess either way)."""
    label = "conviction" if key == "convictions" else "pending charge"
    found = []
    for index, item in enumerate(items):
        forms = item.catalog_forms
        if not forms:
            continue
        pointer = f"/{key}/{index}"
        what = f"{label} {index + 1} (§ {item.section or item.statute})"
        carried = describe_forms(forms)
        fix = (
            "compare the judgment: correct the entry, or, if the judgment says so, have the "
            f"offense catalog corrected; until then this {label} is not counted"
        )
        if (item.level, item.klass) not in pairs(forms):
            entered = describe_forms(((item.level, (item.klass,)),))
            found.append(
                Finding(
                    f"{pointer}/class",
                    f"{what} was entered as {_a(entered)}, which the offense catalog says "
                    f"the section never carried (it lists {_a(carried)})",
                    fix,
                    False,
                    pointer,
                )
            )
        elif item.reduced_to_misdemeanor and all(level != "misdemeanor" for level, _ in forms):
            found.append(
                Finding(
                    f"{pointer}/reduced_to_misdemeanor",
                    f"{what} is entered as reduced to a misdemeanor, but the offense catalog "
                    f"lists the section only as {_a(carried)}, which cannot be reduced",
                    fix,
                    False,
                    pointer,
                )
            )
    return found


def _a(text: str) -> str:
    """``a class D felony``, ``an unclassified felony``."""
    return ("an " if text[:1] in "aeiou" else "a ") + text


def _clock_findings(case: Case) -> list[Finding]:
    released = case.releasable_at
    received = case.detainer.received_at
    if released is None or received is None or released >= received:
        return []
    return [
        Finding(
            "/releasable_at",
            f"the release time ({released.isoformat()}) is before the detainer was received "
            f"({received.isoformat()})",
            "check both times; the hold is counted from the release time as entered, "
            "and a supervisor must confirm it",
            False,
        )
    ]


def check_facts(case: Case) -> tuple[Finding, ...]:
    """Every impossible or inconsistent fact of ``case``, refused ones first."""
    decided = case.decision_time
    found: list[Finding] = []
    born = case.person.date_of_birth
    if born is not None and born > latest_date(decided):
        found.append(
            Finding(
                "/person/date_of_birth",
                f"the date of birth ({born.isoformat()}) is after the decision time "
                f"({decided.isoformat()})",
                "correct it, or leave it out (null) if it is not known",
                True,
            )
        )
    received = case.detainer.received_at
    if received is not None and received > decided:
        found.append(
            Finding(
                "/detainer/received_at",
                f"the detainer's receipt time ({received.isoformat()}) is after the decision "
                f"time ({decided.isoformat()}); a decision cannot come before its detainer",
                "correct whichever of the two times is wrong",
                True,
            )
        )
    if received is not None and born is not None and received.date() < born:
        found.append(
            Finding(
                "/detainer/received_at",
                f"the detainer's receipt time ({received.isoformat()}) is before the date of "
                f"birth ({born.isoformat()}); no detainer is lodged for someone not yet born",
                "correct whichever of the two dates is wrong, or leave the date of birth out "
                "(null) if it is not known",
                True,
            )
        )
    found.extend(_offense_findings(case, "convictions", case.convictions))
    found.extend(_offense_findings(case, "pending_charges", case.pending_charges))
    found.extend(_catalog_findings("convictions", case.convictions))
    found.extend(_catalog_findings("pending_charges", case.pending_charges))
    found.extend(_age_findings(case, "convictions", case.convictions))
    found.extend(_age_findings(case, "pending_charges", case.pending_charges))
    found.extend(_person_findings(case))
    found.extend(_form_findings(case))
    found.extend(_clock_findings(case))
    return tuple(found)


def hold_expired_finding(expires_at: datetime, case: Case) -> Finding | None:
    """A hold that had already run out when the decision was made: flagged, not refused."""
    if expires_at > case.decision_time:
        return None
    return Finding(
        "/releasable_at",
        f"the hold counted from the release time ({expires_at.isoformat()} expiry) had "
        f"already expired at the decision time ({case.decision_time.isoformat()})",
        "no hold remains: release the person unless held on other matters, and check the "
        "release time",
        False,
    )

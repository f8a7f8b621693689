"""A supervisor's review, under a hostile pass on amending and reviewing decisions.

- **A version of one's own, carried on by another's amendment.** A supervisor's decision
  resting on their own judgement cannot be approved by them. After an officer's routine
  amendment (a release time added) it could be: only the latest version's author was
  compared.
- **A review written by amending** printed "a supervisor must review it" for the version
  it wrote. It never waits in the queue: the reviewer who wrote it reviewed it.
- **"Already reviewed"** named the version by its record number.
- **A reason or note with characters refused elsewhere**: a C1 control, a
  text-direction override, or bytes that were not UTF-8. Those bytes gave "internal
  error".
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from casekit import make_case
from trustdesk.cli.records_text import saved_note
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.store.errors import Conflict

RISK = {"asserted": True, "reason": "threats recorded at booking"}
T2016 = "2016-11-17T10:00:00-05:00"


def _case(rules: Any, **changes: Any) -> tuple[Any, Any]:
    raw = make_case(**changes)
    return parse_case(raw, "test case", rules.sections), raw


def test_a_supervisor_may_not_approve_their_judgement_carried_on_by_an_officer(
    desk: Any, rules: Any
) -> None:
    supervisor, officer = desk.session("supervisor"), desk.session("officer")
    case, raw = _case(rules, decision_time=T2016, public_safety_risk=RISK)
    saved = desk.services.decisions.create(supervisor, case, raw)
    decision = saved.record.decision_id
    assert saved.record.review_required
    later, raw_later = _case(
        rules,
        decision_time=T2016,
        public_safety_risk=RISK,
        releasable_at="2016-11-17T15:00:00-05:00",
    )
    desk.services.decisions.amend(officer, decision, later, raw_later, "bond posted")
    with pytest.raises(PermissionDenied) as refused:
        desk.services.decisions.approve(supervisor, decision)
    assert str(refused.value) == (
        f"decision {decision} holds a version of your own (version 1), whose judgement the "
        "later ones carry on; another supervisor must review it"
    )
    assert desk.services.decisions.view(supervisor, decision).awaiting_review
    approved = desk.services.decisions.approve(desk.session("supervisor2"), decision)
    assert approved.reviewer == "supervisor2"


def test_a_version_written_in_review_says_who_reviewed_it(desk: Any, rules: Any) -> None:
    supervisor, officer = desk.session("supervisor"), desk.session("officer")
    case, raw = _case(rules, decision_time=T2016, tsdb_match=None)
    decision = desk.services.decisions.create(officer, case, raw).record.decision_id
    mine, raw_mine = _case(
        rules,
        decision_time=T2016,
        tsdb_match=None,
        public_safety_risk=RISK,
        releasable_at="2016-11-17T15:00:00-05:00",
    )
    new, _review = desk.services.decisions.review_amend(
        supervisor, decision, mine, raw_mine, "he threatened staff"
    )
    assert new.record.review_required
    note = saved_note(new, reviewed_by="supervisor")
    assert note.endswith("written in review: reviewed by supervisor")
    assert "must review" not in note
    assert not desk.services.decisions.view(supervisor, decision).awaiting_review


def test_already_reviewed_names_the_version(desk: Any, rules: Any) -> None:
    officer = desk.session("officer")
    for _ in range(3):  # record numbers run ahead of version numbers
        case, raw = _case(rules)
        desk.services.decisions.create(officer, case, raw)
    case, raw = _case(rules, tsdb_match=None)
    decision = desk.services.decisions.create(officer, case, raw).record.decision_id
    second = desk.services.decisions.amend(officer, decision, case, raw, "typo").record
    desk.services.decisions.approve(desk.session("supervisor"), decision)
    with pytest.raises(Conflict) as refused:
        desk.services.decisions.approve(desk.session("supervisor2"), decision)
    assert second.version == 2 and second.id != 2
    assert f"version 2 of decision {decision} is already reviewed" in str(refused.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("reason \u202egnorw", "U+202E, a text-direction control"),
        ("reason \x9b31m", "U+009B, a control character"),
        ("reason \udcff", "U+DCFF, an unpaired surrogate"),
    ],
)
def test_a_reason_or_note_with_a_refused_character_is_refused_in_words(
    desk: Any, rules: Any, text: str, said: str
) -> None:
    officer = desk.session("officer")
    case, raw = _case(rules, tsdb_match=None)
    decision = desk.services.decisions.create(officer, case, raw).record.decision_id
    with pytest.raises(InvalidRequest) as refused:
        desk.services.decisions.amend(officer, decision, case, raw, text)
    assert str(refused.value).startswith(f"the reason contains {said}")
    with pytest.raises(InvalidRequest, match=re.escape(f"the note contains {said}")):
        desk.services.decisions.approve(desk.session("supervisor"), decision, note=text)
    assert len(desk.services.decisions.view(officer, decision).versions) == 1

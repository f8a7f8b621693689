"""The contact log on both backends: record, flag, amend, review, list, verify."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from storekit import REFUSED, T0, Desk

from casekit import make_case
from trustdesk.core.contacts import CHANNELS, CONTACT_KINDS, DIRECTIONS
from trustdesk.rules.caseio import parse_case
from trustdesk.services.contacts import ContactInput, ContactService
from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.store import schema
from trustdesk.store.audit import entries_for
from trustdesk.store.contacts import CONTACT_FIELDS
from trustdesk.store.errors import StoreError

T = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def _service(desk: Desk, rules: Any) -> ContactService:
    return ContactService(desk.services.ctx, rules)


def _contact(**changes: Any) -> ContactInput:
    values: dict[str, Any] = {
        "kind": "release_info_request",
        "direction": "from_ice",
        "occurred_at": T,
        "channel": "phone",
        "booking_number": "NH-2026-0412",
        "ice_office": "ERO Hartford",
        "ice_officer": "Deportation Officer Lee",
        "asked": "When is he released?",
    }
    values.update(changes)
    return ContactInput(**values)


def _decide(desk: Desk, rules: Any) -> int:
    raw = make_case(decision_time="2026-11-20T11:00:00-05:00")
    case = parse_case(raw, "test case", rules.catalog)
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    return saved.record.decision_id


def _counts(desk: Desk) -> tuple[int, int, int]:
    with desk.store.db.reading() as conn:
        contacts = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]
        reviews = conn.execute("SELECT count(*) FROM contact_reviews").fetchone()[0]
        head = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    return int(contacts), int(reviews), int(head)


def test_the_contract_ids_are_the_stores() -> None:
    assert schema.CONTACT_KINDS == CONTACT_KINDS
    assert schema.CONTACT_DIRECTIONS == DIRECTIONS
    assert schema.CONTACT_CHANNELS == CHANNELS


def test_a_contact_giving_nothing_is_recorded_with_its_audit_entry(desk: Desk, rules: Any) -> None:
    service = _service(desk, rules)
    officer = desk.session("officer")
    record = service.record(officer, _contact(given=("none",), note="  told them nothing "))
    assert (record.version, record.contact_id, record.amends) == (1, record.id, None)
    assert record.allowed and not record.review_needed and record.unlawful_reason is None
    assert record.given == () and record.note == "told them nothing"
    assert record.user == "officer" and record.occurred_at == T
    assert record.pack_id == rules.pack_for(T).id
    advice = json.loads(record.advice_json)
    assert advice["basis"] == "none" and len(advice["items"]) == 6
    with desk.store.db.reading() as conn:
        (entry,) = entries_for(conn, "contact.recorded")
    objects = entry.objects_dict()
    assert objects["contact"] == record.contact_id and objects["contact_record"] == record.id
    assert entry.seq == record.audit_seq and len(objects["contact_sha256"]) == 64
    assert desk.store.verify().ok


def test_giving_what_was_not_allowed_needs_a_reason_and_a_supervisor(
    desk: Desk, rules: Any
) -> None:
    service = _service(desk, rules)
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    advice = service.advice(officer, _contact())
    flagged = advice.not_allowed(["release_date"])
    assert flagged, "the release date is never simply allowed with nothing on record"
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match="needs your reason"):
        service.record(officer, _contact(given=("release_date",)))
    assert _counts(desk) == before
    record = service.record(
        officer,
        _contact(given=("release_date",), unlawful_reason="Sergeant told me to answer"),
    )
    assert not record.allowed and record.review_needed
    assert record.unlawful_reason == "Sergeant told me to answer"
    assert [r.id for r in service.pending(supervisor)] == [record.id]
    with pytest.raises(PermissionDenied):
        service.review(officer, record.contact_id)
    with pytest.raises(InvalidRequest, match="note"):
        service.review(supervisor, record.contact_id, verdict="referred")
    review = service.review(supervisor, record.contact_id, verdict="referred", note="to counsel")
    assert (review.verdict, review.reviewer) == ("referred", "supervisor")
    assert review.record_id == record.id
    assert service.pending(supervisor) == []
    with pytest.raises(StoreError, match="already reviewed"):
        service.review(desk.session("supervisor2"), record.contact_id)
    assert desk.store.verify().ok


def test_an_amendment_does_not_take_a_flagged_contact_out_of_review(desk: Desk, rules: Any) -> None:
    """A release date given unlawfully, then "amended" to nothing given: the contact
    stays in the supervisor's queue until reviewed, and its history shows what the
    first version gave and why; reviewed, it leaves the queue, and a later amendment
    that gives nothing unlawful is not flagged again."""
    service = _service(desk, rules)
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    flagged = service.record(
        officer, _contact(given=("release_date",), unlawful_reason="ICE insisted")
    )
    amended = service.amend(
        officer, flagged.contact_id, _contact(given=()), "nothing was actually given"
    )
    assert amended.allowed and amended.review_needed
    assert [r.contact_id for r in service.pending(supervisor)] == [flagged.contact_id]
    history = service.history(supervisor, flagged.contact_id)
    assert history.versions[0].given == ("release_date",)
    assert history.versions[0].unlawful_reason == "ICE insisted"
    from trustdesk.cli.contacts_text import render_contact, render_list

    shown = render_contact(history.versions, ())
    assert "Version 1: recorded" in shown and "gave: release date" in shown
    assert "reason given: ICE insisted" in shown and "REVIEW:     waiting" in shown
    assert "[review: an earlier version]" in render_list(service.pending(supervisor))
    service.review(supervisor, flagged.contact_id, verdict="referred", note="to counsel")
    assert service.pending(supervisor) == []
    again = service.amend(officer, flagged.contact_id, _contact(channel="email"), "e-mail")
    assert again.allowed and not again.review_needed
    assert desk.store.verify().ok


def test_a_supervisor_never_reviews_their_own_contact(desk: Desk, rules: Any) -> None:
    service = _service(desk, rules)
    supervisor = desk.session("supervisor")
    record = service.record(supervisor, _contact(given=("custody_status",), unlawful_reason="x"))
    with pytest.raises(PermissionDenied, match="your own"):
        service.review(supervisor, record.contact_id)
    assert service.review(desk.session("supervisor2"), record.contact_id).verdict == "accepted"


def test_a_supervisor_never_reviews_their_contact_carried_on_by_another_s_amendment(
    desk: Desk, rules: Any
) -> None:
    """A supervisor's flagged contact, amended by a second supervisor (the channel
    corrected): the first one's disclosure is still what waits for review, so they may
    not accept it; only the latest version's author was compared."""
    service = _service(desk, rules)
    supervisor, other = desk.session("supervisor"), desk.session("supervisor2")
    record = service.record(supervisor, _contact(given=("custody_status",), unlawful_reason="x"))
    service.amend(other, record.contact_id, _contact(channel="email"), "it was e-mail")
    with pytest.raises(PermissionDenied) as refused:
        service.review(supervisor, record.contact_id)
    assert str(refused.value) == (
        f"contact {record.contact_id} holds a version of your own (version 1), whose "
        "account the later ones carry on; another supervisor must review it"
    )
    assert [r.contact_id for r in service.pending(supervisor)] == [record.contact_id]
    denied = desk.store.audit.of_events("permission.denied")[-1].objects_dict()
    assert denied["reason"] == "own contact"
    # The supervisor who amended it wrote its latest version: not them either.
    with pytest.raises(PermissionDenied, match="is your own"):
        service.review(other, record.contact_id)
    accounts = desk.services.accounts
    accounts.add_user(desk.session("admin"), "supervisor3", "supervisor", "third desk sergeant")
    third = accounts.log_on("supervisor3", "third desk sergeant")
    assert service.review(third, record.contact_id).verdict == "accepted"


def test_a_supervisor_never_reviews_a_contact_holding_a_version_of_their_own(
    desk: Desk, rules: Any
) -> None:
    """A supervisor amends an officer's contact to say a release date was given (their
    reason); the officer then corrects only the channel. The latest version is the
    officer's, but what it gave and why is the supervisor's: they may not accept it."""
    service = _service(desk, rules)
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    first = service.record(officer, _contact())
    flagged = service.amend(
        supervisor,
        first.contact_id,
        _contact(given=("release_date",), unlawful_reason="I told them myself"),
        "the release date was given",
    )
    assert flagged.review_needed
    routine = service.amend(
        officer,
        first.contact_id,
        _contact(given=("release_date",), unlawful_reason="I told them myself", channel="email"),
        "it was e-mail",
    )
    assert routine.user == "officer" and routine.review_needed and not routine.allowed
    before = _counts(desk)
    with pytest.raises(PermissionDenied, match=r"a version of your own \(version 2\)"):
        service.review(supervisor, first.contact_id)
    assert _counts(desk)[:2] == before[:2]
    assert any(
        entry.objects_dict().get("reason") == "own contact"
        for entry in desk.store.audit.of_events("permission.denied")
    )
    review = service.review(desk.session("supervisor2"), first.contact_id)
    assert review.verdict == "accepted" and review.record_id == routine.id
    assert desk.store.verify().ok


def test_an_amendment_is_a_new_version_with_its_reason(desk: Desk, rules: Any) -> None:
    service = _service(desk, rules)
    officer = desk.session("officer")
    first = service.record(officer, _contact())
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match="reason"):
        service.amend(officer, first.contact_id, _contact(channel="email"), "  ")
    assert _counts(desk) == before
    # Another officer may not amend it (the audit says who tried); a supervisor may.
    other = desk.session("officer2")
    with pytest.raises(PermissionDenied, match="only they, or a supervisor"):
        service.amend(other, first.contact_id, _contact(channel="email"), "it was e-mail")
    assert any(
        entry.objects_dict().get("reason") == "another officer's contact"
        for entry in desk.store.audit.of_events("permission.denied")
    )
    second = service.amend(
        desk.session("supervisor"), first.contact_id, _contact(channel="email"), "it was e-mail"
    )
    assert (second.version, second.amends, second.reason) == (2, first.id, "it was e-mail")
    assert second.contact_id == first.contact_id and second.channel == "email"
    listed = service.for_person(officer, booking_number="nh-2026-0412")
    assert [(c.contact_id, c.version) for c in listed] == [(first.contact_id, 2)]
    history = service.history(officer, first.contact_id)
    assert [v.version for v in history.versions] == [1, 2] and history.latest.version == 2
    with pytest.raises(StoreError, match="amended meanwhile"):
        service.amend(officer, first.contact_id, _contact(), "stale", expected_record_id=first.id)
    assert desk.store.verify().ok


def test_a_contact_about_a_decided_person_rests_on_the_decision(desk: Desk, rules: Any) -> None:
    decision_id = _decide(desk, rules)  # decided at 16:00 UTC
    service = _service(desk, rules)
    officer = desk.session("officer")
    # A contact after the decision (it was dated 15:50, before it: now judged without it).
    desk.clock.advance(hours=1)
    record = service.record(officer, _contact(occurred_at=T + timedelta(hours=1)))
    assert record.decision_id == decision_id and record.person_id is not None
    assert json.loads(record.advice_json)["basis"] == "decision"
    by_person = service.for_person(officer, person_id=record.person_id)
    assert [c.id for c in by_person] == [record.id] and by_person[0].person_name
    trail = desk.store.audit.of_decision(decision_id)
    assert "contact.recorded" in [entry.event for entry in trail]
    assert desk.store.verify().ok


def test_contacts_between_dates_with_filters(desk: Desk, rules: Any) -> None:
    service = _service(desk, rules)
    officer = desk.session("officer")
    for hours, kind in ((0, "inquiry"), (1, "release_info_request"), (30, "inquiry")):
        service.record(officer, _contact(kind=kind, occurred_at=T - timedelta(hours=hours)))
    day = (T - timedelta(hours=12), T + timedelta(minutes=1))
    assert len(list(service.between(officer, *day))) == 2
    assert [c.kind for c in service.between(officer, *day, kind="inquiry")] == ["inquiry"]
    assert list(service.between(officer, *day, allowed=False)) == []
    with pytest.raises(InvalidRequest):
        service.between(officer, day[1], day[0])
    with pytest.raises(InvalidRequest, match="kind"):
        service.between(officer, *day, kind="chat")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "chat"}, "kind 'chat' is not known"),
        ({"direction": "sideways"}, "direction"),
        ({"channel": "pigeon"}, "channel"),
        ({"given": ("address",)}, "what was given"),
        ({"given": ("none", "hold")}, "cannot go with"),
        ({"booking_number": None}, "not named"),
        ({"occurred_at": T + timedelta(hours=2)}, "later than now"),
        ({"occurred_at": datetime(2026, 11, 20, 15, 0)}, "zone"),
        ({"note": "x" * 4001}, "longer than"),
        ({"asked": "a\x00b"}, "control characters"),
        ({"decision_id": 999}, "no decision 999"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    desk: Desk, rules: Any, changes: dict[str, Any], message: str
) -> None:
    service = _service(desk, rules)
    officer = desk.session("officer")
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match=message):
        service.record(officer, _contact(**changes))
    assert _counts(desk) == before


def test_only_the_desk_records_contacts(desk: Desk, rules: Any) -> None:
    service = _service(desk, rules)
    with pytest.raises(PermissionDenied, match="record contacts"):
        service.record(desk.session("auditor"), _contact())
    with desk.store.db.reading() as conn:
        assert [e.outcome for e in entries_for(conn, "permission.denied")] == ["denied"]


@pytest.mark.parametrize("table", schema.CONTACT_TABLES)
def test_contacts_are_append_only(desk: Desk, rules: Any, table: str) -> None:
    service = _service(desk, rules)
    record = service.record(desk.session("officer"), _contact(given=("hold",), unlawful_reason="r"))
    service.review(desk.session("supervisor"), record.contact_id)
    for statement in (f"UPDATE {table} SET note = 'x'", f"DELETE FROM {table}"):
        with pytest.raises(StoreError, match=REFUSED), desk.store.db.transaction() as conn:
            conn.execute(statement)


def _attacker(desk: Desk) -> Any:
    """A plain connection to the file with every guard trigger dropped."""
    import sqlite3

    conn = sqlite3.connect(desk.store.path, isolation_level=None)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA ignore_check_constraints = ON")
    return conn


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
@pytest.mark.parametrize("column", CONTACT_FIELDS)
def test_editing_any_column_of_a_contact_is_reported(desk: Desk, rules: Any, column: str) -> None:
    service = _service(desk, rules)
    record = service.record(desk.session("officer"), _contact(given=("hold",), unlawful_reason="r"))
    service.review(desk.session("supervisor"), record.contact_id)
    conn = _attacker(desk)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        value = conn.execute(f"SELECT {column} FROM contacts").fetchone()[0]
        changed = (value + 7) if isinstance(value, int) else (value or "") + "x"
        conn.execute(f"UPDATE contacts SET {column} = ?", (changed,))
    conn.close()
    report = desk.store.verify()
    assert not report.ok
    assert any("contact" in problem.text for problem in report.problems), report.problems


@pytest.mark.sqlite_only("edits the SQLite file behind TrustDesk's back")
@pytest.mark.parametrize("table", schema.CONTACT_TABLES)
def test_a_deleted_contact_or_review_is_named_by_its_entry(
    desk: Desk, rules: Any, table: str
) -> None:
    service = _service(desk, rules)
    record = service.record(desk.session("officer"), _contact(given=("hold",), unlawful_reason="r"))
    service.review(desk.session("supervisor"), record.contact_id)
    conn = _attacker(desk)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"DELETE FROM {table}")
    conn.close()
    report = desk.store.verify()
    texts = [problem.text for problem in report.problems]
    assert any("missing" in text and table in text for text in texts), texts
    assert any(f"table {table} holds 0 rows" in text for text in texts), texts


def test_what_the_law_allows_needs_no_reason(desk: Desk, rules: Any) -> None:
    service = _service(desk, rules)
    officer = desk.session("officer")
    no_ground = {gate.criterion: False for gate in rules.pack_for(T).contacts.gates}
    advice = service.advice(officer, _contact(gates=no_ground))
    assert advice.basis == "gates"
    assert advice.advice_for("release_date").verdict == "not_allowed"
    assert advice.advice_for("confidential").verdict == "never"
    warrant = {**no_ground, "judicial_warrant": True}
    record = service.record(officer, _contact(gates=warrant, given=("release_date",)))
    assert record.allowed and not record.review_needed and record.unlawful_reason is None
    assert service.pending(desk.session("supervisor")) == []
    flagged = service.record(
        officer, _contact(gates=warrant, given=("confidential",), unlawful_reason="slip")
    )
    assert not flagged.allowed and flagged.review_needed
    with pytest.raises(InvalidRequest, match="no ground 'tarot'"):
        service.record(officer, _contact(gates={"tarot": True}))


def test_a_declined_detainer_forbids_the_release_date(desk: Desk, rules: Any) -> None:
    decision_id = _decide(desk, rules)  # no ground holds: declined, at 16:00 UTC
    service = _service(desk, rules)
    officer = desk.session("officer")
    # A contact after the decision (at T, 15:30, the decision did not exist yet).
    desk.clock.advance(hours=1)
    after = T + timedelta(hours=1)
    advice = service.advice(
        officer, _contact(decision_id=decision_id, booking_number=None, occurred_at=after)
    )
    assert advice.basis == "decision"
    item = advice.advice_for("release_date")
    assert item.verdict == "not_allowed" and "§ 54-192h" in item.reason
    with pytest.raises(InvalidRequest, match="release date was not allowed"):
        service.record(
            officer,
            _contact(decision_id=decision_id, given=("release_date",), occurred_at=after),
        )


# -- judged by what was decided at the contact's time -------------------------------------

DECIDED = "2026-11-20T11:00:00-05:00"  # 16:00 UTC
JUDICIAL = {"form": "I-247A", "judicial_warrant": True, "administrative_warrant": "I-200"}
MONDAY = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # before the decision
BETWEEN = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # after it, before its amendment
AFTER = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)  # after the amendment


def _honored_then_declined(
    desk: Desk, rules: Any, person: dict[str, Any] | None = None, reason: str = ""
) -> tuple[Any, Any]:
    """A decision made at 16:00 on a judicial warrant (the release date may be given),
    amended at 18:00 (recorded then; its decision time still 16:00): there was no
    judicial warrant, it is declined (the release date may not be given), and with
    ``person`` the first version named them (the amendment names the case's default
    person). The clock ends at 20:00, when the contacts are recorded. Both versions."""
    officer = desk.session("officer")
    extra = {} if person is None else {"person": person}
    raw = make_case(decision_time=DECIDED, detainer=JUDICIAL, **extra)
    saved = desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    assert saved.record.outcome == "honor"
    desk.clock.advance(hours=2)
    corrected = make_case(decision_time=DECIDED)
    amended = desk.services.decisions.amend(
        officer,
        saved.record.decision_id,
        parse_case(corrected, "t", rules.catalog),
        corrected,
        reason or "the warrant was an administrative one",
    )
    assert (amended.record.version, amended.record.outcome) == (2, "decline")
    desk.clock.advance(hours=2)
    return saved.record, amended.record


def _honored_then_amended(desk: Desk, rules: Any) -> int:
    """``_honored_then_declined`` for one person: the decision's number."""
    return int(_honored_then_declined(desk, rules)[0].decision_id)


def _release(advice: Any) -> str:
    return str(advice.advice_for("release_date").verdict)


def test_a_contact_before_the_decision_is_judged_without_it(desk: Desk, rules: Any) -> None:
    """ICE phoned before the decision was made; the officer logs the call afterwards. The
    release date given then was not allowed by anything decided at the time: it needs a
    reason and a supervisor, and the contact is not filed under the later decision."""
    _honored_then_amended(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    advice = service.advice(officer, _contact(occurred_at=MONDAY))
    assert advice.basis == "none" and advice.decision is None
    assert _release(advice) != "allowed"
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match="release date was not allowed"):
        service.record(officer, _contact(occurred_at=MONDAY, given=("release_date",)))
    assert _counts(desk) == before
    record = service.record(
        officer, _contact(occurred_at=MONDAY, given=("release_date",), unlawful_reason="asked")
    )
    assert not record.allowed and record.review_needed
    assert record.decision_id is None and record.person_id is not None
    stored = json.loads(record.advice_json)
    assert stored["basis"] == "none" and "decision" not in stored
    assert [r.id for r in service.pending(desk.session("supervisor"))] == [record.id]
    # The grounds the officer answers count, as with no decision at all.
    warrant = {"judicial_warrant": True}
    assert _release(service.advice(officer, _contact(occurred_at=MONDAY, gates=warrant))) == (
        "allowed"
    )
    assert desk.store.verify().ok


def test_a_contact_before_an_amendment_is_judged_by_the_version_then(
    desk: Desk, rules: Any
) -> None:
    decision_id = _honored_then_amended(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    advice = service.advice(officer, _contact(occurred_at=BETWEEN))
    assert advice.basis == "decision" and _release(advice) == "allowed"
    assert advice.decision is not None
    assert (advice.decision.decision_id, advice.decision.version) == (decision_id, 1)
    assert advice.decision.in_force_from == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    record = service.record(officer, _contact(occurred_at=BETWEEN, given=("release_date",)))
    assert record.allowed and not record.review_needed and record.decision_id == decision_id
    assert json.loads(record.advice_json)["decision"] == {
        "id": decision_id,
        "version": 1,
        "in_force_from": "2026-11-20T16:00:00.000000Z",
        "named": False,
    }
    # Naming the decision changes nothing: its version in force then judges it.
    named = service.advice(officer, _contact(occurred_at=BETWEEN, decision_id=decision_id))
    assert named.decision is not None and named.decision.version == 1 and named.decision.named
    assert _release(named) == "allowed"
    assert desk.store.verify().ok


def test_a_contact_after_the_amendment_is_judged_by_it(desk: Desk, rules: Any) -> None:
    decision_id = _honored_then_amended(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    advice = service.advice(officer, _contact(occurred_at=AFTER))
    assert advice.decision is not None and advice.decision.version == 2
    assert advice.decision.in_force_from == datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    assert _release(advice) == "not_allowed"
    with pytest.raises(InvalidRequest, match="release date was not allowed"):
        service.record(officer, _contact(occurred_at=AFTER, given=("release_date",)))
    record = service.record(officer, _contact(occurred_at=AFTER, given=("none",)))
    assert record.decision_id == decision_id
    assert json.loads(record.advice_json)["decision"]["version"] == 2


def test_naming_a_decision_not_made_yet_is_refused_and_records_nothing(
    desk: Desk, rules: Any
) -> None:
    decision_id = _honored_then_amended(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    before = _counts(desk)
    early = _contact(occurred_at=MONDAY, decision_id=decision_id, booking_number=None)
    message = (
        rf"decision {decision_id} was made at 2026-11-20T16:00\+00:00, after this contact "
        r"\(2026-11-20T15:30\+00:00\).*without naming the decision.*correct it"
    )
    with pytest.raises(InvalidRequest, match=message):
        service.record(officer, replace(early, given=("release_date",), unlawful_reason="r"))
    with pytest.raises(InvalidRequest, match=message):
        service.advice(officer, early)
    assert _counts(desk) == before
    # Both times are said in the zone the officer gave.
    local = replace(early, occurred_at=MONDAY.astimezone(timezone(timedelta(hours=-5))))
    with pytest.raises(InvalidRequest, match=r"made at 2026-11-20T11:00-05:00.*10:30-05:00"):
        service.record(officer, local)
    assert _counts(desk) == before


def test_an_amended_contact_is_judged_again_at_its_time(desk: Desk, rules: Any) -> None:
    """Moving a contact before the decision takes it off the decision; naming a
    decision made after the corrected time is refused and changes nothing."""
    from trustdesk.services.contacts import as_input

    decision_id = _honored_then_amended(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    first = service.record(officer, _contact(occurred_at=BETWEEN, given=("release_date",)))
    assert first.decision_id == decision_id and first.allowed
    # The decision was found, not named: the amendment finds what was decided then.
    assert as_input(first).decision_id is None
    with pytest.raises(InvalidRequest, match="release date was not allowed"):
        service.amend(
            officer, first.contact_id, replace(as_input(first), occurred_at=MONDAY), "Monday"
        )
    moved = service.amend(
        officer,
        first.contact_id,
        replace(as_input(first), occurred_at=MONDAY, unlawful_reason="the sergeant said so"),
        "the call was before the decision",
    )
    assert moved.decision_id is None and not moved.allowed and moved.review_needed
    assert json.loads(moved.advice_json)["basis"] == "none"
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match=f"decision {decision_id} was made at"):
        service.amend(
            officer,
            first.contact_id,
            replace(as_input(moved), decision_id=decision_id, given=()),
            "named",
        )
    assert _counts(desk) == before
    # Named by the officer, a decision stays named in the amendment's input.
    named = service.record(officer, _contact(occurred_at=AFTER, decision_id=decision_id))
    assert as_input(named).decision_id == decision_id
    back = service.amend(
        officer, named.contact_id, replace(as_input(named), occurred_at=BETWEEN), "earlier"
    )
    assert back.decision_id == decision_id
    assert json.loads(back.advice_json)["decision"]["version"] == 1
    assert desk.store.verify().ok


def test_a_decision_recorded_late_counts_from_its_decision_time(desk: Desk, rules: Any) -> None:
    """A decision made at 16:00 but recorded at 18:00 (kept offline, typed in later)
    judges a contact at 17:00: it had been made by then."""
    desk.clock.advance(hours=2)
    decision_id = _decide(desk, rules)  # decision time 16:00 UTC, recorded 18:00
    service = _service(desk, rules)
    advice = service.advice(desk.session("officer"), _contact(occurred_at=BETWEEN))
    assert advice.decision is not None and advice.decision.decision_id == decision_id
    assert _release(advice) == "not_allowed"  # declined


def test_a_decision_whose_name_was_corrected_judges_contacts_about_either_person(
    desk: Desk, rules: Any
) -> None:
    # Version 2 corrects the name (a new person row) and declines. A contact about the
    # person of version 1 used to be judged by version 1 (release date allowed), and
    # naming the decision with the person it now names was refused.
    officer = desk.session("officer")
    first, amended = _name_corrected(desk, rules)
    old_person, new_person = first.person_id, amended.person_id
    assert amended.outcome == "decline"
    service = _service(desk, rules)
    for asked in (
        _contact(occurred_at=AFTER, person_id=old_person, booking_number=None),
        _contact(occurred_at=AFTER, person_id=new_person, booking_number=None),
        _contact(
            occurred_at=AFTER,
            person_id=new_person,
            decision_id=first.decision_id,
            booking_number=None,
        ),
    ):
        advice = service.advice(officer, asked)
        assert advice.decision is not None and advice.decision.version == 2, asked
        assert _release(advice) == "not_allowed", asked
    named = service.record(
        officer,
        _contact(occurred_at=AFTER, decision_id=first.decision_id, booking_number=None),
    )
    assert named.person_id == new_person  # the person as the decision now names them
    assert desk.store.verify().ok


def test_a_contact_logged_in_the_minute_of_an_amendment_is_judged_by_it(
    desk: Desk, rules: Any
) -> None:
    # Contact times are kept to the minute; the amendment was recorded at 18:00:27. A
    # call logged "now" at 18:00 used to fall before it and be judged by version 1.
    officer = desk.session("officer")
    raw = make_case(decision_time=DECIDED, detainer=JUDICIAL)
    saved = desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    desk.clock.advance(hours=2, seconds=27)
    corrected = make_case(decision_time=DECIDED)
    desk.services.decisions.amend(
        officer,
        saved.record.decision_id,
        parse_case(corrected, "t", rules.catalog),
        corrected,
        "the warrant was an administrative one",
    )
    desk.clock.advance(seconds=23)
    service = _service(desk, rules)
    at_minute = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    advice = service.advice(
        officer, _contact(occurred_at=at_minute, decision_id=saved.record.decision_id)
    )
    assert advice.decision is not None and advice.decision.version == 2
    assert advice.decision.in_force_from == at_minute
    assert _release(advice) == "not_allowed"
    # The minute before still has version 1.
    earlier = service.advice(officer, _contact(occurred_at=at_minute - timedelta(minutes=1)))
    assert earlier.decision is not None and earlier.decision.version == 1


def test_a_decision_time_ahead_of_the_clock_judges_contacts_from_its_recording(
    desk: Desk, rules: Any
) -> None:
    # Recorded at 16:00 with a decision time of 16:10 (ahead of this desk's clock, within
    # the slack the store allows): on record at 16:05, so a contact then is judged by it.
    officer = desk.session("officer")
    raw = make_case(decision_time="2026-11-20T11:10:00-05:00")
    saved = desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    assert saved.record.recorded_at < saved.record.decision_time
    desk.clock.advance(minutes=10)
    service = _service(desk, rules)
    at = datetime(2026, 11, 20, 16, 5, tzinfo=UTC)
    named = service.advice(officer, _contact(occurred_at=at, decision_id=saved.record.decision_id))
    assert named.decision is not None and named.decision.in_force_from == T0
    assert _release(named) == "not_allowed"  # declined
    found = service.advice(officer, _contact(occurred_at=at))
    assert found.decision is not None and found.decision.decision_id == saved.record.decision_id


def test_a_contact_stored_before_the_advice_named_its_decision_is_found_again(
    desk: Desk, rules: Any
) -> None:
    # Contacts stored before the advice said whether the officer named the decision were
    # mostly found by the person; taken as named, amending one's note was refused when the
    # decision came after the contact.
    from trustdesk.services.contacts import as_input

    decision_id = _decide(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    desk.clock.advance(hours=3)
    record = service.record(officer, _contact(occurred_at=AFTER))
    assert record.decision_id == decision_id
    advice = json.loads(record.advice_json)
    del advice["decision"]
    older = replace(record, advice_json=json.dumps(advice), occurred_at=MONDAY)
    assert as_input(older).decision_id is None


def _name_corrected(desk: Desk, rules: Any) -> tuple[Any, Any]:
    """Version 1 (Maria Pena, a judicial warrant: honored), version 2 two hours later
    (María Peña, a new person row under the same booking number; declined)."""
    person = {"name": "Maria Pena", "date_of_birth": "1990-04-17", "booking_number": "NH-2026-0412"}
    first, amended = _honored_then_declined(
        desk,
        rules,
        person,
        "the name as the court spells it; the warrant was an administrative one",
    )
    assert amended.person_id != first.person_id
    return first, amended


def test_a_booking_number_whose_person_was_renamed_is_judged_by_the_decision(
    desk: Desk, rules: Any
) -> None:
    # Two person rows under NH-2026-0412, both the decision's: the contact by number used
    # to be judged as if nothing had been decided (the grounds the officer answered), so
    # a release date the decline forbids went unflagged.
    first, latest = _name_corrected(desk, rules)
    service = _service(desk, rules)
    officer = desk.session("officer")
    advice = service.advice(officer, _contact(occurred_at=AFTER))
    assert advice.decision is not None and advice.decision.version == 2
    assert _release(advice) == "not_allowed"
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match="release date was not allowed"):
        service.record(officer, _contact(occurred_at=AFTER, given=("release_date",)))
    assert _counts(desk) == before
    recorded = service.record(officer, _contact(occurred_at=AFTER, given=("none",)))
    assert recorded.person_id == latest.person_id
    assert recorded.decision_id == first.decision_id


def test_a_booking_number_of_two_different_people_is_not_guessed(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    for name, born in (("Ana Ruiz", "1988-02-01"), ("Luis Ortega", "1975-09-30")):
        person = {"name": name, "date_of_birth": born, "booking_number": "NH-2026-0412"}
        raw = make_case(decision_time=DECIDED, person=person)
        desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    desk.clock.advance(hours=4)
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match="names several people on record") as refused:
        _service(desk, rules).record(officer, _contact(occurred_at=AFTER, given=("none",)))
    assert "Ana Ruiz" in str(refused.value) and "Luis Ortega" in str(refused.value)
    assert _counts(desk) == before


def test_naming_an_earlier_decision_sees_a_later_one_also_in_force(
    desk: Desk, rules: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Decision 1 (a judicial warrant: the release date may be given); decision 2 about
    # the same person two hours later declines (another detainer, or a decline the
    # officer would step round). A contact after both, naming decision 1, was judged by
    # decision 1 alone and recorded as allowed, unflagged. It is still judged by the
    # decision named (two detainers can both be in force), but giving what the later one
    # does not allow needs the officer's reason and a supervisor's review.
    officer = desk.session("officer")
    raw = make_case(decision_time=DECIDED, detainer=JUDICIAL)
    first = desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    desk.clock.advance(hours=2)
    later_raw = make_case(decision_time="2026-11-20T13:00:00-05:00")
    later = desk.services.decisions.create(
        officer, parse_case(later_raw, "t", rules.catalog), later_raw
    )
    assert later.record.person_id == first.record.person_id
    assert later.record.outcome == "decline"
    desk.clock.advance(hours=2)
    service = _service(desk, rules)
    named = _contact(
        occurred_at=AFTER,
        decision_id=first.record.decision_id,
        booking_number=None,
        given=("release_date",),
    )
    advice = service.advice(officer, named)
    assert advice.decision is not None and advice.decision.decision_id == first.record.decision_id
    assert advice.also_in_force is not None
    assert advice.also_in_force.decision_id == later.record.decision_id
    assert "release_date" in advice.also_not_allowed and _release(advice) == "allowed"
    before = _counts(desk)
    with pytest.raises(InvalidRequest, match=f"but not by decision {later.record.decision_id}"):
        service.record(officer, named)
    assert _counts(desk) == before
    recorded = service.record(
        officer, replace(named, unlawful_reason="asked under detainer 1, the judicial warrant")
    )
    assert recorded.allowed and recorded.review_needed
    # The command line's words: the advice marks what the later decision does not allow,
    # and the "recorded" line says a supervisor reviews it (both said neither).
    from trustdesk.cli.contacts import _say_recorded
    from trustdesk.cli.contacts_text import render_advice

    shown_advice = " ".join(render_advice(advice).split())
    assert f"but not by decision {later.record.decision_id}, made later" in shown_advice
    _say_recorded(recorded, "recorded")
    said = capsys.readouterr().out
    assert f"not by later decision {later.record.decision_id}" in said
    assert "supervisor's review" in said
    stored = json.loads(recorded.advice_json)["also_in_force"]
    assert stored["id"] == later.record.decision_id
    assert stored["not_allowed"] == list(advice.also_not_allowed)
    from trustdesk.services.contact_wording import recorded_judged_by

    judged = recorded_judged_by(recorded, lambda moment: moment.isoformat())
    assert judged is not None and "the decision the contact was recorded under" in judged
    assert f"decision {later.record.decision_id}, version 1" in judged
    assert "does not allow release date" in judged
    from trustdesk.cli.contacts_text import render_contact, render_list

    listed = render_list([recorded])
    assert f"[allowed by the decision named, not by later decision {later.record.decision_id}" in (
        listed
    )
    shown_text = render_contact((recorded,), ())
    assert "Allowed by the decision named, not by decision" in shown_text
    assert "conditions" not in listed + shown_text
    # Before the later decision existed, naming the first is all there is.
    earlier = service.record(officer, replace(named, occurred_at=BETWEEN))
    assert earlier.allowed and not earlier.review_needed
    assert "also_in_force" not in json.loads(earlier.advice_json)


def test_a_later_decision_under_the_persons_other_name_is_seen(desk: Desk, rules: Any) -> None:
    # Decision 1 (Maria Pena, honored) corrected to María Peña (another person row); a
    # later detainer typed with ICE's spelling, Maria Pena, is declined (decision 3).
    # Both rows are one person: the later decline is seen from either, by booking
    # number too (it was invisible from the corrected row, and the booking number was
    # refused as naming two people).
    first, corrected = _name_corrected(desk, rules)
    officer = desk.session("officer")
    person = {"name": "Maria Pena", "date_of_birth": "1990-04-17", "booking_number": "NH-2026-0412"}
    raw = make_case(decision_time="2026-11-20T14:30:00-05:00", person=person)
    third = desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    assert third.record.person_id == first.person_id and third.record.outcome == "decline"
    desk.clock.advance(hours=1)
    service = _service(desk, rules)
    at = AFTER + timedelta(hours=1)
    for asked in (
        _contact(occurred_at=at, person_id=corrected.person_id, booking_number=None),
        _contact(occurred_at=at),  # by booking number: one person under two names
    ):
        advice = service.advice(officer, asked)
        assert advice.decision is not None, asked
        assert advice.decision.decision_id == third.record.decision_id, asked
        assert _release(advice) == "not_allowed", asked
    named = service.advice(
        officer,
        _contact(
            occurred_at=at,
            person_id=corrected.person_id,
            decision_id=first.decision_id,
            booking_number=None,
        ),
    )
    assert named.also_in_force is not None
    assert named.also_in_force.decision_id == third.record.decision_id


def test_the_memo_reads_contacts_under_every_name_and_by_booking_number(
    desk: Desk, rules: Any
) -> None:
    # A contact by booking number before anyone was on record, one about the person of
    # version 1, one filed under the decision: all three are the memo's, before and after
    # the name was corrected (the corrected memo lost the first two, and with them the
    # California notice that ICE was told the release date).
    from trustdesk.services.memo_inputs import given_to_ice, memo_contacts

    service = _service(desk, rules)
    officer = desk.session("officer")
    early = service.record(
        officer,
        _contact(
            occurred_at=MONDAY,
            given=("release_date",),
            unlawful_reason="ICE had the date from the court",
        ),
    )
    assert early.person_id is None
    first, latest = _name_corrected(desk, rules)
    about_first = service.record(
        officer,
        _contact(
            occurred_at=BETWEEN, person_id=first.person_id, booking_number=None, given=("none",)
        ),
    )
    filed = service.record(
        officer,
        _contact(
            occurred_at=AFTER, decision_id=first.decision_id, booking_number=None, given=("none",)
        ),
    )
    head = desk.store.audit.head()[0]
    listed = memo_contacts(desk.store, first.decision_id, head, "America/New_York")
    assert len(listed) == 3
    given = given_to_ice(desk.store, latest, head)
    assert [g.at for g in given] == [MONDAY]
    # As the record stood when the decision was made: only the early one.
    assert len(memo_contacts(desk.store, first.decision_id, first.audit_seq, "UTC")) == 1
    assert {about_first.contact_id, filed.contact_id} <= {
        c.contact_id for c in desk.store.contacts.for_person(decision_id=first.decision_id)
    }
    # Another person's contact under another number is not this decision's.
    other = service.record(officer, _contact(occurred_at=AFTER, booking_number="NH-1"))
    assert other.contact_id not in {
        c.contact_id for c in desk.store.contacts.for_person(decision_id=first.decision_id)
    }


def test_a_contact_by_a_number_two_people_share_is_neither_ones(desk: Desk, rules: Any) -> None:
    # A call logged by booking number before anyone was on record; then two different
    # people are decided under that number. The call does not say whose it was: it is in
    # neither memo, and makes no notice due for either (it went into both).
    from trustdesk.services.memo_inputs import given_to_ice, memo_contacts

    service = _service(desk, rules)
    officer = desk.session("officer")
    service.record(
        officer,
        _contact(occurred_at=MONDAY, given=("release_date",), unlawful_reason="asked by ERO"),
    )
    decided = []
    for name, born in (("Ana Ruiz", "1988-02-01"), ("Luis Ortega", "1975-09-30")):
        person = {"name": name, "date_of_birth": born, "booking_number": "NH-2026-0412"}
        raw = make_case(decision_time=DECIDED, person=person)
        decided.append(
            desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
        )
    head = desk.store.audit.head()[0]
    for saved in decided:
        assert memo_contacts(desk.store, saved.record.decision_id, head, "UTC") == ()
        assert given_to_ice(desk.store, saved.record, head) == ()
    # As the record stood before the second person was on record, the call was the
    # first person's: a memo printed then keeps it.
    first = decided[0].record
    assert len(memo_contacts(desk.store, first.decision_id, first.audit_seq, "UTC")) == 1


def test_a_wrong_person_amendment_corrected_back_links_nobody(desk: Desk, rules: Any) -> None:
    # Luis Ortega (NH-2) declined, decision 1. Ana Ruiz (NH-1) honored on a judicial
    # warrant, decision 2, amended to name Luis by mistake, then back to Ana. A contact
    # about Luis was judged by Ana's honor (the mistaken version linked the two for good),
    # recorded as allowed and filed in Ana's memo.
    officer = desk.session("officer")
    luis = {"name": "Luis Ortega", "date_of_birth": "1975-09-30", "booking_number": "NH-2"}
    ana = {"name": "Ana Ruiz", "date_of_birth": "1988-02-01", "booking_number": "NH-1"}
    raw_luis = make_case(decision_time=DECIDED, person=luis)
    declined = desk.services.decisions.create(
        officer, parse_case(raw_luis, "t", rules.catalog), raw_luis
    ).record
    assert declined.outcome == "decline"
    raw_ana = make_case(decision_time=DECIDED, person=ana, detainer=JUDICIAL)
    honored = desk.services.decisions.create(
        officer, parse_case(raw_ana, "t", rules.catalog), raw_ana
    ).record
    for person, why in ((luis, "wrong person picked"), (ana, "the right person again")):
        desk.clock.advance(minutes=10)
        again = make_case(decision_time=DECIDED, person=person, detainer=JUDICIAL)
        desk.services.decisions.amend(
            officer, honored.decision_id, parse_case(again, "t", rules.catalog), again, why
        )
    desk.clock.advance(hours=4)
    assert desk.store.contacts.linked_people(declined.person_id) == {declined.person_id}
    service = _service(desk, rules)
    for asked in (
        _contact(occurred_at=AFTER, person_id=declined.person_id, booking_number=None),
        _contact(occurred_at=AFTER, booking_number="NH-2"),
    ):
        advice = service.advice(officer, asked)
        assert advice.decision is not None, asked
        assert advice.decision.decision_id == declined.decision_id, asked
        assert _release(advice) == "not_allowed", asked
    from trustdesk.services.memo_inputs import memo_contacts

    service.record(
        officer, _contact(occurred_at=AFTER, person_id=declined.person_id, booking_number=None)
    )
    head = desk.store.audit.head()[0]
    assert memo_contacts(desk.store, honored.decision_id, head, "UTC") == ()


def test_a_booking_number_corrected_keeps_the_contacts_filed_under_the_decision(
    desk: Desk, rules: Any
) -> None:
    # Version 2 corrects the booking number (a new person row the link does not reach):
    # the contact filed under the decision stays in its memo, and a call by the new
    # number is filed under the person as version 2 names them.
    from trustdesk.services.memo_inputs import memo_contacts

    officer = desk.session("officer")
    typo = {"name": "María Peña", "date_of_birth": "1990-04-17", "booking_number": "NH-2026-0421"}
    raw = make_case(decision_time=DECIDED, person=typo, detainer=JUDICIAL)
    saved = desk.services.decisions.create(officer, parse_case(raw, "t", rules.catalog), raw)
    desk.clock.advance(hours=1)
    service = _service(desk, rules)
    filed = service.record(
        officer,
        _contact(occurred_at=BETWEEN, decision_id=saved.record.decision_id, booking_number=None),
    )
    desk.clock.advance(minutes=30)
    fixed_raw = make_case(decision_time=DECIDED, detainer=JUDICIAL)  # NH-2026-0412
    fixed = desk.services.decisions.amend(
        officer,
        saved.record.decision_id,
        parse_case(fixed_raw, "t", rules.catalog),
        fixed_raw,
        "booking number typo",
    ).record
    assert fixed.person_id != saved.record.person_id
    desk.clock.advance(hours=2)
    head = desk.store.audit.head()[0]
    listed = memo_contacts(desk.store, saved.record.decision_id, head, "UTC")
    assert len(listed) == 1 and filed.person_id == saved.record.person_id
    later = service.record(officer, _contact(occurred_at=AFTER))
    assert later.person_id == fixed.person_id
    assert len(memo_contacts(desk.store, saved.record.decision_id, later.audit_seq, "UTC")) == 2

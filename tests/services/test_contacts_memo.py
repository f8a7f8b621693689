"""The memo's history section: the contacts with ICE about the person, read back from the
PDF, as the record stood at the chain head the memo prints (so it regenerates exactly)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pypdf
from servicekit import Desk

from casekit import make_case
from trustdesk.memo.viewmodel import AgencyHeader
from trustdesk.rules.caseio import parse_case
from trustdesk.services.contacts import ContactInput, ContactService

HEADER = AgencyHeader("Hartford Police Department", "Morgan Street Lock-up", "CT0006400")


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _contact(decision_id: int, **changes: Any) -> ContactInput:
    values: dict[str, Any] = {
        "kind": "release_info_request",
        "direction": "from_ice",
        "occurred_at": datetime(2026, 11, 20, 15, 30, tzinfo=UTC),
        "channel": "phone",
        "decision_id": decision_id,
        "ice_office": "ERO Hartford",
        "ice_officer": "DO Lee",
        "asked": "release date",
    }
    values.update(changes)
    return ContactInput(**values)


def test_the_memo_lists_the_persons_contacts(desk: Desk, rules: Any) -> None:
    raw = make_case(decision_time="2026-11-20T10:00:00-05:00")
    case = parse_case(raw, "case", rules.catalog)
    officer, supervisor = desk.session("officer"), desk.session("supervisor")
    decision_id = desk.services.decisions.create(officer, case, raw).record.decision_id
    memos = desk.services.memos
    before = memos.render(officer, decision_id, agency=HEADER)
    assert "No contact with ICE is recorded for this person." in _text(before.data)
    contacts = ContactService(desk.services.ctx, rules)
    contacts.record(officer, _contact(decision_id, given=("none",)))
    told = contacts.record(
        officer,
        _contact(
            decision_id,
            kind="inquiry",
            channel="email",
            given=("custody_status",),
            unlawful_reason="thought it was public",
            occurred_at=datetime(2026, 11, 20, 15, 45, tzinfo=UTC),
        ),
    )
    contacts.review(supervisor, told.contact_id, verdict="referred", note="to counsel")
    memo = memos.render(officer, decision_id, agency=HEADER)
    text = _text(memo.data)
    assert "History: contacts with ICE" in text
    assert "Request for release date or custody status" in text
    assert "DO Lee, ERO Hartford" in text and "(from ice, phone)" in text
    assert "Phone or e-mail inquiry" in text
    assert "custody status — NOT ALLOWED" in text
    assert "thought it was public" in text and "Reviewed by supervisor: referred" in text
    assert text.index("Request for release date") < text.index("Phone or e-mail inquiry")
    # Regenerated at the earlier head, the memo is the earlier one, byte for byte.
    again = memos.render(officer, decision_id, agency=HEADER, chain_head=before.chain_head)
    assert again.data == before.data


def test_the_release_date_notice_follows_the_contact_log(tmp_path: Any, database: Any) -> None:
    """California: the notice button's path (``render(notice=…)``) serves "we told ICE
    your release date" only once a contact gave it, with when; regenerated at the head of
    decision time, the notice is the one without it, byte for byte."""
    from storekit import open_desk

    from trustdesk.rules.registry import load_rules

    california = load_rules(jurisdiction="CA")
    desk = open_desk(tmp_path / "ca", california, database=database)
    try:
        # A California agency's record: its desks decide under California's law.
        desk.services.jurisdiction.change(desk.session("admin"), "CA")
        desk.clock.now = datetime(2026, 12, 2, 17, 0, tzinfo=UTC)
        raw = make_case(
            decision_time="2026-11-30T09:00:00-08:00",
            convictions=[
                {
                    "statute": "PC 211",
                    "level": "felony",
                    "class": "unclassified",
                    "jurisdiction": "CA",
                    "date": "2015-03-01",
                }
            ],
        )
        raw["detainer"].pop("received_at", None)
        case = parse_case(raw, "case", california.sections)
        officer = desk.session("officer")
        decision_id = desk.services.decisions.create(officer, case, raw).record.decision_id
        memos = desk.services.memos
        decided = {
            lang: memos.render(officer, decision_id, agency=HEADER, notice=lang)
            for lang in ("en", "es")
        }
        assert "We Told Immigration Your Release Date" not in _text(decided["en"].data)
        assert "informamos a inmigración la fecha" not in _text(decided["es"].data)
        contacts = ContactService(desk.services.ctx, california)
        contacts.record(
            officer,
            _contact(
                decision_id,
                given=("release_date",),
                occurred_at=datetime(2026, 12, 1, 18, 15, tzinfo=UTC),
                unlawful_reason="no county policy forbids it",
            ),
        )
        english = _text(memos.render(officer, decision_id, agency=HEADER, notice="en").data)
        assert "Notice: We Told Immigration Your Release Date" in english
        assert "We told ICE on Tuesday, December 1, 2026, 10:15 a.m. (Pacific Time)." in english
        spanish = _text(memos.render(officer, decision_id, agency=HEADER, notice="es").data)
        assert (
            "Se lo informamos a ICE el martes 1 de diciembre de 2026, 10:15 a. m. "
            "(hora del Pacífico)."
        ) in spanish
        again = memos.render(
            officer, decision_id, agency=HEADER, notice="en", chain_head=decided["en"].chain_head
        )
        assert again.data == decided["en"].data
    finally:
        desk.services.close()


def test_a_connecticut_notice_is_the_same_whatever_was_given(desk: Desk, rules: Any) -> None:
    raw = make_case(decision_time="2026-11-20T10:00:00-05:00")
    case = parse_case(raw, "case", rules.catalog)
    officer = desk.session("officer")
    decision_id = desk.services.decisions.create(officer, case, raw).record.decision_id
    memos = desk.services.memos
    before = _text(memos.render(officer, decision_id, agency=HEADER, notice="en").data)
    ContactService(desk.services.ctx, rules).record(
        officer,
        _contact(decision_id, given=("release_date",), unlawful_reason="the sergeant said so"),
    )
    after = _text(memos.render(officer, decision_id, agency=HEADER, notice="en").data)
    assert "We Told Immigration" not in after and "We told ICE on" not in after
    assert after.count("Page 1 of") == before.count("Page 1 of") == 1

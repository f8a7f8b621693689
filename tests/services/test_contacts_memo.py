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

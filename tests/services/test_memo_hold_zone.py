"""The memo of a recorded decision printed the hold's start and expiry, and the notices
handed to the person their times, as "UTC-05:00" where the decision time on the same
memo said EST (a hostile pass on the hold clock): the stored times come back with a bare
offset. They are printed in the pack's zone, as a fresh decision's are."""

from __future__ import annotations

from typing import Any

from livekit import honored
from test_offline_desk import pdf_text


def test_a_recorded_decision_s_memo_prints_the_hold_in_eastern_time(desk: Any, rules: Any) -> None:
    case, raw = honored(rules, booking="NH-ZONE-1")
    saved = desk.services.decisions.create(desk.session("officer"), case, raw)
    assert saved.record.hold_expires_at is not None
    from trustdesk.memo.viewmodel import AgencyHeader

    rendered = desk.services.memos.render(
        desk.session("officer"),
        saved.record.decision_id,
        agency=AgencyHeader("New Haven Police Department", "Central Booking", "CT0009300"),
        languages=("en", "es"),
    )
    text = pdf_text(rendered.data)
    assert "UTC-05:00" not in text and "UTC-04:00" not in text
    assert "HOLD EXPIRES" in text
    expires = text[text.index("HOLD EXPIRES") :][:80]
    assert " EST" in expires or " EDT" in expires, expires
    assert "(Eastern Time)" in text  # the English notice

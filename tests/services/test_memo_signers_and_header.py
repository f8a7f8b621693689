"""Officers' printed names and badges, and the memo header taken from the agency profile."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
from imagekit import png
from servicekit import Desk

from casekit import make_case
from trustdesk.memo.verification import chain_heads_in
from trustdesk.memo.viewmodel import AgencyHeader
from trustdesk.rules.caseio import parse_case
from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.store.audit import entries_for
from trustdesk.store.records import AgencyProfile

PROFILE = AgencyProfile("Hartford Police Department", "Morgan Street Lock-up", "CT0006400")
FALLBACK = AgencyHeader("Flag Agency", "Flag Facility", "CT0000000")
# 2016: the discretionary public-safety ground, so a supervisor reviews the decision.
REVIEWED = make_case(
    decision_time="2016-11-17T10:00:00-05:00",
    public_safety_risk={"asserted": True, "reason": "threats recorded at booking"},
    releasable_at="2016-11-17T15:00:00-05:00",
)


def _text(path: Path) -> str:
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _decide(desk: Desk, rules: Any, raw: dict[str, Any], who: str = "officer") -> int:
    case = parse_case(raw, "case", rules.catalog)
    return desk.services.decisions.create(desk.session(who), case, raw).record.decision_id


# --- names and badges ------------------------------------------------------------------------


def test_an_administrator_sets_names_and_badges(desk: Desk) -> None:
    admin = desk.session("admin")
    accounts = desk.services.accounts
    user = accounts.set_details(admin, "officer", " Ana Gonçalves ", "1187")
    assert (user.full_name, user.badge) == ("Ana Gonçalves", "1187")
    assert accounts.set_details(admin, "officer", None, "S-22").full_name == "Ana Gonçalves"
    assert accounts.set_details(admin, "officer", "", None).full_name == ""
    listed = {u.username: u for u in accounts.list_users(desk.session("auditor"))}
    assert (listed["officer"].full_name, listed["officer"].badge) == ("", "S-22")
    assert (listed["officer2"].full_name, listed["officer2"].badge) == ("", "")
    with desk.store.db.reading() as conn:
        entries = list(entries_for(conn, "user.details_changed"))
    assert [e.objects_dict()["fields"] for e in entries] == [
        ["badge", "full_name"],
        ["badge"],
        ["full_name"],
    ]
    assert not [e for e in entries if "Gon" in e.objects]  # (a digest may hold any digits)
    values = [value for e in entries for value in e.objects_dict().values()]
    assert "1187" not in values and "S-22" not in values
    assert desk.store.verify().ok  # the account replay knows the new event


@pytest.mark.parametrize(
    ("full_name", "badge", "words"),
    [
        ("x" * 101, None, "at most 100"),
        ("Ann\x00Smith", None, "control character"),
        (None, "12 34", "badge number '12 34' is not valid"),
        (None, "B" * 21, "up to 20 letters"),
        (None, "#1187", "letters, digits or '-'"),
    ],
)
def test_bad_details_are_refused(
    desk: Desk, full_name: str | None, badge: str | None, words: str
) -> None:
    with pytest.raises(InvalidRequest, match=words):
        desk.services.accounts.set_details(desk.session("admin"), "officer", full_name, badge)
    assert desk.store.users.get("officer").full_name == ""


def test_only_administrators_set_details(desk: Desk) -> None:
    with pytest.raises(PermissionDenied):
        desk.services.accounts.set_details(desk.session("supervisor"), "officer", "X", "1")


def test_memo_prints_names_and_badges_of_officer_and_supervisor(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    admin = desk.session("admin")
    desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves", "1187")
    desk.services.accounts.set_details(admin, "supervisor", "Luis Nuñez", "S-22")
    decision_id = _decide(desk, rules, REVIEWED)
    desk.services.decisions.approve(desk.session("supervisor"), decision_id)
    printed = desk.services.memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "m.pdf", agency=FALLBACK
    )
    text = _text(printed.path)
    assert "Ana Gonçalves" in text and "1187" in text
    assert "Luis Nuñez" in text and "S-22" in text


def test_without_a_name_the_user_name_is_printed(desk: Desk, rules: Any, tmp_path: Path) -> None:
    decision_id = _decide(desk, rules, make_case(), who="officer2")
    printed = desk.services.memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "m.pdf", agency=FALLBACK
    )
    assert "officer2" in _text(printed.path)


# --- the header ------------------------------------------------------------------------------


def test_the_stored_profile_is_the_header(desk: Desk, rules: Any, tmp_path: Path) -> None:
    decision_id = _decide(desk, rules, make_case())
    memos = desk.services.memos
    before = memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "flags.pdf", agency=FALLBACK
    )
    assert "Flag Agency" in _text(before.path)  # no profile yet: the caller's header
    desk.services.agency.update(desk.session("admin"), PROFILE)
    after = memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "profile.pdf", agency=FALLBACK
    )
    text = _text(after.path)
    assert "Hartford Police Department" in text and "Morgan Street Lock-up" in text
    assert "ORI CT0006400" in text
    assert "Flag Agency" not in text and "CT0000000" not in text
    assert pypdf.PdfReader(after.path).metadata.author == "Hartford Police Department"
    again = memos.print_memo(desk.session("officer"), decision_id, tmp_path / "again.pdf")
    assert memos.verify_pdf(desk.session("auditor"), again.path.read_bytes()).match
    # Reproducible: regenerated with the audit chain head the printed copy carries (which
    # its audit entry names too), the memo is the same bytes.
    (head,) = chain_heads_in(after.path.read_bytes())
    printed = desk.store.audit.entry(after.audit_seq)
    assert printed is not None
    objects = printed.objects_dict()
    assert (objects["chain_head_seq"], objects["chain_head_hash"]) == head
    regenerated = memos.render(desk.session("officer"), decision_id, chain_head=head)
    assert regenerated.data == after.path.read_bytes()
    assert again.path.read_bytes() != after.path.read_bytes()  # a later head


def test_no_profile_and_no_header_is_a_clear_refusal(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    decision_id = _decide(desk, rules, make_case())
    with pytest.raises(InvalidRequest, match="no agency profile is stored"):
        desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()


def test_the_profile_logo_is_an_image_in_the_memo(desk: Desk, rules: Any, tmp_path: Path) -> None:
    decision_id = _decide(desk, rules, make_case())
    desk.services.agency.update(desk.session("admin"), PROFILE)
    plain = desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "a")
    assert list(pypdf.PdfReader(plain.path).pages[0].images) == []
    desk.services.agency.update(desk.session("admin"), replace(PROFILE, logo=png(120, 40)))
    printed = desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "b")
    reader = pypdf.PdfReader(io.BytesIO(printed.path.read_bytes()))
    for page in reader.pages:  # every page carries the header, logo included
        [image] = page.images
        assert image.image is not None and image.image.size == (120, 40)


def test_the_supervisors_note_on_an_approval_is_printed(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    decision_id = _decide(desk, rules, REVIEWED)
    note = "Checked the TSDB entry with the fusion centre"
    desk.services.decisions.approve(desk.session("supervisor"), decision_id, note=note)
    printed = desk.services.memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "m.pdf", agency=FALLBACK
    )
    assert f"Supervisor's note: {note}" in " ".join(_text(printed.path).split())

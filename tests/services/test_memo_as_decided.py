"""A memo printed later shows the agency header and the signers as they were when the
decision was recorded and reviewed, not as they are at printing (docs/decisions/0084).

Before, the header (agency name, facility, ORI, logo) and the officer's and supervisor's
printed names and badges were read from the agency profile and the accounts as they
stood at printing: a memo reprinted after an administrator renamed the agency or an
officer silently differed from the one printed at the time.
"""

from __future__ import annotations

import io
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
from imagekit import png
from servicekit import Desk

from casekit import make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.services.memos import MemoRefused
from trustdesk.store.audit import entries_for
from trustdesk.store.memo_facts import DIGEST_KEY
from trustdesk.store.records import AgencyProfile

THEN = AgencyProfile("Hartford Police Department", "Morgan Street Lock-up", "CT0006400")
NOW = AgencyProfile("Capitol Region Police", "Sigourney Street Centre", "CT0099900")
REVIEWED = make_case(
    decision_time="2016-11-17T10:00:00-05:00",
    public_safety_risk={"asserted": True, "reason": "threats recorded at booking"},
    releasable_at="2016-11-17T15:00:00-05:00",
)
AS_OF_PRINTING = "as they stand at printing"


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _decide(desk: Desk, rules: Any, raw: dict[str, Any]) -> int:
    case = parse_case(raw, "case", rules.catalog)
    return desk.services.decisions.create(desk.session("officer"), case, raw).record.decision_id


def _rename_everything(desk: Desk, profile: AgencyProfile = NOW) -> None:
    admin = desk.session("admin")
    desk.services.agency.update(admin, profile)
    desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves-Reyes", "9001")
    desk.services.accounts.set_details(admin, "supervisor", "Luis Ortega", "S-99")


def test_a_reprint_shows_the_header_and_signers_as_they_were(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    admin = desk.session("admin")
    desk.services.agency.update(admin, THEN)
    desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves", "1187")
    desk.services.accounts.set_details(admin, "supervisor", "Luis Nuñez", "S-22")
    decision_id = _decide(desk, rules, REVIEWED)
    desk.services.decisions.approve(desk.session("supervisor"), decision_id)
    at_the_time = desk.services.memos.print_memo(
        desk.session("officer"), decision_id, tmp_path / "then.pdf"
    )

    _rename_everything(desk)
    later = desk.services.memos.print_memo(
        desk.session("supervisor"), decision_id, tmp_path / "later.pdf"
    )
    text = _text(later.path.read_bytes())
    for then in ("Hartford Police Department", "Morgan Street Lock-up", "ORI CT0006400"):
        assert then in text
    assert "Ana Gonçalves 1187" in text or ("Ana Gonçalves" in text and "1187" in text)
    assert "Luis Nuñez" in text and "S-22" in text
    for now in ("Capitol Region", "Sigourney", "CT0099900", "Reyes", "9001", "Ortega", "S-99"):
        assert now not in text
    assert AS_OF_PRINTING not in text
    assert pypdf.PdfReader(later.path).metadata.author == "Hartford Police Department"
    # The same header as the copy printed at the time; both verify against the record.
    assert "Hartford Police Department" in _text(at_the_time.path.read_bytes())
    auditor = desk.session("auditor")
    assert desk.services.memos.verify_pdf(auditor, at_the_time.path.read_bytes()).match
    assert desk.services.memos.verify_pdf(auditor, later.path.read_bytes()).match
    # The chain holds the facts' digest only, never the names (personal data as ids).
    with desk.store.db.reading() as conn:
        entries = [
            *entries_for(conn, "decision.created"),
            *entries_for(conn, "decision.reviewed"),
        ]
    assert all(DIGEST_KEY in entry.objects_dict() for entry in entries)
    assert not [e for e in entries if "Gon" in e.objects or "Hartford" in e.objects]
    assert desk.store.verify().ok


def test_an_amendment_prints_its_own_author_as_they_were(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    desk.services.agency.update(desk.session("admin"), THEN)
    desk.services.accounts.set_details(desk.session("admin"), "officer", "Ana Gonçalves", "1187")
    raw = make_case()
    decision_id = _decide(desk, rules, raw)
    case = parse_case(raw, "case", rules.catalog)
    desk.services.decisions.amend(
        desk.session("officer"), decision_id, case, raw, reason="booking number typed wrong"
    )
    _rename_everything(desk)
    for version in (1, 2):
        printed = desk.services.memos.print_memo(
            desk.session("officer"), decision_id, tmp_path / f"v{version}.pdf", version=version
        )
        text = _text(printed.path.read_bytes())
        assert "Hartford Police Department" in text and "Ana Gonçalves" in text
        assert "Capitol Region" not in text and "Reyes" not in text


def test_a_logo_changed_since_is_not_printed_and_the_memo_says_why(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    admin = desk.session("admin")
    desk.services.agency.update(admin, replace(THEN, logo=png(120, 40)))
    decision_id = _decide(desk, rules, make_case())
    same = desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "a")
    [image] = pypdf.PdfReader(same.path).pages[0].images
    assert image.image is not None and image.image.size == (120, 40)
    assert "logo was changed" not in _text(same.path.read_bytes())

    desk.services.agency.update(admin, replace(THEN, logo=png(60, 60)))
    later = desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "b")
    assert list(pypdf.PdfReader(later.path).pages[0].images) == []
    assert "logo was changed after this decision was recorded" in _text(later.path.read_bytes())


def test_no_profile_at_the_decision_prints_todays_and_says_so(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    decision_id = _decide(desk, rules, make_case())
    desk.services.agency.update(desk.session("admin"), NOW)
    printed = desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "m")
    text = _text(printed.path.read_bytes())
    assert "Capitol Region Police" in text
    assert AS_OF_PRINTING in text and "no agency profile was stored" in text


def test_kept_facts_changed_behind_the_app_are_refused(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    desk.services.agency.update(desk.session("admin"), THEN)
    decision_id = _decide(desk, rules, make_case())
    record = desk.store.decisions.latest(decision_id)
    _behind_the_app(
        desk,
        "UPDATE memo_facts SET facts = replace(facts, 'Hartford', 'Elsewhere') WHERE seq = "
        f"{record.audit_seq}",
    )
    with pytest.raises(MemoRefused, match="differ from the digest it recorded"):
        desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE memo_facts SET facts = replace(facts, '1187', '4242')", "differ from the digest"),
        ("DELETE FROM memo_facts", "are missing"),
        ("INSERT INTO memo_facts (seq, facts) SELECT min(seq), '{}' FROM audit_log", "vouches"),
        ("DROP TABLE memo_facts", "memo_facts of the memo header and signers is missing"),
    ],
)
def test_audit_verify_finds_kept_facts_changed_behind_the_app(
    desk: Desk, rules: Any, sql: str, words: str
) -> None:
    desk.services.agency.update(desk.session("admin"), THEN)
    desk.services.accounts.set_details(desk.session("admin"), "officer", "Ana Gonçalves", "1187")
    _decide(desk, rules, make_case())
    assert desk.store.verify().ok
    _behind_the_app(desk, sql)
    report = desk.store.verify()
    assert not report.ok
    assert any(words in str(problem) for problem in report.problems), report.problems


def _behind_the_app(desk: Desk, sql: str) -> None:
    """Run ``sql`` as someone with the database's own tools would: triggers set aside."""
    store = desk.store
    if store.backend == "sqlite":
        conn = sqlite3.connect(store.db.path)  # type: ignore[attr-defined]
        made = [
            row[0]
            for row in conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'memo_facts%'"
            )
        ]
        with conn:
            conn.execute("DROP TRIGGER memo_facts_no_update")
            conn.execute("DROP TRIGGER memo_facts_no_delete")
            conn.execute(sql)
            for trigger in made if "DROP TABLE" not in sql else ():
                conn.execute(trigger)  # put back: the attacker covers their tracks
        conn.close()
        return
    import psycopg

    from pgkit import superuser_url

    with psycopg.connect(superuser_url(store.db.url), autocommit=True) as conn:  # type: ignore[attr-defined]
        conn.execute("SET search_path TO trustdesk")
        conn.execute("SET session_replication_role = replica")
        conn.execute(sql)  # type: ignore[arg-type]

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
from unittest import mock

import pypdf
import pytest
from imagekit import png
from servicekit import Desk

from casekit import make_case
from trustdesk.rules.caseio import parse_case
from trustdesk.services.memos import MemoRefused
from trustdesk.store import memo_history
from trustdesk.store.audit import entries_for
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
    # The chain holds digests only, never the names (personal data as ids); the history
    # is one row per change, none per decision.
    with desk.store.db.reading() as conn:
        entries = [
            *entries_for(conn, "settings.changed"),
            *entries_for(conn, "user.details_changed"),
            *entries_for(conn, "decision.created"),
        ]
        kept = conn.execute("SELECT count(*) FROM agency_history").fetchone()[0]
    assert not [e for e in entries if "Gon" in e.objects or "Hartford" in e.objects]
    assert kept == 2  # the profile then and now
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
    _behind_the_app(desk, "UPDATE agency_history SET name = 'Elsewhere Police'")
    with pytest.raises(MemoRefused, match="from the digest it recorded"):
        desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM agency_history",
        "DELETE FROM signer_history WHERE badge = '1187'",
        "UPDATE signer_history SET full_name = 'Someone Else' WHERE badge = '1187'",
    ],
)
def test_history_rows_removed_or_changed_behind_the_app_refuse_printing(
    desk: Desk, rules: Any, tmp_path: Path, sql: str
) -> None:
    desk.services.agency.update(desk.session("admin"), THEN)
    desk.services.accounts.set_details(desk.session("admin"), "officer", "Ana Gonçalves", "1187")
    decision_id = _decide(desk, rules, make_case())
    _behind_the_app(desk, sql)
    with pytest.raises(MemoRefused, match=r"missing from|from the digest it recorded"):
        desk.services.memos.print_memo(desk.session("officer"), decision_id, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()
    with desk.store.db.reading() as conn:
        assert [e.objects_dict()["reason"] for e in entries_for(conn, "memo.refused")] == [
            "memo facts do not verify"
        ]


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE signer_history SET badge = '4242' WHERE badge = '1187'", "differ from the"),
        ("UPDATE agency_history SET ori = 'CT0000000'", "differs from the digest"),
        ("DELETE FROM signer_history WHERE badge = '1187'", "are missing"),
        ("DELETE FROM agency_history", "is missing from its history"),
        (
            "INSERT INTO agency_history SELECT max(seq), 'X', 'Y', 'CT0000000', 'UTC', NULL, "
            "NULL FROM audit_log",
            "vouches for none",
        ),
        ("DROP TABLE signer_history", "signer_history of the memo header and signers is missing"),
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


OLDEST_ROWS = {
    # The profile's first row, the second kept: the history seemed to start at the second.
    "agency": (
        "DELETE FROM agency_history WHERE seq = (SELECT min(seq) FROM agency_history)",
        "the agency profile audit entry {seq} recorded is missing from its history",
    ),
    # The officer's two oldest rows (account made, first name set), the latest kept.
    "signer": (
        "DELETE FROM signer_history WHERE badge IN ('1187', '') AND user_id = "
        "(SELECT user_id FROM signer_history WHERE badge = '2290')",
        "the printed name and badge audit entry {seq} recorded are missing from their history",
    ),
}


@pytest.mark.parametrize("kind", sorted(OLDEST_ROWS))
def test_the_oldest_rows_deleted_together_are_found_and_refuse_the_older_memo(
    desk: Desk, rules: Any, tmp_path: Path, kind: str
) -> None:
    """Before, rows deleted from the start of a history while later ones remained made
    it seem to begin later: audit verify found nothing, and the memo of an older
    decision printed today's header or name, saying the record did not hold them."""
    sql, words = OLDEST_ROWS[kind]
    admin = desk.session("admin")
    desk.services.agency.update(admin, THEN)
    desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves", "1187")
    older = _decide(desk, rules, make_case())
    desk.services.agency.update(admin, NOW)
    desk.services.accounts.set_details(admin, "officer", "Ana Reyes", "2290")
    newer = _decide(desk, rules, make_case())
    assert desk.store.verify().ok
    with desk.store.db.reading() as conn:
        table = f"{kind}_history"
        before = {seq for (seq,) in conn.execute(f"SELECT seq FROM {table}").fetchall()}
    _behind_the_app(desk, sql)
    with desk.store.db.reading() as conn:
        after = {seq for (seq,) in conn.execute(f"SELECT seq FROM {table}").fetchall()}
    gone = sorted(before - after)
    assert gone and after, (before, after)
    report = desk.store.verify()
    assert not report.ok
    found = " ".join(str(problem) for problem in report.problems)
    for seq in gone:
        assert words.format(seq=seq) in found, report.problems
    with pytest.raises(MemoRefused, match=r"missing from"):
        desk.services.memos.print_memo(desk.session("officer"), older, tmp_path / "o.pdf")
    # The newer decision's rows are all there: it still prints, as it was.
    printed = desk.services.memos.print_memo(desk.session("officer"), newer, tmp_path / "n.pdf")
    text = _text(printed.path.read_bytes())
    assert "Capitol Region Police" in text and "Ana Reyes" in text
    assert AS_OF_PRINTING not in text


def test_a_user_renamed_between_two_decisions_each_memo_shows_the_name_of_its_time(
    desk: Desk, rules: Any, tmp_path: Path
) -> None:
    admin = desk.session("admin")
    desk.services.agency.update(admin, THEN)
    desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves", "1187")
    first = _decide(desk, rules, make_case())
    desk.services.accounts.set_details(admin, "officer", "Ana Reyes", "2290")
    desk.services.agency.update(admin, NOW)
    second = _decide(desk, rules, make_case())
    desk.services.accounts.set_details(admin, "officer", "Ana Smith", "3301")
    texts = {
        decision_id: _text(
            desk.services.memos.print_memo(
                desk.session("officer"), decision_id, tmp_path / f"{decision_id}.pdf"
            ).path.read_bytes()
        )
        for decision_id in (first, second)
    }
    assert "Ana Gonçalves" in texts[first] and "1187" in texts[first]
    assert "Hartford Police Department" in texts[first]
    assert "Ana Reyes" in texts[second] and "2290" in texts[second]
    assert "Capitol Region Police" in texts[second]
    for text in texts.values():
        assert "Smith" not in text and AS_OF_PRINTING not in text
    assert "Reyes" not in texts[first] and "Gonçalves" not in texts[second]
    assert desk.store.verify().ok


@pytest.mark.sqlite_only(
    "step 15 is replayed with its SQLite baseline; the server's is "
    "tests/store/test_memo_history_upgrade_pg.py"
)
def test_a_record_made_before_a_change_the_history_does_not_hold_says_so(
    rules: Any, tmp_path: Path
) -> None:
    """Before schema 15 no history was kept; step 15 keeps the profile and names as they
    stand then. A record made before a change that came earlier prints today's values and
    says so plainly on its face: nothing is guessed."""
    from storekit import open_desk

    with (
        mock.patch.object(memo_history, "keep_agency", return_value=None),
        mock.patch.object(memo_history, "keep_signer", return_value=None),
        mock.patch.object(memo_history, "kept_mark", return_value={}),
    ):
        desk = open_desk(tmp_path / "data", rules)  # its accounts made before step 15 too
        admin = desk.session("admin")
        desk.services.agency.update(admin, THEN)
        desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves", "1187")
        decision_id = _decide(desk, rules, make_case())
        _rename_everything(desk)
    try:
        _clear_and_baseline(desk)  # as if all of it was written before schema 15
        printed = desk.services.memos.print_memo(
            desk.session("officer"), decision_id, tmp_path / "m"
        )
        text = _text(printed.path.read_bytes())
        assert "Capitol Region Police" in text and "Reyes" in text
        assert AS_OF_PRINTING in text and "before TrustDesk kept their history" in text
        assert desk.store.verify().ok
    finally:
        desk.services.close()


@pytest.mark.sqlite_only(
    "step 15 is replayed with its SQLite baseline; the server's is "
    "tests/store/test_memo_history_upgrade_pg.py"
)
@pytest.mark.parametrize("kind", ["agency", "signer"])
def test_the_baseline_row_deleted_on_its_own_is_found(
    rules: Any, tmp_path: Path, kind: str
) -> None:
    """Step 15 keeps a row for the last change made before it; its entry does not say so
    (it predates the marker). Before, that row deleted on its own, with later changes
    kept, was not found: the history seemed to begin at the next change, audit verify
    passed and the memo of a decision made in between printed today's header or name
    with the note that the record did not hold them."""
    from storekit import open_desk

    with (
        mock.patch.object(memo_history, "keep_agency", return_value=None),
        mock.patch.object(memo_history, "keep_signer", return_value=None),
        mock.patch.object(memo_history, "kept_mark", return_value={}),
    ):
        desk = open_desk(tmp_path / "data", rules)
        admin = desk.session("admin")
        desk.services.agency.update(admin, THEN)
        desk.services.accounts.set_details(admin, "officer", "Ana Gonçalves", "1187")
        desk.services.accounts.set_details(admin, "supervisor", "Luis Ortega", "S-12")
        # The supervisor's baseline is then kept at this later entry of another kind.
        desk.services.accounts.reset_password(admin, "supervisor", "correct horse 7 staple")
    try:
        _clear_and_baseline(desk)  # the release with step 15 arrives
        older = _decide(desk, rules, make_case())
        _rename_everything(desk)  # changed since: rows kept, entries saying so
        newer = _decide(desk, rules, make_case())
        assert desk.store.verify().ok
        text = _text(
            desk.services.memos.print_memo(
                desk.session("officer"), older, tmp_path / "before.pdf"
            ).path.read_bytes()
        )
        assert "Hartford Police Department" in text and "Ana Gonçalves" in text
        assert AS_OF_PRINTING not in text
        with desk.store.db.reading() as conn:
            assert conn.execute(
                "SELECT a.event FROM signer_history s JOIN audit_log a ON a.seq = s.seq "
                "WHERE s.badge = 'S-12'"
            ).fetchone() == ("user.password_reset",)
            if kind == "agency":
                row = conn.execute("SELECT min(seq) FROM agency_history").fetchone()[0]
                entry = row  # the profile's baseline is kept at its entry
                words = f"the agency profile audit entry {entry} recorded is missing"
            else:
                row, user = conn.execute(
                    "SELECT seq, user_id FROM signer_history WHERE badge = '1187'"
                ).fetchone()
                entry = conn.execute(
                    "SELECT max(seq) FROM audit_log WHERE event IN "
                    "('user.created', 'user.details_changed') AND seq <= ? AND objects LIKE ?",
                    (row, f'%"user":{user},%'),
                ).fetchone()[0]
                words = f"the printed name and badge audit entry {entry} recorded are missing"
        _behind_the_app(desk, f"DELETE FROM {kind}_history WHERE seq = {int(row)}")
        report = desk.store.verify()
        assert not report.ok
        assert any(words in str(problem) for problem in report.problems), report.problems
        with pytest.raises(MemoRefused, match=r"missing from"):
            desk.services.memos.print_memo(desk.session("officer"), older, tmp_path / "o.pdf")
        printed = desk.services.memos.print_memo(desk.session("officer"), newer, tmp_path / "n.pdf")
        assert "Capitol Region Police" in _text(printed.path.read_bytes())
    finally:
        desk.services.close()


def _clear_and_baseline(desk: Desk) -> None:
    """Step 15's baseline on a store whose history was never kept (triggers set aside)."""
    conn = sqlite3.connect(desk.store.db.path)  # type: ignore[attr-defined]
    made = [
        row[0]
        for row in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_history_no_%'"
        )
    ]
    with conn:
        for table in ("agency_history", "signer_history"):
            conn.execute(f"DROP TRIGGER {table}_no_update")
            conn.execute(f"DROP TRIGGER {table}_no_delete")
            conn.execute(f"DELETE FROM {table}")
        memo_history.baseline(conn)
        for trigger in made:
            conn.execute(trigger)
    conn.close()


def _behind_the_app(desk: Desk, sql: str) -> None:
    """Run ``sql`` as someone with the database's own tools would: triggers set aside."""
    store = desk.store
    if store.backend == "sqlite":
        conn = sqlite3.connect(store.db.path)  # type: ignore[attr-defined]
        made = [
            row[0]
            for row in conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                "AND (name LIKE 'agency_history%' OR name LIKE 'signer_history%')"
            )
        ]
        with conn:
            for table in ("agency_history", "signer_history"):
                conn.execute(f"DROP TRIGGER {table}_no_update")
                conn.execute(f"DROP TRIGGER {table}_no_delete")
            conn.execute(sql)
            for trigger in made:
                if "DROP TABLE" not in sql or "signer_history" not in trigger:
                    conn.execute(trigger)  # put back: the attacker covers their tracks
        conn.close()
        return
    import psycopg

    from pgkit import superuser_url

    with psycopg.connect(superuser_url(store.db.url), autocommit=True) as conn:  # type: ignore[attr-defined]
        conn.execute("SET search_path TO trustdesk")
        conn.execute("SET session_replication_role = replica")
        conn.execute(sql)  # type: ignore[arg-type]

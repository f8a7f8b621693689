"""Records written by the previous release still print after an upgrade (decision 0023).

tests/data/upgrade/data was made by release 2796f55's own command line (see the README
there): decisions under ct-2014, ct-2019 and ct-2025 as they shipped then (format 1),
honored and declined, one amended, holds open. Here the current code opens a copy
(migrations run), verifies the audit chain, prints every version of every decision and
reads each PDF back: outcome, grounds and the pinned pack's SHA-256 are those recorded.
A stored decision changed behind the app's back is still refused.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdf
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
from storekit import FAST_HASHER, Clock

from trustdesk.memo.verification import short_code
from trustdesk.services.bundle import Services, open_services
from trustdesk.services.memos import MemoRefused
from trustdesk.store import audit

UPGRADE = Path(__file__).resolve().parents[1] / "data" / "upgrade"
OFFICER = ("ann", "quiet orchard window")
OLD_RELEASE_PACKS = {"ct-2014", "ct-2019", "ct-2025"}
HEADLINE = {"honor": "HOLD PERMITTED", "decline": "DETAINER DECLINED"}


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def upgraded(tmp_path: Path) -> Iterator[Services]:
    from trustdesk.rules.registry import rules_for_data_dir
    from trustdesk.store.pack_imports import imported_in_force

    data = tmp_path / "data"
    shutil.copytree(UPGRADE / "data", data)
    clock = Clock(datetime(2026, 12, 4, 12, 0, tzinfo=UTC))
    services = open_services(
        data, rules_for_data_dir(data, imported_in_force(data)), hasher=FAST_HASHER, clock=clock
    )
    yield services
    services.store.close()


def every_version(services: Services) -> list[Any]:
    found = []
    for decision_id in range(1, 7):
        found.extend(services.store.decisions.history(decision_id))
    return found


def test_the_old_records_are_what_this_test_needs(upgraded: Services) -> None:
    from trustdesk.rules.pack_history import kept_versions
    from trustdesk.rules.registry import bundled_pack_paths

    records = every_version(upgraded)
    assert {r.rule_pack for r in records} == OLD_RELEASE_PACKS
    assert {r.outcome for r in records} == {"honor", "decline"}
    assert any(r.version == 2 for r in records)  # one was amended
    assert any(r.hold_expires_at is not None for r in records)
    bundled = {path.stem: path for path in bundled_pack_paths()}
    kept = kept_versions()
    for record in records:
        assert (record.rule_pack, record.rule_pack_sha256) in kept
        assert record.decision()["rule_pack_sha256"] == record.rule_pack_sha256
    # Decided under packs no longer shipped: only the kept history can print them.
    shipped_now = {hashlib.sha256(p.read_bytes()).hexdigest() for p in bundled.values()}
    assert not shipped_now & {r.rule_pack_sha256 for r in records}


def test_every_old_record_prints_as_recorded(upgraded: Services) -> None:
    assert upgraded.store.verify().ok  # the migrated chain verifies
    session = upgraded.accounts.log_on(*OFFICER)
    records = every_version(upgraded)
    assert len(records) == 7
    for record in records:
        rendered = upgraded.memos.render(session, record.decision_id, version=record.version)
        text = pdf_text(rendered.data)
        stored = record.decision()
        assert HEADLINE[stored["decision"]] in text, record.decision_id
        for ground in stored["grounds"]:
            assert f"({ground})" in text
        if not stored["grounds"]:
            assert "Grounds met" not in text
        assert record.rule_pack_sha256 in text.replace(" ", "")  # the pinned pack
        assert f"rule pack {record.rule_pack}" in text
        assert short_code(record.record_sha256) in text  # the record's verification code
    with upgraded.store.db.reading() as conn:
        assert list(audit.entries_for(conn, "memo.refused")) == []


def test_an_old_memo_still_verifies_and_a_new_print_is_recorded(
    upgraded: Services, tmp_path: Path
) -> None:
    auditor = upgraded.accounts.log_on("aud", "paper lamp thunder")
    old = (UPGRADE / "old-release-memo-5.pdf").read_bytes()
    assert upgraded.memos.verify_pdf(auditor, old).match
    printed = upgraded.memos.print_memo(
        upgraded.accounts.log_on(*OFFICER), 6, tmp_path / "memo-6.pdf", version=1
    )
    assert printed.path is not None and printed.record.version == 1
    assert upgraded.memos.verify_pdf(auditor, printed.path.read_bytes()).match
    assert upgraded.store.verify().ok


@pytest.mark.parametrize(
    ("field", "value"),
    [("decision", "honor"), ("grounds", ["judicial_warrant"]), ("warnings", ["edited"])],
)
def test_a_tampered_stored_decision_is_refused(
    upgraded: Services, tmp_path: Path, field: str, value: Any
) -> None:
    import json

    record = upgraded.store.decisions.latest(2)  # a decline under ct-2014
    changed = {**record.decision(), field: value}
    conn = sqlite3.connect(upgraded.store.path, isolation_level=None)
    # As anyone able to write the file can: drop the guard triggers, then edit.
    triggers = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")]
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    with conn:
        conn.execute(
            "UPDATE decisions SET decision_json = ? WHERE id = ?",
            (json.dumps(changed, ensure_ascii=False), record.id),
        )
    conn.close()
    session = upgraded.accounts.log_on(*OFFICER)
    with pytest.raises(MemoRefused, match="nothing was printed"):
        upgraded.memos.print_memo(session, 2, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()
    with upgraded.store.db.reading() as conn2:
        [refusal] = list(audit.entries_for(conn2, "memo.refused"))
    assert refusal.objects_dict()["decision"] == 2
    assert refusal.objects_dict()["reason"] == "record does not verify"


def test_only_the_legal_substance_must_be_reached_again(
    upgraded: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer engine's extra fields or other wording do not block; other grounds do."""
    from trustdesk.core import record as core_record

    session = upgraded.accounts.log_on(*OFFICER)
    original = core_record.decision_to_json

    def newer_engine(decision: Any) -> dict[str, Any]:
        return {
            **original(decision),
            "what_would_change": ["a field the old release never recorded"],
            "warnings": ["worded differently today"],
        }

    monkeypatch.setattr(core_record, "decision_to_json", newer_engine)
    text = pdf_text(upgraded.memos.render(session, 3).data)
    assert "worded differently today" not in text  # the memo shows the record as stored
    assert "a field the old release never recorded" not in text

    def other_grounds(decision: Any) -> dict[str, Any]:
        return {**original(decision), "grounds": ["gang_member"]}

    monkeypatch.setattr(core_record, "decision_to_json", other_grounds)
    with pytest.raises(MemoRefused, match="its grounds differ"):
        upgraded.memos.print_memo(session, 3, tmp_path / "m.pdf")
    assert not (tmp_path / "m.pdf").exists()
    with upgraded.store.db.reading() as conn:
        [refusal] = list(audit.entries_for(conn, "memo.refused"))
    assert refusal.objects_dict()["reason"] == "decision differs"


def test_an_old_record_prints_the_header_and_signer_the_history_reaches_back_to(
    upgraded: Services,
) -> None:
    """Step 15 keeps, as the start of the history (decision 0084), the profile at its last
    change and each account's name and badge at its last entry, each vouched for by the
    digest that entry already held. A record made after them was made under them: it
    prints them, with no note. (A record made before a change the history does not hold
    says that its header is as of printing: test_memo_as_decided.py.)"""
    session = upgraded.accounts.log_on(*OFFICER)
    text = pdf_text(upgraded.memos.render(session, 6, version=1).data)
    assert "New Haven Police" in text and "ORI CT0009300" in text
    assert "as they stand at printing" not in text
    with upgraded.store.db.reading() as conn:
        assert conn.execute("SELECT count(*) FROM agency_history").fetchone()[0] == 1
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM signer_history").fetchone()[0] == users
    assert upgraded.store.verify().ok

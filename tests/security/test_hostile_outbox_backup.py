"""A hostile pass on the offline outbox and on backups (decision 0061).

The attacker has file access on a workstation (the local data folder, its ``outbox/``)
and a backup file, but no officer's or administrator's password. Five holes are closed:
a kept decision dated after the moment it was kept, a restore of a backup whose chain was
rewritten consistently (decision 0061), and a kept decision or closure planted or edited
in ``outbox/`` being recorded in its officer's name: a kept file now carries its
officer's signature, checked against the key the record holds for that officer (decision
0062; more in ``tests/security/test_kept_signatures.py``).
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

_SERVICES = Path(__file__).parent.parent / "services"
if str(_SERVICES) not in sys.path:
    sys.path.insert(0, str(_SERVICES))

from hostile import rehash_from  # noqa: E402
from livekit import honored  # noqa: E402

from trustdesk.services.decisions import make_draft  # noqa: E402
from trustdesk.store.encoding import utc_text  # noqa: E402


def _plant(desk: Any, name: str, value: dict[str, Any]) -> Path:
    """What the attacker does: write a JSON file in the workstation's outbox folder."""
    folder = desk.store.data_dir / "outbox"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def _signed_by(session: Any, value: dict[str, Any]) -> dict[str, Any]:
    """``value`` (a kept decision's file) signed with ``session``'s key, as keep does."""
    from trustdesk.services.outbox import _from_json, _to_json, signed

    return dict(json.loads(_to_json(signed(_from_json(json.dumps(value)), session.signer))))


def _kept_decision(
    desk: Any, rules: Any, *, officer: str, name: str, raw: dict[str, Any], case: Any, kept_at: Any
) -> dict[str, Any]:
    user = desk.store.users.get(officer)
    draft = make_draft(desk.services.sync.rules, case, raw)
    return {
        "id": name,
        "kept_at": utc_text(kept_at),
        "officer_id": user.id,
        "officer": officer,
        "workstation": "test-ws",
        "attempted": False,
        "refused_at": None,
        "case": raw,
        "draft_id": None,
        "rule_pack_sha256": draft.rule_pack_sha256,
        "refused": "",
    }


def test_a_planted_kept_decision_is_recorded_as_another_officers(desk: Any, rules: Any) -> None:
    """No-one kept anything: a file written into outbox/ naming officer2 becomes, at the
    next flush, a decision in the record signed by officer2, with a clean verify."""
    case, raw = honored(rules, booking="NH-FORGED-1", name="Someone Else")
    name = "f" * 32
    _plant(
        desk,
        name,
        _kept_decision(
            desk, rules, officer="officer2", name=name, raw=raw, case=case, kept_at=desk.clock.now
        ),
    )
    head = desk.store.audit.head()
    done = desk.services.sync.flush()
    recorded = [(p.id, s.record.officer) for p, s in done.recorded]
    assert recorded == [], (
        f"a file no officer kept was recorded as officer2's decision: {recorded}; "
        f"verify problems: {desk.store.verify().problems}"
    )
    [(item, why)] = done.refused  # kept, listed with the reason, for a supervisor
    assert item.id == name
    assert why == (
        f"the decision kept on this desk (draft {name[:8]}) is not recorded: it carries no "
        "signature of officer2 (kept by an earlier TrustDesk, or written into the data "
        "folder by someone else); do it again from the start"
    )
    assert desk.store.audit.head() == head  # nothing written to the record


def test_an_edited_kept_decision_is_recorded_with_the_edits(desk: Any, rules: Any) -> None:
    """The officer kept a decision; before the flush the file's person (booking, name) and
    facts are changed; the record holds the edited case as the officer's decision."""
    officer = desk.session("officer")
    sync = desk.services.sync
    case, raw = honored(rules, booking="NH-K-REAL")
    kept = sync.keep(officer, case, raw)
    [path] = (desk.store.data_dir / "outbox").glob("*.json")
    value = json.loads(path.read_text(encoding="utf-8"))
    value["case"]["person"]["booking_number"] = "NH-K-EDITED"
    value["case"]["person"]["name"] = "Another Person"
    path.write_text(json.dumps(value), encoding="utf-8")
    done = sync.flush()
    saved_case = [json.loads(s.record.case_json)["person"] for _p, s in done.recorded]
    assert saved_case == [], (
        f"kept {kept.pending.short_id} was edited on disk and recorded with the edits: "
        f"{saved_case}; verify problems {desk.store.verify().problems}"
    )
    [(item, why)] = done.refused
    assert item.id == kept.pending.id
    assert why.endswith(
        "it is not signed by officer as it stands: its file was altered or written by "
        "someone else on this workstation"
    )
    # The officer walks the case again from the list, or a supervisor discards it.
    assert [k.pending.id for k in sync.refused_kept()] == [kept.pending.id]


def test_a_kept_decision_dated_in_the_future_is_recorded(desk: Any, rules: Any) -> None:
    """``keep`` refuses a decision time ahead of now (check_not_future); a file edited to a
    decision time a week ahead is recorded anyway at the flush."""
    case, raw = honored(rules, booking="NH-K-FUTURE")
    ahead = dict(raw)
    ahead["decision_time"] = (case.decision_time + timedelta(days=7)).isoformat()
    from trustdesk.rules.caseio import parse_case

    future_case = parse_case(ahead, "test", rules.sections)
    name = "e" * 32
    # The officer's own password makes the officer's key: signed by its officer, the
    # file is still refused for what it says.
    _plant(
        desk,
        name,
        _signed_by(
            desk.session("officer"),
            _kept_decision(
                desk,
                rules,
                officer="officer",
                name=name,
                raw=ahead,
                case=future_case,
                kept_at=desk.clock.now,
            ),
        ),
    )
    done = desk.services.sync.flush()
    times = [(s.record.decision_time, s.record.recorded_at) for _p, s in done.recorded]
    assert times == [], (
        f"recorded with a decision time after its recording time: {times}; "
        f"verify problems: {desk.store.verify().problems}"
    )
    [(_item, why)] = done.refused  # kept, listed with the reason, never dropped
    assert "later than the moment it was kept" in why


def _rewrite_backup_entry(backup: Path, event: str, change: Any) -> None:
    """What the attacker does to a backup file with the plain sqlite3 module: change the
    objects of the newest ``event`` entry, re-hash the chain from there on, and write the
    new head into the backup's manifest (no TrustDesk code, no password)."""
    import sqlite3

    conn = sqlite3.connect(backup, isolation_level=None)
    try:
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        ).fetchall()
        for trigger, _sql in triggers:
            conn.execute(f"DROP TRIGGER {trigger}")
        seq, objects = conn.execute(
            "SELECT seq, objects FROM audit_log WHERE event = ? ORDER BY seq DESC LIMIT 1",
            (event,),
        ).fetchone()
        from trustdesk.store.encoding import canonical_json

        conn.execute(
            "UPDATE audit_log SET objects = ? WHERE seq = ?",
            (canonical_json(change(json.loads(objects))), seq),
        )
        prev = rehash_from(conn, seq)
        conn.execute("UPDATE backup_manifest SET head_hash = ?", (prev,))
        for _trigger, sql in triggers:
            conn.execute(sql)
    finally:
        conn.close()


def test_a_restore_takes_a_backup_whose_chain_differs_from_the_live_one(
    desk: Any, rules: Any, tmp_path: Path
) -> None:
    """A genuine backup is rewritten consistently (the memo.printed entry now names a
    forged PDF's SHA-256). The live chain still holds the backup's head entry with its
    true hash, so the backup cannot be a copy of these records; the restore never compares
    them, swaps the forgery in, re-anchors the workstation, and the forged PDF then
    verifies as MATCH while the genuine one is NO MATCH."""
    import hashlib

    officer = desk.session("officer")
    admin = desk.session("admin")
    case, raw = honored(rules, booking="NH-BK-1")
    saved = desk.services.decisions.create(officer, case, raw)
    from trustdesk.memo.viewmodel import AgencyHeader

    printed = desk.services.memos.print_memo(
        officer,
        saved.record.decision_id,
        tmp_path / "memo.pdf",
        agency=AgencyHeader("Test Agency", "Test Facility", "CT0000000"),
    )
    genuine = printed.path.read_bytes()
    forged = genuine.replace(b"NH-BK-1", b"NH-BK-9") + b"\n% forged\n"
    backup = tmp_path / "nightly.tdbackup"
    info = desk.services.records.backup(admin, backup)
    live_hash_at_head = desk.store.audit.entry(info.head_seq).hash
    desk.clock.advance(hours=1)

    _rewrite_backup_entry(
        backup,
        "memo.printed",
        lambda o: {**o, "pdf_sha256": hashlib.sha256(forged).hexdigest()},
    )
    check = desk.services.records.check_backup(backup)
    assert check.head_seq == info.head_seq and check.head_hash != live_hash_at_head

    outcome = "restored"
    try:
        desk.services.records.restore(admin, backup)
    except Exception as error:
        outcome = f"refused: {error}"
    if outcome == "restored":
        report = desk.store.verify()
        auditor = desk.session("auditor")
        forged_check = desk.services.memos.verify_pdf(auditor, forged)
        genuine_check = desk.services.memos.verify_pdf(auditor, genuine)
        outcome += (
            f"; verify problems {report.problems}; anchor problem "
            f"{desk.services.records.verify(auditor).problems}; forged memo match "
            f"{forged_check.match}; genuine memo match {genuine_check.match}"
        )
    assert "differs from this store's own entry at that position" in outcome, (
        f"backup whose entry {info.head_seq} hash differs from the live chain's: {outcome}"
    )


def test_a_planted_kept_closure_releases_a_hold_in_another_officers_name(
    desk: Any, rules: Any
) -> None:
    """No-one closed the hold: a file written into outbox/closures/ naming supervisor, with
    an ended time of the attacker's choosing, closes it at the next flush in the
    supervisor's name ("released_other"), and verify stays clean."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-CL-1")
    saved = desk.services.decisions.create(officer, case, raw)
    assert saved.hold_id is not None
    supervisor = desk.store.users.get("supervisor")
    folder = desk.store.data_dir / "outbox" / "closures"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    desk.clock.advance(minutes=30)
    (folder / ("c" * 32 + ".json")).write_text(
        json.dumps(
            {
                "id": "c" * 32,
                "kept_at": utc_text(desk.clock.now - timedelta(minutes=29)),
                "officer_id": supervisor.id,
                "officer": "supervisor",
                "workstation": "test-ws",
                "attempted": False,
                "refused_at": None,
                "hold_id": saved.hold_id,
                "booking_number": "NH-CL-1",
                "outcome": "released_other",
                "note": "released on the court's order",
                "refused": None,
            }
        ),
        encoding="utf-8",
    )
    done = desk.services.sync.flush()
    closure = desk.store.holds.get(saved.hold_id).closure
    assert done.closures == () and closure is None, (
        f"a closure no-one kept was recorded: {closure}; "
        f"verify problems {desk.store.verify().problems}"
    )
    [(item, why)] = done.closures_refused
    assert item.id == "c" * 32
    assert why.startswith(
        "the hold closure kept on this desk (draft cccccccc) is not recorded: it carries no "
        "signature of supervisor"
    )

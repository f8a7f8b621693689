"""Kept decisions on both backends: the file on the workstation, recording late with the
original officer and time, and a decision whose law changed meanwhile left for a person."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from typing import Any

from livekit import honored
from servicekit import Desk

from trustdesk.services.outbox import signed


def test_kept_file_is_private_and_recorded_late_once(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    sync = desk.services.sync
    case, raw = honored(rules, booking="NH-K-1")
    kept = sync.keep(officer, case, raw)
    [path] = (desk.store.data_dir / "outbox").glob("*.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = json.loads(path.read_text(encoding="utf-8"))
    assert content["case"] == raw and content["officer"] == "officer"
    assert content["rule_pack_sha256"] == kept.draft.rule_pack_sha256
    desk.clock.advance(hours=1)
    done = sync.flush()
    [(_item, saved)] = done.recorded
    assert saved.record.decision_time == case.decision_time
    assert saved.record.recorded_at == desk.clock.now
    assert saved.audit.objects_dict()["recorded_late"] is True
    assert sync.flush().recorded == ()  # nothing twice
    assert desk.store.verify().problems == ()


def test_a_kept_decision_whose_pack_changed_waits_for_a_person(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    sync = desk.services.sync
    case, raw = honored(rules, booking="NH-K-2")
    kept = sync.keep(officer, case, raw)
    # The officer's own file, signed again by the officer: only the pack differs.
    assert officer.signer is not None
    sync.outbox.put(signed(replace(kept.pending, rule_pack_sha256="0" * 64), officer.signer))
    head = desk.store.audit.head()
    done = sync.flush()
    assert done.recorded == ()
    [(item, why)] = done.refused
    assert item.id == kept.pending.id
    assert why == (
        "the rule pack in force for 2026-11-20 changed since the officer saw this decision; "
        "open the case again and decide it anew"
    )
    assert desk.store.audit.head() == head
    assert [p.id for p in sync.outbox.all()] == [kept.pending.id]  # still kept

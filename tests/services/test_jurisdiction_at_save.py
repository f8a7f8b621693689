"""A desk signed in before an administrator changed the agency's jurisdiction on another
desk (same record: the same data folder, or the shared server) read the old one at
sign-in and kept deciding under the old law. The save now checks, in its own
transaction, the jurisdiction in force in the record: another one refuses the save,
saying what changed, by whom and when, and to sign in again; nothing is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from livekit import honored
from servicekit import Desk

from trustdesk.store.errors import Conflict


def _counts(desk: Any) -> tuple[int, int]:
    entries = desk.store.audit.of_events("decision.created", "decision.amended")
    return len(entries), desk.store.verify().entries


def _second_desk(desk: Any, rules: Any, tmp_path: Any, database: str | None) -> Desk:
    """Another desk's own services on the same record (data folder or server)."""
    from storekit import open_desk

    folder = tmp_path / "data" if database is None else tmp_path / "other"
    return open_desk(folder, rules, desk.clock, database=database)


def test_a_desk_that_read_the_old_jurisdiction_cannot_save_under_it(
    desk: Any, rules: Any, tmp_path: Any, database: str | None
) -> None:
    other = _second_desk(desk, rules, tmp_path, database)  # signed in (CT read) first
    try:
        officer = other.session("officer")
        case, raw = honored(rules)
        first = other.services.decisions.create(officer, case, raw)  # CT in force: saved

        desk.services.jurisdiction.change(desk.session("admin"), "CA")
        before = _counts(desk)
        with pytest.raises(Conflict) as refused:
            other.services.decisions.create(officer, case, raw)
        message = str(refused.value)
        assert "jurisdiction in the record was changed to California by admin at " in message
        assert "but this desk read Connecticut when it signed in" in message
        assert "evaluated under Connecticut's law, so nothing was saved" in message
        assert "sign in again" in message and "start the case again" in message
        with pytest.raises(Conflict, match="changed to California"):
            other.services.decisions.amend(
                officer, first.record.decision_id, case, raw, "release time known"
            )
        assert _counts(desk) == before
        assert desk.store.verify().ok

        # Back to Connecticut: the desk's law is the record's again, and it saves.
        desk.services.jurisdiction.change(desk.session("admin"), "CT")
        saved = other.services.decisions.create(officer, case, raw)
        assert saved.record.rule_pack.startswith("ct-")
    finally:
        other.services.close()


def test_a_decision_kept_offline_is_not_recorded_under_a_jurisdiction_changed_since(
    desk: Any, rules: Any, tmp_path: Any, database: str | None
) -> None:
    """A desk keeps a decision while the record cannot be reached (Connecticut, read at
    sign-in); an administrator moves the agency to California at another desk; the flush
    refuses the kept decision with the same words as a live save, nothing recorded, and
    it waits for a supervisor among the refused kept decisions."""
    other = _second_desk(desk, rules, tmp_path, database)
    try:
        officer = other.session("officer")
        sync = other.services.sync
        sync.remember(officer)
        case, raw = honored(rules, booking="NH-KEPT-LAW")
        kept = sync.keep(officer, case, raw)

        desk.services.jurisdiction.change(desk.session("admin"), "CA")
        before = _counts(desk)
        desk.clock.advance(minutes=5)
        result = sync.flush()
        assert result.recorded == ()
        [(item, reason)] = result.refused
        assert item.id == kept.pending.id
        assert "jurisdiction in the record was changed to California by admin at " in reason
        assert "evaluated under Connecticut's law, so nothing was saved" in reason
        assert _counts(desk) == before
        assert [k.pending.id for k in sync.refused_kept()] == [kept.pending.id]
        assert desk.store.verify().ok
    finally:
        other.services.close()

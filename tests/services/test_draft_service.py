"""Review drafts: saved, listed newest first, private to their owner, discarded for good."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from servicekit import FAST_HASHER, Clock, Desk

from trustdesk.services.bundle import open_services
from trustdesk.services.errors import InvalidRequest, PermissionDenied
from trustdesk.store.audit import entries_for
from trustdesk.store.errors import NotFound

PAYLOAD: dict[str, Any] = {
    "step": "offenses",
    "case": {"person": {"name": "María Peña", "booking_number": "NH-2026-0412"}},
    "convictions": [{"statute": "53a-223", "level": "felony"}],
    "flags": [True, None, 2, 1.5],
}


def _events(desk: Desk, event: str) -> list[dict[str, Any]]:
    with desk.store.db.reading() as conn:
        return [{"actor": e.actor, **e.objects_dict()} for e in entries_for(conn, event)]


def test_save_list_load_replace(desk: Desk) -> None:
    drafts = desk.services.drafts
    officer = desk.session("officer")
    first = drafts.save(officer, None, " Peña, booking 0412 ", PAYLOAD)
    desk.clock.advance(minutes=5)
    second = drafts.save(officer, None, "Nowak", {"step": "person"})
    assert [(d.id, d.label) for d in drafts.list(officer)] == [
        (second, "Nowak"),
        (first, "Peña, booking 0412"),
    ]
    assert drafts.load(officer, first) == PAYLOAD
    desk.clock.advance(minutes=5)
    assert drafts.save(officer, first, "Peña", {**PAYLOAD, "step": "review"}) == first
    listed = drafts.list(officer)
    assert [d.id for d in listed] == [first, second]  # the one saved last comes first
    assert listed[0].label == "Peña" and listed[0].updated_at > listed[0].created_at
    assert drafts.load(officer, first)["step"] == "review"
    # Creations are recorded by id; autosaves are not; no personal data in the chain.
    assert _events(desk, "draft.created") == [
        {"actor": "officer", "draft": first},
        {"actor": "officer", "draft": second},
    ]
    with desk.store.db.reading() as conn:
        assert not [e for e in entries_for(conn, "draft.created") if "Pe" in e.objects]


def test_drafts_are_private_to_their_owner(desk: Desk) -> None:
    drafts = desk.services.drafts
    mine = drafts.save(desk.session("officer"), None, "mine", PAYLOAD)
    other = desk.session("officer2")
    assert drafts.list(other) == []
    assert drafts.list(desk.session("supervisor")) == []
    with pytest.raises(NotFound, match=f"you have no draft {mine}"):
        drafts.load(other, mine)
    with pytest.raises(NotFound):
        drafts.save(other, mine, "taken over", {"step": "x"})
    with pytest.raises(NotFound):
        drafts.discard(other, mine)
    assert drafts.load(desk.session("officer"), mine) == PAYLOAD
    with pytest.raises(NotFound):
        drafts.load(desk.session("officer"), mine + 100)


def test_discard_deletes_and_is_audited(desk: Desk) -> None:
    drafts = desk.services.drafts
    supervisor = desk.session("supervisor")
    kept = drafts.save(supervisor, None, "kept", {"a": 1})
    gone = drafts.save(supervisor, None, "gone", PAYLOAD)
    drafts.discard(supervisor, gone)
    assert [d.id for d in drafts.list(supervisor)] == [kept]
    with pytest.raises(NotFound):
        drafts.load(supervisor, gone)
    with pytest.raises(NotFound):
        drafts.discard(supervisor, gone)
    assert _events(desk, "draft.discarded") == [{"actor": "supervisor", "draft": gone}]
    assert desk.store.verify().ok  # drafts are not evidence: deleting one breaks nothing


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (["not", "an", "object"], "must be a JSON object"),
        ({"case": {"dob": date(1990, 4, 17)}}, "a date at /case/dob, which is not JSON"),
        ({"risk": float("nan")}, "nan at /risk, which JSON cannot store"),
        ({"answers": {1: "yes"}}, "key 1 at /answers that is not text"),
        ({"blob": b"bytes"}, "a bytes at /blob"),
        ({"big": "x" * (1024 * 1024)}, "a draft may hold at most 1 MiB"),
    ],
)
def test_payloads_that_cannot_be_kept_are_refused(desk: Desk, payload: Any, words: str) -> None:
    officer = desk.session("officer")
    with pytest.raises(InvalidRequest, match=re.escape(words)):
        desk.services.drafts.save(officer, None, "x", payload)
    assert desk.services.drafts.list(officer) == []


def test_labels_are_checked(desk: Desk) -> None:
    officer = desk.session("officer")
    with pytest.raises(InvalidRequest, match="at most 200"):
        desk.services.drafts.save(officer, None, "x" * 201, {})
    with pytest.raises(InvalidRequest, match="control character"):
        desk.services.drafts.save(officer, None, "a\tb", {})
    assert desk.services.drafts.save(officer, None, "é" * 200, {}) > 0


def test_only_the_desk_keeps_drafts(desk: Desk) -> None:
    for name in ("admin", "auditor"):
        with pytest.raises(PermissionDenied, match="keep review drafts"):
            desk.services.drafts.save(desk.session(name), None, "x", {})
    assert [e["operation"] for e in _events(desk, "permission.denied")] == ["draft.use"] * 2


_CHILD = """
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from storekit import open_desk
from trustdesk.rules.registry import load_rules
desk = open_desk(sys.argv[1], load_rules())
draft_id = desk.services.drafts.save(desk.session("officer"), None, "before crash", {"n": 1})
print(draft_id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_saved_draft_survives_a_crash(tmp_path: Path, rules: Any) -> None:
    storekit_dir = str(Path(__file__).resolve().parents[1] / "store")
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, str(tmp_path / "data"), storekit_dir],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    draft_id = int(child.stdout.strip())  # acknowledged before the process was killed
    with open_services(tmp_path / "data", rules, hasher=FAST_HASHER, clock=Clock()) as services:
        desk = Desk(services, Clock())
        assert desk.services.drafts.load(desk.session("officer"), draft_id) == {"n": 1}
        assert desk.store.verify().ok


def test_a_decision_takes_its_draft_with_it_and_is_recorded_once(desk: Desk, rules: Any) -> None:
    """Two saves of one review's draft (two desks of its officer, or a draft resumed after
    its decision was saved): the first records the decision and deletes the draft in one
    transaction, naming it in its entry; the second records nothing (decision 0087)."""
    import threading

    from livekit import honored

    from trustdesk.store.errors import DraftGone

    case, raw = honored(rules)
    officer = desk.session("officer")
    draft_id = desk.services.drafts.save(officer, None, "NH-1", {"case": raw})
    outcomes: list[object] = []
    start = threading.Barrier(2)

    def save() -> None:
        start.wait()
        try:
            outcomes.append(desk.services.decisions.create(officer, case, raw, draft_id=draft_id))
        except DraftGone as error:
            outcomes.append(error)

    threads = [threading.Thread(target=save) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    refused = [o for o in outcomes if isinstance(o, DraftGone)]
    saved = [o for o in outcomes if not isinstance(o, DraftGone)]
    assert len(refused) == 1 and len(saved) == 1, outcomes
    assert str(refused[0]).startswith(f"this review's draft {draft_id} is no longer in the record")
    assert desk.services.drafts.list(officer) == []
    with desk.store.db.reading() as conn:
        created = list(entries_for(conn, "decision.created"))
    assert [e.objects_dict().get("review_draft") for e in created] == [draft_id]
    # Another officer's draft of the same number is not theirs to take.
    mine = desk.services.drafts.save(officer, None, "NH-1", {"case": raw})
    with pytest.raises(DraftGone):
        desk.services.decisions.create(desk.session("officer2"), case, raw, draft_id=mine)
    assert [d.id for d in desk.services.drafts.list(officer)] == [mine]

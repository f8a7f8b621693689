"""A kept file names the desk its work was done at, and a late record writes that name
into the audit's workstation column (and ``kept_on``): the reports' "Decisions by desk",
Administration and the history show it. An officer who knows their own password can sign
a file they wrote themselves, so the name is checked like the rest of the file: one no
computer has (a formula, a control or text-direction character, a page of text) refuses
that item, with the name written out safely, and records nothing of it; the rest of the
flush goes on. On both backends (a hostile pass).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk
from test_kept_unlocks import offline_unlocks, set_aside_files, unlock_files

from trustdesk.services.errors import InvalidRequest
from trustdesk.services.outbox import signed
from trustdesk.store.search import SearchQuery

#: Desk names no computer has, and how a refusal writes each out.
BAD_DESKS = {
    "formula": ('=HYPERLINK("http://x","desk")', '"=HYPERLINK("http://x","desk")"', "'='"),
    "control": (
        "desk-1\nRecorded by: supervisor",
        '"desk-1<U+000A>Recorded by: supervisor"',
        "'<U+000A>'",
    ),
    "bidi": ("desk-\u202e7ksed", '"desk-<U+202E>7ksed"', "'<U+202E>'"),
    "long": ("d" * 10_000, '"' + "d" * 60 + '"… (10000 characters)', "10000 characters long"),
    # Another desk's name with a Cyrillic 'Е' (U+0415) for the Latin 'E'.
    "look-alike": (
        "BOOKING-D\u0415SK-02",
        '"BOOKING-D<U+0415>SK-02"',
        "it mixes Cyrillic and Latin letters",
    ),
    "full-width": (
        "\uff24\uff25\uff33\uff2b-02",
        '"<U+FF24><U+FF25><U+FF33><U+FF2B>-02"',
        "look-alike of 'D'",
    ),
}


def _workstations(desk: Desk) -> set[str]:
    """Every workstation the audit holds, and every ``kept_on`` its objects give."""
    found = set()
    for entry in desk.store.audit.stream(desk.store.audit.head()[0]):
        found.add(entry.workstation)
        kept_on = entry.objects_dict().get("kept_on")
        if kept_on is not None:
            found.add(kept_on)
    return found


def _hold(desk: Desk, rules: Any, booking: str) -> Any:
    desk.services.decisions.create(desk.session("officer"), *honored(rules, booking=booking))
    [status] = [
        s
        for s in desk.services.holds.active(desk.session("officer"))
        if s.booking_number == booking
    ]
    return status


@pytest.mark.parametrize("kind", sorted(BAD_DESKS))
def test_a_decision_signed_with_an_implausible_desk_is_refused_and_the_other_recorded(
    desk: Desk, rules: Any, kind: str
) -> None:
    bad, written, fault = BAD_DESKS[kind]
    officer = desk.session("officer")
    sync = desk.services.sync
    assert officer.signer is not None
    forged = sync.keep(officer, *honored(rules, booking="NH-DESK-1"))
    # The officer rewrites their own kept file and signs it with their own key.
    sync.outbox.put(signed(replace(forged.pending, workstation=bad), officer.signer))
    normal = sync.keep(officer, *honored(rules, booking="NH-DESK-2"))
    done = sync.flush()
    assert [item.id for item, _saved in done.recorded] == [normal.pending.id]
    [(item, why)] = done.refused
    assert item.id == forged.pending.id
    path = desk.store.data_dir / "outbox" / f"{forged.pending.id}.json"
    assert why.startswith(
        f"the decision kept on this desk (draft {forged.pending.short_id}) is not recorded: "
        f"its file ({path}) names the desk it was kept at as {written}, which is not a "
        "desk's name ("
    )
    assert fault in why
    assert why.endswith("its file was written or altered by hand; do it again from the start")
    assert "\n" not in why and "\u202e" not in why and len(why) < 600
    # Kept, listed for a supervisor with the reason; nothing of it in the record.
    assert [k.pending.id for k in sync.refused_kept()] == [forged.pending.id]
    assert sync.outbox.get(forged.pending.id).refused == why  # type: ignore[union-attr]
    assert desk.store.search.decisions(SearchQuery(booking_number="NH-DESK-1")) == []
    assert len(desk.store.search.decisions(SearchQuery(booking_number="NH-DESK-2"))) == 1
    assert bad not in _workstations(desk)
    assert desk.store.verify().problems == ()


@pytest.mark.parametrize("kind", sorted(BAD_DESKS))
def test_a_closure_signed_with_an_implausible_desk_is_refused_and_its_hold_stays_open(
    desk: Desk, rules: Any, kind: str
) -> None:
    bad, written, _fault = BAD_DESKS[kind]
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    assert officer.signer is not None
    forged_hold = _hold(desk, rules, "NH-DESK-4")
    normal_hold = _hold(desk, rules, "NH-DESK-5")
    kept = sync.keep_closure(officer, forged_hold, "ice_took_custody", None)
    sync.closures.put(signed(replace(kept, workstation=bad), officer.signer))
    normal = sync.keep_closure(officer, normal_hold, "ice_took_custody", None)
    done = sync.flush()
    assert [c.id for c in done.closures] == [normal.id]
    [(closure, why)] = done.closures_refused
    assert closure.id == kept.id
    path = desk.store.data_dir / "outbox" / "closures" / f"{kept.id}.json"
    assert why.startswith(
        f"the hold closure kept on this desk (draft {kept.short_id}) is not recorded: its "
        f"file ({path}) names the desk it was kept at as {written}, which is not a desk's "
        "name ("
    )
    assert "\n" not in why and "\u202e" not in why and len(why) < 800
    assert desk.store.holds.get(forged_hold.hold_id).closure is None
    assert desk.store.holds.get(normal_hold.hold_id).closure is not None
    # Listed under Not recorded; recording it again is refused the same way.
    refused = sync.refused_closures
    assert [item.id for item in refused.list()] == [kept.id]
    with pytest.raises(InvalidRequest, match="which is not a desk's name"):
        refused.record_again(desk.session("supervisor"), kept.id)
    assert desk.store.holds.get(forged_hold.hold_id).closure is None
    assert bad not in _workstations(desk)


@pytest.mark.parametrize("kind", sorted(BAD_DESKS))
def test_an_unlock_signed_with_an_implausible_desk_is_left_unrecorded(
    desk: Desk, kind: str
) -> None:
    bad, written, fault = BAD_DESKS[kind]
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    assert officer.signer is not None
    forged = sync.keep_unlock(officer, "failure")
    sync.unlocks.put(signed(replace(forged, workstation=bad), officer.signer))
    normal = sync.keep_unlock(officer, "success")
    assert sync.record_unlocks() == 1
    [(outcome, objects, _actor)] = offline_unlocks(desk)
    assert (outcome, objects["offline_unlock"]) == ("success", normal.id)
    # Never recorded: the record says so once, naming the desk written out, and the
    # file is set aside, kept as it was.
    [said] = desk.store.audit.of_events("unlock.not_recorded")
    assert said.outcome == "denied"
    assert said.objects_dict()["kept_unlock"] == forged.id
    assert said.objects_dict()["kept_on"] == written
    reason = said.objects_dict()["reason"]
    assert reason.startswith("the desk it names is not a desk's name (") and fault in reason
    assert unlock_files(desk) == []
    [aside] = set_aside_files(desk)
    assert json.loads(aside.read_text(encoding="utf-8"))["workstation"] == bad
    assert sync.record_unlocks() == 0
    assert len(desk.store.audit.of_events("unlock.not_recorded")) == 1
    assert bad not in _workstations(desk)
    assert desk.store.verify().problems == ()


def test_host_names_pass_and_this_desks_own_name_always_does(desk: Desk, rules: Any) -> None:
    """What computers are named passes (a Windows name may hold letters beyond ASCII);
    a kept file naming this very desk passes whatever its name, as its live saves do."""
    from trustdesk.services.kept_checks import desk_name_fault

    for name in ("ws", "test-ws", "BOOKING-DESK-02", "desk_3.jail.ct.gov", "MÜNCHEN-PC", "a" * 253):
        assert desk_name_fault(name) is None, name
    # Names in another script pass, whole or beside Latin letters that nothing there
    # passes for; look-alikes of Latin letters and digits do not.
    for name in ("ДЕСК-1", "山田-PC", "ΓΡΑΦΕΙΟ-3"):
        assert desk_name_fault(name) is None, name
    for name in ("", "a" * 254, "desk 2", "desk\t2", "=1+1", "desk\u200b2"):
        assert desk_name_fault(name) is not None, name
    for name, fault in (
        ("BOOKING-D\u0415SK-02", "it mixes Cyrillic and Latin letters"),
        ("DESK-\u039f2", "it mixes Greek and Latin letters"),  # a Greek capital omicron
        ("\U0001d403\U0001d404\U0001d412\U0001d40a-1", "it holds '𝐃', a look-alike of 'D'"),
        ("DESK-\u00b2", "it holds '²', a look-alike of '2'"),
    ):
        assert (desk_name_fault(name) or "").startswith(fault), name
    sync = desk.services.sync
    sync.ctx.workstation = "Booking Desk (east)"  # what an administrator named it
    officer = desk.session("officer")
    kept = sync.keep(officer, *honored(rules, booking="NH-DESK-3"))
    assert kept.pending.workstation == "Booking Desk (east)"
    done = sync.flush()
    assert [item.id for item, _saved in done.recorded] == [kept.pending.id]
    assert "Booking Desk (east)" in _workstations(desk)


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("kind", sorted(BAD_DESKS))
def test_what_deals_with_a_refused_item_writes_its_desk_out(
    desk: Desk, rules: Any, kind: str
) -> None:
    """The refused decision's memo, the refused closure's slip, and the discard of each:
    the desk its file names is written out there too, never put in the record as it is."""
    from test_offline_desk import pdf_text

    bad, written, _fault = BAD_DESKS[kind]
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    assert officer.signer is not None
    kept = sync.keep(officer, *honored(rules, booking="NH-DESK-6"))
    sync.outbox.put(signed(replace(kept.pending, workstation=bad), officer.signer))
    status = _hold(desk, rules, "NH-DESK-7")
    closure = sync.keep_closure(officer, status, "ice_took_custody", None)
    sync.closures.put(signed(replace(closure, workstation=bad), officer.signer))
    done = sync.flush()
    assert len(done.refused) == 1 and len(done.closures_refused) == 1
    [refused] = sync.refused_kept()
    assert _flat(f"on workstation {written} at") in _flat(pdf_text(sync.memo(refused)))
    slip = pdf_text(sync.refused_closures.slip(officer, closure.id, UTC))
    assert _flat(f"officer at desk {written}") in _flat(slip)
    supervisor = desk.session("supervisor")
    sync.discard(supervisor, kept.pending.id, "the desk in its file is not ours")
    sync.refused_closures.discard(supervisor, closure.id, "the desk in its file is not ours")
    discards = desk.store.audit.of_events("kept_decision.discarded", "kept_closure.discarded")
    assert [entry.objects_dict()["kept_on"] for entry in discards] == [written, written]
    assert bad not in _workstations(desk)
    assert sync.outbox.all() == [] and sync.closures.all() == []

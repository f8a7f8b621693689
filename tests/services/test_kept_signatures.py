"""What a desk keeps while the record server is lost is signed by its officer (decision
0062), on both backends: the key is made at sign-in from the password and registered in
the audit chain once; a kept decision or closure is recorded only when its signature
verifies against the officer's registered key as the file stands. Planted, edited,
re-signed by another officer, copied back after recording, kept under a password changed
since, or kept by a session that never signed in: refused (or not recorded twice), with
the reason, and nothing written to the record by the refusal.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from typing import Any

import pytest
from livekit import honored
from servicekit import Desk

from trustdesk.services.context import Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.kept_signing import REGISTERED, KeptSigner, signed_text, verifies
from trustdesk.services.outbox import signed
from trustdesk.services.passwords import PasswordHasher, ScryptParams
from trustdesk.store.search import SearchQuery

NEW_PASSWORD = "amber orchard kettle 55"


def registrations(desk: Desk, username: str) -> list[str]:
    user = desk.store.users.get(username)
    return [
        entry.objects_dict()["signing_key"]
        for entry in desk.store.audit.of_events(REGISTERED)
        if entry.actor_id == user.id and entry.objects_dict()["user"] == user.id
    ]


def kept_file(desk: Desk) -> Any:
    [path] = (desk.store.data_dir / "outbox").glob("*.json")
    return path


def test_sign_in_registers_the_officers_key_once_and_keep_signs_with_it(
    desk: Desk, rules: Any
) -> None:
    officer = desk.session("officer")
    assert officer.signer is not None
    assert registrations(desk, "officer") == [officer.signer.public_hex]
    again = desk.session("officer")  # same password: same key, nothing registered again
    assert again.signer is not None and again.signer.public_hex == officer.signer.public_hex
    assert registrations(desk, "officer") == [officer.signer.public_hex]
    assert "blue" not in repr(officer) and officer.signer.public_hex[:16] in repr(officer)

    case, raw = honored(rules, booking="NH-SIG-1")
    kept = desk.services.sync.keep(officer, case, raw)
    content = json.loads(kept_file(desk).read_text(encoding="utf-8"))
    assert content["signing_key"] == officer.signer.public_hex
    assert verifies(content["signing_key"], kept.pending.signed_text(), content["signature"])
    # The text signed is every field fixed at keeping, the case as the file holds it.
    assert kept.pending.signed_text() == signed_text(
        "decision",
        {
            "id": content["id"],
            "kept_at": content["kept_at"],
            "officer_id": content["officer_id"],
            "officer": "officer",
            "workstation": content["workstation"],
            "case": content["case"],
            "draft_id": None,
            "rule_pack_sha256": content["rule_pack_sha256"],
        },
    )
    done = desk.services.sync.flush()
    [(_item, saved)] = done.recorded
    assert saved.record.officer == "officer" and done.refused == ()
    assert desk.store.verify().problems == ()


def test_a_file_signed_by_another_officer_in_this_officers_name_is_refused(
    desk: Desk, rules: Any
) -> None:
    """officer2 knows only their own password: they keep a decision, then rewrite the
    file to name officer and sign it again with their own key."""
    officer2 = desk.session("officer2")
    desk.session("officer")  # officer's key is in the record
    assert officer2.signer is not None
    case, raw = honored(rules, booking="NH-SIG-2")
    kept = desk.services.sync.keep(officer2, case, raw)
    target = desk.store.users.get("officer")
    forged = signed(replace(kept.pending, officer_id=target.id, officer="officer"), officer2.signer)
    desk.services.sync.outbox.put(forged)
    head = desk.store.audit.head()
    done = desk.services.sync.flush()
    assert done.recorded == ()
    [(_item, why)] = done.refused
    assert why == (
        f"the decision kept on this desk (draft {kept.pending.short_id}) is not recorded: it "
        "is not signed by officer as it stands: its file was altered or written by someone "
        "else on this workstation"
    )
    assert desk.store.audit.head() == head


def test_the_same_signed_decision_copied_back_is_not_recorded_twice(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-3")
    desk.services.sync.keep(officer, case, raw)
    copy = tmp_path / "copy.json"
    shutil.copy(kept_file(desk), copy)
    [(_item, saved)] = desk.services.sync.flush().recorded
    _put_back(desk, copy)  # after recording, as never attempted
    _flushed_and_recorded_once(desk, "NH-SIG-3", saved.record.decision_id)


def _flushed_and_recorded_once(desk: Desk, booking: str, decision_id: int) -> None:
    """A flush records nothing and refuses nothing; the record holds the one decision
    for ``booking``; the copy put back is gone."""
    done = desk.services.sync.flush()
    assert done.recorded == () and done.refused == ()
    rows = desk.store.search.decisions(SearchQuery(booking_number=booking))
    assert [row.decision_id for row in rows] == [decision_id]
    assert list((desk.store.data_dir / "outbox").glob("*.json")) == []


def test_a_decision_kept_before_the_password_changed_is_refused_plainly(
    desk: Desk, rules: Any
) -> None:
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-4")
    kept = desk.services.sync.keep(officer, case, raw)
    desk.services.accounts.reset_password(desk.session("admin"), "officer", NEW_PASSWORD)
    new = desk.services.accounts.log_on("officer", NEW_PASSWORD)
    assert new.signer is not None and officer.signer is not None
    assert new.signer.public_hex != officer.signer.public_hex
    assert registrations(desk, "officer") == [officer.signer.public_hex, new.signer.public_hex]
    done = desk.services.sync.flush()
    [(_item, why)] = done.refused
    assert why == (
        f"the decision kept on this desk (draft {kept.pending.short_id}) is not recorded: it "
        "was signed under officer's earlier password (changed since); do it again from the "
        "start"
    )
    # Listed for the officer to walk again, or a supervisor to discard with a reason.
    assert [k.pending.id for k in desk.services.sync.refused_kept()] == [kept.pending.id]


def test_an_officer_with_no_key_in_the_record_has_nothing_recorded(desk: Desk, rules: Any) -> None:
    """supervisor2 never signed in: no key of theirs is registered; a file naming them,
    signed with any key, is refused."""
    status_case, raw = honored(rules, booking="NH-SIG-5")
    officer = desk.session("officer")
    kept = desk.services.sync.keep(officer, status_case, raw)
    other = desk.store.users.get("supervisor2")
    stranger = KeptSigner(b"\x07" * 32)
    desk.services.sync.outbox.put(
        signed(replace(kept.pending, officer_id=other.id, officer="supervisor2"), stranger)
    )
    [(_item, why)] = desk.services.sync.flush().refused
    assert why.endswith(
        "the record holds no signing key of supervisor2; they must sign in once while the "
        "server answers, then do it again from the start"
    )


def test_an_edited_closure_is_refused_and_its_hold_stays_open(desk: Desk, rules: Any) -> None:
    case, raw = honored(rules, booking="NH-SIG-6")
    officer = desk.session("officer")
    desk.services.decisions.create(officer, case, raw)
    [status] = desk.services.holds.active(officer)
    sync = desk.services.sync
    kept = sync.keep_closure(officer, status, "ice_took_custody", None)
    path = desk.store.data_dir / "outbox" / "closures" / f"{kept.id}.json"
    value = json.loads(path.read_text(encoding="utf-8"))
    value["outcome"], value["note"] = "released_other", "released on the court's order"
    path.write_text(json.dumps(value), encoding="utf-8")
    done = sync.flush()
    assert done.closures == ()
    [(_item, why)] = done.closures_refused
    assert why.startswith(
        f"the hold closure kept on this desk (draft {kept.short_id}) is not recorded: it is "
        "not signed by officer as it stands"
    )
    assert desk.store.holds.get(status.hold_id).closure is None


def test_a_session_that_did_not_sign_in_cannot_keep(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-7")
    bare = Session(officer.user_id, officer.username, officer.started_at)
    with pytest.raises(InvalidRequest, match="sign out and sign in again"):
        desk.services.sync.keep(bare, case, raw)
    assert not (desk.store.data_dir / "outbox").exists() or not list(
        (desk.store.data_dir / "outbox").glob("*.json")
    )


def test_the_key_comes_from_the_password_not_from_the_stored_hash() -> None:
    """The seed is the scrypt output after the stored hash: the same for the same
    password and stored hash (every sign-in), another with another salt, none for a wrong
    password, and not any function of the stored text alone."""
    hasher = PasswordHasher(ScryptParams(n=2**8))
    stored, seed = hasher.hash_with_seed("a long pass phrase 1")
    assert hasher.verify_with_seed("a long pass phrase 1", stored) == seed
    assert hasher.verify_with_seed("a long pass phrase 2", stored) is None
    other_stored, other_seed = hasher.hash_with_seed("a long pass phrase 1")
    assert other_stored != stored and other_seed != seed
    digest = stored.rsplit("$", 1)[1].encode()
    assert seed not in (digest, stored.encode()) and len(seed) == 32
    key = KeptSigner(seed)
    assert key.public_hex != KeptSigner(stored.encode()[:32]).public_hex


def test_a_rehash_at_sign_in_registers_the_new_key(desk: Desk) -> None:
    first = desk.session("auditor")
    desk.services.accounts.ctx.hasher = PasswordHasher(ScryptParams(n=2**9))
    second = desk.session("auditor")  # rehashed with the new cost and a new salt
    third = desk.session("auditor")
    assert first.signer is not None and second.signer is not None
    assert third.signer is not None
    assert second.signer.public_hex != first.signer.public_hex
    assert third.signer.public_hex == second.signer.public_hex
    assert registrations(desk, "auditor") == [first.signer.public_hex, second.signer.public_hex]
    assert desk.services.accounts.signing_key(desk.store.users.get("auditor").id) == (
        second.signer.public_hex
    )


def test_a_kept_file_not_named_by_its_id_is_left_alone(desk: Desk, rules: Any) -> None:
    """A copy under another name would outlive every flush (only the file named by the
    id is removed): such a file is not one keep wrote, and is not read."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-8")
    kept = desk.services.sync.keep(officer, case, raw)
    path = kept_file(desk)
    path.rename(path.with_name("renamed.json"))
    assert desk.services.sync.outbox.all() == [] and desk.services.sync.waiting() == 0
    path.with_name("renamed.json").rename(path)
    assert [item.id for item in desk.services.sync.outbox.all()] == [kept.pending.id]


# --- a hostile review of the signing (decision 0062, "A second pass") -----------------------


def _lock(desk: Desk, username: str) -> None:
    """Five wrong passwords, as anyone at the desk can type them."""
    from trustdesk.services.errors import ServiceError

    desk.clock.advance(minutes=1)  # failures count after the last sign-in
    for _ in range(5):
        with pytest.raises(ServiceError):
            desk.services.accounts.log_on(username, "not the password at all")


def _put_back(desk: Desk, copy: Any) -> None:
    """A copy of a kept file written back under its own name, as never attempted or
    refused (those fields are not signed)."""
    value = json.loads(copy.read_text(encoding="utf-8"))
    decision = "case" in value
    value.update(attempted=False, refused="" if decision else None, refused_at=None)
    folder = desk.store.data_dir / "outbox" / ("" if decision else "closures")
    (folder / f"{value['id']}.json").write_text(json.dumps(value), "utf-8")


def test_a_copy_put_back_after_an_amendment_is_not_recorded_again(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """The recorded decision is amended by another officer (its latest version is then
    theirs, as a search by officer sees it): the officer's signed copy put back is still
    known to the record by its offline id."""
    from trustdesk.rules.caseio import parse_case

    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-9")
    desk.services.sync.keep(officer, case, raw)
    copy = tmp_path / "copy.json"
    shutil.copy(kept_file(desk), copy)
    [(_item, saved)] = desk.services.sync.flush().recorded
    changed = json.loads(json.dumps(raw))
    changed["person"]["name"] += " Jr"
    desk.services.decisions.amend(
        desk.session("officer2"),
        saved.record.decision_id,
        parse_case(changed, "test", rules.sections),
        changed,
        "spelling of the name",
    )
    _put_back(desk, copy)
    _flushed_and_recorded_once(desk, "NH-SIG-9", saved.record.decision_id)


def test_discarded_kept_work_put_back_is_not_recorded_or_closed(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """The officer is locked out by five wrong passwords, so their kept work is refused;
    a supervisor discards it with a reason; the officer is unlocked; copies of the signed
    files are put back: the discards stand."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-10")
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-11"))
    [status] = desk.services.holds.active(officer)
    sync = desk.services.sync
    kept = sync.keep(officer, case, raw)
    closure = sync.keep_closure(officer, status, "ice_took_custody", None)
    copies = [tmp_path / "decision.json", tmp_path / "closure.json"]
    shutil.copy(kept_file(desk), copies[0])
    closures = desk.store.data_dir / "outbox" / "closures"
    shutil.copy(closures / f"{closure.id}.json", copies[1])
    _lock(desk, "officer")
    done = sync.flush()
    assert len(done.refused) == 1 and len(done.closures_refused) == 1
    supervisor = desk.session("supervisor")
    sync.discard(supervisor, kept.pending.id, "entered in error")
    sync.refused_closures.discard(supervisor, closure.id, "the person is still in custody")
    desk.services.accounts.unlock(desk.session("admin"), "officer")
    for copy in copies:
        _put_back(desk, copy)
    done = sync.flush()
    assert done.recorded == () and done.closures == ()
    assert desk.store.search.decisions(SearchQuery(booking_number="NH-SIG-10")) == []
    assert desk.store.holds.get(status.hold_id).closure is None
    assert sync.outbox.all() == [] and sync.closures.all() == []


def test_a_refused_decision_waits_for_a_person_and_is_not_retried(desk: Desk, rules: Any) -> None:
    """Refused (the officer locked out), then decided again by a supervisor: unlocking
    the officer does not record the kept copy as well."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-12")
    kept = desk.services.sync.keep(officer, case, raw)
    _lock(desk, "officer")
    assert len(desk.services.sync.flush().refused) == 1
    desk.services.decisions.create(desk.session("supervisor"), case, raw)
    desk.services.accounts.unlock(desk.session("admin"), "officer")
    done = desk.services.sync.flush()
    assert done.recorded == () and done.refused == ()
    rows = desk.store.search.decisions(SearchQuery(booking_number="NH-SIG-12"))
    assert [row.officer for row in rows] == ["supervisor"]
    assert [k.pending.id for k in desk.services.sync.refused_kept()] == [kept.pending.id]


def test_a_file_naming_another_officer_by_name_only_is_refused(desk: Desk, rules: Any) -> None:
    """officer2 signs, with their own key, a file that keeps their own id and gives
    officer's name: the record's account of that id is officer2."""
    officer2 = desk.session("officer2")
    assert officer2.signer is not None
    case, raw = honored(rules, booking="NH-SIG-13")
    kept = desk.services.sync.keep(officer2, case, raw)
    desk.services.sync.outbox.put(signed(replace(kept.pending, officer="officer"), officer2.signer))
    done = desk.services.sync.flush()
    assert done.recorded == ()
    [(_item, why)] = done.refused
    assert why.endswith(
        "it names 'officer', but the account it gives by number is 'officer2': its file was altered"
    )


def test_a_planted_refused_closure_cannot_be_recorded_again(desk: Desk, rules: Any) -> None:
    """A closure file planted as already refused is not listed under Not recorded until a
    flush of this desk refuses it (its refusal signed by the desk's officer, decision
    0064); recording it again is refused, and its hold stays open."""
    officer = desk.session("officer")
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-14"))
    [status] = desk.services.holds.active(officer)
    supervisor = desk.store.users.get("supervisor")
    folder = desk.store.data_dir / "outbox" / "closures"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ("d" * 32 + ".json")).write_text(
        json.dumps(
            {
                "id": "d" * 32,
                "kept_at": "2026-11-20T15:30:00.000000Z",
                "officer_id": supervisor.id,
                "officer": "supervisor",
                "workstation": "test-ws",
                "attempted": False,
                "refused_at": "2026-11-20T15:40:00.000000Z",
                "hold_id": status.hold_id,
                "booking_number": "NH-SIG-14",
                "outcome": "released_other",
                "note": "court order",
                "refused": "account 'supervisor' is locked; ask an administrator",
            }
        ),
        encoding="utf-8",
    )
    sync = desk.services.sync
    refused = sync.refused_closures
    # Its refusal is signed by no desk of this record: it is not listed, and not held back.
    assert refused.list() == []
    with pytest.raises(InvalidRequest, match="has not been refused by the record"):
        refused.record_again(desk.session("officer2"), "d" * 32)
    sync.remember(officer)  # the app's sign-in: this desk's refusals are signed by officer
    [(_closure, why)] = sync.flush().closures_refused
    assert "carries no signature of supervisor" in why
    assert [item.id for item in refused.list()] == ["d" * 32]
    with pytest.raises(InvalidRequest, match="carries no signature of supervisor"):
        refused.record_again(desk.session("officer2"), "d" * 32)
    assert desk.store.holds.get(status.hold_id).closure is None


def test_an_unsigned_pending_closure_does_not_hide_its_hold(desk: Desk, rules: Any) -> None:
    """The board hides the holds this desk closed while the server was lost; a planted
    closure, whose signature does not verify even with the key it names, hides none."""
    officer = desk.session("officer")
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-15"))
    [status] = desk.services.holds.active(officer)
    sync = desk.services.sync
    kept = sync.keep_closure(officer, status, "ice_took_custody", None)
    assert sync.hidden_holds() == {status.hold_id}
    sync.closures.put(replace(kept, outcome="released_at_expiry"))  # edited: no longer verifies
    assert sync.hidden_holds() == set()


def test_only_a_closure_signed_with_a_key_the_desk_learnt_hides_its_hold(
    desk: Desk, rules: Any
) -> None:
    """A closure planted with a key of the planter's own making verifies with the key it
    names, and one signed by another officer of this desk verifies with theirs; neither
    is its officer's key as the desk learnt it from their sign-in, so the hold stays on
    the board (decision 0064). The officer's own closure hides it."""
    from trustdesk.services.kept_checks import self_signed

    officer = desk.session("officer")
    officer2 = desk.session("officer2")
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-31"))
    [status] = desk.services.holds.active(officer)
    sync = desk.services.sync
    sync.keep_closure(officer2, status, "ice_took_custody", None)  # officer2's key is known
    [genuine2] = sync.closures.pending()
    sync.closures.remove(genuine2)
    assert officer2.signer is not None
    for signer in (KeptSigner(b"a key made by whoever writes the folder"), officer2.signer):
        planted = sync.closures.keep(
            kept_at=desk.clock(),
            officer_id=officer.user_id,
            officer="officer",
            workstation=desk.services.ctx.workstation,
            hold_id=status.hold_id,
            booking_number=status.booking_number,
            outcome="ice_took_custody",
            note=None,
            attempted=False,
            signer=signer,
        )
        assert self_signed(planted)
        assert sync.hidden_holds() == set()
        sync.closures.remove(planted)
    sync.keep_closure(officer, status, "ice_took_custody", None)
    assert sync.hidden_holds() == {status.hold_id}


def _recorded_then_misdated(desk: Desk, rules: Any, booking: str, tmp_path: Any) -> Any:
    """A decision kept and recorded, a copy of its signed file taken before; then more
    entries than the chain had, made by a desk whose clock is three days behind. Returns
    (the copy, the decision's id, the recording entry's position)."""
    from trustdesk.services.kept_dealt import DEALT_SLACK

    officer = desk.session("officer")
    case, raw = honored(rules, booking=booking)
    kept = desk.services.sync.keep(officer, case, raw)
    copy = tmp_path / "copy.json"
    shutil.copy(kept_file(desk), copy)
    [(_item, saved)] = desk.services.sync.flush().recorded
    recording = desk.store.audit.head()[0]
    desk.clock.advance(days=-3)
    while desk.store.audit.head()[0] < 2 * recording + 10:
        desk.session("officer2")
    desk.clock.advance(days=3)
    # The search by time alone starts past the entry that recorded the decision.
    assert desk.store.audit.first_made_since(kept.pending.kept_at - DEALT_SLACK) > recording
    return copy, saved.record.decision_id, kept.pending


def test_a_copy_put_back_is_found_whatever_the_desks_clocks_said(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """The kept file carries, signed, the record's last entry the desk had seen; the
    flush looks after it, not by the entries' times (decision 0064)."""
    desk.services.sync.probe()  # the desk has seen the record, as at every sign-in
    seen = desk.store.audit.head()
    copy, decision_id, pending = _recorded_then_misdated(desk, rules, "NH-SIG-32", tmp_path)
    assert (pending.seen_seq, pending.seen_hash) == seen
    assert json.loads(copy.read_text("utf-8"))["seen_seq"] == seen[0]
    _put_back(desk, copy)
    _flushed_and_recorded_once(desk, "NH-SIG-32", decision_id)


def test_a_seen_entry_the_record_no_longer_holds_means_looking_from_the_start(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """The desk had seen an entry the record does not hold (a record put back from an
    older copy): the flush looks through the whole chain."""
    desk.services.sync.probe()
    head, _hash = desk.store.audit.head()
    desk.services.sync._seen = (head + 500, "ab" * 32)  # seen before the record went back
    copy, decision_id, pending = _recorded_then_misdated(desk, rules, "NH-SIG-33", tmp_path)
    assert pending.seen_seq == head + 500
    _put_back(desk, copy)
    _flushed_and_recorded_once(desk, "NH-SIG-33", decision_id)


def test_the_seen_entry_is_signed(desk: Desk, rules: Any) -> None:
    """Moving the seen position in the file (to make the flush look past the entry that
    recorded it) breaks the officer's signature: the item is refused, not recorded."""
    officer = desk.session("officer")
    desk.services.sync.probe()
    case, raw = honored(rules, booking="NH-SIG-34")
    desk.services.sync.keep(officer, case, raw)
    path = kept_file(desk)
    value = json.loads(path.read_text("utf-8"))
    value["seen_seq"] += 1
    path.write_text(json.dumps(value), "utf-8")
    done = desk.services.sync.flush()
    assert done.recorded == ()
    [(_item, why)] = done.refused
    assert "is not signed by officer as it stands" in why


@pytest.mark.parametrize(
    "poison",
    [
        '{"x": NaN}',
        '{"x": Infinity}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_poisoned_kept_file_is_left_alone_and_the_rest_recorded(
    desk: Desk, rules: Any, poison: str
) -> None:
    """A file no TrustDesk writes (a NaN, an infinity, nesting deep enough to exhaust
    the parser's stack, an id out of the record's range) is skipped as damaged: no
    traceback, the genuine kept work still recorded."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-16")
    kept = desk.services.sync.keep(officer, case, raw)
    value = json.loads(kept_file(desk).read_text(encoding="utf-8"))
    outbox = desk.store.data_dir / "outbox"
    (outbox / ("0" * 32 + ".json")).write_text(
        poison
        if not poison.startswith("{")
        else json.dumps({**value, "id": "0" * 32, "kept_at": "2026-01-01T00:00:00.000000Z"})[:-1]
        + ', "extra": '
        + poison
        + "}",
        encoding="utf-8",
    )
    big = {**value, "id": "1" * 32, "officer_id": 2**63}
    (outbox / ("1" * 32 + ".json")).write_text(json.dumps(big), encoding="utf-8")
    (outbox / "closures").mkdir()
    (outbox / "closures" / ("2" * 32 + ".json")).write_text(poison, encoding="utf-8")
    done = desk.services.sync.flush()
    assert [item.id for item, _saved in done.recorded] == [kept.pending.id]
    assert done.refused == () and desk.services.sync.waiting() == 0


def test_a_refused_decision_decided_again_names_it_and_its_copy_is_not_recorded(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """Refused (the officer locked out), decided again by a supervisor naming the kept
    decision it replaces: its entry says so, the kept copy goes, and the copy put back
    with its refusal cleared after the officer is unlocked is dropped, not recorded."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-17")
    kept = desk.services.sync.keep(officer, case, raw)
    copy = tmp_path / "copy.json"
    shutil.copy(kept_file(desk), copy)
    _lock(desk, "officer")
    desk.services.sync.flush()
    with pytest.raises(InvalidRequest, match="is not a kept decision's id"):
        desk.services.sync.decide(desk.session("supervisor"), case, raw, replaces_kept="x")
    saved = desk.services.sync.decide(
        desk.session("supervisor"), case, raw, replaces_kept=kept.pending.id
    )
    assert saved.audit.objects_dict()["replaces_offline_draft"] == kept.pending.id
    assert desk.services.sync.outbox.all() == []
    desk.services.accounts.unlock(desk.session("admin"), "officer")
    _put_back(desk, copy)
    _flushed_and_recorded_once(desk, "NH-SIG-17", saved.record.decision_id)


# --- a second hostile review (decision 0062, "A third pass") ---------------------------------


def test_discarding_an_edited_copy_does_not_drop_the_genuine_item(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """The genuine file is set aside; an edited file of the same id is put in its place,
    refused by the flush, and a supervisor discards it; the genuine file put back is still
    recorded: the discard names what was signed, not only the id."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-18")
    kept = desk.services.sync.keep(officer, case, raw)
    genuine = tmp_path / "genuine.json"
    shutil.copy(kept_file(desk), genuine)
    value = json.loads(genuine.read_text(encoding="utf-8"))
    value["case"]["person"]["name"] = "Someone Else"
    kept_file(desk).write_text(json.dumps(value), encoding="utf-8")
    [(_item, why)] = desk.services.sync.flush().refused  # the edited file, refused
    assert "is not signed by officer as it stands" in why
    desk.services.sync.discard(desk.session("supervisor"), kept.pending.id, "not ours")
    _put_back(desk, genuine)
    done = desk.services.sync.flush()
    assert [item.id for item, _saved in done.recorded] == [kept.pending.id]


def test_a_kept_time_in_year_one_refuses_that_file_only(desk: Desk, rules: Any) -> None:
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-19")
    kept = desk.services.sync.keep(officer, case, raw)
    value = json.loads(kept_file(desk).read_text(encoding="utf-8"))
    value.update(id="3" * 32, kept_at="0001-01-01T00:00:00.000000Z")
    (desk.store.data_dir / "outbox" / f"{'3' * 32}.json").write_text(json.dumps(value), "utf-8")
    done = desk.services.sync.flush()
    assert [item.id for item, _saved in done.recorded] == [kept.pending.id]
    assert [item.id for item, _why in done.refused] == ["3" * 32]


def test_deciding_again_needs_the_record(
    desk: Desk, rules: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept offline, a decision deciding a refused one again would be recorded without
    naming it: refused at once, plainly, and nothing kept."""
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-20")
    kept = desk.services.sync.keep(officer, case, raw)
    live = desk.services.sync.live  # the change feed says the server is lost
    monkeypatch.setattr(type(live), "feed_reachable", property(lambda _self: False))
    from trustdesk.services.sync import RecordUnreachable

    with pytest.raises(RecordUnreachable, match="decision decided again was not recorded"):
        desk.services.sync.decide(
            desk.session("supervisor"), case, raw, replaces_kept=kept.pending.id
        )
    assert [item.id for item in desk.services.sync.outbox.all()] == [kept.pending.id]


def test_a_refused_file_whose_case_cannot_be_read_is_not_listed_and_breaks_nothing(
    desk: Desk, rules: Any
) -> None:
    officer = desk.session("officer")
    case, raw = honored(rules, booking="NH-SIG-21")
    kept = desk.services.sync.keep(officer, case, raw)
    value = json.loads(kept_file(desk).read_text(encoding="utf-8"))
    value.update(id="4" * 32, refused="x", refused_at="2026-11-20T16:00:00.000000Z")
    value["case"]["convictions"] = "x"
    (desk.store.data_dir / "outbox" / f"{'4' * 32}.json").write_text(json.dumps(value), "utf-8")
    assert desk.services.sync.refused_kept() == []
    assert [k.pending.id for k in desk.services.sync.pending()] == [kept.pending.id]


# --- refusals signed by the refusing desk's officer (decision 0064) ----------------------


def _mark(path: Any, **fields: Any) -> None:
    value = json.loads(path.read_text(encoding="utf-8"))
    value.update(fields)
    path.write_text(json.dumps(value), encoding="utf-8")


def test_a_refusal_written_into_the_file_holds_nothing_back(desk: Desk, rules: Any) -> None:
    """Whoever writes the folder marks a genuine kept decision refused, unsigned or signed
    with a key of their own making in officer2's name: it is not listed under Not
    recorded, may not be discarded, and the next flush records it."""
    officer = desk.session("officer")
    officer2 = desk.store.users.get("officer2")
    case, raw = honored(rules, booking="NH-SIG-40")
    kept = desk.services.sync.keep(officer, case, raw)
    sync = desk.services.sync
    stranger = KeptSigner(b"a key made by whoever writes the folder")
    forged = sync.outbox.mark_refused(
        kept.pending, "a duplicate: discard it", desk.clock(), (officer2.id, stranger)
    )
    assert forged.refusal_signature and not sync.refusal_stands(forged)
    _mark(kept_file(desk), refused="unsigned: discard it", refused_by=None)
    for _ in range(2):
        assert sync.refused_kept() == []
        with pytest.raises(InvalidRequest, match="has not been refused by the record"):
            sync.discard(desk.session("supervisor"), kept.pending.id, "as the file said")
        sync.outbox.put(forged)
    [(item, saved)] = sync.flush().recorded
    assert item.id == kept.pending.id and saved.record.officer == "officer"


def test_a_desks_refusal_stands_after_a_restart_and_binds_its_item(desk: Desk, rules: Any) -> None:
    """A refusal signed by the officer signed in at the refusing desk stands by the key
    the record holds for them (the desk, restarted, has learnt no key yet); moved onto
    another kept item, or with its reason changed, it does not."""
    officer = desk.session("officer")
    sync = desk.services.sync
    first = sync.keep(officer, *honored(rules, booking="NH-SIG-41")).pending
    second = sync.keep(officer, *honored(rules, booking="NH-SIG-42")).pending
    _lock(desk, "officer")
    done = sync.flush()
    assert {item.id for item, _why in done.refused} == {first.id, second.id}
    sync._known_keys.clear()  # as after a restart: only the record can say
    assert {kept.pending.id for kept in sync.refused_kept()} == {first.id, second.id}
    refused_first = sync.outbox.get(first.id)
    assert refused_first is not None and refused_first.refused_by == officer.user_id
    moved = {
        "refused": refused_first.refused,
        "refused_at": "2026-11-20T16:00:00.000000Z",
        "refused_by": refused_first.refused_by,
        "refusal_key": refused_first.refusal_key,
        "refusal_signature": refused_first.refusal_signature,
    }
    folder = desk.store.data_dir / "outbox"
    _mark(folder / f"{second.id}.json", **moved)
    assert [kept.pending.id for kept in sync.refused_kept()] == [first.id]
    _mark(folder / f"{first.id}.json", refused="a duplicate: discard it")
    assert sync.refused_kept() == []


def test_a_closure_with_a_written_in_refusal_is_recorded_by_the_next_flush(
    desk: Desk, rules: Any
) -> None:
    officer = desk.session("officer")
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-43"))
    [status] = desk.services.holds.active(officer)
    sync = desk.services.sync
    kept = sync.keep_closure(officer, status, "ice_took_custody", None)
    _mark(
        sync.closures.folder / f"{kept.id}.json",
        refused="the hold was closed elsewhere: discard this",
        refused_at="2026-11-20T16:00:00.000000Z",
    )
    assert sync.refused_closures.list() == [] and sync.waiting() == 1
    assert sync.hidden_holds() == set()  # its hold is on the board until it is recorded
    assert [item.id for item in sync.flush().closures] == [kept.id]
    assert desk.store.holds.get(status.hold_id).closure is not None


# --- a hostile review of decision 0064 ---------------------------------------------------


def test_deeply_nested_planted_files_break_no_flush_list_or_count(desk: Desk, rules: Any) -> None:
    """Planted decisions marked refused, nested just deep enough to be read but not
    written again from a deeper stack: skipped as damaged, never a RecursionError out of
    the flush, the Not recorded list (shown at every sign-in) or the count."""
    officer = desk.session("officer")
    sync = desk.services.sync
    kept = sync.keep(officer, *honored(rules, booking="NH-SIG-50"))
    folder = desk.store.data_dir / "outbox"
    for depth in range(700, 1000, 2):
        item_id = f"{depth:032x}"
        nested = "[" * depth + "]" * depth
        text = (
            f'{{"id": "{item_id}", "kept_at": "2026-11-20T15:30:00.000000Z", '
            f'"officer_id": {officer.user_id}, "officer": "officer", "workstation": "ws", '
            '"refused": "x", "refused_at": "2026-11-20T15:40:00.000000Z", '
            f'"refused_by": {officer.user_id}, "case": {{"a": {nested}}}}}'
        )
        (folder / f"{item_id}.json").write_text(text, "utf-8")
    assert [item.id for item in sync.outbox.all()] == [kept.pending.id]
    assert sync.refused_kept() == [] and sync.waiting() == 1
    [(item, _saved)] = sync.flush().recorded
    assert item.id == kept.pending.id


def test_a_file_named_or_holding_what_utf_8_cannot_write_is_left_alone(
    desk: Desk, rules: Any
) -> None:
    """A closure whose file name (and id) is not UTF-8, and one whose note holds a lone
    surrogate: skipped as damaged, where writing their refusal back stopped the flush."""
    import os

    officer = desk.session("officer")
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-51"))
    [status] = desk.services.holds.active(officer)
    sync = desk.services.sync
    kept = sync.keep_closure(officer, status, "ice_took_custody", None)
    value = json.loads((sync.closures.folder / f"{kept.id}.json").read_text("utf-8"))
    name = b"\xff" * 4 + b"a" * 28
    odd = {**value, "id": os.fsdecode(name)}
    with open(os.fsencode(sync.closures.folder) + b"/" + name + b".json", "w") as file:
        file.write(json.dumps(odd))
    surrogate = {**value, "id": "5" * 32, "note": "\ud800"}
    (sync.closures.folder / f"{'5' * 32}.json").write_text(json.dumps(surrogate), "utf-8")
    assert [item.id for item in sync.closures.all()] == [kept.id]
    assert [item.id for item in sync.flush().closures] == [kept.id]


def test_a_refused_decision_planted_under_a_closures_id_holds_nothing_back(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """A decision file planted under a genuine closure's id (the closure moved aside) is
    refused by the desk, its refusal standing; the closure put back is still recorded:
    what waits is decided item by item, not by id across kinds."""
    officer = desk.session("officer")
    sync = desk.services.sync
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-52"))
    [status] = desk.services.holds.active(officer)
    genuine = sync.keep_closure(officer, status, "ice_took_custody", None)
    path = sync.closures.folder / f"{genuine.id}.json"
    aside = tmp_path / "aside.json"
    shutil.move(path, aside)
    planted = {
        "id": genuine.id,
        "kept_at": "2026-11-20T15:30:00.000000Z",
        "officer_id": officer.user_id,
        "officer": "officer",
        "workstation": "ws",
        "case": {"nonsense": True},
    }
    (desk.store.data_dir / "outbox" / f"{genuine.id}.json").write_text(json.dumps(planted))
    assert len(sync.flush().refused) == 1
    shutil.move(aside, path)
    assert [item.id for item in sync.flush().closures] == [genuine.id]
    assert desk.store.holds.get(status.hold_id).closure is not None


def test_a_refused_closure_with_its_refusal_taken_out_hides_no_hold(desk: Desk, rules: Any) -> None:
    """The record refused the closure (its officer locked out): the hold is back on the
    board. The refusal deleted from the file (the officer's signature still good) does
    not hide it again: only a closure this running app kept and has not seen refused
    hides its hold."""
    officer = desk.session("officer")
    sync = desk.services.sync
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-53"))
    [status] = desk.services.holds.active(officer)
    kept = sync.keep_closure(officer, status, "ice_took_custody", None)
    assert sync.hidden_holds() == {status.hold_id}
    _lock(desk, "officer")
    assert len(sync.flush().closures_refused) == 1
    assert sync.hidden_holds() == set()
    _mark(sync.closures.folder / f"{kept.id}.json", refused=None)
    assert sync.hidden_holds() == set()


def test_a_discarded_closure_put_back_with_its_refusal_cannot_close_the_hold(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    """A refused closure's file copied with its (standing) refusal, put back after a
    supervisor discarded it ("still in custody"): not listed, "Record again" refuses and
    removes it, and a flush would drop it too; the hold stays open."""
    officer = desk.session("officer")
    sync = desk.services.sync
    desk.services.decisions.create(officer, *honored(rules, booking="NH-SIG-54"))
    [status] = desk.services.holds.active(officer)
    kept = sync.keep_closure(officer, status, "ice_took_custody", None)
    _lock(desk, "officer")
    assert len(sync.flush().closures_refused) == 1
    path = sync.closures.folder / f"{kept.id}.json"
    copy = tmp_path / "refused.json"
    shutil.copy(path, copy)
    sync.refused_closures.discard(desk.session("supervisor"), kept.id, "still in custody")
    shutil.copy(copy, path)
    assert sync.refused_closures.list() == []
    with pytest.raises(InvalidRequest, match="recorded or discarded in the record already"):
        sync.refused_closures.record_again(desk.session("officer2"), kept.id)
    assert not path.exists()
    shutil.copy(copy, path)
    done = sync.flush()
    assert done.closures == () and done.closures_refused == () and not path.exists()
    assert desk.store.holds.get(status.hold_id).closure is None


def test_a_discarded_decision_put_back_is_not_listed_or_discarded_twice(
    desk: Desk, rules: Any, tmp_path: Any
) -> None:
    officer = desk.session("officer")
    sync = desk.services.sync
    kept = sync.keep(officer, *honored(rules, booking="NH-SIG-55"))
    _lock(desk, "officer")
    assert len(sync.flush().refused) == 1
    copy = tmp_path / "refused.json"
    shutil.copy(kept_file(desk), copy)
    supervisor = desk.session("supervisor")
    sync.discard(supervisor, kept.pending.id, "walked again on paper")
    shutil.copy(copy, desk.store.data_dir / "outbox" / f"{kept.pending.id}.json")
    assert sync.refused_kept() == []
    with pytest.raises(InvalidRequest, match="in the record already"):
        sync.discard(supervisor, kept.pending.id, "again")
    assert sync.outbox.all() == []
    assert len(desk.store.audit.of_events("kept_decision.discarded")) == 1


# --- a second hostile review of decision 0064 ------------------------------------------------


def test_a_planted_file_does_not_make_the_search_read_from_the_chains_start(
    desk: Desk, rules: Any, monkeypatch: Any
) -> None:
    """A planted file saying it was kept when the desk had seen nothing (position 0), or
    before any position was signed, is never recorded: the search for what the record
    dealt with starts after the genuine items' positions, and a later search reads only
    the entries made since the last one."""
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.probe()
    kept = sync.keep(officer, *honored(rules, booking="NH-SIG-60"))
    folder = desk.store.data_dir / "outbox"
    value = json.loads(kept_file(desk).read_text("utf-8"))
    for name, fields in (("6", {"seen_seq": 0}), ("7", {"seen_seq": None})):
        planted = {**value, "id": name * 32, "kept_at": "2001-01-01T00:00:00.000000Z", **fields}
        (folder / f"{name * 32}.json").write_text(json.dumps(planted), "utf-8")
    reads: list[tuple[int, int]] = []
    audit = desk.store.audit
    real = audit.offline_ids_from

    def counted(low: int, upto: int) -> dict[str, set[tuple[str, str]]]:
        reads.append((low, upto))
        return real(low, upto)

    monkeypatch.setattr(audit, "offline_ids_from", counted)
    done = sync.flush()
    assert [item.id for item, _saved in done.recorded] == [kept.pending.id]
    assert len(done.refused) == 2
    assert kept.pending.seen_seq is not None
    assert reads == [(kept.pending.seen_seq + 1, reads[0][1])]
    assert len(sync.refused_kept()) == 2  # the planted files: nothing to search for them
    assert len(reads) == 1
    second = sync.keep(officer, *honored(rules, booking="NH-SIG-64"))
    head = audit.head()[0]
    assert [item.id for item, _saved in sync.flush().recorded] == [second.pending.id]
    assert reads[1:] == [(reads[0][1] + 1, head)]  # only what came since the last read


def test_a_refusal_stands_after_its_officer_changed_password(desk: Desk, rules: Any) -> None:
    """The supervisor signed in at the desk when the record refused the officer's
    decision; the supervisor's password changes, the desk restarts: the refusal still
    stands (any key the record ever held for them), so the item stays listed and is not
    recorded behind a person's back once the officer is unlocked."""
    officer = desk.session("officer")
    sync = desk.services.sync
    kept = sync.keep(officer, *honored(rules, booking="NH-SIG-61"))
    _lock(desk, "officer")
    sync.remember(desk.session("supervisor"))
    [(item, _why)] = sync.flush().refused
    assert item.refused_by == desk.store.users.get("supervisor").id
    desk.services.accounts.reset_password(desk.session("admin"), "supervisor", NEW_PASSWORD)
    sync.remember(desk.services.accounts.log_on("supervisor", NEW_PASSWORD))
    sync._known_keys.clear()  # as after a restart
    assert [k.pending.id for k in sync.refused_kept()] == [kept.pending.id]
    desk.services.accounts.unlock(desk.session("admin"), "officer")
    done = sync.flush()
    assert done.recorded == () and done.refused == ()


def test_deciding_again_names_a_kept_decision_whose_refusal_does_not_stand(
    desk: Desk, rules: Any
) -> None:
    """Decided again from a kept decision whose refusal was taken out of its file: the
    new decision still names it (it is signed by its officer), so the copy is never
    recorded beside it."""
    officer = desk.session("officer")
    sync = desk.services.sync
    case, raw = honored(rules, booking="NH-SIG-62")
    kept = sync.keep(officer, case, raw)
    _lock(desk, "officer")
    assert len(sync.flush().refused) == 1
    _mark(kept_file(desk), refused="")
    saved = sync.decide(desk.session("supervisor"), case, raw, replaces_kept=kept.pending.id)
    assert saved.audit.objects_dict()["replaces_offline_draft"] == kept.pending.id
    desk.services.accounts.unlock(desk.session("admin"), "officer")
    _flushed_and_recorded_once(desk, "NH-SIG-62", saved.record.decision_id)


def test_a_flush_with_only_refused_work_left_says_the_server_answers(
    desk: Desk, rules: Any
) -> None:
    """Only refused work waits for a person: it does not count as waiting, and a flush
    that reached the record says the server answers (the desk does not stay "server
    lost", flushing every few seconds)."""
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.keep(officer, *honored(rules, booking="NH-SIG-63"))
    _lock(desk, "officer")
    assert len(sync.flush().refused) == 1
    assert sync.waiting() == 0
    sync.live.set_reachable(False)
    assert sync.flush() == type(sync.flush())()
    assert sync.live.reachable


# --- a third review: deciding again, end to end ------------------------------------------


def test_deciding_again_after_a_lost_answer_is_not_saved_twice(
    desk: Desk, rules: Any, monkeypatch: Any
) -> None:
    """The save of a decision decided again reaches the server but its answer is lost:
    the person is told it may be recorded; saving again says it was, and saves nothing."""
    from trustdesk.services.sync import ANSWER_LOST, RecordUnreachable
    from trustdesk.store.errors import ServerUnavailable

    sync = desk.services.sync
    case, raw = honored(rules, booking="NH-SIG-70")
    kept = sync.keep(desk.session("officer"), case, raw)
    _lock(desk, "officer")
    assert len(sync.flush().refused) == 1
    supervisor = desk.session("supervisor")
    create = sync.decisions.create

    def committed_then_cut(*args: Any, **kwargs: Any) -> Any:
        create(*args, **kwargs)
        raise ServerUnavailable("the connection was cut during the commit")

    monkeypatch.setattr(sync.decisions, "create", committed_then_cut)
    with pytest.raises(RecordUnreachable) as lost:
        sync.decide(supervisor, case, raw, replaces_kept=kept.pending.id)
    assert str(lost.value) == ANSWER_LOST
    monkeypatch.undo()
    sync.live.set_reachable(True)
    with pytest.raises(InvalidRequest, match="already recorded, decided again or discarded"):
        sync.decide(supervisor, case, raw, replaces_kept=kept.pending.id)
    rows = desk.store.search.decisions(SearchQuery(booking_number="NH-SIG-70"))
    assert len(rows) == 1 and sync.outbox.all() == [] and sync.refused_kept() == []
    with pytest.raises(InvalidRequest, match="which is not on this desk"):
        sync.decide(supervisor, case, raw, replaces_kept=kept.pending.id)
    assert len(desk.store.search.decisions(SearchQuery(booking_number="NH-SIG-70"))) == 1


def test_deciding_again_names_work_kept_under_an_earlier_password(desk: Desk, rules: Any) -> None:
    """Kept, then the officer's password changed: the flush refuses it ("do it again
    from the start"); deciding it again names it, so it leaves the Not recorded list."""
    sync = desk.services.sync
    case, raw = honored(rules, booking="NH-SIG-71")
    kept = sync.keep(desk.session("officer"), case, raw)
    desk.services.accounts.reset_password(desk.session("admin"), "officer", NEW_PASSWORD)
    desk.services.accounts.log_on("officer", NEW_PASSWORD)
    [(_item, why)] = sync.flush().refused
    assert "earlier password" in why
    saved = sync.decide(desk.session("supervisor"), case, raw, replaces_kept=kept.pending.id)
    assert saved.audit.objects_dict()["replaces_offline_draft"] == kept.pending.id
    assert sync.refused_kept() == [] and sync.outbox.all() == []

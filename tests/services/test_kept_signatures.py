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
    # Put back after recording, as never attempted.
    value = json.loads(copy.read_text(encoding="utf-8"))
    value["attempted"] = False
    back = desk.store.data_dir / "outbox" / f"{value['id']}.json"
    back.write_text(json.dumps(value), "utf-8")
    done = desk.services.sync.flush()
    assert done.recorded == () and done.refused == ()
    rows = desk.store.search.decisions(SearchQuery(booking_number="NH-SIG-3"))
    assert [row.decision_id for row in rows] == [saved.record.decision_id]
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

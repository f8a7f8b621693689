"""Unlocks tried at a desk locked while its server is lost are kept on the workstation,
signed with the session's key, and recorded once the record answers — even when the app
was closed before that (decision 0065); on both backends. Each is recorded once (a copy
put back, or a save whose file removal was cut short, is not recorded again); a file
planted or edited in the folder is never recorded.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from servicekit import Desk

from trustdesk.services.kept_unlocks import UnlockOutbox


def offline_unlocks(desk: Desk) -> list[tuple[str, dict[str, Any], str]]:
    return [
        (entry.outcome, entry.objects_dict(), entry.actor)
        for entry in desk.store.audit.of_events("unlock")
        if entry.objects_dict().get("offline") is True
    ]


def unlock_files(desk: Desk) -> list[Path]:
    return sorted((desk.store.data_dir / "outbox" / "unlocks").glob("*.json"))


def set_aside_files(desk: Desk) -> list[Path]:
    """The unlock files that will never be recorded, moved out of the way."""
    return sorted((desk.store.data_dir / "outbox" / "unlocks" / "not-recorded").glob("*.json"))


def test_tries_kept_before_the_app_closed_are_recorded_at_the_next_sign_in(
    desk: Desk, rules: Any, tmp_path: Path, database: str | None
) -> None:
    from storekit import open_desk

    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    desk.clock.advance(minutes=3)
    wrong = sync.keep_unlock(officer, "failure")
    desk.clock.advance(minutes=1)
    right = sync.keep_unlock(officer, "success")
    assert len(unlock_files(desk)) == 2
    for path in unlock_files(desk):
        assert path.stat().st_mode & 0o077 == 0  # readable by the desk's account only
    assert offline_unlocks(desk) == []
    desk.services.close()  # the app closed before the server was back

    again = open_desk(tmp_path / "data", rules, desk.clock, database=database)
    try:
        supervisor = again.session("supervisor")
        again.services.sync.remember(supervisor)
        tried = offline_unlocks(again)
        assert [(outcome, actor) for outcome, _o, actor in tried] == [
            ("failure", "officer"),
            ("success", "officer"),
        ]
        assert [objects["offline_unlock"] for _o, objects, _a in tried] == [wrong.id, right.id]
        assert tried[0][1]["tried_at"] == wrong.kept_at.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        assert all(objects["user"] == officer.user_id for _o, objects, _a in tried)
        assert unlock_files(again) == []
        assert again.store.verify().problems == ()
    finally:
        again.services.close()


def test_a_copy_put_back_or_a_file_left_by_a_cut_short_save_is_not_recorded_twice(
    desk: Desk, tmp_path: Path
) -> None:
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    sync.keep_unlock(officer, "failure")
    [path] = unlock_files(desk)
    copy = tmp_path / "copy.json"
    shutil.copy(path, copy)
    assert sync.record_unlocks() == 1
    shutil.copy(copy, path)  # put back, as a save cut off before its file went would
    assert sync.record_unlocks() == 0
    assert unlock_files(desk) == []
    assert len(offline_unlocks(desk)) == 1


def test_planted_or_edited_tries_are_never_recorded_and_the_record_says_so(desk: Desk) -> None:
    """Before, such a file was passed over at every flush and left in the folder: nobody
    learnt that something had been planted or altered there."""
    import hashlib

    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    sync.keep_unlock(officer, "success")
    [path] = unlock_files(desk)
    content = json.loads(path.read_text(encoding="utf-8"))
    content["outcome"] = "failure"  # an edit of what the session signed
    path.write_text(json.dumps(content), encoding="utf-8")
    planted = dict(content, id="ab" * 16, signature="", signing_key="")
    (path.parent / f"{planted['id']}.json").write_text(json.dumps(planted), encoding="utf-8")
    refused = dict(content, id="cd" * 16, refused_at="2026-11-20T15:00:00.000000Z")
    (path.parent / f"{refused['id']}.json").write_text(json.dumps(refused), encoding="utf-8")
    sha256 = {
        item: hashlib.sha256((path.parent / f"{item}.json").read_bytes()).hexdigest()
        for item in (content["id"], planted["id"])
    }
    # Read, but not as the session signed them; one marked refused is not even read.
    kept = UnlockOutbox(desk.store.data_dir).all()
    assert sorted(item.id for item in kept) == sorted([content["id"], planted["id"]])
    assert sync.record_unlocks() == 0
    assert offline_unlocks(desk) == []
    # Each read one is reported once, by its file's SHA-256, and set aside as it was.
    said = desk.store.audit.of_events("unlock.not_recorded")
    assert sorted(
        (e.objects_dict()["kept_unlock"], e.objects_dict()["file_sha256"], e.outcome) for e in said
    ) == sorted((item, digest, "denied") for item, digest in sha256.items())
    assert {e.objects_dict()["reason"] for e in said} == {
        "it is not signed by the officer it names"
    }
    assert {e.objects_dict()["names_user"] for e in said} == {officer.user_id}
    assert unlock_files(desk) == [path.parent / f"{refused['id']}.json"]  # never read
    aside = set_aside_files(desk)
    assert sorted(hashlib.sha256(f.read_bytes()).hexdigest() for f in aside) == sorted(
        sha256.values()
    )
    assert aside[0].parent.stat().st_mode & 0o077 == 0
    assert sync.record_unlocks() == 0
    assert len(desk.store.audit.of_events("unlock.not_recorded")) == 2
    # The same planted file put back is reported again, and both copies are kept.
    (path.parent / f"{planted['id']}.json").write_text(json.dumps(planted), encoding="utf-8")
    assert sync.record_unlocks() == 0
    assert len(desk.store.audit.of_events("unlock.not_recorded")) == 3
    assert len(set_aside_files(desk)) == 3
    assert desk.store.verify().problems == ()


def test_a_planted_file_that_cannot_be_moved_aside_stops_nothing(
    desk: Desk, monkeypatch: Any
) -> None:
    """The move aside failing (a folder made read-only) raised OSError out of the flush:
    the planted file is still reported, stays where it is, and the real try is recorded."""
    officer = desk.session("officer")
    sync = desk.services.sync
    sync.remember(officer)
    real = sync.keep_unlock(officer, "success")
    [path] = unlock_files(desk)
    planted = dict(json.loads(path.read_text(encoding="utf-8")), id="ab" * 16, signature="")
    (path.parent / f"{planted['id']}.json").write_text(json.dumps(planted), encoding="utf-8")

    def read_only(*_args: Any) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(UnlockOutbox, "set_aside", read_only)
    assert sync.record_unlocks() == 1
    assert [objects["offline_unlock"] for _o, objects, _a in offline_unlocks(desk)] == [real.id]
    [said] = desk.store.audit.of_events("unlock.not_recorded")
    assert said.objects_dict()["kept_unlock"] == planted["id"]
    assert unlock_files(desk) == [path.parent / f"{planted['id']}.json"]
    assert desk.store.verify().problems == ()

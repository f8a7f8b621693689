"""Every service operation × every role: allowed exactly per the matrix, denials audited.

The check lives in the service layer, under any user interface: these calls are the
ones the GUI and the CLI make.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from storekit import T0, Desk

from casekit import make_case
from trustdesk.memo.viewmodel import AgencyHeader
from trustdesk.rules.caseio import parse_case
from trustdesk.services.contacts import ContactInput, ContactService
from trustdesk.services.context import Session
from trustdesk.services.errors import PermissionDenied
from trustdesk.services.permissions import MATRIX, ROLES, Operation
from trustdesk.store.audit import entries_for
from trustdesk.store.contact_records import ContactRecord
from trustdesk.store.errors import NotOnServer
from trustdesk.store.records import Actor, AgencyProfile
from trustdesk.store.search import SearchQuery
from trustdesk.store.store import Store

ROLE_USER = {
    "officer": "officer",
    "supervisor": "supervisor",
    "administrator": "admin",
    "auditor": "auditor",
}


@dataclass
class World:
    desk: Desk
    tmp: Path
    case: Any
    raw: dict[str, Any]
    decision_id: int
    hold_id: int
    backup: Path


@pytest.fixture
def world(desk: Desk, tmp_path: Path, rules: Any) -> World:
    raw = make_case(  # 2016: the discretionary public-safety ground of PA 13-155
        decision_time="2016-11-17T10:00:00-05:00",
        public_safety_risk={"asserted": True, "reason": "threats recorded at booking"},
        releasable_at="2016-11-17T15:00:00-05:00",
    )
    case = parse_case(raw, "case", rules.catalog)
    officer2 = desk.session("officer2")
    saved = desk.services.decisions.create(officer2, case, raw)
    assert saved.hold_id is not None and saved.record.review_required
    backup = tmp_path / "for-restore.db"
    if desk.store.backend == "sqlite":
        desk.services.records.backup(desk.session("admin"), backup)
    else:  # a server's store makes no backup files; restoring one is refused (see below)
        with Store.open(tmp_path / "side") as side:
            side.backup(backup, Actor(None, None, "test-ws"), T0)
    return World(desk, tmp_path, case, raw, saved.record.decision_id, saved.hold_id, backup)


Call = Callable[[World, Session], object]


def refused_kept(world: World) -> str:
    """A decision kept on the desk (server lost) that the record then refused: its id."""
    sync = world.desk.services.sync
    kept = sync.keep(world.desk.session("officer"), world.case, world.raw)
    sync.outbox.mark_refused(kept.pending, "refused for the test", T0, sync._refuser)
    return kept.pending.id


#: Refused (after the permission check) on a database server: backups are the server's.
FILE_OPERATIONS = (Operation.BACKUP_CREATE, Operation.BACKUP_RESTORE)

CALLS: dict[Operation, list[Call]] = {
    Operation.DECISION_CREATE: [lambda w, s: w.desk.services.decisions.create(s, w.case, w.raw)],
    Operation.DECISION_AMEND: [
        lambda w, s: w.desk.services.decisions.amend(s, w.decision_id, w.case, w.raw, "typo")
    ],
    Operation.DECISION_REVIEW: [
        lambda w, s: w.desk.services.decisions.approve(s, w.decision_id),
    ],
    Operation.DECISION_VIEW: [lambda w, s: w.desk.services.decisions.view(s, w.decision_id)],
    Operation.DECISION_LIST: [
        lambda w, s: w.desk.services.decisions.search(s, SearchQuery(name="pena")),
        lambda w, s: w.desk.services.decisions.awaiting_review(s),
        lambda w, s: w.desk.services.holds.active(s),
        lambda w, s: w.desk.services.holds.overdue(s),
    ],
    Operation.HOLD_CLOSE: [
        lambda w, s: w.desk.services.holds.close(s, w.hold_id, "released_other", note="bond")
    ],
    Operation.USER_LIST: [lambda w, s: w.desk.services.accounts.list_users(s)],
    Operation.USER_MANAGE: [
        lambda w, s: w.desk.services.accounts.add_user(s, "newbie", "officer", "fresh long words"),
        lambda w, s: w.desk.services.accounts.set_role(s, "auditor", "supervisor"),
        lambda w, s: w.desk.services.accounts.unlock(s, "officer2"),
        lambda w, s: w.desk.services.accounts.set_active(s, "officer2", False),
        lambda w, s: w.desk.services.accounts.reset_password(s, "officer2", "reset long words"),
        lambda w, s: w.desk.services.accounts.set_details(s, "officer2", "Ann Officer", "1187"),
    ],
    Operation.AUDIT_VERIFY: [lambda w, s: w.desk.services.records.verify(s)],
    Operation.AUDIT_EXPORT: [
        lambda w, s: w.desk.services.records.export(s, "jsonl", None, io.StringIO()),
        lambda w, s: w.desk.services.records.export(s, "csv", w.tmp / "audit.csv", io.StringIO()),
    ],
    Operation.BACKUP_CREATE: [
        lambda w, s: w.desk.services.records.backup(s, w.tmp / "made-by-test.db")
    ],
    Operation.BACKUP_RESTORE: [
        lambda w, s: w.desk.services.records.restore(s, w.backup, discard_newer=True)
    ],
    Operation.MEMO_PRINT: [
        lambda w, s: w.desk.services.memos.print_memo(
            s, w.decision_id, w.tmp / "memo.pdf", agency=AgencyHeader("A", "F", "CT0000000")
        )
    ],
    Operation.MEMO_VERIFY: [
        lambda w, s: w.desk.services.memos.verify_pdf(s, b"%PDF-1.4 not a memo"),
        lambda w, s: w.desk.services.memos.verify_code(s, "0000-0000-00"),
    ],
    Operation.MANAGE_SETTINGS: [
        lambda w, s: w.desk.services.agency.update(s, AgencyProfile("A", "F", "CT0000000"))
    ],
    Operation.DRAFT_USE: [
        lambda w, s: w.desk.services.drafts.save(s, None, "in progress", {"step": 1}),
        lambda w, s: w.desk.services.drafts.list(s),
        lambda w, s: w.desk.services.drafts.load(s, w.desk.services.drafts.save(s, None, "", {})),
        lambda w, s: w.desk.services.drafts.discard(
            s, w.desk.services.drafts.save(s, None, "", {})
        ),
    ],
    Operation.CONTACT_RECORD: [
        lambda w, s: _contacts(w).advice(s, _contact(w)),
        lambda w, s: _contacts(w).record(s, _contact(w)),
    ],
    Operation.CONTACT_REVIEW: [lambda w, s: _contacts(w).review(s, _flagged(w).contact_id)],
    Operation.KEPT_DISCARD: [
        lambda w, s: w.desk.services.sync.discard(s, refused_kept(w), "set aside for the test")
    ],
}


def _contacts(world: World) -> ContactService:
    return ContactService(world.desk.services.ctx, world.desk.services.rules)


def _contact(world: World, **changes: Any) -> ContactInput:
    return ContactInput(
        kind="inquiry",
        direction="from_ice",
        occurred_at=T0 - timedelta(hours=1),
        channel="phone",
        decision_id=world.decision_id,
        **changes,
    )


def _flagged(world: World) -> ContactRecord:
    """A contact that gave ICE confidential information, recorded by officer2."""
    told = _contact(world, given=("confidential",), unlawful_reason="read out the file")
    return _contacts(world).record(world.desk.session("officer2"), told)


def test_every_operation_is_covered() -> None:
    assert set(CALLS) == set(Operation) == set(MATRIX)


def _denials(world: World) -> list[dict[str, Any]]:
    with world.desk.store.db.reading() as conn:
        return [
            {"actor": e.actor, "outcome": e.outcome, **e.objects_dict()}
            for e in entries_for(conn, "permission.denied")
        ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", list(Operation))
def test_permission_matrix(world: World, operation: Operation, role: str) -> None:
    username = ROLE_USER[role]
    for call in CALLS[operation]:
        session = world.desk.session(username)
        before = len(_denials(world))
        if role in MATRIX[operation]:
            if world.desk.store.backend != "sqlite" and operation in FILE_OPERATIONS:
                with pytest.raises(NotOnServer, match="pg_dump"):
                    call(world, session)
            else:
                call(world, session)
            assert len(_denials(world)) == before
        else:
            with pytest.raises(PermissionDenied) as caught:
                call(world, session)
            assert username in str(caught.value) and role in str(caught.value)
            denials = _denials(world)
            assert len(denials) == before + 1
            assert denials[-1]["operation"] == str(operation)
            assert denials[-1]["actor"] == username and denials[-1]["outcome"] == "denied"
            assert denials[-1]["role"] == role
    assert world.desk.store.verify().ok


def test_a_supervisor_cannot_review_their_own_decision(world: World) -> None:
    supervisor = world.desk.session("supervisor")
    mine = world.desk.services.decisions.create(supervisor, world.case, world.raw)
    with pytest.raises(PermissionDenied, match="your own"):
        world.desk.services.decisions.approve(supervisor, mine.record.decision_id)
    assert _denials(world)[-1]["reason"] == "own decision"
    world.desk.services.decisions.approve(
        world.desk.session("supervisor2"), mine.record.decision_id
    )


def test_a_role_change_takes_effect_at_once(world: World) -> None:
    officer = world.desk.session("officer")
    world.desk.services.decisions.view(officer, world.decision_id)
    world.desk.services.accounts.set_role(world.desk.session("admin"), "officer", "auditor")
    with pytest.raises(PermissionDenied):  # same session, new role
        world.desk.services.decisions.create(officer, world.case, world.raw)

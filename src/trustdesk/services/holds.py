"""Holds at the desk: the active ones by expiry, the overdue ones, and closing a hold."""

from __future__ import annotations

from datetime import datetime, timedelta

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest
from trustdesk.services.permissions import Operation
from trustdesk.store.case_records import Hold, HoldStatus
from trustdesk.store.schema import HOLD_OUTCOMES

MAX_NOTE = 2000
#: A closing time may be given a little ahead of the workstation clock, not more.
CLOCK_TOLERANCE = timedelta(minutes=5)


class HoldService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.holds = ctx.store.holds

    def active(self, session: Session) -> list[HoldStatus]:
        self.ctx.authorize(session, Operation.DECISION_LIST)
        rows = self.holds.active()
        self.ctx.audit_listing("holds.listed", session, "active", [r.hold_id for r in rows])
        return rows

    def overdue(self, session: Session) -> list[HoldStatus]:
        self.ctx.authorize(session, Operation.DECISION_LIST)
        rows = self.holds.overdue(self.ctx.now())
        self.ctx.audit_listing("holds.listed", session, "overdue", [r.hold_id for r in rows])
        return rows

    def close(
        self,
        session: Session,
        hold_id: int,
        outcome: str,
        *,
        ended_at: datetime | None = None,
        note: str | None = None,
    ) -> Hold:
        self.ctx.authorize(session, Operation.HOLD_CLOSE, {"hold": hold_id})
        if outcome not in HOLD_OUTCOMES:
            raise InvalidRequest(f"outcome must be one of {', '.join(HOLD_OUTCOMES)}")
        now = self.ctx.now()
        when = now if ended_at is None else ended_at
        if when.tzinfo is None or when.utcoffset() is None:
            raise InvalidRequest("the time the hold ended needs its UTC offset")
        if when > now + CLOCK_TOLERANCE:
            raise InvalidRequest("the time the hold ended is in the future")
        text = None if note is None else note.strip() or None
        if text is not None and (len(text) > MAX_NOTE or any(ord(c) < 32 for c in text)):
            raise InvalidRequest(f"the note must be one line of at most {MAX_NOTE} characters")
        if outcome == "released_other" and text is None:
            raise InvalidRequest("say in a note why the person was released (--note)")
        return self.holds.close(
            hold_id,
            outcome=outcome,
            ended_at=when,
            note=text,
            officer=self.ctx.actor(session),
            at=now,
        )

"""Holds at the desk: the active ones by expiry, the overdue ones, and closing a hold."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from trustdesk.core.wall_time import local_text
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest, ServiceError
from trustdesk.services.permissions import Operation
from trustdesk.store.case_records import Hold, HoldClosure, HoldStatus
from trustdesk.store.errors import StoreError
from trustdesk.store.records import DEFAULT_TIMEZONE
from trustdesk.store.schema import HOLD_OUTCOMES

MAX_NOTE = 2000
#: A closing time may be given a little ahead of the workstation clock, not more.
CLOCK_TOLERANCE = timedelta(minutes=5)
OUTCOME_WORDS = {
    "ice_took_custody": "ICE took custody",
    "released_at_expiry": "released at expiry",
    "released_other": "released otherwise",
}


class AlreadyClosed(ServiceError):
    """Someone else closed the hold first (another desk, a command line): who and when."""

    def __init__(self, message: str, closure: HoldClosure) -> None:
        super().__init__(message)
        self.closure = closure


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
        extra: Mapping[str, Any] | None = None,
        typed: bool = False,
    ) -> Hold:
        """Close the hold. ``typed``: ``ended_at`` was typed by a person (the command
        line's --at), and is checked against the decision as well."""
        self.ctx.authorize(session, Operation.HOLD_CLOSE, {"hold": hold_id})
        if outcome not in HOLD_OUTCOMES:
            raise InvalidRequest(f"outcome must be one of {', '.join(HOLD_OUTCOMES)}")
        now = self.ctx.now()
        when = now if ended_at is None else ended_at
        if when.tzinfo is None or when.utcoffset() is None:
            raise InvalidRequest("the time the hold ended needs its UTC offset")
        if when > now + CLOCK_TOLERANCE:
            raise InvalidRequest("the time the hold ended is in the future")
        if typed:
            self._not_before_the_decision(hold_id, when)
        # Checked inside the closure's own transaction: an amendment to decline saved
        # at another desk between a check and the closure would otherwise still let
        # "released at expiry" through (a hostile pass).
        guard = self._expired_by(hold_id, when) if outcome == "released_at_expiry" else None
        text = None if note is None else note.strip() or None
        if text is not None and (len(text) > MAX_NOTE or any(ord(c) < 32 for c in text)):
            raise InvalidRequest(f"the note must be one line of at most {MAX_NOTE} characters")
        if outcome == "released_other" and text is None:
            raise InvalidRequest("say in a note why the person was released (--note)")
        try:
            return self.holds.close(
                hold_id,
                outcome=outcome,
                ended_at=when,
                note=text,
                officer=self.ctx.actor(session),
                at=now,
                extra=extra,
                guard=guard,
            )
        except StoreError:
            # Two desks closing at once: the store records one closure per hold, so the
            # loser's transaction fails whole. Say plainly who won, and when.
            closure = self._closure(hold_id)
            if closure is None:
                raise
            raise AlreadyClosed(self._closed_message(closure), closure) from None

    def _not_before_the_decision(self, hold_id: int, when: datetime) -> None:
        """A typed end time cannot come before the decision: a year or a day typed wrong
        would close the hold for good at an impossible time (one closure per hold). The
        decision's earliest time among its versions counts (an amendment may correct a
        time typed late), with the slack a decision time may have over this clock."""
        from trustdesk.services.decisions import CLOCK_SLACK

        hold = self.holds.get(hold_id)
        versions = self.ctx.store.decisions.history(hold.decision_id)
        earliest = min((r.decision_time for r in versions), default=None)
        if earliest is None or when + CLOCK_SLACK >= earliest:
            return
        zone = self._zone()
        raise InvalidRequest(
            f"the time the hold ended ({local_text(when, zone)}) is before "
            f"the decision ({local_text(earliest, zone)}); give the time "
            "the hold really ended"
        )

    def _expired_by(self, hold_id: int, when: datetime) -> Callable[[HoldStatus | None], None]:
        """The check, on the hold as it stands, that "released at expiry" is true: only
        for a hold that has an expiry and had reached it (within the slack a desk's clock
        may have). The one closure a hold gets cannot be corrected, and the reports count
        releases by it (a hostile pass recorded one four days early, and one for a hold
        with no expiry at all)."""
        zone = self._zone()  # read before the transaction: the check only compares

        def check(status: HoldStatus | None) -> None:
            self._check_expired(hold_id, when, status, zone)

        return check

    def _check_expired(
        self, hold_id: int, when: datetime, status: HoldStatus | None, zone: ZoneInfo
    ) -> None:
        from trustdesk.services.decisions import CLOCK_SLACK

        if status is None:
            return  # closed already, or no such hold: the store says which
        if status.outcome != "honor":
            # Amended to decline: release is due at once, for the amendment, not because
            # the hold ran out (its "due" time is the amendment's; a hostile pass).
            raise InvalidRequest(
                f"hold {hold_id}'s decision was amended to decline: the person is released "
                "because of the amendment, not at the hold's expiry. Record the release as "
                "released otherwise (released_other), with a note saying the decision was "
                "amended"
            )
        if status.asks_no_hold:
            # Amended to a form that asks for no hold (an I-247N): nobody may be held on
            # it, so release is due at once, as after a decline; the hold never ran out.
            raise InvalidRequest(
                f"hold {hold_id}'s decision was amended to a detainer form that asks for no "
                "hold (notification only): the person is released because of the amendment, "
                "not at the hold's expiry. Record the release as released otherwise "
                "(released_other), with a note saying the decision was amended"
            )
        if status.release_due_at is None:
            raise InvalidRequest(
                f"hold {hold_id} has no expiry: the time the person would otherwise be "
                "released is not known, so its clock never started. Record the release as "
                "released otherwise (released_other) with a note saying why"
            )
        if when + CLOCK_SLACK < status.release_due_at:
            due, then = local_text(status.release_due_at, zone), local_text(when, zone)
            raise InvalidRequest(
                f"hold {hold_id} expires {due}; at {then} it had not expired. "
                "A release before the expiry is released otherwise (released_other), with a "
                "note saying why; if ICE took the person, record that"
            )

    def _zone(self) -> ZoneInfo:
        """The agency's time zone (the default when its profile cannot be read)."""
        try:
            profile = self.ctx.store.agency.get()
        except StoreError:
            profile = None
        return ZoneInfo(profile.timezone if profile is not None else DEFAULT_TIMEZONE)

    def _closure(self, hold_id: int) -> HoldClosure | None:
        try:
            return self.holds.get(hold_id).closure
        except StoreError:
            return None

    def _closed_message(self, closure: HoldClosure) -> str:
        zone = self._zone()
        try:
            user = self.ctx.store.users.by_id(closure.officer_id)
        except StoreError:
            user = None
        who = closure.officer
        if user is not None and user.full_name:
            who = f"{user.full_name} ({closure.officer})"
        when = local_text(closure.recorded_at, zone)
        how = OUTCOME_WORDS.get(closure.outcome, closure.outcome)
        return (
            f"hold {closure.hold_id} was already closed by {who} at {when} ({how}); "
            "nothing more was recorded"
        )

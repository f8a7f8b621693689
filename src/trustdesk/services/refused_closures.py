"""Hold closures kept on this workstation that the record refused when the server was
back (the officer's account disabled meanwhile, say): listed under "Not recorded" beside
the refused kept decisions, so a person handed to ICE during an outage is never left
only in a banner that scrolls away.

Two ways out, each on the record:

- **Record again**: if its officer signed it as it stands (decision 0062), the
  signed-in user (anyone who may close holds) records the closure now, with the time
  the hold really ended and a note saying who closed it at which desk while the server
  was lost, and why it was refused; the audit entry says it was recorded late and for
  whom. A hold another desk closed meanwhile is not closed twice:
  the kept copy goes and the user is told who closed it and when.
- **Save for the paper file**: a one-page slip marked NOT YET RECORDED
  (``memo.closure_slip``), never over an existing file.
- **Discard** (supervisors and administrators), with a reason kept in the audit
  (``kept_closure.discarded``); the file goes only once that entry is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from trustdesk.core.wall_time import local_text
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import InvalidRequest, ServiceError
from trustdesk.services.holds import OUTCOME_WORDS, AlreadyClosed, HoldService
from trustdesk.services.kept_checks import check_desk, check_signed, desk_of
from trustdesk.services.kept_closures import ClosureOutbox, KeptClosure
from trustdesk.services.outbox import Kept, kept_digest
from trustdesk.services.permissions import Operation
from trustdesk.store.case_records import Hold
from trustdesk.store.encoding import utc_text
from trustdesk.store.errors import StoreError

#: The audit event of a refused kept closure set aside.
DISCARDED = "kept_closure.discarded"


class RefusedClosures:
    """The refused kept closures of one desk, and what may be done with them."""

    def __init__(
        self,
        ctx: ServiceContext,
        closures: ClosureOutbox,
        stands: Callable[[Kept], bool],
        dealt: Callable[[list[Kept]], set[tuple[str, str]]],
    ) -> None:
        self.ctx = ctx
        self.closures = closures
        #: Whether a refusal was made by a desk of this record (decision 0064).
        self._stands = stands
        #: Which of some kept closures the record has dealt with (id, digest).
        self._dealt = dealt

    def list(self) -> list[KeptClosure]:
        """The closures the record refused; one whose refusal does not stand (written
        into its file by someone else) is not listed: the next flush tries it again. Nor
        is one the record has dealt with (a discarded one's copy put back), when the
        record can be read."""
        items = [item for item in self.closures.refused() if self._stands(item)]
        try:
            done = self._dealt(list(items)) if items else set()
        except StoreError:
            done = set()  # the server lost: what the desk holds, to print its slips
        return [item for item in items if (item.id, kept_digest(item)) not in done]

    def _not_dealt_with(self, item: KeptClosure) -> None:
        """Refuse (and remove the copy of) a closure the record has dealt with already."""
        if (item.id, kept_digest(item)) in self._dealt([item]):
            self.closures.remove(item)
            raise InvalidRequest(
                f"kept closure {item.short_id} was recorded or discarded in the record "
                "already: its copy on this desk is removed"
            )

    def _refused(self, item_id: str) -> KeptClosure:
        item = self.closures.get(item_id)
        if item is None:
            raise InvalidRequest(f"kept closure {item_id[:8]} is no longer on this desk")
        if not self._stands(item):
            raise InvalidRequest(
                f"kept closure {item.short_id} has not been refused by the record: it is "
                "recorded as soon as the server answers"
            )
        return item

    def record_again(self, session: Session, item_id: str) -> Hold:
        """Record the refused closure now, as ``session``, with the time the hold ended."""
        item = self._refused(item_id)
        self._not_dealt_with(item)
        # Only what its officer kept: a planted or edited file is printed or discarded.
        check_signed(self.ctx, item, "hold closure")
        check_desk(self.ctx, item, "hold closure", self.closures.path(item))
        note = (
            f"Closed by {item.officer} at desk {item.workstation} while the record server "
            f"was unreachable; refused then: {' '.join((item.refused or '').split())}"
        )
        if item.note:
            note = f"{item.note} — {note}"
        extra = {
            "recorded_late": True,
            "closed_offline_at": utc_text(item.kept_at),
            "kept_on": item.workstation,
            "offline_closure": item.id,
            "offline_digest": kept_digest(item),
            "closed_offline_by": item.officer_id,
        }
        try:
            hold = HoldService(self.ctx).close(
                session,
                item.hold_id,
                item.outcome,
                ended_at=item.kept_at,
                note=note[:2000],
                extra=extra,
            )
        except AlreadyClosed:
            # Nothing to record twice: the kept copy has done its work elsewhere.
            self.closures.remove(item)
            raise
        self.closures.remove(item)
        return hold

    def discard(self, session: Session, item_id: str, reason: str) -> KeptClosure:
        """Set a refused kept closure aside with a reason, in the audit."""
        item = self._refused(item_id)
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidRequest("say why the kept closure is discarded (the reason is kept)")
        self._not_dealt_with(item)
        objects = {
            "offline_closure": item.id,
            "offline_digest": kept_digest(item),
            "kept_on": desk_of(self.ctx, item),
        }
        self.ctx.authorize(session, Operation.KEPT_DISCARD, objects)
        self.ctx.audit(
            DISCARDED,
            session,
            **objects,
            hold=item.hold_id,
            officer=item.officer_id,
            closed_offline_at=utc_text(item.kept_at),
            refused=item.refused,
            reason=reason,
        )
        self.closures.remove(item)
        return item

    def slip(self, session: Session, item_id: str, zone: tzinfo) -> bytes:
        """The slip for the paper file of a refused closure, times in ``zone``."""
        from trustdesk.memo.closure_slip import closure_slip

        self.ctx.authorize(session, Operation.DECISION_LIST)
        item = self._refused(item_id)

        def when(value: datetime | None) -> str:
            if value is None:
                return "—"
            return local_text(value, zone)

        rows = (
            ("Kept closure", item.id),
            ("Hold", str(item.hold_id)),
            ("Booking number", item.booking_number or "—"),
            ("How it ended", OUTCOME_WORDS.get(item.outcome, item.outcome)),
            ("When it ended", when(item.kept_at)),
            ("Closed by", f"{item.officer} at desk {desk_of(self.ctx, item)}"),
            ("Note", item.note or "—"),
            ("Refused by the record", f"{when(item.refused_at)}: {item.refused or '—'}"),
        )
        footer = (
            f"Printed {when(self.ctx.now())} by {session.username} at desk "
            f"{self.ctx.workstation}. NOT YET RECORDED."
        )
        return closure_slip(rows, footer)

    def save_slip(self, session: Session, item_id: str, zone: tzinfo, target: Path) -> Path:
        """Write the slip to a new file next to ``target`` (never over an existing one)."""
        from trustdesk.memo.errors import MemoError
        from trustdesk.memo.files import write_pdf_atomically
        from trustdesk.services.memos import pdf_stem

        folder, stem = pdf_stem(target)
        data = self.slip(session, item_id, zone)
        try:
            return write_pdf_atomically(data, folder, stem)
        except MemoError as error:
            raise ServiceError(str(error)) from None

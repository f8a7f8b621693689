"""Deciding when the record server cannot be reached, and recording it once it is back.

The booking desk cannot stop: ``decide`` records the decision as usual, and if the
server is lost before or during the save (nothing half-written: the store's transaction
is whole or absent) it keeps the case on this workstation instead (``services.outbox``)
and hands back the decision as the engine made it, with a memo marked NOT YET RECORDED.
``flush`` records every kept decision as soon as the server answers again, with its
original decision time and officer, and an audit entry saying it was recorded late.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from trustdesk.core.decision import Decision
from trustdesk.core.model import Case
from trustdesk.core.wall_time import local_text
from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.decisions import (
    CLOCK_SLACK,
    DecisionService,
    RulesSource,
    check_not_future,
    make_draft,
)
from trustdesk.services.errors import InvalidRequest, ServiceError
from trustdesk.services.holds import MAX_NOTE, AlreadyClosed, HoldService
from trustdesk.services.kept_checks import (
    check_desk,
    check_signed,
    desk_name_fault,
    desk_named_right,
    desk_of,
    refusal_stands,
    signed_by_its_officer,
)
from trustdesk.services.kept_closures import ClosureOutbox, KeptClosure
from trustdesk.services.kept_dealt import DealtSearch
from trustdesk.services.kept_signing import KeptSigner
from trustdesk.services.kept_unlocks import KeptUnlock, UnlockOutbox
from trustdesk.services.live import LiveRecord
from trustdesk.services.outbox import (
    KEPT_ID,
    Kept,
    Outbox,
    PendingDecision,
    kept_digest,
    new_id,
    signed,
)
from trustdesk.services.permissions import Operation
from trustdesk.services.refused_closures import RefusedClosures
from trustdesk.store.case_records import DecisionDraft, Hold, HoldStatus, SavedDecision
from trustdesk.store.encoding import utc_text
from trustdesk.store.errors import (
    AlreadyOpen,
    DatabaseCorrupt,
    DiskFull,
    ReadOnly,
    ServerUnavailable,
    StoreError,
    StoreIOError,
)
from trustdesk.store.records import DEFAULT_TIMEZONE, Actor
from trustdesk.store.schema import HOLD_OUTCOMES
from trustdesk.store.search import SearchQuery

TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.memo.viewmodel import AgencyHeader, Signer

log = logging.getLogger("trustdesk.sync")


@dataclass(frozen=True, slots=True)
class KeptDecision:
    """A decision shown to the officer but not in the record yet (kept on this desk)."""

    pending: PendingDecision
    case: Case
    decision: Decision
    draft: DecisionDraft
    #: Why it was kept when the server answered but its record could not be used (a
    #: failover's read-only server, a table changed behind TrustDesk's back); "" when
    #: the server was lost.
    why: str = ""


Item = TypeVar("Item", bound=Kept)


@dataclass(frozen=True, slots=True)
class Flushed:
    """What one ``flush`` did: recorded now, still kept (server lost again), refused;
    and the same for hold closures (a refused closure stays kept, listed under Not
    recorded, and its hold is back on the board; one another desk closed first is
    dropped, the reason saying who and when)."""

    recorded: tuple[tuple[PendingDecision, SavedDecision], ...] = ()
    still_kept: int = 0
    refused: tuple[tuple[PendingDecision, str], ...] = ()
    closures: tuple[KeptClosure, ...] = ()
    closures_refused: tuple[tuple[KeptClosure, str], ...] = ()
    #: Why the record, which answered, takes nothing now (damaged, changed behind
    #: TrustDesk's back, full, read-only): the flush stopped, everything kept stays kept.
    unusable: str = ""


#: What says the record cannot take anything now, not that one kept item is wrong: a
#: flush stops at it and marks nothing refused (a refusal would wait for a supervisor to
#: decide the case again, though only the record needs mending, or time: a server
#: read-only during a failover, a record busy with another program's writes).
RECORD_UNUSABLE = (DatabaseCorrupt, DiskFull, ReadOnly, StoreIOError, AlreadyOpen)
#: What makes a server desk keep a new save or closure instead of failing it: the record
#: cannot take it now, and says so at once. Not a busy record (AlreadyOpen): the save
#: has already waited the server's lock timeout, and a kept item would be tried again
#: every few seconds on the desk's window, each try waiting as long; the officer is
#: told to save again in a moment instead.
SAVE_KEPT_FOR = (DatabaseCorrupt, DiskFull, ReadOnly, StoreIOError)


class _ClosuresStopped(Exception):
    """The hold closures' part of a flush stopped by the record itself (RECORD_UNUSABLE)."""

    def __init__(
        self,
        error: StoreError,
        done: tuple[KeptClosure, ...],
        refused: tuple[tuple[KeptClosure, str], ...],
        left: int,
    ) -> None:
        super().__init__(str(error))
        self.error, self.done, self.refused, self.left = error, done, refused, left


class RecordUnreachable(ServiceError):
    """An amendment, a review or a hold closure asked while the record server is lost."""


class AnswerLost(RecordUnreachable):
    """A decision decided again whose save lost its answer: it may be recorded."""


class KeptElsewhere(InvalidRequest):
    """A decision deciding a kept decision again that is not on this desk, or that the
    record has dealt with already: nothing is saved, and the review is to be closed."""


#: A decision decided again whose save lost its answer: it may be recorded (a COMMIT can
#: reach the server after the connection is cut).
ANSWER_LOST = (
    "The answer to the save was lost with the record server: the decision decided again "
    "may or may not be recorded. The review stays open; save it again when the red banner "
    "is gone: if it was recorded, TrustDesk says so and records nothing twice."
)


def offline_refusal(what: str, keep: str) -> str:
    """The plain refusal of something that needs the record as it is now (see 0026)."""
    article = "an" if what[0] in "aeiou" else "a"
    return (
        f"The {what} was not recorded: the record server cannot be reached. While it is "
        f"lost only new decisions are kept on this workstation; {article} {what} needs the "
        f"record as it is now. {keep} Do it again when the red banner is gone."
    )


KEEP_AGAIN = "The review stays open with everything in it, and the kept copy stays listed."


def _signer_of(session: Session) -> KeptSigner:
    """The key the session signs what it keeps with (made when it signed in)."""
    if session.signer is None:
        raise InvalidRequest(
            "this session cannot keep anything on the workstation (it did not sign in "
            "with a password here): sign out and sign in again"
        )
    return session.signer


def draft_digest(draft: DecisionDraft) -> str:
    """What a kept decision's memo carries in place of the record's hash."""
    return hashlib.sha256(f"{draft.case_json}\n{draft.decision_json}".encode()).hexdigest()


class SyncService:
    def __init__(self, decisions: DecisionService, outbox: Outbox, live: LiveRecord) -> None:
        self.ctx: ServiceContext = decisions.ctx
        self.rules: RulesSource = decisions.rules
        self.decisions = decisions
        self.outbox = outbox
        self.closures = ClosureOutbox(outbox.folder.parent)
        self.unlocks = UnlockOutbox(outbox.folder.parent)
        self.live = live
        self._header: AgencyHeader | None = None
        self._signers: dict[int, Signer] = {}
        self._zone = DEFAULT_TIMEZONE
        #: The record's last entry this desk has seen (position, hash): signed into what
        #: it keeps, so the flush knows where to look for what the record did with it.
        self._seen: tuple[int, str] | None = None
        #: Each officer's signing key as this desk learnt it from their own sign-in (the
        #: password they typed here): what lets a refusal stand without the record.
        self._known_keys: dict[int, set[str]] = {}
        self._refuser: tuple[int, KeptSigner] | None = None
        #: The closures this running app kept and has not yet seen recorded or refused,
        #: by id, with the digest of what was signed: the only ones that hide a hold.
        self._kept_here: dict[str, str] = {}
        #: Called after each decision or closure kept on this desk (the window's banner
        #: shows how many wait).
        self.kept_listeners: list[Callable[[], None]] = []
        self._dealt = DealtSearch(self.ctx)
        self.refused_closures = RefusedClosures(
            self.ctx, self.closures, self.refusal_stands, self._dealt_closures
        )

    # -- while the server answers ---------------------------------------------------------

    def remember(self, session: Session) -> None:
        """Keep what an offline memo prints (agency header, the officer's printed name), and
        record the unlocks tried at this desk's lock while the server was lost."""
        from trustdesk.services.memo_inputs import memo_header, signer

        self._know(session)
        try:
            self._seen = self.ctx.store.audit.head()
        except StoreError:
            return
        with contextlib.suppress(ServiceError, StoreError):
            self.record_unlocks()  # tried at this desk's lock before the app was closed
        try:
            self._header = memo_header(self.ctx.store, None)
            self._signers[session.user_id] = signer(
                self.ctx.store, session.user_id, session.username, self.ctx.now()
            )
            profile = self.ctx.store.agency.get()
        except (ServiceError, StoreError):
            return
        if profile is not None:
            self._zone = profile.timezone

    def _know(self, session: Session) -> None:
        """Learn the officer's key from their session (the password they typed here); the
        desk's refusals are signed by the latest such session."""
        if session.signer is not None:
            self._known_keys.setdefault(session.user_id, set()).add(session.signer.public_hex)
            self._refuser = (session.user_id, session.signer)

    def forget_signer(self) -> None:
        """At sign-out: the officer's private key leaves the desk's memory (their public
        key stays learnt, so their kept closures still hide their holds)."""
        self._refuser = None

    @property
    def refuses_as(self) -> int | None:
        """The account whose key signs this desk's refusals now (None: no one's)."""
        return None if self._refuser is None else self._refuser[0]

    def refusal_stands(self, item: Kept, *, record: bool = True) -> bool:
        """Whether ``item``'s refusal was made by a desk of this record
        (``kept_checks.refusal_stands``); one that does not stand is tried again.
        ``record=False``: without asking the record (by the keys this desk learnt)."""
        return refusal_stands(self.ctx, item, self._known_keys, record=record)

    def hidden_holds(self) -> set[int]:
        """Holds this desk closed while the server was lost and still has to record:
        hidden from its board (``ClosureOutbox.hold_ids``) only for a closure this
        running app kept, as it kept it, and has not seen recorded or refused."""
        return self.closures.hold_ids(self._kept_here)

    def probe(self) -> bool:
        """Whether the record answers now (one cheap read), noted for the whole desk."""
        try:
            self._seen = self.ctx.store.audit.head()
        except ServerUnavailable:
            self.live.set_reachable(False)
            return False
        except StoreError:
            # The server answered: its record is damaged, or changed behind TrustDesk's
            # back. Not "server lost" — the flush that follows says what is wrong.
            pass
        self.live.set_reachable(True)
        return True

    def require_record(self, what: str, keep: str) -> None:
        """Refuse at once, plainly, what needs the record while the change feed says the
        server is lost (trying would only wait for the connection timeout)."""
        if not self.live.feed_reachable:
            raise self.unreachable(what, keep)

    def unreachable(self, what: str, keep: str) -> RecordUnreachable:
        """The refusal to raise after a call failed with ``ServerUnavailable``; the desk's
        banner is told the server is lost."""
        self.live.set_reachable(False)
        return RecordUnreachable(offline_refusal(what, keep))

    # -- deciding -------------------------------------------------------------------------

    def decide(
        self,
        session: Session,
        case: Case,
        raw_case: Mapping[str, Any],
        *,
        draft_id: int | None = None,
        replaces_kept: str | None = None,
    ) -> SavedDecision | KeptDecision:
        """Record the decision; kept on this workstation when the server is unreachable.

        While the change feed itself says the server is lost, no save is tried: on a cut
        network it would only wait for the connection timeout before being kept anyway.
        ``replaces_kept``: the refused kept decision this one decides again; its entry
        names it, and the kept copy, dealt with, goes (decision 0062).
        """
        if replaces_kept is not None:
            # Deciding a refused kept decision again names it in the record, at once: kept
            # here instead, the new one would be recorded without naming it.
            self.require_record("decision decided again", KEEP_AGAIN)
        if not self.live.feed_reachable:
            self.live.set_reachable(False)
            return self.keep(session, case, raw_case, draft_id=draft_id)
        try:
            extra = None if replaces_kept is None else self._replaces(replaces_kept)
        except ServerUnavailable:
            raise self.unreachable("decision decided again", KEEP_AGAIN) from None
        try:
            saved = self.decisions.create(session, case, raw_case, extra=extra, draft_id=draft_id)
        except ServerUnavailable:
            if replaces_kept is not None:
                self.live.set_reachable(False)
                raise AnswerLost(ANSWER_LOST) from None
            self.live.set_reachable(False)
            # The answer to the save was lost, not necessarily the save: on a network cut
            # its COMMIT may still reach the server. Look for it before recording it late.
            return self.keep(session, case, raw_case, draft_id=draft_id, attempted=True)
        except SAVE_KEPT_FOR as error:
            if replaces_kept is not None or self.ctx.store.backend != "postgresql":
                raise  # a data folder's own file: its message says how to mend it
            # The server answered, but its record cannot take the save now (a failover's
            # standby, a table renamed away): the desk does not stop. Kept as in an
            # outage, looked for before it is recorded, and recorded once it can be.
            kept = self.keep(session, case, raw_case, draft_id=draft_id, attempted=True)
            return replace(kept, why=str(error))
        if extra is not None and replaces_kept is not None:
            self.settled(replaces_kept)
        return saved

    def _replaces(self, item_id: str) -> dict[str, str] | None:
        """What a decision deciding a kept decision again says of it: its id and the
        digest of what its officer signed, for one on this desk signed by its officer
        (under any key the record has held for them), refused or not: named, it is never
        recorded beside the new one. A planted or edited file is never recorded anyway,
        and naming it must not stand for a genuine item of the same id elsewhere.
        Refused (nothing saved) when the kept decision is not on this desk, or the record
        has dealt with it already: a first save whose answer was lost, say."""
        if not KEPT_ID.fullmatch(item_id):
            raise InvalidRequest(f"{item_id[:40]!r} is not a kept decision's id")
        item = self.outbox.get(item_id)
        if item is None:
            raise KeptElsewhere(
                f"this review decides again kept decision {item_id[:8]}, which is not on "
                "this desk: it was kept on another workstation, or recorded, decided again "
                "or discarded since. Nothing was saved. Finish the review on the workstation "
                "that kept it, or, if that decision has been dealt with, close this review"
            )
        if (item.id, kept_digest(item)) in self._dealt_with([item])["decision"]:
            self.outbox.remove(item)
            raise KeptElsewhere(
                f"kept decision {item.short_id} was already recorded, decided again or "
                "discarded in the record (a save whose answer was lost went through): "
                "nothing was saved twice. Look the case up in the record, then close this "
                "review"
            )
        if not signed_by_its_officer(self.ctx, item):
            return None
        return {"replaces_offline_draft": item.id, "replaces_offline_digest": kept_digest(item)}

    def keep(
        self,
        session: Session,
        case: Case,
        raw_case: Mapping[str, Any],
        *,
        draft_id: int | None = None,
        attempted: bool = False,
    ) -> KeptDecision:
        """Decide ``case`` with the rules in memory and keep it durably on this desk."""
        now = self.ctx.now()
        signer = _signer_of(session)
        self._know(session)
        check_not_future(case.decision_time, now)
        # Refuses what cannot be decided, as a save would.
        draft = make_draft(self.rules, case, raw_case)
        pending = PendingDecision(
            id=new_id(),
            kept_at=now,
            officer_id=session.user_id,
            officer=session.username,
            workstation=self.ctx.workstation,
            raw_case=dict(raw_case),
            rule_pack_sha256=draft.rule_pack_sha256,
            draft_id=draft_id,
            attempted=attempted,
            seen_seq=None if self._seen is None else self._seen[0],
            seen_hash="" if self._seen is None else self._seen[1],
        )
        pending = signed(pending, signer)
        self.outbox.put(pending)
        self._tell_kept()
        return self._kept(pending)

    def _kept(self, pending: PendingDecision) -> KeptDecision:
        from trustdesk.core.evaluate import evaluate
        from trustdesk.rules.caseio import parse_case

        case = parse_case(pending.raw_case, "the kept case", self.rules.sections)
        draft = make_draft(self.rules, case, pending.raw_case)
        decision = evaluate(self.rules.pack_for(case.decision_time), case)
        return KeptDecision(pending, case, decision, draft)

    def pending(self) -> list[KeptDecision]:
        """The kept decisions this desk can read as cases (a damaged one stays unread)."""
        found = []
        for item in self.outbox.all():
            try:
                found.append(self._kept(item))
            except Exception:  # a planted or damaged file, never a crash
                continue
        return found

    # -- recording late -------------------------------------------------------------------

    def waiting(self) -> int:
        """How many decisions and hold closures wait on this desk for the record (a
        refused one waits for a person instead)."""
        kept: list[Kept] = [*self.outbox.all(), *self.closures.all()]
        # Asked while the server may be lost (the banner, the retry timer): never waits
        # on the record; a refusal only the record could confirm counts as waiting, and
        # the flush that follows asks the record.
        return sum(1 for item in kept if not self.refusal_stands(item, record=False))

    def flush(self) -> Flushed:
        """Record every kept decision, then every kept hold closure, oldest first; stop at
        the first lost connection. One the record refused earlier waits for a person
        (``refused_kept``, ``refused_closures``); one the record has dealt with already —
        recorded, or discarded, a copy of its file put back — is dropped, never recorded
        twice.

        Nobody waits for a flush: the desk tries it on its window's thread every few
        seconds while something is kept. So each write waits only a moment for its turn
        (``Store.waiting_briefly``): behind a desk stuck mid-save, the usual wait (30 s
        on a server) froze the window at every try. A busy record stops the flush with
        everything still kept, and the next try comes a few seconds later."""
        with self.ctx.store.waiting_briefly():
            return self._flush()

    def _flush(self) -> Flushed:
        recorded: list[tuple[PendingDecision, SavedDecision]] = []
        refused: list[tuple[PendingDecision, str]] = []
        every, closures = self.outbox.all(), self.closures.all()
        dealt: dict[str, set[tuple[str, str]]]
        try:
            dealt = self._dealt_with([*every, *closures])
        except ServerUnavailable:  # nothing is recorded unless this is known
            self.live.set_reachable(False)
            return Flushed(still_kept=len(every) + len(closures))
        except StoreError as error:  # only what waits for the record counts as waiting
            return self._stopped(Flushed(still_kept=self.waiting()), error)
        items = self._to_try(every, dealt["decision"], self.outbox.remove)
        closures = self._to_try(closures, dealt["closure"], self.closures.remove)
        for index, item in enumerate(items):
            if (item.id, kept_digest(item)) in dealt["decision"]:
                self.outbox.remove(item)
                continue
            try:
                saved = self._record_late(item)
            except ServerUnavailable:
                self.live.set_reachable(False)
                return Flushed(tuple(recorded), len(items) - index, tuple(refused))
            except RECORD_UNUSABLE as error:
                left = len(items) - index + len(closures)
                return self._stopped(Flushed(tuple(recorded), left, tuple(refused)), error)
            except Exception as error:  # one item's fault stops no other
                # Kept, with the reason, for a supervisor to print, re-walk or discard
                # (``refused_kept``, ``discard``): nothing is dropped by itself.
                marked = item
                with contextlib.suppress(ServiceError):
                    marked = self.outbox.mark_refused(
                        item, str(error), self.ctx.now(), self._refuser
                    )
                refused.append((marked, str(error)))
                continue
            self.outbox.remove(item)
            self._drop_review_draft(item)
            if saved is not None:
                recorded.append((item, saved))
        try:
            done, turned_down, left = self._flush_closures(closures, dealt)
        except _ClosuresStopped as stop:
            flushed = Flushed(tuple(recorded), stop.left, tuple(refused), stop.done, stop.refused)
            return self._stopped(flushed, stop.error)
        if left:
            return Flushed(tuple(recorded), left, tuple(refused), done, turned_down)
        with contextlib.suppress(StoreError):  # they wait for the next flush
            self.record_unlocks()
        # The record answered every call (even with nothing to try: kept work waiting
        # for a person must not keep the desk "server lost", flushing again and again).
        self.live.set_reachable(True)
        return Flushed(tuple(recorded), 0, tuple(refused), done, turned_down)

    def _stopped(self, flushed: Flushed, error: StoreError) -> Flushed:
        """A flush stopped by the record itself: the server answered (not "lost"), and
        the desk is told why nothing more was recorded."""
        self.live.set_reachable(True)
        return replace(flushed, unusable=str(error))

    def _to_try(
        self, every: list[Item], dealt: set[tuple[str, str]], remove: Callable[[Item], None]
    ) -> list[Item]:
        """The items of one kind a flush tries. One whose refusal stands waits for a
        person, unless the record has dealt with it (decided again, or discarded: a copy
        of its file put back), and then it is removed. A refusal that does not stand
        (written into the file by someone else, or by an earlier TrustDesk) holds nothing
        back: the item is tried again."""
        tried = []
        for item in every:
            if not self.refusal_stands(item):
                tried.append(item)
            elif (item.id, kept_digest(item)) in dealt:
                remove(item)
        return tried

    def _flush_closures(
        self, closures: list[KeptClosure], dealt: dict[str, set[tuple[str, str]]]
    ) -> tuple[tuple[KeptClosure, ...], tuple[tuple[KeptClosure, str], ...], int]:
        """``flush``'s hold closures: those recorded, those turned down with why, and how
        many are left when the connection was lost."""
        done: list[KeptClosure] = []
        turned_down: list[tuple[KeptClosure, str]] = []
        for index, closure in enumerate(closures):
            if (closure.id, kept_digest(closure)) in dealt["closure"]:
                self._kept_here.pop(closure.id, None)
                self.closures.remove(closure)
                continue
            try:
                self._close_late(closure)
            except ServerUnavailable:
                self.live.set_reachable(False)
                return tuple(done), tuple(turned_down), len(closures) - index
            except RECORD_UNUSABLE as error:
                left = len(closures) - index
                raise _ClosuresStopped(error, tuple(done), tuple(turned_down), left) from None
            except Exception as error:  # one item's fault stops no other
                self._kept_here.pop(closure.id, None)  # its hold is back on the board
                why = self._closure_refusal(closure, error)
                turned_down.append((closure, why))
                if isinstance(error, AlreadyClosed):
                    # Another desk's closure is on record: nothing is left to do here.
                    self.closures.remove(closure)
                else:
                    # Kept and listed under Not recorded (``services.refused_closures``).
                    with contextlib.suppress(ServiceError):
                        self.closures.mark_refused(closure, why, self.ctx.now(), self._refuser)
                continue
            self._kept_here.pop(closure.id, None)
            self.closures.remove(closure)
            done.append(closure)
        return tuple(done), tuple(turned_down), 0

    def _dealt_with(self, items: list[Any]) -> dict[str, set[tuple[str, str]]]:
        """What the record has recorded, decided again or discarded, as (id, digest of
        what was signed) by kind ("decision", "closure"), among the entries that can
        concern ``items`` (``services.kept_dealt``). Notes the head, as seen now."""
        self._seen = self.ctx.store.audit.head()
        return self._dealt.find(items, self._seen)

    def _dealt_closures(self, items: list[Kept]) -> set[tuple[str, str]]:
        return self._dealt_with(items)["closure"]

    # -- hold closures while the server is lost ------------------------------------------

    def close_hold(
        self, session: Session, hold: HoldStatus, outcome: str, note: str | None
    ) -> Hold | KeptClosure:
        """Close the hold in the record; kept on this workstation when the server is
        unreachable (the person is handed over either way), recorded late."""
        if not self.live.feed_reachable:
            self.live.set_reachable(False)
            return self.keep_closure(session, hold, outcome, note)
        # One time for the save and for its kept copy: a save whose answer was lost is
        # then found in the record by it, not closed a second time and refused.
        when = self.ctx.now()
        try:
            return HoldService(self.ctx).close(
                session, hold.hold_id, outcome, ended_at=when, note=note
            )
        except ServerUnavailable:
            self.live.set_reachable(False)
            return self.keep_closure(session, hold, outcome, note, attempted=True, at=when)
        except SAVE_KEPT_FOR:
            if self.ctx.store.backend != "postgresql":
                raise  # a data folder's own file: its message says how to mend it
            # The server answered but cannot take it now (as ``decide``): kept.
            return self.keep_closure(session, hold, outcome, note, attempted=True, at=when)

    def keep_closure(
        self,
        session: Session,
        hold: HoldStatus,
        outcome: str,
        note: str | None,
        *,
        attempted: bool = False,
        at: datetime | None = None,
    ) -> KeptClosure:
        """Keep the closure durably on this desk, checked as far as it can be without
        the record (the officer's role is checked again when it is recorded)."""
        signer = _signer_of(session)
        self._know(session)
        if outcome not in HOLD_OUTCOMES:
            raise InvalidRequest(f"outcome must be one of {', '.join(HOLD_OUTCOMES)}")
        text = None if note is None else note.strip() or None
        if text is not None and (len(text) > MAX_NOTE or any(ord(c) < 32 for c in text)):
            raise InvalidRequest(f"the note must be one line of at most {MAX_NOTE} characters")
        if outcome == "released_other" and text is None:
            raise InvalidRequest("say in a note why the person was released")
        kept = self.closures.keep(
            kept_at=self.ctx.now() if at is None else at,
            officer_id=session.user_id,
            officer=session.username,
            workstation=self.ctx.workstation,
            hold_id=hold.hold_id,
            booking_number=hold.booking_number,
            outcome=outcome,
            note=text,
            attempted=attempted,
            signer=signer,
            seen=self._seen,
        )
        self._kept_here[kept.id] = kept_digest(kept)
        self._tell_kept()
        return kept

    # -- unlocks tried while the server is lost ------------------------------------------

    def keep_unlock(self, session: Session, outcome: str) -> KeptUnlock:
        """Keep on this desk, signed with ``session``'s key, that an unlock of its locked
        screen was tried now with the right (``success``) or a wrong (``failure``)
        password, checked on the desk: recorded by ``record_unlocks`` once the record
        answers, even after the app was closed (``OutboxError`` if it cannot be kept)."""
        return self.unlocks.keep(
            kept_at=self.ctx.now(),
            officer_id=session.user_id,
            officer=session.username,
            workstation=self.ctx.workstation,
            outcome=outcome,
            signer=_signer_of(session),
            seen=self._seen,
        )

    def record_unlocks(self) -> int:
        """Put the kept unlock tries in the record, oldest first, as ``unlock`` entries
        marked ``offline`` (with when, on which workstation, and the kept id and digest,
        so that one is never recorded twice); how many were recorded. One the record has
        already is removed. One not signed by its officer's key (planted in the folder,
        or edited), or naming as its desk what no computer is named (``check_desk``: a
        file its officer wrote by hand and signed), is never recorded: the record says
        so in an ``unlock.not_recorded`` entry and its file is set aside
        (``KeptFiles.set_aside``), reported once. Stops at the first failure to write
        (``StoreError``: the rest wait for the next try)."""
        items = self.unlocks.all()
        if not items:
            return 0
        dealt = self._dealt_with(items)["unlock"]
        recorded = 0
        for item in items:
            digest = kept_digest(item)
            if (item.id, digest) in dealt:
                self.unlocks.remove(item)
                continue
            if not signed_by_its_officer(self.ctx, item):
                self._unlock_not_recorded(item, "it is not signed by the officer it names")
                continue
            if not desk_named_right(self.ctx, item):  # ``check_desk``
                fault = desk_name_fault(item.workstation)
                self._unlock_not_recorded(item, f"the desk it names is not a desk's name ({fault})")
                continue
            officer = self.ctx.store.users.by_id(item.officer_id)
            self.ctx.audit(
                "unlock",
                officer,
                item.outcome,
                user=officer.id,
                offline=True,
                tried_at=utc_text(item.kept_at),
                kept_on=item.workstation,
                offline_unlock=item.id,
                offline_digest=digest,
            )
            self.unlocks.remove(item)
            recorded += 1
        return recorded

    def _unlock_not_recorded(self, item: KeptUnlock, why: str) -> None:
        """Report in the record, once, an unlock file that is never recorded (``why``),
        then set it aside: left in the folder it was passed over at every flush and
        nobody learnt that a file had been planted or altered there."""
        path = self.unlocks.path(item)
        try:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return  # gone meanwhile: nothing left to report
        self.ctx.audit(
            "unlock.not_recorded",
            None,
            "denied",
            kept_unlock=item.id,
            file_sha256=sha256,
            kept_on=desk_of(self.ctx, item),
            names_user=item.officer_id,
            reason=why,
        )
        try:
            moved = self.unlocks.set_aside(item)
        except OSError as error:  # reported; moved at a later flush, reported again then
            log.warning("an unlock file that is never recorded stays where it is: %s", error)
            return
        log.warning("an unlock file that is never recorded was set aside: %s (%s)", moved, why)

    def _tell_kept(self) -> None:
        for listener in list(self.kept_listeners):
            listener()

    def _close_late(self, item: KeptClosure) -> None:
        user = check_signed(self.ctx, item, "hold closure")
        check_desk(self.ctx, item, "hold closure", self.closures.path(item))
        officer = Session(user.id, user.username, item.kept_at)
        if item.attempted and self._closed_by(item):
            return  # the save whose answer was lost did go through
        item = self.closures.mark_attempted(item)
        extra = {
            "recorded_late": True,
            "closed_offline_at": utc_text(item.kept_at),
            "kept_on": item.workstation,
            "offline_closure": item.id,
            "offline_digest": kept_digest(item),
        }
        HoldService(self.ctx).close(
            officer, item.hold_id, item.outcome, ended_at=item.kept_at, note=item.note, extra=extra
        )

    def _closed_by(self, item: KeptClosure) -> bool:
        closure = self.ctx.store.holds.get(item.hold_id).closure
        return (
            closure is not None
            and closure.officer_id == item.officer_id
            and closure.ended_at == item.kept_at
        )

    def _closure_refusal(self, item: KeptClosure, error: Exception) -> str:
        if isinstance(error, AlreadyClosed):
            return str(error)
        zone = ZoneInfo(self._zone)
        when = local_text(item.kept_at, zone)
        return (
            f"{error}. The hold (booking {item.booking_number}) is back on the board: close "
            f"it again and say in the note that it really ended at {when}."
        )

    def _record_late(self, item: PendingDecision) -> SavedDecision | None:
        kept = self._kept(item)
        # A save whose answer was lost is looked for first: refused by a check below (its
        # officer disabled meanwhile, a pack changed), it would be decided again and the
        # case recorded twice. Found, the kept copy only goes.
        if item.attempted and self._already_recorded(kept):
            return None
        user = check_signed(self.ctx, item, "decision")
        check_desk(self.ctx, item, "decision", self.outbox.path(item))
        if item.rule_pack_sha256 != kept.draft.rule_pack_sha256:
            raise InvalidRequest(
                f"the rule pack in force for {kept.case.decision_time:%Y-%m-%d} changed since "
                "the officer saw this decision; open the case again and decide it anew"
            )
        # What keep refused must not come in through the kept file edited since: a
        # decision time after the moment it was kept, or a moment of keeping to come.
        if item.kept_at > self.ctx.now() + CLOCK_SLACK:
            raise InvalidRequest(
                f"the decision kept on this desk says it was kept at {utc_text(item.kept_at)}, "
                "later than now: its file was altered; it is not recorded"
            )
        if kept.case.decision_time > item.kept_at + CLOCK_SLACK:
            raise InvalidRequest(
                f"the decision kept on this desk has a decision time "
                f"({kept.case.decision_time.isoformat()}) later than the moment it was kept "
                f"({utc_text(item.kept_at)}): its file was altered; it is not recorded"
            )
        officer = Session(user.id, user.username, item.kept_at)
        self.ctx.authorize(officer, Operation.DECISION_CREATE)
        item = self.outbox.mark_attempted(item)
        extra = {
            "recorded_late": True,
            "decided_offline_at": utc_text(item.kept_at),
            "kept_on": item.workstation,
            "offline_draft": item.id,
            "offline_digest": kept_digest(item),
        }
        actor = Actor(user.id, user.username, item.workstation)
        # Kept under the jurisdiction this desk read at sign-in: if an administrator has
        # changed the record's since, the save is refused in its own transaction, as a
        # decision saved live would be (decision 0083), and the item waits for a person.
        law = self.decisions.law(kept.case)
        return self.ctx.store.decisions.add(kept.draft, actor, self.ctx.now(), extra=extra, law=law)

    def _drop_review_draft(self, item: PendingDecision) -> None:
        """The review's draft in the record is done with: it must not be resumed and saved
        a second time. (Best effort: a draft left behind says only what was recorded.)"""
        if item.draft_id is None:
            return
        from trustdesk.services.drafts import DraftService

        officer = Session(item.officer_id, item.officer, item.kept_at)
        with contextlib.suppress(ServiceError, StoreError):
            DraftService(self.ctx).discard(officer, item.draft_id)

    def _already_recorded(self, kept: KeptDecision) -> bool:
        """Whether an earlier attempt cut off during its commit did record it after all."""
        query = SearchQuery(
            booking_number=kept.draft.person.booking_number or None,
            officer=kept.pending.officer,
            decided_from=kept.draft.decision_time,
            limit=50,
        )
        for row in self.ctx.store.search.decisions(query):
            if row.decision_time != kept.draft.decision_time:
                continue
            first = self.ctx.store.decisions.history(row.decision_id)[0]
            if first.case_json == kept.draft.case_json:
                return True
        return False

    # -- kept decisions the record refused -----------------------------------------------

    def refused_kept(self) -> list[KeptDecision]:
        """Kept decisions the record refused when the server was back, oldest first."""
        items = [item for item in self.outbox.all() if self.refusal_stands(item)]
        try:
            done = self._dealt_with(list(items))["decision"] if items else set()
        except StoreError:
            done = set()  # the server lost: what the desk holds
        found = []
        for item in items:
            if (item.id, kept_digest(item)) in done:
                continue  # a discarded one's copy put back: the next flush removes it
            try:
                found.append(self._kept(item))
            except Exception:  # any file that cannot be read as a case
                continue  # (no rule pack in memory decides it, or it is damaged): it stays
        return found

    def discard(self, session: Session, item_id: str, reason: str) -> PendingDecision:
        """Set aside a refused kept decision, with a reason, in the audit (supervisors and
        administrators); its file is removed only after the audit entry is recorded."""
        item = self.outbox.get(item_id)
        if item is None:
            raise InvalidRequest(f"kept decision {item_id[:8]} is no longer on this desk")
        if not self.refusal_stands(item):
            raise InvalidRequest(
                f"kept decision {item.short_id} has not been refused by the record: it is "
                "recorded as soon as the server answers; only a refused one may be discarded"
            )
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidRequest("say why the kept decision is discarded (the reason is kept)")
        if (item.id, kept_digest(item)) in self._dealt_with([item])["decision"]:
            self.outbox.remove(item)
            raise InvalidRequest(
                f"kept decision {item.short_id} was recorded, decided again or discarded in "
                "the record already: its copy on this desk is removed"
            )
        objects = {
            "offline_draft": item.id,
            "offline_digest": kept_digest(item),
            "kept_on": desk_of(self.ctx, item),
        }
        self.ctx.authorize(session, Operation.KEPT_DISCARD, objects)
        self.ctx.audit(
            "kept_decision.discarded",
            session,
            **objects,
            officer=item.officer_id,
            decided_offline_at=utc_text(item.kept_at),
            refused=item.refused,
            reason=reason,
        )
        self.outbox.remove(item)
        return item

    def settled(self, item_id: str) -> None:
        """The refused kept decision was walked again and recorded: its file goes."""
        item = self.outbox.get(item_id)
        if item is not None:
            self.outbox.remove(item)

    # -- the memo of a kept decision ------------------------------------------------------

    def memo(self, kept: KeptDecision) -> bytes:
        """The memo of a kept decision, marked NOT YET RECORDED on every page."""
        from trustdesk.memo.build import build_view_model
        from trustdesk.memo.errors import MemoError
        from trustdesk.memo.render import render_memo
        from trustdesk.memo.viewmodel import AgencyHeader, RecordInfo, Signer

        item = kept.pending
        zone = ZoneInfo(self._zone)
        when = local_text(item.kept_at, zone)
        why = (
            f"Kept as local draft {item.short_id} on workstation {desk_of(self.ctx, item)} at "
            f"{when}: the record server could not be reached. It is recorded as soon as "
            "the server is back; print the memo again then."
        )
        record = RecordInfo(
            f"draft {item.short_id}",
            1,
            draft_digest(kept.draft),
            None,
            item.kept_at,
            not_recorded=why,
        )
        header = self._header or AgencyHeader("Agency not yet read from the record", "", "")
        officer = self._signers.get(item.officer_id, Signer(item.officer, "", None))
        try:
            view = build_view_model(
                kept.case,
                kept.decision,
                self.rules.pack_for(kept.case.decision_time),
                agency=header,
                record=record,
                officer=Signer(officer.name, officer.badge, item.kept_at),
                titles=self._titles(kept.case),
            )
            return render_memo(view)
        except MemoError as error:
            raise ServiceError(f"the memo could not be made: {error}") from None

    def save_memo(self, kept: KeptDecision, target: Path) -> Path:
        """Write the kept decision's memo to a new file (never over an existing one)."""
        from trustdesk.memo.errors import MemoError
        from trustdesk.memo.files import write_pdf_atomically
        from trustdesk.services.memos import pdf_stem

        folder, stem = pdf_stem(target)
        data = self.memo(kept)
        try:
            return write_pdf_atomically(data, folder, stem)
        except MemoError as error:
            raise ServiceError(str(error)) from None

    def _titles(self, case: Case) -> dict[str, str]:
        catalog = getattr(self.rules, "catalog", None)
        titles: dict[str, str] = {}
        if catalog is None:
            return titles
        for item in (*case.convictions, *case.pending_charges):
            if not item.section:
                continue
            entry = catalog.get(item.section)
            if entry is not None:
                titles[item.section] = entry.title
        return titles

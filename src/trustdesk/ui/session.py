"""Setup, sign-in, lock and sign-out as the window needs them: a result or a message.

No Qt here: the gate pages show what this returns, and the services do the checking.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from trustdesk.services.bundle import Services
from trustdesk.services.context import Session
from trustdesk.services.errors import AccountLocked, AuthenticationFailed, ServiceError
from trustdesk.store.encoding import utc_text
from trustdesk.store.errors import StoreError
from trustdesk.ui.context import DEFAULT_ZONE

log = logging.getLogger("trustdesk.ui")


def sentence(error: Exception) -> str:
    """A service message as a sentence for a dialog or an inline error."""
    text = str(error).strip()
    if not text:
        return "Something went wrong; try again."
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


#: Wrong passwords at one lock before the desk signs out, whether the record answered or
#: not (while the server is lost the record's own lock-out cannot count them).
OFFLINE_TRIES = 5


class Gatekeeper:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._failed_unlocks = 0
        #: Unlocks tried while the server was lost that could not be kept on the
        #: workstation (``SyncService.keep_unlock``), to be recorded when it answers.
        self._unrecorded: list[tuple[Session, str, str]] = []

    def _profile(self) -> Any:
        return self.services.agency.profile()

    def agency_name(self) -> str:
        profile = self._profile()
        return "" if profile is None else f"{profile.name} — {profile.facility}"

    def zone_name(self) -> str:
        profile = self._profile()
        return DEFAULT_ZONE if profile is None else str(profile.timezone)

    def needs_setup(self) -> bool:
        # As the set-up itself judges it: a folder whose accounts were made first
        # (`trustdesk users add`) goes to sign-in, where an administrator sets the agency.
        return self.services.agency.needs_set_up()

    def set_up(self, values: dict[str, Any]) -> str:
        """Create the agency profile and first administrator; "" or what is wrong."""
        from trustdesk.store.records import AgencyProfile

        profile = AgencyProfile(
            name=str(values["name"]),
            facility=str(values["facility"]),
            ori=str(values["ori"]),
            timezone=str(values["timezone"]),
            logo=values.get("logo"),
            logo_type=None,
        )
        try:
            self.services.agency.set_up(
                profile,
                str(values["username"]),
                str(values["password"]),
                jurisdiction=values.get("jurisdiction"),
            )
        except (ServiceError, StoreError) as error:
            return sentence(error)
        log.info("first-run setup completed")
        return ""

    def admin_warning(self) -> str:
        """The only-administrator warning for the sign-in page ('' when none or unreadable)."""
        try:
            return self.services.accounts.administrator_warning()
        except (ServiceError, StoreError):
            return ""

    def sign_in(self, username: str, password: str) -> tuple[Session, str] | str:
        try:
            session = self.services.accounts.log_on(username, password)
            role = self.services.store.users.by_id(session.user_id).role
        except (ServiceError, StoreError) as error:
            return sentence(error)
        log.info("signed in (user id %s)", session.user_id)
        return session, role

    def unlock(self, session: Session, password: str) -> str:
        """ "" once ``password`` unlocks the desk for ``session``, else what is wrong. While
        the record server is lost (or cannot say: busy, read-only) the password is checked
        on this desk against what the session signed in with, so the officer goes on
        working (kept work, the open review). Every wrong password at this lock counts,
        the record's answer or not: the fifth signs the desk out (``is_locked_out``)."""
        try:
            self.services.accounts.log_on(session.username, password)
        except AuthenticationFailed as error:  # wrong, locked or disabled: the record says
            self._failed_unlocks += 1
            self.record("unlock", session, "failure")
            self.check_proof(session)
            return sentence(error)
        except (ServiceError, StoreError):
            return self._unlock_offline(session, password)
        self._failed_unlocks = 0
        self.record_offline_attempts()
        self.record("unlock", session)
        return ""

    def _unlock_offline(self, session: Session, password: str) -> str:
        if session.signer is None or not session.signer.proof:
            return (
                "The record server cannot be reached, and this session can no longer be "
                "unlocked on the desk (its account or password changed since sign-in). Sign "
                "out, or unlock when the server is back."
            )
        if self.services.accounts.proves_offline(session, password):
            self._failed_unlocks = 0
            self._keep_unlock(session, "success")
            log.info("unlocked while the record server is lost (user id %s)", session.user_id)
            return ""
        self._failed_unlocks += 1
        self._keep_unlock(session, "failure")
        log.warning("wrong password at the lock while the record server is lost")
        left = OFFLINE_TRIES - self._failed_unlocks
        then = (
            f"after {left} more wrong password{'s' if left != 1 else ''} this desk signs out"
            if left > 0
            else "this desk signs out; the work kept on it stays"
        )
        return (
            "Wrong password. The record server cannot be reached, so the password was "
            f"checked on this desk (the attempt is recorded when the server is back); {then}."
        )

    def _keep_unlock(self, session: Session, outcome: str) -> None:
        """Keep the try on this workstation (recorded once the record answers, even after
        the app was closed); if it cannot be written there, in memory until then."""
        try:
            self.services.sync.keep_unlock(session, outcome)
        except ServiceError:
            log.warning("an unlock tried offline could not be kept on the workstation")
            self._unrecorded.append((session, outcome, utc_text(self.services.accounts.ctx.now())))

    def check_proof(self, session: Session) -> None:
        """While the record answers (never waiting on a lost server): a password changed
        since sign-in, or an account disabled or locked, leaves no offline unlock for
        this session. Called at each lock, after a refused unlock, when the server comes
        back and every minute (``MainWindow``)."""
        if not self.services.live.reachable:
            return
        self.record_offline_attempts()
        try:
            self.services.accounts.check_proof(session)
        except (ServiceError, StoreError):
            return

    def record_offline_attempts(self) -> None:
        """Put the unlocks tried on this desk while the server was lost (right or wrong
        password, when) in the record, once it answers: ``unlock`` entries marked
        ``offline``, oldest first (``SyncService.record_unlocks``; those kept in memory
        first); what cannot be written yet waits for the next try."""
        while self._unrecorded:
            session, outcome, at = self._unrecorded[0]
            try:
                self.services.accounts.ctx.audit(
                    "unlock", session, outcome, user=session.user_id, offline=True, tried_at=at
                )
            except (ServiceError, StoreError):
                return
            self._unrecorded.pop(0)
        with contextlib.suppress(ServiceError, StoreError):
            self.services.sync.record_unlocks()

    def is_locked_out(self, session: Session) -> bool:
        """Whether a failed unlock must sign the desk out: five wrong passwords at this
        lock (online or not), or the account locked or disabled in the record."""
        if self._failed_unlocks >= OFFLINE_TRIES:
            return True
        if not self.services.live.reachable:
            return False  # counted here until the record answers again
        try:
            user = self.services.store.users.by_id(session.user_id)
        except StoreError:
            return False  # it cannot say now: the count here decides
        return user.locked_at is not None or not user.active

    def record(self, event: str, session: Session, outcome: str = "success") -> None:
        try:
            self.services.accounts.ctx.audit(event, session, outcome, user=session.user_id)
        except StoreError:
            log.exception("could not record %s", event)

    def record_clock_jump(self, session: Session, seconds: int) -> None:
        try:
            self.services.accounts.ctx.audit(
                "clock.jumped", session, "success", seconds=seconds, user=session.user_id
            )
        except StoreError:
            log.exception("could not record a clock jump")

    def sign_out(self, session: Session) -> None:
        self._failed_unlocks = 0
        if self.services.live.reachable:
            self.record_offline_attempts()
        try:
            self.services.accounts.log_off(session)
        except StoreError:
            log.exception("could not record the sign-out")
        log.info("signed out (user id %s)", session.user_id)


__all__ = ["AccountLocked", "Gatekeeper", "sentence"]

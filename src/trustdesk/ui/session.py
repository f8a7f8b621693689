"""Setup, sign-in, lock and sign-out as the window needs them: a result or a message.

No Qt here: the gate pages show what this returns, and the services do the checking.
"""

from __future__ import annotations

import logging
from typing import Any

from trustdesk.services.bundle import Services
from trustdesk.services.context import Session
from trustdesk.services.errors import AccountLocked, ServiceError
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


class Gatekeeper:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _profile(self) -> Any:
        return self.services.agency.profile()

    def agency_name(self) -> str:
        profile = self._profile()
        return "" if profile is None else f"{profile.name} — {profile.facility}"

    def zone_name(self) -> str:
        profile = self._profile()
        return DEFAULT_ZONE if profile is None else str(profile.timezone)

    def needs_setup(self) -> bool:
        return self._profile() is None or self.services.accounts.needs_first_administrator()

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
        try:
            self.services.accounts.log_on(session.username, password)
        except (ServiceError, StoreError) as error:
            self.record("unlock", session, "failure")
            return sentence(error)
        self.record("unlock", session)
        return ""

    def is_locked_out(self, session: Session) -> bool:
        try:
            return self.services.store.users.by_id(session.user_id).locked_at is not None
        except StoreError:
            return True

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
        try:
            self.services.accounts.log_off(session)
        except StoreError:
            log.exception("could not record the sign-out")
        log.info("signed out (user id %s)", session.user_id)


__all__ = ["AccountLocked", "Gatekeeper", "sentence"]

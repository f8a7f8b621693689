"""What every service shares: the store, the clock, the workstation, and the permission gate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple, NoReturn

from trustdesk.services.errors import AccountRecordAltered, AuthenticationFailed, PermissionDenied
from trustdesk.services.permissions import DESCRIPTIONS, Operation, allowed
from trustdesk.store.errors import NotFound
from trustdesk.store.paths import hostname
from trustdesk.store.records import Actor, AuditEvent, User
from trustdesk.store.store import Store

TYPE_CHECKING = False
if TYPE_CHECKING:
    from trustdesk.services.kept_signing import KeptSigner
    from trustdesk.services.passwords import PasswordHasher


def _default_hasher() -> PasswordHasher:
    # Imported when first needed: hashing is for signing in, after the first window.
    from trustdesk.services.passwords import PasswordHasher

    return PasswordHasher()


def utc_now() -> datetime:
    return datetime.now(UTC)


class Session(NamedTuple):
    """A logged-on user. The role is read afresh on every call, never trusted from here.

    (Immutable values defined on the desktop app's start-up path are NamedTuples, as in
    docs/decisions/0004: a dataclass costs a millisecond to define.)
    """

    user_id: int
    username: str
    started_at: datetime
    #: The officer's key for what the desk keeps while the record server is lost, made
    #: at sign-in from the password (memory only; decision 0062). None for a session
    #: that did not sign in with a password (a late record in an officer's name).
    signer: KeptSigner | None = None


class ServiceContext:
    __slots__ = ("_hasher", "_listed", "clock", "store", "workstation")

    def __init__(
        self,
        store: Store,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], datetime] = utc_now,
        workstation: str | None = None,
    ) -> None:
        self.store = store
        self._hasher = hasher
        self.clock = clock
        self.workstation = workstation if workstation is not None else hostname()
        #: What each session's lists last showed (see audit_listing); memory only.
        self._listed: dict[tuple[Any, ...], list[int]] = {}

    @property
    def hasher(self) -> PasswordHasher:
        """The password hasher, made at the first password (after the first window)."""
        if self._hasher is None:
            self._hasher = _default_hasher()
        return self._hasher

    @hasher.setter
    def hasher(self, hasher: PasswordHasher) -> None:
        self._hasher = hasher

    def with_store(self, store: Store) -> ServiceContext:
        """The same context over another view of the store (a stoppable one, for jobs)."""
        copy = ServiceContext(store, self.hasher, self.clock, self.workstation)
        copy._listed = self._listed
        return copy

    def now(self) -> datetime:
        value = self.clock()
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("the service clock must give aware datetimes")
        return value.astimezone(UTC)

    def actor(self, who: Session | User | None) -> Actor:
        if who is None:
            return Actor(None, None, self.workstation)
        if isinstance(who, Session):
            return Actor(who.user_id, who.username, self.workstation)
        return Actor(who.id, who.username, self.workstation)

    def audit(
        self, event: str, who: Session | User | None, outcome: str = "success", **objects: Any
    ) -> None:
        self.store.audit.record(AuditEvent(event, outcome, objects), self.actor(who), self.now())

    def audit_listing(self, event: str, session: Session, list_name: str, shown: list[int]) -> None:
        """Record that ``session`` was shown these records, unless it was shown exactly them
        by the previous listing of the same list (a screen refreshing itself every few
        seconds would otherwise write the same entry thousands of times a day)."""
        key = (session.user_id, session.started_at, event, list_name)
        if self._listed.get(key) == shown:
            return
        self.audit(event, session, list=list_name, shown=shown)
        self._listed[key] = list(shown)

    def refuse_altered(
        self, user: User, fields: list[str], who: Session | User | None = None
    ) -> NoReturn:
        """Record and refuse an account whose row no longer matches its audit record.

        The row was written behind TrustDesk's back (the sqlite3 tool, a copied hash): what
        it says (a role, a password) is not to be believed, so nothing is done with it.
        """
        self.audit(
            "account.record_altered",
            who if who is not None else user,
            "denied",
            user=user.id,
            username=user.username,
            fields=fields,
        )
        raise AccountRecordAltered(
            f"account record altered outside TrustDesk: {user.username!r} differs from its "
            f"audit record ({', '.join(fields)}), so it is refused; an administrator must run "
            "`trustdesk audit verify` and restore the records from a backup"
        )

    def authorize(
        self, session: Session, operation: Operation, objects: Mapping[str, Any] | None = None
    ) -> User:
        """The session's current user, if their current role allows ``operation``.

        A refusal is recorded in the audit (event ``permission.denied``) before it is raised.
        """
        try:
            user, altered = self.store.users.checked(session.user_id)
        except NotFound:
            raise AuthenticationFailed("your account no longer exists; log on again") from None
        if altered:
            self.refuse_altered(user, altered, session)
        if not user.active or user.locked_at is not None:
            self.audit(
                "permission.denied",
                session,
                "denied",
                operation=str(operation),
                reason="account disabled" if not user.active else "account locked",
                **(objects or {}),
            )
            raise AuthenticationFailed(
                f"account {user.username!r} is {'disabled' if not user.active else 'locked'}; "
                "ask an administrator"
            )
        if not allowed(user.role, operation):
            self.audit(
                "permission.denied",
                session,
                "denied",
                operation=str(operation),
                role=user.role,
                **(objects or {}),
            )
            raise PermissionDenied(
                f"{user.username} ({user.role}) may not {DESCRIPTIONS[operation]}; "
                "ask someone whose role allows it"
            )
        return user

    def deny(
        self, session: Session, operation: Operation, reason: str, message: str, **objects: Any
    ) -> NoReturn:
        """Refuse ``operation`` to ``session`` for ``reason`` (the record, not the role,
        forbids it: one's own decision to review, another officer's contact…): audited as
        ``permission.denied`` before ``PermissionDenied(message)`` is raised."""
        self.audit(
            "permission.denied",
            session,
            "denied",
            operation=str(operation),
            reason=reason,
            **objects,
        )
        raise PermissionDenied(message)

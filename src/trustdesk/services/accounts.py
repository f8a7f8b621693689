"""Accounts: the first administrator, log-on with lockout, and account administration."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import timedelta

from trustdesk.services.context import ServiceContext, Session
from trustdesk.services.errors import (
    AccountLocked,
    AuthenticationFailed,
    InvalidRequest,
    PasswordRejected,
    PermissionDenied,
)
from trustdesk.services.fields import clean_text
from trustdesk.services.kept_signing import REGISTERED, KeptSigner, registered_key
from trustdesk.services.permissions import ADMINISTRATOR, ROLES, Operation
from trustdesk.store.encoding import bytes_sha256_hex, utc_text
from trustdesk.store.errors import NotFound
from trustdesk.store.records import Credential, User
from trustdesk.store.users import NoAdministratorLeft

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_BADGE = re.compile(r"[A-Za-z0-9-]{0,20}")
FULL_NAME_MAX = 100
ONLY_ADMINISTRATOR = (
    "there is only one active administrator who can sign in (not locked out): if that "
    "account is locked out or its password forgotten, only IT can recover it (trustdesk "
    "users recover); add a second administrator, or unlock one that is locked out"
)


def normalise_username(username: str) -> str:
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidRequest(
            f"user name {username[:40]!r} is not valid: use 2-32 letters, digits, '.', '_' "
            "or '-', starting with a letter"
        )
    return name


def check_badge(badge: str) -> str:
    """A badge number as printed on memos: up to 20 letters, digits or '-' ('' for none)."""
    text = badge.strip() if isinstance(badge, str) else None
    if text is None or not _BADGE.fullmatch(text):
        raise InvalidRequest(
            f"badge number {str(badge)[:30]!r} is not valid: use up to 20 letters, digits or "
            "'-' (e.g. 1187 or S-22), or nothing"
        )
    return text


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidRequest(f"role {role[:40]!r} is not one of {', '.join(ROLES)}")
    return role


class AccountService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.users = ctx.store.users

    # -- the first run ------------------------------------------------------------------

    def needs_first_administrator(self) -> bool:
        return self.users.count() == 0

    def create_first_administrator(self, username: str, password: str) -> User:
        """The one account that can be made without logging on: only while none exists."""
        name = normalise_username(username)
        if not self.needs_first_administrator():
            raise InvalidRequest(
                "TrustDesk already has accounts; an administrator must add new users (--as)"
            )
        _check_new_password(password, name)
        return self.users.create(
            name,
            ADMINISTRATOR,
            self.ctx.hasher.hash(password),
            creator=self.ctx.actor(None),
            at=self.ctx.now(),
            first=True,
        )

    # -- log-on -------------------------------------------------------------------------

    def log_on(self, username: str, password: str) -> Session:
        user, credential, seed = self._proved(username, password)
        now = self.ctx.now()
        stored = credential.password_hash
        if self.ctx.hasher.needs_rehash(stored):
            stored, seed = self.ctx.hasher.hash_with_seed(password)
            self.users.change(
                user.id,
                "user.password_rehashed",
                {"password_hash": stored},
                actor=self.ctx.actor(user),
                at=now,
            )
        self.users.record_logon(user.id, actor=self.ctx.actor(user), at=now)
        signer = KeptSigner(seed, proof=stored)
        self._register_signing_key(user, signer)
        return Session(user.id, user.username, now, signer)

    def _register_signing_key(self, user: User, signer: KeptSigner) -> None:
        """Put the officer's public key in the record unless it is there already (the
        first sign-in after a new password, a rehash, or on this version)."""
        entry = self.ctx.store.audit.last_by(REGISTERED, user.id)
        if entry is not None and registered_key(entry, user.id) == signer.public_hex:
            return
        self.ctx.audit(REGISTERED, user, user=user.id, signing_key=signer.public_hex)

    def proves_offline(self, session: Session, password: str) -> bool:
        """Whether ``password`` is the one ``session`` signed in with, checked without the
        record (against the stored hash read at sign-in, and the key it made): to unlock
        a locked desk while the record server is lost. Nothing is written or counted
        here; the caller limits the attempts."""
        signer = session.signer
        if signer is None or not signer.proof:
            return False
        seed = self.ctx.hasher.verify_with_seed(password, signer.proof)
        return seed is not None and KeptSigner(seed).public_hex == signer.public_hex

    def check_proof(self, session: Session) -> None:
        """Turn off the offline unlock of ``session`` (``proves_offline``) unless the
        record still holds the password hash it signed in against for an active,
        unlocked account: a password reset, or an account disabled or locked since,
        must not be undone by unlocking while the server is lost."""
        signer = session.signer
        if signer is None or not signer.proof:
            return
        credential = self.users.credential(session.username)
        if (
            credential is None
            or credential.user.id != session.user_id
            or credential.password_hash != signer.proof
            or not credential.user.active
            or credential.user.locked_at is not None
        ):
            signer.proof = ""

    def signing_key(self, user_id: int) -> str | None:
        """The public key the record holds for the account (hex), None if it has none."""
        entry = self.ctx.store.audit.last_by(REGISTERED, user_id)
        return None if entry is None else registered_key(entry, user_id)

    def prove(self, username: str, password: str) -> Session:
        """The checks of log_on, with nothing written when they pass (a failure is still
        recorded and counted towards the lock-out).

        For ``trustdesk restore`` alone: the database it opens may be damaged, and a
        damaged file is set aside exactly as it was found, so nothing may be written into
        it before the restore's own check of its pages. Every way a restore ends records
        who ran it (restore.refused, restore.replacing and restore.completed, or
        restore.over_damaged in the restored database).
        """
        user, _credential, _seed = self._proved(username, password)
        return Session(user.id, user.username, self.ctx.now())

    def _proved(self, username: str, password: str) -> tuple[User, Credential, bytes]:
        name = username.strip().lower()
        credential = self.users.credential(name) if _USERNAME.fullmatch(name) else None
        if credential is None and self.needs_first_administrator():
            raise AuthenticationFailed(
                "this data folder has no accounts yet: create the first administrator with "
                "`trustdesk users add NAME --role administrator`"
            )
        if credential is None:
            self.ctx.hasher.dummy_verify(password)
            # The attempted name is kept only as a digest: people type passwords there.
            self.ctx.audit(
                "logon",
                None,
                "failure",
                reason="unknown_user",
                # A name typed in another character set arrives with lone surrogates
                # (Python's stand-ins for bytes that are not UTF-8): hashed as they are.
                attempted_sha256=bytes_sha256_hex(name.encode("utf-8", "surrogatepass"))[:16],
            )
            raise AuthenticationFailed("wrong user name or password")
        user = credential.user
        # The password is checked first, whatever the account's state: someone who has
        # not proved it learns nothing (not even that the name exists) from the answer.
        seed = self.ctx.hasher.verify_with_seed(password, credential.password_hash)
        if seed is None:
            self.users.record_failure(
                user.id,
                reason=_failure_reason(user),
                actor=self.ctx.actor(user),
                at=self.ctx.now(),
                window=LOCKOUT_WINDOW,
                limit=LOCKOUT_FAILURES,
            )
            raise AuthenticationFailed("wrong user name or password")
        if user.locked_at is not None:
            self.ctx.audit("logon", user, "failure", user=user.id, reason="locked")
            way_back = (
                f"; if no other administrator can sign in, IT recovers it on this computer "
                f"with `trustdesk users recover {user.username}`"
                if user.role == ADMINISTRATOR
                else ""
            )
            raise AccountLocked(
                f"account {user.username!r} is locked after {LOCKOUT_FAILURES} failed log-ons; "
                f"an administrator must unlock it (users unlock){way_back}"
            )
        if not user.active:
            self.ctx.audit("logon", user, "failure", user=user.id, reason="disabled")
            raise AuthenticationFailed(f"account {user.username!r} is disabled")
        self._check_record(user)
        return user, credential, seed

    def _check_record(self, user: User) -> None:
        _same, altered = self.users.checked(user.id)
        if altered:
            self.ctx.refuse_altered(user, altered)

    def log_off(self, session: Session) -> None:
        self.ctx.audit("logoff", session, user=session.user_id)

    # -- the last administrator ---------------------------------------------------------

    def administrator_warning(self) -> str:
        """A plain warning while only one administrator can sign in ('' otherwise): one
        locked out does not count, as it cannot administer until unlocked.

        Names no account: the sign-in page shows it to whoever stands at the desk.
        """
        if self.users.count_admins() != 1:
            return ""
        return ONLY_ADMINISTRATOR

    def administrator_warning_for(self, session: Session) -> str:
        """The same warning, for an administrator's session only (others cannot act on it)."""
        try:
            user = self.users.by_id(session.user_id)
        except NotFound:
            return ""
        return self.administrator_warning() if user.role == ADMINISTRATOR else ""

    # -- administration -----------------------------------------------------------------

    def list_users(self, session: Session) -> list[User]:
        self.ctx.authorize(session, Operation.USER_LIST)
        users = self.users.all()
        self.ctx.audit("users.listed", session, count=len(users))
        return users

    def add_user(self, session: Session, username: str, role: str, password: str) -> User:
        name = normalise_username(username)
        self.ctx.authorize(session, Operation.USER_MANAGE, {"username": name})
        _check_new_password(password, name)
        return self.users.create(
            name,
            _check_role(role),
            self.ctx.hasher.hash(password),
            creator=self.ctx.actor(session),
            at=self.ctx.now(),
        )

    def _target(self, session: Session, username: str) -> User:
        """The account an administrator acts on; one altered outside TrustDesk is refused,
        so that no change of it records the altered row as genuine."""
        name = normalise_username(username)
        self.ctx.authorize(session, Operation.USER_MANAGE, {"username": name})
        target = self.users.get(name)
        user, altered = self.users.checked(target.id)
        if altered:
            self.ctx.refuse_altered(user, altered, session)
        return user

    def set_role(self, session: Session, username: str, role: str) -> User:
        target = self._target(session, username)
        _check_role(role)
        if target.role == role:
            return target
        with self._keeping_an_administrator(target):
            return self.users.change(
                target.id,
                "user.role_changed",
                {"role": role},
                actor=self.ctx.actor(session),
                at=self.ctx.now(),
                keep_an_administrator=target.role == ADMINISTRATOR,
            )

    def set_active(self, session: Session, username: str, active: bool) -> User:
        target = self._target(session, username)
        if target.active == active:
            return target
        if not active and target.id == session.user_id:
            raise InvalidRequest("you cannot disable your own account")
        with self._keeping_an_administrator(target):
            return self.users.change(
                target.id,
                "user.enabled" if active else "user.disabled",
                {"active": int(active)},
                actor=self.ctx.actor(session),
                at=self.ctx.now(),
                keep_an_administrator=not active and target.role == ADMINISTRATOR,
            )

    def set_details(
        self, session: Session, username: str, full_name: str | None, badge: str | None
    ) -> User:
        """The printed name and badge number of an account (None keeps a value, '' clears it).

        They appear in the sign-off blocks of memos; the audit records which fields changed,
        never the values.
        """
        target = self._target(session, username)
        wanted: dict[str, str] = {}
        if full_name is not None:
            wanted["full_name"] = clean_text(
                full_name, "the full name", max_length=FULL_NAME_MAX, required=False
            )
        if badge is not None:
            wanted["badge"] = check_badge(badge)
        changes = {key: value for key, value in wanted.items() if getattr(target, key) != value}
        if not changes:
            return target
        return self.users.change(
            target.id,
            "user.details_changed",
            changes,
            actor=self.ctx.actor(session),
            at=self.ctx.now(),
            note={"fields": sorted(changes)},
        )

    def unlock(self, session: Session, username: str) -> User:
        target = self._target(session, username)
        return self.users.unlock(target.id, actor=self.ctx.actor(session), at=self.ctx.now())

    def reset_password(
        self, session: Session, username: str, new_password: str, *, current: str | None = None
    ) -> User:
        """An administrator sets another account's password. One's own is changed only
        with the current password (``current``), as ``change_own_password`` asks: else
        whoever found an administrator's desk open could take the account."""
        target = self._target(session, username)
        if target.id == session.user_id:
            if current is None:
                raise InvalidRequest(
                    "this is your own account: a new password for it needs your current one "
                    "(on the command line, `trustdesk users passwd`)"
                )
            return self.change_own_password(session, current, new_password)
        _check_new_password(new_password, target.username)
        return self.users.change(
            target.id,
            "user.password_reset",
            {"password_hash": self.ctx.hasher.hash(new_password)},
            actor=self.ctx.actor(session),
            at=self.ctx.now(),
        )

    def change_own_password(self, session: Session, current: str, new_password: str) -> User:
        """Any user may change their own password, proving the current one first."""
        try:
            user = self.users.by_id(session.user_id)
        except NotFound:
            raise AuthenticationFailed("your account no longer exists") from None
        self.log_on(user.username, current)
        _check_new_password(new_password, user.username)
        from trustdesk.services.passwords import same_password

        if same_password(new_password, current):
            raise PasswordRejected(
                "the new password must differ from the current one (letters that differ only "
                "in their width or form, such as a fullwidth ｂ for b, count as the same)"
            )
        return self.users.change(
            user.id,
            "user.password_changed",
            {"password_hash": self.ctx.hasher.hash(new_password)},
            actor=self.ctx.actor(session),
            at=self.ctx.now(),
        )

    # -- recovery -----------------------------------------------------------------------

    def recover(self, username: str, new_password: str) -> User:
        """Unlock the only administrator and give it a new password, without signing in.

        Allowed only to whoever controls the machine (services/machine.py), only for an
        active administrator, and only while no other administrator can sign in (then
        that one unlocks it). Recorded as ``account.recovered``, naming the OS account.
        """
        from trustdesk.services.machine import machine_account

        name = normalise_username(username)
        server = self.ctx.store.server_administrator()
        if server is not None:
            # On a database server the records are not this machine's: whoever controls
            # a desk does not control them; the database's administrators do.
            controls, role = server
            who: dict[str, object] = {"db_role": role}
            refusal = (
                f"database role {role} may not recover accounts: only the database's "
                "administrators may (a superuser or a member of trustdesk_owner); run "
                f"`trustdesk --database URL users recover {name}` connected as one"
            )
        else:
            machine = machine_account(self.ctx.store.data_dir, self.ctx.store.path)
            controls = machine.controls
            who = {"os_uid": machine.uid, "os_account": machine.name}
            refusal = (
                f"{machine.name} may not recover accounts of {self.ctx.store.data_dir}: only "
                f"{machine.owner} may; run `trustdesk users recover {name}` as that account"
            )
        if not controls:
            self.ctx.audit("account.recovery_refused", None, "denied", username=name, **who)
            raise PermissionDenied(refusal)
        target = self.users.get(name)
        if target.role != ADMINISTRATOR or not target.active:
            raise InvalidRequest(
                f"{target.username} is not an active administrator; recovery is for the "
                "administrators only: an administrator unlocks or resets other accounts"
            )
        others = [
            user.username
            for user in self.users.all()
            if user.role == ADMINISTRATOR
            and user.active
            and user.locked_at is None
            and user.id != target.id
        ]
        if others:
            raise InvalidRequest(
                f"administrator {', '.join(others)} can still sign in: ask them to unlock "
                f"{target.username} (users unlock) or reset its password"
            )
        current, altered = self.users.checked(target.id)
        if altered:
            self.ctx.refuse_altered(current, altered)
        _check_new_password(new_password, target.username)
        now = self.ctx.now()
        return self.users.change(
            target.id,
            "account.recovered",
            {
                "locked_at": None,
                "unlocked_at": utc_text(now),
                "password_hash": self.ctx.hasher.hash(new_password),
            },
            actor=self.ctx.actor(None),
            at=now,
            note={**who, "was_locked": target.locked_at is not None},
        )

    @staticmethod
    @contextlib.contextmanager
    def _keeping_an_administrator(target: User) -> Iterator[None]:
        """The store's refusal of a change leaving no administrator who can sign in
        (decided inside its write transaction), said as bad input."""
        try:
            yield
        except NoAdministratorLeft:
            raise InvalidRequest(
                f"{target.username} is the last active administrator who can sign in (any "
                "other is disabled or locked out); make another administrator, or unlock "
                "one, first"
            ) from None


def _failure_reason(user: User) -> str:
    if user.locked_at is not None:
        return "locked"
    return "bad_password" if user.active else "disabled"


def _check_new_password(password: str, username: str) -> None:
    # Imported when a password is set: the rules (and the banned list) are not needed to
    # show the sign-in window.
    from trustdesk.services.passwords import check_new_password

    check_new_password(password, username)

"""User accounts: roles, password hashes, failed log-ons and lockouts (persisted).

Every change to an account is written with its audit entry in one transaction. The
entry carries the role, the active flag, a digest of the stored password hash and one of
the printed name and badge, so ``audit verify`` can replay the accounts and catch a role
raised (or a badge swapped) behind TrustDesk's back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit, memo_history
from trustdesk.store.encoding import (
    canonical_json,
    optional_parse_utc,
    parse_utc,
    sha256_hex,
    utc_text,
)
from trustdesk.store.errors import Conflict, NotFound
from trustdesk.store.records import Actor, AuditEvent, Credential, User
from trustdesk.store.sql import dict_rows, insert, one_dict, scalar

#: The administrators who can sign in: active, and not locked out.
USABLE_ADMINISTRATORS = (
    "SELECT count(*) FROM users WHERE role = 'administrator' AND active = 1 AND locked_at IS NULL"
)


class NoAdministratorLeft(Conflict):
    """A change that would leave no administrator who can sign in; nothing was changed."""


if TYPE_CHECKING:
    from trustdesk.store.backend import Database

#: Events whose objects carry an account's state, replayed by ``audit verify``.
ACCOUNT_EVENTS = (
    "user.created",
    "user.role_changed",
    "user.disabled",
    "user.enabled",
    "user.password_changed",
    "user.password_reset",
    "user.password_rehashed",
    "user.details_changed",
    "account.unlocked",
    "account.recovered",
)

#: Events that lock an account or lift its lock (their objects name only the user).
LOCK_EVENTS = ("account.locked", "account.unlocked", "account.recovered")
#: One account's lock events in chain order, as (user, event, at): an indexed range per
#: event (``audit_by_event``); lock events are few.
_LOCK_ENTRIES_OF = (
    "SELECT CASE WHEN json_valid(objects) THEN json_extract(objects, '$.user') END, event, at "
    f"FROM audit_log WHERE event IN ({', '.join('?' * len(LOCK_EVENTS))}) "
    "AND CASE WHEN json_valid(objects) THEN json_extract(objects, '$.user') END = ? "
    "ORDER BY seq"
)


def replay_lock_state(
    changes: Iterable[tuple[Any, str, str]],
) -> tuple[dict[Any, str], dict[Any, str]]:
    """``locked_at`` and ``unlocked_at`` by user, as the lock events ``changes`` (user,
    event, at; in chain order) leave them: a lock stands until an unlock or a recovery,
    which is the last ``unlocked_at``."""
    locked: dict[Any, str] = {}
    unlocked: dict[Any, str] = {}
    for user, event, at in changes:
        if event == "account.locked":
            locked[user] = at
        else:
            locked.pop(user, None)
            unlocked[user] = at
    return locked, unlocked


#: Account entries appended after a position, with the user each names: an indexed range
#: per event (``audit_by_event`` ends with the seq). Text that is not JSON names nobody.
_ACCOUNT_ENTRIES_AFTER = (
    "SELECT seq, CASE WHEN json_valid(objects) THEN json_extract(objects, '$.user') END "
    f"FROM audit_log WHERE event IN ({', '.join('?' * len(ACCOUNT_EVENTS))}) AND seq > ?"
)


class AccountEntries:
    """Where each account's latest account entry is in the chain, kept up to date cheaply.

    Read in full once per open store, then only the account entries appended since the
    last look; read again in full whenever the entry it last looked at is no longer there
    with the same hash (a restore, or a chain cut back), so it never trusts another chain.
    """

    def __init__(self) -> None:
        self.upto = 0
        self.upto_hash = ""
        self.latest: dict[int, int] = {}

    def latest_seq(self, conn: sqlite3.Connection, user_id: int) -> int | None:
        if self.upto and _hash_at(conn, self.upto) != self.upto_hash:
            self.upto, self.latest = 0, {}
        head_seq, head_hash = audit.head(conn)
        for seq, user in conn.execute(_ACCOUNT_ENTRIES_AFTER, (*ACCOUNT_EVENTS, self.upto)):
            # type() is int: a JSON true/false or a fraction names no account.
            if type(user) is int and seq > self.latest.get(user, 0):
                self.latest[user] = seq
        self.upto, self.upto_hash = head_seq, head_hash
        return self.latest.get(user_id)


def _hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def _user(row: dict[str, Any]) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        role=row["role"],
        active=bool(row["active"]),
        created_at=parse_utc(row["created_at"]),
        password_changed_at=parse_utc(row["password_changed_at"]),
        last_logon_at=optional_parse_utc(row["last_logon_at"]),
        locked_at=optional_parse_utc(row["locked_at"]),
        full_name=row["full_name"],
        badge=row["badge"],
    )


def credential_of(row: dict[str, Any]) -> Credential:
    return Credential(_user(row), row["password_hash"], optional_parse_utc(row["unlocked_at"]))


def details_sha256(full_name: str, badge: str) -> str:
    """A digest of the printed name and badge: the audit vouches for them, never shows them."""
    return sha256_hex(canonical_json([full_name, badge]))


def account_objects(row: dict[str, Any]) -> dict[str, Any]:
    """What an account event records: ids and state, never the password hash itself."""
    objects = {
        "user": row["id"],
        "username": row["username"],
        "role": row["role"],
        "active": bool(row["active"]),
        "credential_sha256": sha256_hex(row["password_hash"]),
    }
    if "full_name" in row:  # schema 5 on; entries written before it have no digest
        objects["details_sha256"] = details_sha256(row["full_name"], row["badge"])
    return objects


def account_differences(row: dict[str, Any], objects: dict[str, Any]) -> list[str]:
    """The state fields in which an account row differs from an entry's ``objects``."""
    actual = {
        "username": row["username"],
        "role": row["role"],
        "active": bool(row["active"]),
        "credential_sha256": sha256_hex(row["password_hash"]),
    }
    if "details_sha256" in objects:  # recorded since schema 5
        actual["details_sha256"] = details_sha256(row["full_name"], row["badge"])
    return sorted(key for key, value in actual.items() if objects.get(key) != value)


def record_differences(
    conn: sqlite3.Connection, row: dict[str, Any], entries: AccountEntries
) -> list[str]:
    """How an account row differs from its latest audit-chained account entry.

    A cheap check for every sign-in and privileged action: the entry's position comes
    from ``entries``, then one look-up by key, one hash of the entry and one look at the
    next entry's link. ``["audit entry"]`` when there is no such entry or the entry itself
    is not intact (its hash, or the next entry's link to it, is wrong). The full replay
    is ``audit verify``'s.
    """
    seq = entries.latest_seq(conn, row["id"])
    found = None if seq is None else next(audit.entries(conn, after=seq - 1, upto=seq), None)
    if found is None:
        return ["audit entry"]
    digest = audit.entry_hash(
        found.prev_hash,
        found.seq,
        found.at,
        found.workstation,
        found.actor,
        found.actor_id,
        found.event,
        found.outcome,
        found.objects,
    )
    following = _prev_hash_at(conn, found.seq + 1)
    if digest != found.hash or (following is not None and following != found.hash):
        return ["audit entry"]
    changed = account_differences(row, found.objects_dict())
    # The lock-out state: a lock lifted, or an unlock time set, behind TrustDesk's back
    # would let the account sign in, or be guessed at without end (decision 0060).
    locks = conn.execute(_LOCK_ENTRIES_OF, (*LOCK_EVENTS, row["id"])).fetchall()
    locked, unlocked = replay_lock_state(locks)
    if row["locked_at"] != locked.get(row["id"]):
        changed.append("locked_at")
    if row["unlocked_at"] != unlocked.get(row["id"]):
        changed.append("unlocked_at")
    return changed


def _prev_hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT prev_hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def write_user(
    conn: sqlite3.Connection,
    username: str,
    role: str,
    password_hash: str,
    *,
    creator: Actor,
    at: datetime,
    first: bool = False,
) -> User:
    """Insert an account with its audit entry, inside the caller's write transaction."""
    if first and scalar(conn, "SELECT count(*) FROM users"):
        raise Conflict("the first administrator already exists; log on as an administrator")
    if scalar(conn, "SELECT 1 FROM users WHERE username = ?", (username,)):
        raise Conflict(f"a user named {username!r} already exists; choose another name")
    when = utc_text(at)
    values: dict[str, Any] = {
        "username": username,
        "role": role,
        "password_hash": password_hash,
        "active": 1,
        "created_at": when,
        "created_by": creator.user_id,
        "password_changed_at": when,
    }
    user_id = insert(conn, "users", values)
    row = UserRepository._row(conn, user_id)
    objects = {
        **account_objects(row),
        "first_administrator": first,
        **memo_history.kept_mark(),  # its row is kept below: audit verify holds it to that
    }
    entry = audit.append(conn, AuditEvent("user.created", "success", objects), creator, at)
    # The printed name and badge as of this entry, for memos printed later (decision 0084).
    memo_history.keep_signer(conn, entry.seq, user_id)
    return _user(row)


class UserRepository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._entries = AccountEntries()

    def count(self) -> int:
        with self._db.reading() as conn:
            return int(scalar(conn, "SELECT count(*) FROM users"))

    def create(
        self,
        username: str,
        role: str,
        password_hash: str,
        *,
        creator: Actor,
        at: datetime,
        first: bool = False,
    ) -> User:
        """A new account; with ``first`` only while there is no account at all."""
        with self._db.transaction() as conn:
            return write_user(
                conn, username, role, password_hash, creator=creator, at=at, first=first
            )

    def get(self, username: str) -> User:
        with self._db.reading() as conn:
            row = one_dict(conn, "SELECT * FROM users WHERE username = ?", (username,))
        if row is None:
            raise NotFound(f"there is no user named {username!r} (users list shows them)")
        return _user(row)

    def by_id(self, user_id: int) -> User:
        with self._db.reading() as conn:
            return _user(self._row(conn, user_id))

    def checked(self, user_id: int) -> tuple[User, list[str]]:
        """The account and how its row differs from its audit record (``[]``: not at all)."""
        with self._db.reading() as conn:
            row = self._row(conn, user_id)
            return _user(row), record_differences(conn, row, self._entries)

    def credential(self, username: str) -> Credential | None:
        with self._db.reading() as conn:
            row = one_dict(conn, "SELECT * FROM users WHERE username = ?", (username,))
        return None if row is None else credential_of(row)

    def all(self) -> list[User]:
        with self._db.reading() as conn:
            return [_user(row) for row in dict_rows(conn, "SELECT * FROM users ORDER BY username")]

    def change(
        self,
        user_id: int,
        event: str,
        changes: dict[str, Any],
        *,
        actor: Actor,
        at: datetime,
        note: dict[str, Any] | None = None,
        keep_an_administrator: bool = False,
    ) -> User:
        """Apply ``changes`` to an account and record ``event`` with its new state.

        ``note`` adds objects to the entry (ids and field names only, never the values).
        ``keep_an_administrator``: refuse (NoAdministratorLeft, nothing changed) a change
        that leaves no administrator who can sign in, where the account was one. Counted
        inside the write transaction, after the writers' turn: two desks removing each
        other's administrator at once cannot both pass a count made before either wrote.
        """
        if event not in ACCOUNT_EVENTS:
            raise ValueError(event)
        with self._db.transaction() as conn:
            before = self._row(conn, user_id)
            if "password_hash" in changes:
                changes = {**changes, "password_changed_at": utc_text(at)}
            assignments = ", ".join(f"{column} = ?" for column in changes)
            conn.execute(
                f"UPDATE users SET {assignments} WHERE id = ?", (*changes.values(), user_id)
            )
            if (
                keep_an_administrator
                and _usable_administrator(before)
                and int(scalar(conn, USABLE_ADMINISTRATORS)) == 0
            ):
                raise NoAdministratorLeft(before["username"])
            row = self._row(conn, user_id)
            objects = {**(note or {}), **account_objects(row)}
            if event in memo_history.SIGNER_EVENTS:
                objects.update(memo_history.kept_mark())  # its row is kept below
            entry = audit.append(conn, AuditEvent(event, "success", objects), actor, at)
            if event in memo_history.SIGNER_EVENTS:
                memo_history.keep_signer(conn, entry.seq, user_id)
            return _user(row)

    def unlock(self, user_id: int, *, actor: Actor, at: datetime) -> User:
        return self.change(
            user_id,
            "account.unlocked",
            {"locked_at": None, "unlocked_at": utc_text(at)},
            actor=actor,
            at=at,
        )

    def count_admins(self) -> int:
        """The administrators who can sign in (active, not locked out)."""
        with self._db.reading() as conn:
            return int(scalar(conn, USABLE_ADMINISTRATORS))

    def record_logon(self, user_id: int, *, actor: Actor, at: datetime) -> None:
        with self._db.transaction() as conn:
            conn.execute("UPDATE users SET last_logon_at = ? WHERE id = ?", (utc_text(at), user_id))
            audit.append(conn, AuditEvent("logon", "success", {"user": user_id}), actor, at)

    def record_failure(
        self,
        user_id: int,
        *,
        reason: str,
        actor: Actor,
        at: datetime,
        window: timedelta,
        limit: int,
    ) -> bool:
        """Count a failed log-on; lock the account at ``limit`` within ``window``.

        Failures before the last successful log-on or the last unlock do not count.
        Returns True when this failure locked the account.
        """
        with self._db.transaction() as conn:
            row = self._row(conn, user_id)
            when = utc_text(at)
            insert(conn, "login_failures", {"user_id": user_id, "at": when})
            since = max(utc_text(at - window), row["last_logon_at"] or "", row["unlocked_at"] or "")
            failures = int(
                scalar(
                    conn,
                    "SELECT count(*) FROM login_failures WHERE user_id = ? AND at > ?",
                    (user_id, since),
                )
            )
            objects = {"user": user_id, "reason": reason, "recent_failures": failures}
            audit.append(conn, AuditEvent("logon", "failure", objects), actor, at)
            if failures < limit or row["locked_at"] is not None:
                return False
            conn.execute("UPDATE users SET locked_at = ? WHERE id = ?", (when, user_id))
            audit.append(
                conn,
                AuditEvent("account.locked", "success", {"user": user_id, "failures": failures}),
                actor,
                at,
            )
            return True

    @staticmethod
    def _row(conn: sqlite3.Connection, user_id: int) -> dict[str, Any]:
        row = one_dict(conn, "SELECT * FROM users WHERE id = ?", (user_id,))
        if row is None:
            raise NotFound(f"there is no user with id {user_id}")
        return row


def _usable_administrator(row: dict[str, Any]) -> bool:
    return row["role"] == "administrator" and row["active"] == 1 and row["locked_at"] is None

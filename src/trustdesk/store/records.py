"""The values the store takes and returns, never rows: what signing in needs.

Actor, AuditEvent, AuditEntry, User and Credential are NamedTuples, which cost a tenth
of a frozen dataclass to define: they are on the desktop app's start-up path (see
docs/decisions/0004). Decision-side values are in store.case_records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, NamedTuple

from trustdesk.store.encoding import parse_utc


class Actor(NamedTuple):
    """Who does something, from where: recorded with every audit entry."""

    user_id: int | None
    username: str | None
    workstation: str


class AuditEvent(NamedTuple):
    """What to record: an event name, its outcome and the ids it concerns (no names)."""

    event: str
    outcome: str = "success"  # success | failure | denied
    objects: Mapping[str, Any] = MappingProxyType({})


class AuditEntry(NamedTuple):
    """One link of the audit chain, exactly as stored (text forms are what is hashed)."""

    seq: int
    at: str
    workstation: str
    actor: str | None
    actor_id: int | None
    event: str
    outcome: str
    objects: str
    prev_hash: str
    hash: str

    @property
    def when(self) -> datetime:
        return parse_utc(self.at)

    def objects_dict(self) -> dict[str, Any]:
        """The objects as a dict; empty when a tampered entry holds something else."""
        try:
            value = json.loads(self.objects)
        except (ValueError, TypeError):
            return {}
        return value if isinstance(value, dict) else {}


class User(NamedTuple):
    id: int
    username: str
    role: str
    active: bool
    created_at: datetime
    password_changed_at: datetime
    last_logon_at: datetime | None
    locked_at: datetime | None
    full_name: str = ""  # printed in memo sign-off blocks; "" when not given
    badge: str = ""


class Credential(NamedTuple):
    """A user with the stored password hash (only the account service sees this)."""

    user: User
    password_hash: str
    unlocked_at: datetime | None


DEFAULT_TIMEZONE = "America/New_York"


@dataclass(frozen=True, slots=True)
class AgencyProfile:
    """The agency's settings: printed in every memo header, shown at sign-in."""

    name: str
    facility: str
    ori: str
    timezone: str = DEFAULT_TIMEZONE
    logo: bytes | None = None
    logo_type: str | None = None  # image/png | image/jpeg

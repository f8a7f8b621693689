"""The agency profile: one row of settings, changed in place, every change audited."""

from __future__ import annotations

import sqlite3
from dataclasses import astuple
from datetime import datetime
from typing import TYPE_CHECKING, Any

from trustdesk.store import audit, memo_history
from trustdesk.store.encoding import bytes_sha256_hex, canonical_json, sha256_hex, utc_text
from trustdesk.store.errors import Conflict, JurisdictionChanged
from trustdesk.store.jurisdiction_choice import (
    LATEST_CHOICE_COLUMNS,
    LATEST_CHOICE_PARAMS,
    LawCheck,
    law_change,
)
from trustdesk.store.records import Actor, AgencyProfile, AuditEvent, User
from trustdesk.store.sql import one_dict, scalar
from trustdesk.store.users import write_user

if TYPE_CHECKING:
    from collections.abc import Sequence

    from trustdesk.store.backend import Database

SETTINGS_CHANGED = "settings.changed"
FIELDS = ("name", "facility", "ori", "timezone", "logo", "logo_type")


def _profile(row: dict[str, Any]) -> AgencyProfile:
    logo = row["logo"]
    return AgencyProfile(
        name=row["name"],
        facility=row["facility"],
        ori=row["ori"],
        timezone=row["timezone"],
        logo=None if logo is None else bytes(logo),
        logo_type=row["logo_type"],
    )


def profile_sha256(profile: AgencyProfile) -> str:
    """A digest of the settings for the audit entry: the logo enters by its own SHA-256."""
    logo = None if profile.logo is None else bytes_sha256_hex(profile.logo)
    values = dict(zip(FIELDS, astuple(profile), strict=True))
    return sha256_hex(canonical_json({**values, "logo": logo}))


def changed_fields(old: AgencyProfile | None, new: AgencyProfile) -> list[str]:
    if old is None:
        return list(FIELDS)
    return [name for name in FIELDS if getattr(old, name) != getattr(new, name)]


def read_profile(conn: sqlite3.Connection) -> AgencyProfile | None:
    row = one_dict(conn, "SELECT * FROM agency WHERE id = 1")
    return None if row is None else _profile(row)


def write_profile(
    conn: sqlite3.Connection, profile: AgencyProfile, *, actor: Actor, at: datetime
) -> AgencyProfile:
    """Create or replace the profile, inside the caller's transaction; audited when changed."""
    fields = changed_fields(read_profile(conn), profile)
    if not fields:
        return profile
    conn.execute(
        """INSERT INTO agency (id, name, facility, ori, timezone, logo, logo_type,
                               updated_at, updated_by)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, facility = excluded.facility, ori = excluded.ori,
             timezone = excluded.timezone, logo = excluded.logo,
             logo_type = excluded.logo_type, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by""",
        (*astuple(profile), utc_text(at), actor.user_id),
    )
    # Only field names and a digest: settings text never enters the chain.
    objects = {
        "setting": "agency",
        "fields": fields,
        "profile_sha256": profile_sha256(profile),
        **memo_history.kept_mark(),  # its row is kept below: audit verify holds it to that
    }
    entry = audit.append(conn, AuditEvent(SETTINGS_CHANGED, "success", objects), actor, at)
    # The header as of this change, for memos printed later (decision 0084).
    memo_history.keep_agency(conn, entry.seq)
    stored = read_profile(conn)
    assert stored is not None
    return stored


class AgencyRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self) -> AgencyProfile | None:
        with self._db.reading() as conn:
            return read_profile(conn)

    def save(
        self,
        profile: AgencyProfile,
        *,
        actor: Actor,
        at: datetime,
        law: LawCheck | None = None,
    ) -> AgencyProfile:
        """``law``: the jurisdiction the profile (its ORI) was checked against, checked
        again in this transaction: changed at another desk meanwhile, nothing is saved."""
        with self._db.transaction() as conn:
            if law is not None:
                latest = conn.execute(f"SELECT {LATEST_CHOICE_COLUMNS}", LATEST_CHOICE_PARAMS)
                change = law_change(
                    law,
                    latest.fetchone(),
                    lambda: [e.objects for e in audit.entries_for(conn, SETTINGS_CHANGED)],
                    read="when it checked these settings",
                )
                if change is not None:
                    raise JurisdictionChanged(
                        f"{change}: the ORI was checked against that, so nothing was saved; "
                        "open the agency settings again and save them"
                    )
            return write_profile(conn, profile, actor=actor, at=at)

    def set_up(
        self,
        profile: AgencyProfile,
        username: str,
        password_hash: str,
        *,
        workstation: str,
        at: datetime,
        also: Sequence[AuditEvent] = (),
    ) -> User:
        """The profile and the first administrator together: both are written, or neither.

        ``also``: entries the new administrator makes with them (the agency's choice of
        jurisdiction), in the same transaction: a set-up cut short after it (a power cut)
        must not leave an agency whose choice was never recorded and that the set-up page
        no longer offers.

        Only on a data folder without a profile and without any account, so nobody can
        make themselves an administrator of records that already have one.
        """
        with self._db.transaction() as conn:
            if scalar(conn, "SELECT count(*) FROM agency"):
                raise Conflict("the agency profile is already set up; an administrator changes it")
            user = write_user(
                conn,
                username,
                "administrator",
                password_hash,
                creator=Actor(None, None, workstation),
                at=at,
                first=True,
            )
            actor = Actor(user.id, user.username, workstation)
            write_profile(conn, profile, actor=actor, at=at)
            for event in also:
                audit.append(conn, event, actor, at)
            return user

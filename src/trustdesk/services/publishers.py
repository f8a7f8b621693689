"""Which rule-pack publishers the agency trusts: IT's machine keys and the administrators' list.

Two sources, both deliberate choices by people: ``trusted_publishers`` in the machine
config (set by IT, locked, shown but not editable in the app) and the agency's own list,
kept by administrators in the app. The agency's list is not a table: it is the audit
chain's ``rules.publisher_trusted`` / ``rules.publisher_untrusted`` entries replayed in
order, so every change is audited by construction (who, when, which key) and an edit of
the database that skips the chain changes nothing (see docs/decisions/0020).

A trust entry may carry an expiry date; a withdrawal is a *revocation* (decision 0031): the
key stays listed with when and by whom it was revoked, packs it signed after that are
refused, and the packs imported under it before stay in force, saying so.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from trustdesk.services.errors import InvalidRequest
from trustdesk.services.permissions import Operation
from trustdesk.store.errors import StoreError
from trustdesk.store.records import DEFAULT_TIMEZONE

if TYPE_CHECKING:
    from trustdesk.rules.signing import PublicKey, TrustedKey
    from trustdesk.services.context import ServiceContext, Session
    from trustdesk.store.records import AuditEntry

PUBLISHER_TRUSTED = "rules.publisher_trusted"
PUBLISHER_UNTRUSTED = "rules.publisher_untrusted"
MACHINE_ORIGIN = "set by IT in the machine config"


def agency_keys(entries: Iterable[AuditEntry]) -> list[TrustedKey]:
    """The agency's trusted keys: the chain's trust and withdrawal entries, in order."""
    from dataclasses import replace

    from trustdesk.rules.errors import RulesError
    from trustdesk.rules.signing import PublicKey, TrustedKey

    kept: dict[str, TrustedKey] = {}
    for entry in sorted(entries, key=lambda e: e.seq):
        if entry.outcome != "success":
            continue
        try:
            objects = json.loads(entry.objects)
            if entry.event == PUBLISHER_TRUSTED:
                key = PublicKey.parse(str(objects["public_key"]))
                origin = f"added by {entry.actor or 'an administrator'} on {entry.at[:10]}"
                expires = objects.get("expires_on")
                expires_on = None if expires is None else date.fromisoformat(str(expires))
                kept[key.fingerprint] = TrustedKey(key, origin, expires_on)
            elif entry.event == PUBLISHER_UNTRUSTED:
                fingerprint = str(objects["fingerprint"])
                if fingerprint in kept and kept[fingerprint].revoked_at is None:
                    revoked_by = entry.actor or "an administrator"
                    kept[fingerprint] = replace(
                        kept[fingerprint], revoked_at=entry.at, revoked_by=revoked_by
                    )
        except (ValueError, KeyError, TypeError, RulesError):
            continue  # not one of ours: the chain's own check reports damaged entries
    return list(kept.values())


class PublisherService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def zone(self) -> ZoneInfo:
        """The agency's time zone (the default when its profile cannot be read)."""
        try:
            profile = self.ctx.store.agency.get()
        except StoreError:
            profile = None
        return ZoneInfo(profile.timezone if profile is not None else DEFAULT_TIMEZONE)

    def today(self) -> date:
        """Today's date at the agency. A trust "until" a day lasts to the end of that day
        there: by the UTC date it ended at 19:00 Eastern the day before (a hostile pass)."""
        return self.ctx.clock().astimezone(self.zone()).date()

    def machine_keys(self) -> list[TrustedKey]:
        """The keys of ``trusted_publishers`` (already checked when the program started)."""
        from trustdesk.config import current
        from trustdesk.rules.signing import PublicKey, TrustedKey

        return [
            TrustedKey(PublicKey.parse(line, "trusted_publishers"), MACHINE_ORIGIN)
            for line in current().trusted_publishers
        ]

    def agency_keys(self) -> list[TrustedKey]:
        return agency_keys(self.ctx.store.audit.of_events(PUBLISHER_TRUSTED, PUBLISHER_UNTRUSTED))

    def trusted(self) -> list[TrustedKey]:
        """Every trusted key: IT's first, then the agency's (a key in both shows once).
        A key the agency revoked stays revoked though IT's config lists it too: the
        revocation (a stolen key) was reported done, and IT's entry had made it void (a
        hostile pass)."""
        agency = self.agency_keys()
        revoked = {t.key.raw: t for t in agency if t.revoked_at is not None}
        machine = [revoked.get(t.key.raw, t) for t in self.machine_keys()]
        seen = {t.key.raw for t in machine}
        return [*machine, *(t for t in agency if t.key.raw not in seen)]

    def trust(self, session: Session, key_text: str, expires_on: date | None = None) -> PublicKey:
        """Add a publisher's public key (its text form) to the agency's list; audited.

        ``expires_on``: the last day its packs import without an override (None: no end).
        A revoked key cannot be trusted again: the publisher makes a new one.
        """
        from trustdesk.rules.errors import RulesError
        from trustdesk.rules.signing import PublicKey

        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": "trusted_publishers"})
        try:
            key = PublicKey.parse(key_text)
        except RulesError as error:
            raise InvalidRequest(str(error)) from None
        today = self.today()
        if expires_on is not None and expires_on < today:
            raise InvalidRequest(
                f"the expiry date {expires_on} has passed; give a later date, or none"
            )
        for known in self.trusted():
            if known.key.raw != key.raw:
                continue
            if known.revoked_at is not None:
                raise InvalidRequest(
                    f"the key {key.fingerprint} was revoked on {known.revoked_at[:10]}; a "
                    "revoked key is never trusted again: ask the publisher for a new key"
                )
            # An expired key may be renewed (trusted again with a new date); else nothing to do.
            if known.status(today) == "trusted":
                raise InvalidRequest(
                    f"the key {key.fingerprint} is already trusted; nothing was changed"
                )
        self.ctx.audit(
            PUBLISHER_TRUSTED,
            session,
            publisher=key.publisher,
            fingerprint=key.fingerprint,
            public_key=key.text,
            expires_on=None if expires_on is None else expires_on.isoformat(),
        )
        return key

    def untrust(self, session: Session, fingerprint: str) -> TrustedKey:
        """Revoke a key of the agency's list (by fingerprint); audited.

        From now on the packs it signs are refused; the packs imported under it stay in
        force (the pack list says the key was revoked), and the key stays listed as revoked.
        """
        self.ctx.authorize(session, Operation.MANAGE_SETTINGS, {"setting": "trusted_publishers"})
        wanted = " ".join(fingerprint.split()).lower()
        compact = wanted.replace(" ", "")
        found = next(
            (t for t in self.agency_keys() if t.key.fingerprint.replace(" ", "") == compact),
            None,
        )
        if found is not None and found.revoked_at is not None:
            raise InvalidRequest(
                f"the key {found.key.fingerprint} was already revoked on "
                f"{found.revoked_at[:10]}; nothing was changed"
            )
        if found is None:
            if any(t.key.fingerprint.replace(" ", "") == compact for t in self.machine_keys()):
                raise InvalidRequest(
                    f"the key {wanted} is trusted by the machine config (set by IT); "
                    "ask IT to remove it from trusted_publishers"
                )
            raise InvalidRequest(
                f"no trusted key has the fingerprint {wanted!r}; "
                "`trustdesk rules publishers` lists them"
            )
        self.ctx.audit(
            PUBLISHER_UNTRUSTED,
            session,
            publisher=found.key.publisher,
            fingerprint=found.key.fingerprint,
        )
        return found

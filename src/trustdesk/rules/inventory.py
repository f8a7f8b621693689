"""What rule data is in use: each pack's dates, verification and unverified lists, and the
catalog's date, with the warnings every screen must show about them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from trustdesk import resources
from trustdesk.rules.packs import LoadedPack
from trustdesk.rules.registry import RuleSet

#: Verification older than this many days is stale (RELIABILITY.md: 12 months).
STALE_AFTER_DAYS = 365


@dataclass(frozen=True, slots=True)
class PackInfo:
    id: str
    title: str
    effective_from: date
    effective_to: date | None
    last_verified_on: date
    verification_note: str
    unverified: tuple[str, ...]  # titles of the lists not yet verified
    imported: bool  # from the data folder rather than shipped with TrustDesk
    sha256: str

    @property
    def in_force(self) -> str:
        until = "no end date" if self.effective_to is None else f"{self.effective_to:%d %b %Y}"
        return f"{self.effective_from:%d %b %Y} – {until}"

    def stale_on(self, today: date) -> bool:
        return (today - self.last_verified_on).days > STALE_AFTER_DAYS


@dataclass(frozen=True, slots=True)
class RulesInventory:
    packs: tuple[PackInfo, ...]
    catalog_title: str
    catalog_verified_on: date

    def warnings(self, now: datetime) -> list[str]:
        """One sentence per pack in use with unverified data or a stale verification."""
        today = now.date()
        found = []
        for info in self.packs:
            if info.unverified:
                found.append(
                    f"Rule pack {info.id} contains unverified data: "
                    + "; ".join(info.unverified)
                    + "."
                )
            if info.stale_on(today):
                found.append(
                    f"Rule pack {info.id} was last verified on {info.last_verified_on:%d %b %Y}, "
                    "more than 12 months ago."
                )
        if (today - self.catalog_verified_on).days > STALE_AFTER_DAYS:
            found.append(
                f"The offense catalog was last verified on {self.catalog_verified_on:%d %b %Y}, "
                "more than 12 months ago."
            )
        return found


def describe(rules: RuleSet) -> RulesInventory:
    catalog = rules.catalog
    return RulesInventory(
        tuple(_pack_info(loaded) for loaded in rules.packs),
        catalog.title,
        catalog.last_verified_on,
    )


def _pack_info(loaded: LoadedPack) -> PackInfo:
    pack = loaded.pack
    return PackInfo(
        id=pack.id,
        title=pack.title,
        effective_from=pack.effective_from,
        effective_to=pack.effective_to,
        last_verified_on=pack.last_verified_on,
        verification_note=_verification_note(loaded),
        unverified=tuple(item.title for item in pack.lists if not item.verified),
        imported=loaded.path.parent != resources.resource("rules"),
        sha256=pack.sha256,
    )


def _verification_note(loaded: LoadedPack) -> str:
    """The pack's ``verification_note``, read again from the very bytes that were loaded.

    The compiled pack does not keep it; should the file have changed or vanished since it
    was checked, the note is not trusted and that is said instead.
    """
    try:
        data = loaded.path.read_bytes()
    except OSError:
        return "(the pack file can no longer be read)"
    if hashlib.sha256(data).hexdigest() != loaded.pack.sha256:
        return "(the pack file has changed since it was loaded; restart TrustDesk)"
    note = json.loads(data).get("verification_note", "")
    return str(note)

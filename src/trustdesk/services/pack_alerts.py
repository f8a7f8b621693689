"""What an administrator must be told about the rule packs: stale or missing law.

Decided here, shown by the desktop app as a banner to administrators (the people who can
act on it). Two things are knowable from the packs TrustDesk has:

- a pack in use whose ``last_verified_on`` is more than a year old (RELIABILITY.md: 12
  months): counsel should check it again, or a current pack be imported;
- a newer version of the law whose effective date has passed but which is not installed:
  a pack's publisher names the next version it knows of in ``next_version`` (id, date,
  act), and a pack whose ``effective_to`` has passed with no later pack installed is
  followed by nothing. A version nobody has published is not knowable and not guessed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustdesk.rules.registry import RuleSet

#: Verification older than this many days is stale (RELIABILITY.md: 12 months).
STALE_AFTER_DAYS = 365

_WHERE = "Administration → Rule packs"


@dataclass(frozen=True, slots=True)
class ShippedChange:
    """An agency's pack in force in place of TrustDesk's, made from a shipped version
    (``made_from``) that is not the one TrustDesk ships now (``shipped``)."""

    pack_id: str
    agency: str  # SHA-256 of the agency's version in force
    #: SHA-256 of the shipped version it was made from; None: it came into force where no
    #: pack of its id was in force, and TrustDesk ships one of that id now.
    made_from: str | None
    shipped: str  # SHA-256 of the version TrustDesk ships now


def administrator_alerts(
    rules: RuleSet,
    now: datetime,
    replaced: Mapping[str, str] | None = None,
    kept: Collection[tuple[str, str]] = (),
) -> list[str]:
    """One sentence per problem, with what to do; empty when the packs are current.
    ``replaced``: SHA-256 → the version each recorded import or sign-off replaced
    (``RulePackService.replacements``); with it, an agency's pack in force in place of a
    shipped one whose shipped version has changed since is named (``shipped_changes``),
    unless an administrator recorded keeping it without that change (``kept``: pairs of
    the agency's and the shipped SHA-256, ``RulePackService.changes_kept``)."""
    today = now.date()
    found: list[str] = []
    if replaced is not None:
        found.extend(
            _changed_text(change)
            for change in shipped_changes(rules, replaced)
            if (change.agency, change.shipped) not in kept
        )
    installed = {loaded.pack.id for loaded in rules.packs}
    for loaded in rules.packs:
        pack = loaded.pack
        if (today - pack.last_verified_on).days > STALE_AFTER_DAYS:
            found.append(
                f"Rule pack {pack.id} was last verified on {_day(pack.last_verified_on)}, more "
                f"than a year ago: have counsel check it and record the sign-off, or import a "
                f"current pack ({_WHERE})."
            )
        following = pack.next_version
        if (
            following is not None
            and following.effective_from <= today
            and following.id not in installed
        ):
            found.append(
                f"Rule pack {pack.id} names a newer version of the law, {following.id} "
                f"({following.citation}), in effect since {_day(following.effective_from)}; "
                f"it is not installed: import it ({_WHERE})."
            )
    last = max(rules.packs, key=lambda loaded: loaded.pack.effective_from, default=None)
    if last is not None and last.pack.effective_to is not None and last.pack.effective_to < today:
        found.append(
            f"No installed rule pack covers today: the latest, {last.pack.id}, ended on "
            f"{_day(last.pack.effective_to)}. Import the pack for the law now in force "
            f"({_WHERE})."
        )
    return found


def _day(value: date) -> str:
    return f"{value:%d %b %Y}"


def shipped_changes(rules: RuleSet, replaced: Mapping[str, str]) -> list[ShippedChange]:
    """The agency's packs in force in place of a shipped pack that TrustDesk has changed
    since: each followed back through the imports and sign-offs it replaced to the
    shipped version it first took the place of (every shipped version is kept,
    ``rules.pack_history``); where that is not the version shipped now, the agency's
    stays in force without the change (e.g. a review a new release added), and only an
    administrator can compare the two and decide."""
    from trustdesk.rules.pack_history import kept_versions
    from trustdesk.store.pack_imports import REPLACED_NOTHING

    kept = kept_versions()
    found = []
    for shipped in rules.replaced:
        pack_id, now_shipped = shipped.pack.id, shipped.pack.sha256
        try:
            agency = rules.pack(pack_id).pack.sha256
        except KeyError:
            continue
        ever_shipped = {sha for (kept_id, sha) in kept if kept_id == pack_id} | {now_shipped}
        base: str | None = agency
        seen: set[str] = set()
        while base not in (None, REPLACED_NOTHING) and base not in ever_shipped | seen:
            seen.add(base)
            base = replaced.get(base)
        if base == REPLACED_NOTHING:
            # In force where no pack of this id was; TrustDesk ships one now, which the
            # agency's keeps out of force without anyone having compared the two.
            found.append(ShippedChange(pack_id, agency, None, now_shipped))
        elif base is not None and base in ever_shipped and base != now_shipped:
            found.append(ShippedChange(pack_id, agency, base, now_shipped))
    return found


def _changed_text(change: ShippedChange) -> str:
    if change.made_from is None:
        return (
            f"Your agency's rule pack {change.pack_id} came into force where no pack of that "
            f"id was, so it was never compared with TrustDesk's own; TrustDesk ships one now "
            f"({change.shipped[:12]}…), which yours keeps out of force: compare the two, and "
            "import or sign off the shipped one if it should apply, or record why your "
            f"agency keeps its own ({_WHERE})."
        )
    return (
        f"Your agency's rule pack {change.pack_id}, in force in place of TrustDesk's own, is "
        f"made from the version TrustDesk shipped as {change.made_from[:12]}…; TrustDesk now "
        f"ships {change.shipped[:12]}…, whose changes yours does not have: compare the two, "
        "and import or sign off the shipped one if its changes should apply, or record why "
        f"your agency keeps its own ({_WHERE})."
    )

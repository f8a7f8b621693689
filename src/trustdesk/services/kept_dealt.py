"""Which kept items the record has dealt with already — recorded late, decided again or
discarded — so that a copy of a kept file put back is never recorded twice (decisions
0062, 0064).

What the record does with an item comes after the record's last entry the desk had seen
when it kept the item (signed into it): the search reads the kept-work entries from the
lowest such position among the items signed by their officers, under any key the
record has held for them (a planted or edited item is never recorded, so it needs no
search and cannot make one start at the chain's beginning), and remembers what it
read: later searches read only the entries since, as long as the record still holds the
last entry read. At most one search per run reads far back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from trustdesk.services.context import ServiceContext
from trustdesk.services.kept_checks import signed_by_its_officer
from trustdesk.services.outbox import Kept

#: How far before an item kept by an earlier TrustDesk (no position signed) the record
#: is searched by time for its having been dealt with: room for desks' clocks.
DEALT_SLACK = timedelta(days=1)
EARLIEST = datetime(1, 1, 1, tzinfo=UTC)

Found = dict[str, set[tuple[str, str]]]


def nothing() -> Found:
    return {"decision": set(), "closure": set(), "unlock": set()}


@dataclass
class _Read:
    """The kept-work entries read so far: positions ``low`` to ``upto`` (whose hash was
    ``upto_hash``), and what they named."""

    low: int
    upto: int
    upto_hash: str
    found: Found = field(default_factory=nothing)


class DealtSearch:
    """The search of one desk's sync service, with what it has read."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._read: _Read | None = None

    def find(self, items: Sequence[Kept], head: tuple[int, str]) -> Found:
        """(id, digest of what was signed) by kind of what the record, up to ``head``
        (position, hash), has dealt with among entries that can concern ``items``."""
        starts: dict[tuple[int | None, str, datetime], int] = {}
        for item in items:
            key = (item.seen_seq, item.seen_hash, item.kept_at)
            if key not in starts and signed_by_its_officer(self.ctx, item):
                starts[key] = self._look_from(item)
        if not starts:
            return nothing()
        return self._ids(min(starts.values()), head)

    def _look_from(self, item: Kept) -> int:
        """The first position at which the record can have dealt with ``item``: after
        the entry the desk had seen when it kept it, if the record still holds that
        entry (a record restored from an older copy may not: then from its start). An
        item kept before decision 0064 says only when: the search halves the chain by
        time, with a day's room for desks' clocks."""
        audit = self.ctx.store.audit
        if item.seen_seq is None:
            oldest = item.kept_at
            since = oldest - DEALT_SLACK if oldest > EARLIEST + DEALT_SLACK else EARLIEST
            return audit.first_made_since(since)
        if item.seen_seq <= 0:
            return 1
        entry = audit.entry(item.seen_seq)
        return item.seen_seq + 1 if entry is not None and entry.hash == item.seen_hash else 1

    def _ids(self, low: int, head: tuple[int, str]) -> Found:
        audit = self.ctx.store.audit
        upto, upto_hash = head
        read = self._read
        if read is not None and read.low <= low and self._still_holds(read):
            if upto > read.upto:
                newer = audit.offline_ids_from(read.upto + 1, upto)
                for kind, pairs in newer.items():
                    read.found[kind] |= pairs
                read.upto, read.upto_hash = upto, upto_hash
            return {kind: set(pairs) for kind, pairs in read.found.items()}
        found = audit.offline_ids_from(low, upto)
        self._read = _Read(low, upto, upto_hash, found)
        return {kind: set(pairs) for kind, pairs in found.items()}

    def _still_holds(self, read: _Read) -> bool:
        """Whether the record still holds the last entry read, as it was read."""
        if read.upto <= 0:
            return True
        entry = self.ctx.store.audit.entry(read.upto)
        return entry is not None and entry.hash == read.upto_hash

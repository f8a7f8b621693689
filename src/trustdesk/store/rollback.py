"""What a restore would take out of the live record: the entries a backup does not hold.

A backup of these records shares their audit chain up to the backup's head; everything
the live chain recorded after the last entry the two share (decisions, amendments,
memos, sign-ins…) leaves the live record when the backup replaces it. It is not lost
(the replaced database is kept beside the restored one), but memos and exports printed
from it no longer match the record, so a restore says what would leave before doing it
and records what did (decision 0066).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from trustdesk.store.connection import connect

#: The events counted by name, in the order they are told; the rest are "other entries".
COUNTED = (
    ("decision.created", "decision", "decisions"),
    ("decision.amended", "amendment", "amendments"),
    ("decision.reviewed", "review", "reviews"),
    ("hold.closed", "hold closure", "hold closures"),
    ("contact.recorded", "contact", "contacts"),
    ("contact.amended", "contact correction", "contact corrections"),
    ("memo.printed", "memo printed", "memos printed"),
)

_HASH_AT = "SELECT hash FROM audit_log WHERE seq = ?"
_AT = "SELECT at FROM audit_log WHERE seq = ?"
_EVENTS_AFTER = "SELECT event, count(*) FROM audit_log WHERE seq > ? GROUP BY event"


@dataclass(frozen=True, slots=True)
class Rollback:
    """The live entries after the last one a backup shares with them."""

    shared_upto: int  # the last entry both chains hold (0: none)
    head_seq: int  # the live head that would be replaced
    head_hash: str
    first_at: str  # UTC times of the first and the last entry that would leave
    last_at: str
    entries: int
    counts: tuple[tuple[str, int], ...]  # (event, count) for the COUNTED events found

    def count(self, event: str) -> int:
        return dict(self.counts).get(event, 0)

    def words(self) -> str:
        """E.g. "2 decisions, 1 memo printed and 9 other audit entries (entries 12 to 25,
        recorded 2026-11-19 14:02 to 2026-11-19 15:40 UTC)"."""
        parts = []
        named = 0
        for event, one, many in COUNTED:
            number = self.count(event)
            if number:
                parts.append(f"{number} {one if number == 1 else many}")
                named += number
        rest = self.entries - named
        if rest or not parts:
            other = "other " if parts else ""
            parts.append(f"{rest} {other}audit {'entry' if rest == 1 else 'entries'}")
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        span = (
            f"entry {self.head_seq}"
            if self.entries == 1
            else f"entries {self.shared_upto + 1} to {self.head_seq}"
        )
        return (
            f"{listed} ({span}, recorded {_minute(self.first_at)} to {_minute(self.last_at)} UTC)"
        )

    def audit_objects(self) -> dict[str, object]:
        """For the restore's audit entries: what left the live record (ids and counts)."""
        return {
            "rolled_back_entries": self.entries,
            "rolled_back_from_seq": self.shared_upto + 1,
            "rolled_back_upto_seq": self.head_seq,
            "rolled_back_upto_hash": self.head_hash,
            "rolled_back_first_at": self.first_at,
            "rolled_back_last_at": self.last_at,
            "rolled_back_decisions": self.count("decision.created"),
            "rolled_back_amendments": self.count("decision.amended"),
            "rolled_back_counts": dict(self.counts),
        }


def _minute(text: str) -> str:
    return text[:16].replace("T", " ")


def rollback_of(live: sqlite3.Connection, backup: Path, backup_head: int) -> Rollback | None:
    """The live entries (read on ``live``, in the caller's snapshot) that the backup file
    ``backup`` does not hold; None when it holds them all (it is as new, or newer)."""
    head_row = live.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    if head_row is None:
        return None
    head_seq, head_hash = int(head_row[0]), str(head_row[1])
    theirs = connect(backup, immutable=True)
    try:
        shared = _shared_upto(
            min(head_seq, backup_head),
            lambda seq: _one(live, _HASH_AT, seq),
            lambda seq: _one(theirs, _HASH_AT, seq),
        )
    finally:
        theirs.close()
    if shared >= head_seq:
        return None
    found = dict(live.execute(_EVENTS_AFTER, (shared,)).fetchall())
    counts = tuple((event, int(found[event])) for event, _one_, _many in COUNTED if event in found)
    return Rollback(
        shared,
        head_seq,
        head_hash,
        str(_one(live, _AT, shared + 1)),
        str(_one(live, _AT, head_seq)),
        sum(int(number) for number in found.values()),
        counts,
    )


def _one(conn: sqlite3.Connection, sql: str, seq: int) -> object:
    row = conn.execute(sql, (seq,)).fetchone()
    return None if row is None else row[0]


def _shared_upto(upto: int, mine: Callable[[int], object], theirs: Callable[[int], object]) -> int:
    """The last position up to ``upto`` where both chains hold the same entry. Each hash
    covers every entry before it, so the chains agree up to some position and differ
    after it: found by halving, one entry read from each side per step."""

    def same(seq: int) -> bool:
        hash_ = mine(seq)
        return hash_ is not None and hash_ == theirs(seq)

    if upto < 1 or same(upto):
        return max(upto, 0)
    low, high = 0, upto  # same(low) holds (position 0 is the empty chain); same(high) not
    while high - low > 1:
        middle = (low + high) // 2
        if same(middle):
            low = middle
        else:
            high = middle
    return low

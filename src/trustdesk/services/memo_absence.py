"""Why the record holds no trace of a memo: rolled back by a restore, or the file changed.

A memo carries the audit chain's head when it was printed (its PDF keywords). When no
``memo.printed`` entry has the file's SHA-256, that head tells the two cases apart: a
head the record no longer holds (beyond its end, or a different entry there) means the
record lost what the memo was printed from — a restore of an older backup, typically —
not that the file was changed; saying "changed after printing" then would accuse a
genuine memo (decision 0066).
"""

from __future__ import annotations

from trustdesk.store.audit import AuditRepository
from trustdesk.store.records import AuditEntry

RESTORE_COMPLETED = "restore.completed"


def rolled_back_memo(audit: AuditRepository, heads: list[tuple[int, str]]) -> str | None:
    """Why the record does not hold a memo that anchors ``heads``; None when it holds
    every head (so the memo's absence is not the record's doing)."""
    head_seq = audit.head()[0]
    for seq, digest in heads:
        if seq > head_seq:
            where = (
                f"it was printed when the record's audit chain reached entry {seq}, and the "
                f"record now ends at entry {head_seq}"
            )
        else:
            entry = audit.entry(seq)
            if entry is not None and entry.hash == digest:
                continue
            where = (
                f"it was printed when the record's audit chain reached entry {seq}, and the "
                "record's entry at that position is another one"
            )
        return (
            f"the record does not hold this memo's decision or its printing: {where}. "
            f"{_restored(audit, seq)} The memo itself is not shown to be changed; check it "
            "against the records that were replaced, or ask an administrator"
        )
    return None


def restore_note(audit: AuditRepository) -> str:
    """A sentence naming the last restore that took entries out of the record ("" if none)."""
    last = _last_rollback(audit, None)
    return "" if last is None else _describe(last)


def _restored(audit: AuditRepository, seq: int) -> str:
    found = _last_rollback(audit, seq)
    if found is None:
        return (
            "Entries were taken out of the record after it was printed (restored from an "
            "older backup, or rolled back)."
        )
    older = _earlier_counted(audit, seq, found) if _uncounted(found) else None
    if older is None:
        return _describe(found)
    # The position alone cannot tell which one took it out: a memo printed before the
    # earlier restore, or one printed after it at the same position (decision 0077).
    return (
        "Either of two restores took it out (the later one could not count what left the "
        f"record). {_describe(found)} {_describe(older)}"
    )


def _uncounted(entry: AuditEntry) -> bool:
    return entry.objects_dict().get("rolled_back_uncounted") is True


def _earlier_counted(audit: AuditRepository, seq: int, later: AuditEntry) -> AuditEntry | None:
    """A restore before ``later`` that recorded taking out entries reaching ``seq``."""
    for entry in reversed(audit.of_events(RESTORE_COMPLETED)):
        if entry.seq >= later.seq:
            continue
        objects = entry.objects_dict()
        start, upto = objects.get("rolled_back_from_seq"), objects.get("rolled_back_upto_seq")
        if isinstance(start, int) and isinstance(upto, int) and start <= seq <= upto:
            return entry
    return None


def _last_rollback(audit: AuditRepository, seq: int | None) -> AuditEntry | None:
    """The newest restore that took out entries (reaching ``seq``, when given)."""
    uncounted: AuditEntry | None = None
    for entry in reversed(audit.of_events(RESTORE_COMPLETED)):
        objects = entry.objects_dict()
        if "rolled_back_upto_seq" in objects:
            upto = objects["rolled_back_upto_seq"]
            start = objects.get("rolled_back_from_seq")
            if seq is not None and isinstance(start, int) and seq < start:
                continue  # shared with the backup: still in the record, not taken out there
        elif objects.get("rolled_back_uncounted") is True:
            # Over a damaged or changed file whose log could not say what left: anything
            # after the backup's head; one at or before it only if no restore that
            # recorded taking it out is found (that one is the likelier).
            head = objects.get("backup_head_seq")
            if seq is None or not isinstance(head, int) or seq > head:
                return entry
            uncounted = uncounted or entry
            continue
        elif "confirmed_discard_newer" in objects:
            continue  # recorded since decision 0066: this restore took nothing out
        else:  # an older restore: it may have taken out anything up to the head it replaced
            upto = objects.get("replaced_head_seq")
        if not isinstance(upto, int):
            continue
        if seq is None or upto >= seq:
            return entry
    return uncounted


def _describe(entry: AuditEntry) -> str:
    objects = entry.objects_dict()
    counts = []
    for key, one, many in (
        ("rolled_back_decisions", "decision", "decisions"),
        ("rolled_back_entries", "audit entry", "audit entries"),
    ):
        number = objects.get(key)
        if isinstance(number, int):
            counts.append(f"{number} {one if number == 1 else many}")
    taken = f", taking out {' and '.join(counts)}" if counts else ""
    # A restore over a changed file set aside: what left is in that file, not in the copy
    # of the fresh record it replaced.
    kept = objects.get("rolled_back_kept_in") or objects.get("replaced_file")
    where = f"in {kept} in the data folder" if isinstance(kept, str) else "in a copy"
    return (
        f"The record was restored from an older backup at {entry.at[:16].replace('T', ' ')} "
        f"UTC (audit entry {entry.seq}){taken}; the records it replaced are kept {where}."
    )

"""Backups that started and never ended: killed (kill -9) or cut off by a power cut.

A backup records its start (``backup.started``, with the file it writes) before it
copies anything, and its end after (``backup.created``, or ``backup.failed`` when it
fails or is stopped). A kill -9 or a power cut in between leaves a start with no end.
It also leaves, in the backup's folder, a hidden partial copy (``.NAME.….tmp`` and its
``-journal``), or even the finished file, published an instant before the kill. Either
is a copy of every person's data that the record did not account for.

The next backup looks for such starts while no backup runs anywhere on the folder
(``lock.no_backup_running``). It deletes the partial copies (they were never finished,
so they are no backup). It records what it found (``backup.unfinished``, with the
SHA-256 and chain head of a finished file, which is then accounted for) and says so.
A start in the history of a restored backup is that backup's own (its snapshot was taken
after its start): the restore ends it.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from trustdesk.store.audit import AuditRepository
from trustdesk.store.records import AuditEntry

STARTED = "backup.started"
#: The entries that end a start (each names it as ``started_seq``).
ENDED = ("backup.created", "backup.failed", "backup.unfinished")
RESTORED = "restore.completed"


def open_starts(audit: AuditRepository) -> list[AuditEntry]:
    """The backups of this record that started and never ended, oldest first."""
    starts = audit.of_events(STARTED)
    if not starts:
        return []
    ended: set[int] = set()
    restored_upto = 0
    for entry in audit.of_events(*ENDED, RESTORED):
        objects = entry.objects_dict()
        if entry.event == RESTORED:
            head = objects.get("backup_head_seq")
            if isinstance(head, int):
                restored_upto = max(restored_upto, head)
        elif isinstance(objects.get("started_seq"), int):
            ended.add(objects["started_seq"])
    return [start for start in starts if start.seq not in ended and start.seq > restored_upto]


@dataclass(frozen=True, slots=True)
class Unfinished:
    """What an unfinished backup left in its folder, and what was done about it."""

    started: AuditEntry
    file: str
    #: "complete": the finished backup, never recorded; "partial": hidden partial copies
    #: only; "none": nothing left; "other": a file of that name this backup did not
    #: write; "unreachable": the folder cannot be looked at now.
    found: str
    removed: tuple[str, ...] = ()
    left: tuple[str, ...] = ()  # partial copies that could not be deleted
    sha256: str | None = None
    head: tuple[int, str] | None = None

    def audit_objects(self) -> dict[str, object]:
        about: dict[str, object] = {
            "started_seq": self.started.seq,
            "file": self.file,
            "found": self.found,
            "partial_removed": list(self.removed),
            "partial_left": list(self.left),
        }
        if self.sha256 is not None:
            about["file_sha256"] = self.sha256
        if self.head is not None:
            about.update(head_seq=self.head[0], head_hash=self.head[1])
        return about

    def words(self) -> str:
        at = self.started.at[:16].replace("T", " ")
        first = (
            f"an earlier backup to {self.file}, started {at} UTC (audit entry "
            f"{self.started.seq}), never finished (stopped by force or a power cut)"
        )
        if self.found == "complete":
            said = (
                f"; the file it wrote is a whole backup (sha256 {self.sha256}), now recorded: "
                "keep it safe like any backup, or delete it"
            )
        elif self.found == "other":
            said = "; the file of that name there now was not written by it and was left alone"
        elif self.found == "unreachable":
            said = (
                f"; its folder cannot be looked at now: look there for {Path(self.file).name} "
                f"and hidden files .{Path(self.file).name}.*.tmp, and delete them"
            )
        else:
            said = "; it left no copy"
        if self.removed:
            said += f"; its partial copy ({', '.join(self.removed)}) was deleted"
        if self.left:
            said += f"; its partial copy {', '.join(self.left)} could not be deleted: delete it"
        return first + said


def _partial_name(name: str) -> re.Pattern[str]:
    """The hidden names ``newfile.temp_beside`` gives ``name``'s copy, and its journal."""
    return re.compile(rf"\.{re.escape(name)}\.[0-9a-f]{{12}}\.tmp(-journal)?\Z")


def look(start: AuditEntry, audit: AuditRepository) -> Unfinished:
    """What the unfinished backup ``start`` left; partial copies are deleted."""
    from trustdesk.store.backup import backup_head, file_sha256

    named = start.objects_dict().get("file")
    if not isinstance(named, str) or not named:
        return Unfinished(start, str(named), "unreachable")
    target = Path(named)
    try:
        partial = _partial_name(target.name)
        pieces = sorted(p for p in target.parent.iterdir() if partial.match(p.name))
        exists = target.is_file()
    except OSError:
        return Unfinished(start, named, "unreachable")
    removed, left = [], []
    for piece in pieces:
        try:
            piece.unlink()
            removed.append(piece.name)
        except FileNotFoundError:
            continue
        except OSError:
            left.append(piece.name)
    found = "partial" if removed or left else "none"
    sha256 = head = None
    if exists:
        anchor = backup_head(target)
        if anchor is not None and anchor.seq >= start.seq:
            held = audit.entry(anchor.seq)
            if held is not None and held.hash == anchor.hash:
                found = "complete"
                head = (anchor.seq, anchor.hash)
                with contextlib.suppress(OSError):
                    sha256 = file_sha256(target)
        if found != "complete":
            found = "other"
    return Unfinished(start, named, found, tuple(removed), tuple(left), sha256, head)

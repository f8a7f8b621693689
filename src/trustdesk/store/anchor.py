"""The chain head this workstation last saw: a small file kept outside the data folder.

Someone who can write the database can delete the newest records and the chain's tail
and leave a shorter chain that replays perfectly. What they cannot reach as easily is
a copy of the head kept elsewhere. So every write that extends the chain also records
its new head (entry number and hash) in an *anchor file* for that data folder, in this
operating-system account's state folder (``$TRUSTDESK_ANCHOR_DIR`` overrides it, e.g.
one folder shared by every desk account of the machine). ``audit verify`` then checks
that the chain still holds that entry, with that hash.

Several programs may record into one data folder at once, each moving the anchor after
its commit: the read-compare-write is done under a lock file beside the anchor, so a
slower program never moves it back to an older head.

The anchor only moves forward, and only along the chain it names: a chain that no
longer holds the anchored entry leaves the anchor where it is, so the alarm stays until
someone deals with it (a restore re-anchors, audited; see docs/decisions/0008). Writing
it is best effort: a folder that cannot be written never stops a decision being saved.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from trustdesk.store.lock import file_lock

if TYPE_CHECKING:
    from trustdesk.store.records import AuditEntry

#: Where anchor files are kept instead of the per-user state folder.
ANCHOR_DIR_ENV = "TRUSTDESK_ANCHOR_DIR"


class Anchor(NamedTuple):
    seq: int
    hash: str


def anchor_dir() -> Path:
    """``$TRUSTDESK_ANCHOR_DIR``, else the per-user state folder's ``anchors``."""
    configured = os.environ.get(ANCHOR_DIR_ENV, "").strip()
    if configured:
        return Path(configured).expanduser().absolute()
    platform: str = sys.platform  # a plain str, so type checkers keep both branches
    if platform.startswith("linux"):
        # platformdirs' answer on Linux (XDG_STATE_HOME), without importing it (as paths.py).
        xdg = os.environ.get("XDG_STATE_HOME", "")
        base = xdg if os.path.isabs(xdg) else os.path.expanduser("~/.local/state")
        return Path(base) / "trustdesk" / "anchors"
    from platformdirs import user_state_dir

    return Path(user_state_dir("trustdesk", appauthor=False)) / "anchors"


def anchor_dir_problem() -> str | None:
    """What keeps this user from keeping anchors (``anchor_dir`` a file, or a folder it
    cannot write or make), in words; None when they can be kept. Writing them is best
    effort, so nothing else says it: `audit verify` would call rolled-back records
    intact (a hostile pass on IT's set-up)."""
    folder = anchor_dir()
    configured = os.environ.get(ANCHOR_DIR_ENV, "").strip()
    where = (
        f"environment variable {ANCHOR_DIR_ENV}={configured[:60]!r}"
        if configured
        else "this user's anchor folder"
    )
    consequence = (
        "so this workstation cannot keep the chain head it saw, and records rolled back "
        "cannot be noticed here; name a folder this user can write"
    )
    if folder.exists() and not folder.is_dir():
        return f"{where} names {folder}, which is a file, {consequence}"
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK | os.X_OK):
        return f"{where}: this user cannot write in {existing or folder}, {consequence}"
    return None


def _entry_hash(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def _head(conn: sqlite3.Connection) -> Anchor | None:
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else Anchor(int(row[0]), str(row[1]))


class AnchorFile:
    """The anchor of one data folder (named by a digest of its path) for this account."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @cached_property
    def path(self) -> Path:
        # Named on first use: hashlib is not imported before the app's first window.
        import hashlib

        key = hashlib.sha256(str(self.data_dir.absolute()).encode("utf-8")).hexdigest()[:32]
        return anchor_dir() / f"{key}.json"

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.stem + ".lock")

    def read(self) -> Anchor | None:
        """The anchored head, or None when there is none (first use) or it is unreadable."""
        try:
            value = json.loads(self.path.read_text(encoding="utf-8"))
            seq, digest = value["seq"], value["hash"]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if type(seq) is not int or seq < 1 or not isinstance(digest, str):
            return None
        return Anchor(seq, digest)

    def advance(self, conn: sqlite3.Connection) -> None:
        """After a commit: anchor the chain's head, if it extends the anchored chain."""
        with file_lock(self.lock_path):
            anchored = self.read()
            # The head and the anchored entry's hash in one query (a save's round trips
            # to a server count: decision 0024).
            row = conn.execute(
                "SELECT seq, hash, (SELECT hash FROM audit_log WHERE seq = ?) "
                "FROM audit_log ORDER BY seq DESC LIMIT 1",
                (0 if anchored is None else anchored.seq,),
            ).fetchone()
            if row is None:
                return
            head = Anchor(int(row[0]), str(row[1]))
            if anchored is not None and (head.seq <= anchored.seq or row[2] != anchored.hash):
                return  # not further along, or not the chain anchored: leave the alarm
            self._write(head)

    def reset(self, conn: sqlite3.Connection) -> tuple[Anchor | None, Anchor | None]:
        """Anchor the current head whatever was anchored (after a restore): (before, now)."""
        with file_lock(self.lock_path):
            before, head = self.read(), _head(conn)
            if head is not None:
                self._write(head)
        return before, head

    def problem(self, conn: sqlite3.Connection) -> tuple[int, str] | None:
        """(entry, what is wrong) when the chain no longer holds the anchored head."""
        anchored = self.read()
        if anchored is None:
            return None
        head = _head(conn)
        head_seq = 0 if head is None else head.seq
        if head_seq < anchored.seq:
            return (
                head_seq + 1,
                f"chain is shorter than this workstation last saw (entry {anchored.seq}, "
                f"hash {anchored.hash}): records may have been rolled back; only "
                f"{head_seq} entries are left",
            )
        if _entry_hash(conn, anchored.seq) != anchored.hash:
            return (
                anchored.seq,
                f"entry {anchored.seq} is not the one this workstation last saw (hash "
                f"{anchored.hash}): records may have been rolled back or rewritten from there on",
            )
        return None

    def _write(self, head: Anchor) -> None:
        text = json.dumps(
            {"data_folder": str(self.data_dir), "seq": head.seq, "hash": head.hash},
            sort_keys=True,
        )
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        # Best effort: a state folder that cannot be written must not stop the records.
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_text(text, encoding="utf-8")
            os.replace(temp, self.path)
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


# -- proving anchors kept elsewhere (memos, exports, backups, anchor files) -------------


class ChainReader(Protocol):
    """What proving anchors needs of a store: its audit repository's head and entries
    (written once, over the repository, so it holds for every backend)."""

    def head(self) -> tuple[int, str]: ...

    def entry(self, seq: int) -> AuditEntry | None: ...


@dataclass(frozen=True, slots=True)
class AnchorProof:
    """One anchored head checked against the chain: ``problem`` is None when it is there."""

    source: str
    anchor: Anchor
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        where = f"{self.source}: entry {self.anchor.seq} sha256 {self.anchor.hash}"
        return f"{where}: {'found in the chain' if self.problem is None else self.problem}"


def prove(chain: ChainReader, anchors: Iterable[tuple[str, Anchor]]) -> list[AnchorProof]:
    """Check that the chain still holds every anchored head: the entry at that position
    exists and has that hash. Anything else means the records were changed after the
    anchor was taken, however consistently the chain was rebuilt."""
    head_seq, _head_hash = chain.head()
    proofs = []
    for source, anchor in anchors:
        problem: str | None = None
        if anchor.seq > head_seq:
            problem = (
                f"NOT FOUND: entry {anchor.seq} is beyond the chain's head (entry "
                f"{head_seq}): entries were removed or the records rolled back"
            )
        else:
            entry = chain.entry(anchor.seq)
            if entry is None:
                problem = f"NOT FOUND: entry {anchor.seq} is missing: entries were removed"
            elif entry.hash != anchor.hash:
                problem = (
                    f"HASH DIFFERS at entry {anchor.seq} (the chain has {entry.hash}): the "
                    "chain was rewritten from there on or before"
                )
        proofs.append(AnchorProof(source, anchor, problem))
    return proofs


def parse_anchor(seq: object, digest: object) -> Anchor | None:
    """An anchor from values read out of a file, or None if they are not one."""
    if type(seq) is str and seq.isdigit() and len(seq) < 20:
        seq = int(seq)
    if type(seq) is not int or seq < 1 or not isinstance(digest, str):
        return None
    if len(digest) != 64 or digest.strip("0123456789abcdef"):
        return None
    return Anchor(seq, digest)

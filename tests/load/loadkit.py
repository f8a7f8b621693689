"""Helpers of the load and fault tests: desks as child processes, and the record's checks.

The sizes come from ``TRUSTDESK_LOAD``: unset, the normal test command runs a small
version (3 desks × 50 decisions, 5 kills of the server); ``TRUSTDESK_LOAD=full`` (set by
scripts/test-load.sh) runs the issue's proof (8 desks × 1,000 decisions, 50 kills).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psycopg

from trustdesk.store.postgresql.schema import SCHEMA

FULL = os.environ.get("TRUSTDESK_LOAD") == "full"
CHILD = Path(__file__).with_name("desk_child.py")
STORE_TESTS = Path(__file__).resolve().parents[1] / "store"
# Test folders are not packages: storekit (drafts, users) is found through the path, as
# tests/services/servicekit.py does it.
if str(STORE_TESTS) not in sys.path:
    sys.path.insert(0, str(STORE_TESTS))


@dataclass
class DeskProcess:
    """One child desk and what it said: acknowledged saves and failed attempts."""

    process: subprocess.Popen[str]
    errors: Path
    acknowledged: dict[str, int] = field(default_factory=dict)  # booking -> record id
    down: list[str] = field(default_factory=list)
    stderr: str = ""

    def read(self) -> None:
        """Read everything the desk prints until it exits (call from a thread or at the end)."""
        out: IO[str] | None = self.process.stdout
        assert out is not None
        for line in out:
            kind, *rest = line.split()
            if kind == "ok":
                self.acknowledged[rest[1]] = int(rest[0])
            elif kind == "down":
                self.down.append(rest[0])
        out.close()

    def finish(self, timeout: float) -> int:
        """Wait for the desk to exit (its output is read by ``read``); its exit code."""
        code = self.process.wait(timeout=timeout)
        self.stderr = self.errors.read_text(encoding="utf-8", errors="replace")
        return code


def start_desk(url: str, draft_file: Path, officer_id: int, count: int, stop: Path) -> DeskProcess:
    """A desk process saving ``count`` decisions (0: until ``stop`` exists) as the officer."""
    paths = [str(STORE_TESTS), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
    errors = stop.with_name(f"desk-{officer_id}.stderr")
    with open(errors, "w", encoding="utf-8") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                str(CHILD),
                url,
                str(draft_file),
                str(officer_id),
                str(count),
                str(stop),
            ],
            stdout=subprocess.PIPE,
            stderr=sink,
            text=True,
            env=env,
        )
    return DeskProcess(process, errors)


@dataclass(frozen=True)
class RecordState:
    """What the server holds, read straight from its tables as an auditor would."""

    bookings: dict[str, int]  # booking -> decision record id
    seqs: list[int]
    decisions: int
    created_entries: int
    orphan_people: int
    orphan_detainers: int
    decisions_without_entry: int


def read_record(admin_url: str) -> RecordState:
    with psycopg.connect(admin_url) as conn:
        conn.execute(f"SET search_path TO {SCHEMA}")
        bookings = dict(
            conn.execute(
                "SELECT p.booking_number, d.id FROM decisions d JOIN people p ON p.id = d.person_id"
            ).fetchall()
        )
        seqs = [row[0] for row in conn.execute("SELECT seq FROM audit_log ORDER BY seq")]
        decisions = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
        created = conn.execute(
            "SELECT count(*) FROM audit_log WHERE event = 'decision.created'"
        ).fetchone()[0]
        orphan_people = conn.execute(
            "SELECT count(*) FROM people p WHERE NOT EXISTS "
            "(SELECT 1 FROM decisions d WHERE d.person_id = p.id)"
        ).fetchone()[0]
        orphan_detainers = conn.execute(
            "SELECT count(*) FROM detainers t WHERE NOT EXISTS "
            "(SELECT 1 FROM decisions d WHERE d.detainer_id = t.id)"
        ).fetchone()[0]
        without_entry = conn.execute(
            "SELECT count(*) FROM decisions d WHERE NOT EXISTS "
            "(SELECT 1 FROM audit_log a WHERE a.seq = d.audit_seq "
            "AND a.event = 'decision.created')"
        ).fetchone()[0]
    return RecordState(
        bookings, seqs, decisions, created, orphan_people, orphan_detainers, without_entry
    )

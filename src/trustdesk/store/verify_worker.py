"""A second process for ``audit verify``: the decision records of one span of the chain.

Verification is Python work per row (0016, 0025), so on a machine with two cores a large
record is checked in two processes: this one checks the decision records whose audit
entry lies in ``(after, upto]`` while the calling process replays the chain and checks
the rest. The checks are ``Checker.decision_rows``, the same code; only the rows differ.

The request (what to open, the span) comes on stdin as JSON, never on the command line
(a PostgreSQL URL may carry a password); the answer (rows checked, problems found) goes
to stdout as JSON. ``Helper`` starts it and reads the answer; if anything goes wrong with
the process, the caller checks the span itself, so a helper can only save time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

from trustdesk.store.checks import Checker, Problem

#: Verifications of at least this many chain entries use a helper process. Below it a
#: verification takes seconds, and starting the helper (a new interpreter, a second read
#: of the database's first pages) was measured to cost about what it saves.
PARALLEL_FROM_ENTRIES = 300_000
#: The share of the chain whose decision records the calling process checks itself: it
#: also replays the whole chain and checks holds, reviews, closures, derived tables and
#: accounts (about 40 % of the work on records like bench/gen_record.py's).
CALLER_SHARE = 0.15


def location(conn: Any) -> tuple[str, str] | None:
    """``(backend, target)`` a helper opens to read what ``conn`` reads, or None."""
    url = getattr(conn, "url", None)
    if isinstance(url, str):
        return "postgresql", url
    try:
        for _seq, name, path in conn.execute("PRAGMA database_list").fetchall():
            if name == "main" and path:
                return "sqlite", str(path)
    except Exception:
        return None
    return None


def wanted(entries: int) -> bool:
    """Whether a verification of ``entries`` chain entries should use a helper here."""
    return (
        entries >= PARALLEL_FROM_ENTRIES
        and (os.cpu_count() or 1) >= 2
        # A frozen desktop build has no interpreter to start this module with.
        and not getattr(sys, "frozen", False)
    )


class Helper:
    """A running helper process checking the decision records of ``(after, upto]``."""

    def __init__(self, backend: str, target: str, after: int, upto: int) -> None:
        self.span = (after, upto)
        request = {"backend": backend, "target": target, "after": after, "upto": upto}
        self.process: subprocess.Popen[str] | None
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "trustdesk.store.verify_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert self.process.stdin is not None
            self.process.stdin.write(json.dumps(request))
            self.process.stdin.close()
        except OSError:
            self.process = None

    def stop(self) -> None:
        """End the helper (its caller was interrupted); nothing is read from it."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def result(self) -> tuple[int, list[Problem]] | None:
        """Rows checked and problems found; None if the helper failed (check it yourself)."""
        if self.process is None:
            return None
        assert self.process.stdout is not None
        with self.process.stdout:
            out = self.process.stdout.read()
        self.process.wait()
        if self.process.returncode != 0:
            return None
        try:
            answer = json.loads(out)
            problems = [Problem(seq, str(text)) for seq, text in answer["problems"]]
            return int(answer["count"]), problems
        except (ValueError, KeyError, TypeError):
            return None


def _open(backend: str, target: str) -> Any:
    if backend == "postgresql":
        from trustdesk.store.postgresql.connection import PgConnection, open_connection

        return PgConnection(open_connection(target), target, streaming=True)
    from pathlib import Path

    from trustdesk.store.connection import configure, connect

    conn = connect(Path(target), readonly=True)
    configure(conn)
    return conn


def main() -> int:
    request = json.loads(sys.stdin.read())
    conn = _open(str(request["backend"]), str(request["target"]))
    try:
        conn.execute("BEGIN")
        checker = Checker(conn, int(request["upto"]), int(request["after"]))
        count = checker.decision_rows()
    finally:
        conn.close()
    json.dump({"count": count, "problems": [[p.seq, p.text] for p in checker.problems]}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Verification under a SQLite newer than the system's, in a child process.

The system's SQLite here (Debian 12: 3.40) stops a candidate statement at a blob; 3.45
and later read a blob that is well-formed JSONB as JSON, so there the candidates are
guarded from their first run (``candidates_sqlite.GUARD_FIRST``, decision 0059). The
Windows build's Python brings such a SQLite. This runs, with pysqlite3-binary's SQLite
put in the place of the standard library's (``newer_sqlite/sitecustomize.py``), the
probes only such a SQLite makes possible (``jsonb_probes.py``) and the tampering tests
of the verification split, on SQLite: what they report there is what the Windows build
reports.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def test_verification_under_sqlite_3_45_or_later() -> None:
    env = {**os.environ, "PYTHONPATH": str(HERE / "newer_sqlite")}
    version = subprocess.run(
        [sys.executable, "-c", "import sqlite3; print(sqlite3.sqlite_version_info >= (3, 45))"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert version.stdout.strip() == "True", version.stderr
    files = ["jsonb_probes.py", "test_verify_hostile.py", "test_verify_split.py"]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-k",
            "not postgresql",
            *(str(HERE / name) for name in files),
        ],
        env=env,
        cwd=HERE.parent.parent,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " failed" not in summary and " skipped" not in summary, summary
    assert int(summary.split(" passed")[0].split()[-1]) >= 100, summary

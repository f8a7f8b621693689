"""What the hostile-pass tests share: a staffed data folder and an attacker's sqlite3.

The attacker holds the database file and the plain ``sqlite3`` module, nothing more:
they drop TrustDesk's guard triggers, change rows, and put the triggers back.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from casekit import make_case
from trustdesk.store.paths import DB_NAME

ADMIN_PW = "stone bridge harvest 1"
PASSWORDS = {
    "chief": ADMIN_PW,
    "deputy": "amber field lighthouse 5",
    "ann": "quiet orchard window",
    "sam": "silver kettle morning",
    "aud": "paper lamp thunder",
}
NEW_PW = "velvet canyon sunrise 73"
WRONG = "not the password at all"


def staff(cli: Any, *, second_admin: bool = False) -> None:
    """chief (the only administrator, unless ``second_admin``), an officer, a supervisor,
    an auditor."""
    code, _out, err = cli("users", "add", "chief", "--role", "administrator", new=ADMIN_PW)
    assert code == 0, err
    people = [("ann", "officer"), ("sam", "supervisor"), ("aud", "auditor")]
    if second_admin:
        people.append(("deputy", "administrator"))
    for name, role in people:
        code, _out, err = cli(
            "users", "add", name, "--role", role, "--as", "chief", who="chief", new=PASSWORDS[name]
        )
        assert code == 0, err


def case_file(folder: Path, number: int) -> str:
    path = folder / f"case-{number}.json"
    case = make_case(tsdb_match=True)
    case["person"]["booking_number"] = f"NH-2026-{number:04d}"
    path.write_text(json.dumps(case), encoding="utf-8")
    return str(path)


def the_error(err: str) -> str:
    """The one error line of a refused command (warnings may come before it)."""
    lines = err.strip().splitlines()
    errors = [line for line in lines if not line.startswith("trustdesk: warning: ")]
    assert len(errors) == 1 and "Traceback" not in err, err
    return errors[0]


@contextmanager
def attacker(data: Path) -> Iterator[sqlite3.Connection]:
    """The database with every guard trigger dropped; the triggers are put back after."""
    conn = sqlite3.connect(data / DB_NAME, isolation_level=None)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield conn
    finally:
        for _name, sql in triggers:
            conn.execute(sql)
        conn.close()


def rehash_from(conn: sqlite3.Connection, seq: int) -> str:
    """Recompute the hash of every entry from ``seq`` on, each linked to the one before:
    a consistent rewrite of the chain, as a file editor can make it. The new head hash."""
    from trustdesk.store.audit import entry_hash

    prev = str(conn.execute("SELECT hash FROM audit_log WHERE seq = ?", (seq - 1,)).fetchone()[0])
    rows = conn.execute(
        "SELECT seq, at, workstation, actor, actor_id, event, outcome, objects "
        "FROM audit_log WHERE seq >= ? ORDER BY seq",
        (seq,),
    ).fetchall()
    for row in rows:
        digest = entry_hash(prev, *row)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, row[0])
        )
        prev = digest
    return prev

"""Shared by the records-hardening tests: the command line in-process, staff, a case."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
sys.path.insert(0, str(Path(__file__).parent.parent))

from hostile import the_error
from storekit import ADMIN_PW, PASSWORDS, in_process_cli

from casekit import make_case


def desk_cli(data: Path, monkeypatch: Any, capsys: Any) -> Any:
    """``run(*args, who=USER)`` over data folder ``data`` (see storekit.in_process_cli)."""
    return in_process_cli(data, monkeypatch, capsys, PASSWORDS)


def staff(cli: Any, admin: str = "chief") -> None:
    """An administrator ``admin`` (password ADMIN_PW), officer ann, auditor aud."""
    code, _out, err = cli("users", "add", admin, "--role", "administrator", new=ADMIN_PW)
    assert code == 0, err
    for name, role in (("ann", "officer"), ("aud", "auditor")):
        code, _out, err = cli(
            "users", "add", name, "--role", role, "--as", admin, who=admin, new=PASSWORDS[name]
        )
        assert code == 0, err


def case_file(tmp_path: Path, name: str = "case.json", **changes: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(make_case(**changes)), encoding="utf-8")
    return str(path)


def one_line_error(err: str) -> str:
    """The one error line of a refused command; the only-administrator warning may precede it."""
    line = the_error(err)
    assert line.startswith("trustdesk: ")
    return line


def audit_objects(db: Path, event: str) -> list[dict[str, Any]]:
    """The objects of every ``event`` entry of the SQLite file ``db``, read without
    writing to it."""
    from trustdesk.store import audit
    from trustdesk.store.connection import connect

    conn = connect(db, immutable=True)
    try:
        return [json.loads(e.objects) for e in audit.entries_for(conn, event)]
    finally:
        conn.close()

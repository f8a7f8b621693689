"""Helpers for the store and service tests: drafts, a fast password hasher, a desk of users.

Plain functions (the fixtures that use them are at the end of tests/conftest.py), so the
crash test's child process can import this module without pytest.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustdesk.services.passwords import PasswordHasher, ScryptParams
from trustdesk.store.case_records import DecisionDraft, DetainerFacts, PersonFacts
from trustdesk.store.contact_records import ContactDraft
from trustdesk.store.records import Actor, User
from trustdesk.store.store import Store

if TYPE_CHECKING:
    from trustdesk.services.bundle import Services
    from trustdesk.services.context import Session

#: Cheap scrypt for tests only: the format and code path are the real ones.
FAST_HASHER = PasswordHasher(ScryptParams(n=2**8, r=8, p=1))
PASSWORD = "correct horse battery staple"
#: The command-line tests' staff (administrator chief, officer ann, supervisor sam,
#: auditor aud) and their passwords.
ADMIN_PW = "stone bridge harvest 1"
PASSWORDS = {
    "chief": ADMIN_PW,
    "ann": "quiet orchard window",
    "sam": "silver kettle morning",
    "aud": "paper lamp thunder",
}

ROLE_PASSWORDS = {
    "officer": "blue river lantern 42",
    "supervisor": "green mountain candle 17",
    "administrator": "red harbor compass 88",
    "auditor": "grey valley ledger 31",
}
T0 = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


def draft(**changes: Any) -> DecisionDraft:
    """A plausible decision draft without running the engine (store-level tests)."""
    base = DecisionDraft(
        decision_time=T0,
        outcome="honor",
        needs_review=False,
        review_required=False,
        releasable_at=T0 + timedelta(hours=4),
        hold_expires_at=T0 + timedelta(hours=52),
        opens_hold=True,
        rule_pack="ct-2025",
        rule_pack_sha256="a" * 64,
        app_version="0.1.0",
        person=PersonFacts("NH-2026-0412", "María Peña", date(1990, 4, 17)),
        detainer=DetainerFacts("I-247A", T0, "yes", None, "ICE ERO", "A123456789"),
        answers=(("gang_member", "no"), ("tsdb_match", "unknown")),
        case_json=json.dumps({"person": {"name": "María Peña"}}, ensure_ascii=False),
        decision_json=json.dumps({"decision": "honor", "trace": ["x" * 200]}),
    )
    return replace(base, **changes)


def contact_draft(**changes: Any) -> ContactDraft:
    """A plausible contact with ICE without running the legality check (store-level
    tests): a release date given, not allowed, flagged for review."""
    base = ContactDraft(
        person_id=None,
        booking_number="NH-2026-0412",
        decision_id=None,
        kind="release_info_request",
        direction="from_ice",
        occurred_at=T0,
        channel="phone",
        ice_office="ERO Hartford",
        ice_officer="Officer Lee",
        asked="release date?",
        given=("release_date",),
        note="",
        pack_id="ct-2025",
        advice_json='{"basis":"none","items":[],"pack":"ct-2025"}',
        allowed=False,
        unlawful_reason="told by the shift commander",
        review_needed=True,
        app_version="0.1.0",
    )
    return replace(base, **changes)


def draft_to_json(value: DecisionDraft) -> str:
    def encode(item: Any) -> Any:
        if isinstance(item, datetime | date):
            return {"$t": type(item).__name__, "v": item.isoformat()}
        raise TypeError(item)

    return json.dumps(asdict(value), default=encode)


def draft_from_json(text: str) -> DecisionDraft:
    def decode(item: dict[str, Any]) -> Any:
        if "$t" in item:
            kind = datetime if item["$t"] == "datetime" else date
            return kind.fromisoformat(item["v"])
        return item

    raw = json.loads(text, object_hook=decode)
    raw["person"] = PersonFacts(**raw["person"])
    raw["detainer"] = DetainerFacts(**raw["detainer"])
    raw["answers"] = tuple(tuple(pair) for pair in raw["answers"])
    return DecisionDraft(**raw)


def new_store(data_dir: Path) -> Store:
    return Store.open(data_dir)


def add_user(store: Store, username: str, role: str, *, first: bool = False) -> User:
    return store.users.create(
        username,
        role,
        FAST_HASHER.hash(ROLE_PASSWORDS.get(role, PASSWORD)),
        creator=Actor(None, None, "test-ws"),
        at=T0,
        first=first,
    )


def actor(user: User) -> Actor:
    return Actor(user.id, user.username, "test-ws")


@dataclass
class Clock:
    """A settable clock for the services (lockout windows, overdue holds)."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection, as an attacker with file access would use."""
    return sqlite3.connect(path, isolation_level=None)


def columns(store: Store, table: str) -> list[str]:
    """The column names of ``table``, on either backend."""
    with store.db.reading() as conn:
        cursor = conn.execute(f"SELECT * FROM {table} LIMIT 0")
        return [column[0] for column in cursor.description]


def written_columns(store: Store, table: str) -> list[str]:
    """The columns a row of ``table`` is written with: on a server, not the decisions'
    report columns, which the server computes from the document and refuses any value
    for before any privilege or trigger is asked (schema 11, test_report_columns)."""
    from trustdesk.store.postgresql.schema import REPORT_COLUMNS

    return [name for name in columns(store, table) if name not in REPORT_COLUMNS]


#: What refuses a change to evidence: SQLite's append-only triggers, or on a server the
#: desk role's missing privilege (its triggers refuse the owner too: test_pg_privileges).
REFUSED = "append-only|permission denied"


@contextlib.contextmanager
def failing_inserts(store: Store, table: str, message: str) -> Iterator[None]:
    """Every INSERT into ``table`` fails with ``message`` while inside (a constraint
    refusing it), whichever the backend: how a write that fails half-way is simulated."""
    if store.backend == "sqlite":
        with store.db.transaction() as conn:
            conn.execute(
                f"CREATE TEMP TRIGGER fail_{table} BEFORE INSERT ON main.{table} "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        try:
            yield
        finally:
            with store.db.transaction() as conn:
                conn.execute(f"DROP TRIGGER temp.fail_{table}")
        return
    import psycopg

    from pgkit import superuser_url

    url = superuser_url(store.db.url)  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            f"CREATE FUNCTION trustdesk.fail_{table}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'check_violation'; END $$"
        )
        admin.execute(
            f"CREATE TRIGGER fail_{table} BEFORE INSERT ON trustdesk.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION trustdesk.fail_{table}()"
        )
        try:
            yield
        finally:
            admin.execute(f"DROP TRIGGER fail_{table} ON trustdesk.{table}")
            admin.execute(f"DROP FUNCTION trustdesk.fail_{table}()")


DESK_USERS = (
    ("officer", "officer"),
    ("officer2", "officer"),
    ("supervisor", "supervisor"),
    ("supervisor2", "supervisor"),
    ("auditor", "auditor"),
)


@dataclass
class Desk:
    """Services over a fresh store, a user per role, and the clock they run on."""

    services: Services
    clock: Clock

    def session(self, username: str) -> Session:
        role = dict(DESK_USERS).get(username, "administrator")
        return self.services.accounts.log_on(username, ROLE_PASSWORDS[role])

    @property
    def store(self) -> Store:
        return self.services.store


def open_desk(
    data_dir: Path, rules: Any, clock: Clock | None = None, *, database: str | None = None
) -> Desk:
    """The desk's services on ``data_dir`` (SQLite) or on the server of ``database``."""
    from trustdesk.services.bundle import open_services

    clock = clock or Clock()
    services = open_services(data_dir, rules, hasher=FAST_HASHER, clock=clock, database=database)
    if services.accounts.needs_first_administrator():
        services.accounts.create_first_administrator("admin", ROLE_PASSWORDS["administrator"])
        admin = services.accounts.log_on("admin", ROLE_PASSWORDS["administrator"])
        for name, role in DESK_USERS:
            services.accounts.add_user(admin, name, role, ROLE_PASSWORDS[role])
    return Desk(services, clock)


def run_trustdesk(
    data: Path,
    *args: str,
    password: str | None = None,
    new_password: str | None = None,
    database: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``trustdesk`` program on data folder ``data``, as a user would."""
    env = {**os.environ, "TRUSTDESK_DEBUG": ""}
    for name, value in (("TRUSTDESK_PASSWORD", password), ("TRUSTDESK_NEW_PASSWORD", new_password)):
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "trustdesk",
            "--data-dir",
            str(data),
            *(["--database", database] if database else []),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def in_process_cli(
    data: Path,
    monkeypatch: Any,
    capsys: Any,
    passwords: dict[str, str],
    database: str | None = None,
) -> Callable[..., tuple[int, str, str]]:
    """``run(*args, who=USER, new=PASSWORD)``: trustdesk's main() on ``data``, in-process.

    Passwords come through the environment as a person's script would give them (``who``
    is looked up in ``passwords``, else taken as the password itself); the fast hasher
    stands in for scrypt. Returns (exit code, stdout, stderr); ``run.data`` is the folder,
    ``run.database`` the server's URL given with ``--database`` (None: the folder's file).
    """
    from trustdesk.cli import main
    from trustdesk.services import context as service_context

    monkeypatch.setattr(service_context, "_default_hasher", lambda: FAST_HASHER)
    for name in ("TRUSTDESK_PASSWORD", "TRUSTDESK_NEW_PASSWORD", "TRUSTDESK_AGENCY"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str, who: str | None = None, new: str | None = None) -> tuple[int, str, str]:
        if who is not None:
            monkeypatch.setenv("TRUSTDESK_PASSWORD", passwords.get(who, who))
        else:
            monkeypatch.delenv("TRUSTDESK_PASSWORD", raising=False)
        if new is not None:
            monkeypatch.setenv("TRUSTDESK_NEW_PASSWORD", new)
        server = ["--database", database] if database else []
        code = main(["--data-dir", str(data), *server, *args])
        out, err = capsys.readouterr()
        return code, out, err

    run.data = data  # type: ignore[attr-defined]
    run.database = database  # type: ignore[attr-defined]
    return run


def scribble_pages(db: Path, *, indexes_only: bool) -> None:
    """Fill the root pages of the decisions table's b-trees (its indexes only, or the
    table too) with 0xa5, after a checkpoint: damage in the file's pages, as a failing
    disk makes it."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        kinds = "type = 'index' AND " if indexes_only else ""
        roots = [
            row[0]
            for row in conn.execute(
                f"SELECT rootpage FROM sqlite_master WHERE {kinds}tbl_name = 'decisions' "
                "AND rootpage"
            )
        ]
    finally:
        conn.close()
    assert roots
    with open(db, "r+b") as handle:
        for root in roots:
            handle.seek((root - 1) * page)
            handle.write(b"\xa5" * page)


def can_mount_privately() -> bool:
    """Whether this process may mount a small tmpfs in a private mount namespace (root
    and ``unshare``): how the tests fill a disk or make one read-only for real."""
    import shutil

    if os.name != "posix" or os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt 2>/dev/null"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0

"""A throwaway PostgreSQL cluster for the tests: ``initdb`` + ``pg_ctl`` into a temp folder.

The server's binaries are Debian's (``/usr/lib/postgresql/NN/bin``, version 15 or later),
which ``scripts/bootstrap.sh --tests`` installs. PostgreSQL refuses to run as root, so a
root test run creates (once) the unprivileged system user ``trustdesk-pgtest`` and starts
the server as that user. The server listens on a unix socket in its own folder and on
127.0.0.1 at a free port; authentication is ``trust`` (the cluster lives only as long as
the test session, on loopback), so a test connects as any role by naming it.

Fresh databases are cheap: ``new_store_database`` copies a template that ``store init``
prepared once (``CREATE DATABASE … TEMPLATE``), instead of building the schema again.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MIN_VERSION = 15
TEST_USER = "trustdesk-pgtest"
SUPERUSER = "postgres"
DESK_LOGIN = "desk_test"
TEMPLATE = "trustdesk_template"

MISSING = (
    "PostgreSQL {min}+ server binaries were not found under /usr/lib/postgresql/*/bin; "
    "run `scripts/bootstrap.sh --tests` (it installs Debian's postgresql package)"
)


class PgKitError(RuntimeError):
    """The test cluster could not be set up (said plainly, never skipped)."""


def server_bin() -> Path:
    """The bin folder of the newest installed PostgreSQL server at least MIN_VERSION."""
    found: list[tuple[int, Path]] = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        folder = Path(initdb).parent
        match = re.fullmatch(r"\d+", folder.parent.name)
        if match and int(folder.parent.name) >= MIN_VERSION and (folder / "pg_ctl").exists():
            found.append((int(folder.parent.name), folder))
    if not found:
        raise PgKitError(MISSING.format(min=MIN_VERSION))
    return max(found)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _unprivileged_user() -> pwd.struct_passwd | None:
    """None when not root; else the test user, created if it does not exist yet."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(TEST_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    result = subprocess.run(
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER],
        capture_output=True,
        text=True,
        check=False,
    )
    # Exit 9: another test run created it meanwhile.
    if result.returncode not in (0, 9):
        raise PgKitError(f"cannot create the user {TEST_USER}: {result.stderr.strip()}")
    return pwd.getpwnam(TEST_USER)


class PgCluster:
    """One running test cluster; see the module docstring."""

    def __init__(self, root: Path | None = None) -> None:
        self.bin = server_bin()
        self.user = _unprivileged_user()
        self.root = root or Path(tempfile.mkdtemp(prefix="trustdesk-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.log = self.root / "server.log"
        self.port = _free_port()
        self._names = itertools.count(1)
        self._template_ready = False
        if self.user is not None:
            # The folder chain must be traversable by the server's user.
            os.chmod(self.root, 0o755)
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()

    # -- server --------------------------------------------------------------------------

    def _run(
        self, program: str, *args: str, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, Any] = {}
        if self.user is not None:
            kwargs = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        result = subprocess.run(
            [str(self.bin / program), *args],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
            **kwargs,
        )
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PgKitError(
                f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{log}"
            )
        return result

    def start(self) -> None:
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories={self.socket_dir}",
                # A throwaway cluster: durability across an OS crash is not needed, speed
                # is. Commits stay synchronous: a killed server (pg_ctl stop -m
                # immediate) must still recover every acknowledged commit from its WAL.
                "-c fsync=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
                "-c shared_buffers=64MB",
            ]
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "immediate") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    # -- databases -----------------------------------------------------------------------

    def url(self, dbname: str, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def admin_url(self, dbname: str = "postgres") -> str:
        return self.url(dbname)

    def socket_url(self, dbname: str, user: str = SUPERUSER) -> str:
        return f"postgresql:///{dbname}?host={self.socket_dir}&port={self.port}&user={user}"

    def admin(self, sql: str, dbname: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.admin_url(dbname), autocommit=True) as conn:
            conn.execute(sql)

    def new_database(self) -> str:
        """A fresh, empty database; a superuser URL to it."""
        name = f"td_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}"')
        return self.admin_url(name)

    def init_store(self, url: str) -> str:
        """``store init`` on ``url`` with a desk login role; a URL that logs in as it."""
        from trustdesk.store.postgresql.setup import init_store

        init_store(url, grant_desk=DESK_LOGIN)
        return _with_user(url, DESK_LOGIN)

    def new_store_database(self) -> str:
        """A fresh database with the store's schema and roles (a copy of a template that
        ``store init`` prepared once); a URL for the desk login role."""
        if not self._template_ready:
            from trustdesk.store.postgresql.setup import init_store

            self.admin(f'CREATE DATABASE "{TEMPLATE}"')
            init_store(self.admin_url(TEMPLATE), grant_desk=DESK_LOGIN, identity=False)
            self._template_ready = True
        name = f"td_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
        return self.url(name, DESK_LOGIN)

    def drop(self, url: str) -> None:
        """Drop the database of ``url`` (closing whatever still uses it)."""
        name = url.rsplit("/", 1)[1].split("?", 1)[0]
        with contextlib.suppress(Exception):
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def superuser_url(url: str) -> str:
    """The same database as ``url``, as the cluster's superuser (what a rogue DBA is)."""
    return _with_user(url, SUPERUSER)


def _with_user(url: str, user: str) -> str:
    return re.sub(r"^postgresql://[^@/]*@", f"postgresql://{user}@", url)


@contextlib.contextmanager
def older_trustdesk(monkeypatch: Any, version: int) -> Iterator[None]:
    """Inside the block, TrustDesk is the release of schema ``version``: ``store init``
    knows no later step and a desk opens a server store of that version (to fill an
    older store, then upgrade it after the block)."""
    from trustdesk.store import checks, memo_history
    from trustdesk.store.postgresql import database, setup
    from trustdesk.store.postgresql import schema as server_schema
    from trustdesk.store.schema import MIGRATIONS

    with monkeypatch.context() as older:
        older.setattr(setup, "MIGRATIONS", MIGRATIONS[:version])
        older.setattr(setup, "SCHEMA_VERSION", version)
        older.setattr(database, "SCHEMA_VERSION", version)
        if version < 15:  # before the memo history: no tables, and its writers kept none
            grants = tuple(
                grant.replace(", agency_history, signer_history", "") for grant in setup.GRANTS
            )
            older.setattr(setup, "GRANTS", grants)
            older.setattr(memo_history, "keep_agency", lambda conn, seq: None)
            older.setattr(memo_history, "keep_signer", lambda conn, seq, user_id: None)
            older.setattr(memo_history, "kept_mark", dict)
            older.setattr(checks.Checker, "memo_history", lambda self: None)  # nor checked any
            steps = {step: made for step, made in server_schema.STEPS.items() if step <= version}
            older.setattr(server_schema, "STEPS", steps)  # nor made its triggers
        yield

"""The benchmark's PostgreSQL server, and the generated record copied onto it.

Without ``--admin-url`` the benchmark runs its own server on this machine, made as the
tests make theirs (tests/pgkit.py: ``initdb`` into a folder, run as an unprivileged user
when root) but configured like a production server: ``fsync`` and synchronous commit on,
so a save is acknowledged only once it is on disk, as SQLite's ``synchronous = FULL``.
The cluster lives in bench/out/pg-cluster and is reused by later runs, with the record it
holds; the record is copied with ``store migrate``'s code (``store.transfer.migrate``)
and the time that took is printed.

The copy is vacuumed once (``VACUUM (ANALYZE)``) when it is made, and again whenever a
later TrustDesk's ``store init`` brings it up to its schema: a facility's server has
been vacuumed by autovacuum long before anyone verifies its record, so a benchmark must
not measure the first reads of freshly written pages (hint bits being set, the
visibility map empty, autovacuum starting during the run). ``verify_chain.py`` names
any work of the server's own processes (autovacuum, checkpointer) during a run.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pgkit import PgCluster
from trustdesk.store.transfer import migrate

DESK_ROLE = "bench_desk"


class DurableCluster(PgCluster):
    """pgkit's cluster with a production server's durability, kept between runs."""

    def __init__(self, root: Path) -> None:
        self.reused = (root / "data" / "PG_VERSION").exists()
        if not self.reused:
            root.mkdir(parents=True, exist_ok=True)
            super().__init__(root)
            return
        # The folder of an earlier run: start its server again instead of initdb.
        from pgkit import _free_port, _unprivileged_user, server_bin

        self.bin = server_bin()
        self.user = _unprivileged_user()
        self.root = root
        self.data = root / "data"
        self.socket_dir = root
        self.log = root / "server.log"
        self.port = _free_port()
        self._template_ready = False
        self.start()

    def start(self) -> None:
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-c port={self.port}",
                f"-c unix_socket_directories={self.socket_dir}",
                "-c fsync=on",
                "-c synchronous_commit=on",
                "-c full_page_writes=on",
                "-c max_connections=50",
                "-c shared_buffers=1GB",
                "-c effective_cache_size=8GB",
                "-c max_wal_size=8GB",
                "-c work_mem=32MB",
            ]
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        super().stop(mode)


def _database_exists(cluster: Any, admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def copy_to_server(
    folder: Path, count: int, admin_url: str | None, out: Path
) -> tuple[str, DurableCluster | None]:
    """A desk-role URL of a database holding the record of ``folder`` (copied once)."""
    import psycopg

    from trustdesk.store.postgresql.setup import init_store

    cluster = None
    if admin_url is None:
        cluster = DurableCluster(out / "pg-cluster")
        admin_url = cluster.admin_url()
    name = f"trustdesk_bench_{count}"
    base, _, _ = admin_url.rpartition("/")
    url = f"{base}/{name}"
    marker = out / f"pg-record-{count}.json"
    if not (_database_exists(cluster, admin_url, name) and marker.exists()):
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        init_store(url, grant_desk=DESK_ROLE)
        print(f"Copying the record onto PostgreSQL ({name}) with store migrate …", flush=True)
        # From a copy of the folder's file: a move closes the folder it moves for work
        # (decision 0082), and the benchmarks go on using this one on SQLite.
        moving = out / f"pg-move-{count}"
        shutil.rmtree(moving, ignore_errors=True)
        moving.mkdir(parents=True)
        for name in ("trustdesk.db", "trustdesk.db-wal"):
            if (folder / name).exists():
                shutil.copyfile(folder / name, moving / name)
        began = time.perf_counter()
        try:
            migrate(moving, url, lambda line: print(line, flush=True))
        finally:
            shutil.rmtree(moving, ignore_errors=True)
        took = time.perf_counter() - began
        marker.write_text(json.dumps({"decisions": count, "migrate_seconds": round(took, 1)}))
        print(f"  store migrate took {took:,.0f} s", flush=True)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    else:
        # A record copied by an earlier TrustDesk: brought up to this schema the way an
        # administrator does it (store init is idempotent and upgrades). A step may
        # rewrite a table (step 10 rewrites the decisions): vacuumed again, as after the
        # copy (on pages vacuumed already, VACUUM only looks at the visibility map).
        init_store(url, grant_desk=DESK_ROLE)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")
    user_url = url.replace("postgresql://postgres@", f"postgresql://{DESK_ROLE}@", 1)
    return user_url, cluster

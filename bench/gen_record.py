"""A fast generator of a large TrustDesk record, for the benchmarks of both backends.

SQLite: decisions are written through the store's own ``write_version``, ``write_review``
and ``write_closure`` (so every row, digest and audit entry is exactly what TrustDesk
writes and the chain verifies), in transactions of a few thousand decisions, with the
per-commit fsync turned off and a large page cache: a benchmark record, not evidence.
The cases are store_bench's: ~4,000 real cases decided by the engine under the three rule
packs, each decision with its own person, times spread over 2014-2026, holds closed but
for the latest 300, reviews done but for the latest 40.

PostgreSQL: the SQLite record is copied onto a new database with ``store migrate``'s own
code (COPY, one transaction, the whole chain verified on the server before it commits),
which is also the proof that migrate copes with a million decisions.

Run: .venv/bin/python bench/gen_record.py [--decisions N] [--folder DIR]
(the PostgreSQL copy is made by bench/pg_store.py, which starts the server).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from store_bench import OUT, templates, write_one
from trustdesk.services.passwords import PasswordHasher, ScryptParams
from trustdesk.store.records import Actor
from trustdesk.store.store import Store

BATCH = 5_000
OFFICERS = 12
#: The password of every generated account (the benchmark signs nobody in).
BENCH_PASSWORD = "bench password 1"


def generate(folder: Path, count: int, *, say: bool = True) -> float:
    """Write ``count`` decisions into a new data folder; returns the seconds it took."""
    rng = random.Random(1)
    pool = templates()
    began = time.perf_counter()
    hasher = PasswordHasher(ScryptParams(n=2**8, r=8, p=1))  # nobody signs in
    with Store.open(folder) as store:
        nobody = Actor(None, None, "bench")
        now = datetime.now(UTC)
        admin = store.users.create(
            "admin1",
            "administrator",
            hasher.hash(BENCH_PASSWORD),
            creator=nobody,
            at=now,
            first=True,
        )
        creator = Actor(admin.id, admin.username, "bench")
        officers = [
            store.users.create(
                f"officer{n}", "officer", hasher.hash(BENCH_PASSWORD), creator=creator, at=now
            )
            for n in range(OFFICERS)
        ]
        supervisor = store.users.create(
            "supervisor1", "supervisor", hasher.hash(BENCH_PASSWORD), creator=creator, at=now
        )
        actors = [Actor(o.id, o.username, "bench-ws") for o in officers]
        reviewer = Actor(supervisor.id, supervisor.username, "bench-ws")
        conn = store.db.conn
        # A benchmark record: no fsync per batch, indexes kept in memory while it grows.
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -1000000")
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            conn.execute("BEGIN IMMEDIATE")
            for number in range(done, done + size):
                write_one(conn, number, count, pool, rng, actors, reviewer)
            conn.execute("COMMIT")
            done += size
            if say:
                rate = done / (time.perf_counter() - began)
                print(
                    f"  generated {done:>9,} / {count:,} decisions "
                    f"({rate:,.0f}/s, ~{(count - done) / rate:,.0f} s left)",
                    flush=True,
                )
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - began


def sqlite_record(count: int, folder: Path | None = None, *, fresh: bool = False) -> Path:
    """The data folder of a generated record of ``count`` decisions (made once, reused)."""
    import shutil

    folder = folder or OUT / f"record-{count}"
    marker = folder / "generated.json"
    if fresh or not marker.exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"Generating {count:,} decisions into {folder} (once; reused later)", flush=True)
        took = generate(folder, count)
        marker.write_text(json.dumps({"decisions": count, "seconds": round(took, 1)}))
        print(f"  done in {took:,.0f} s", flush=True)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--folder", type=Path, help="data folder to create (default: bench/out)")
    parser.add_argument("--fresh", action="store_true", help="generate again")
    args = parser.parse_args()
    sqlite_record(args.decisions, args.folder, fresh=args.fresh)
    return 0


if __name__ == "__main__":
    sys.exit(main())

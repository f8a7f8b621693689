"""Benchmark of live boards: how long after one desk saves a hold another desk's board has it.

Two desks on one record, each with its own store (connection) and services: desk A
records N honoured detainers, one at a time; desk B watches the record through its change
feed (``services.live``, as the desktop app does) and, when told, reloads its active
holds. The delay of one round is from the start of A's save to B's reloaded list holding
the new hold — what a person at desk B would see, less the painting. Reported: median,
90th percentile and maximum over N, per backend.

SQLite: two stores on one data folder when the store allows a second writer, else the
feed on its own read-only connection of A's file (the same look a second process makes).
PostgreSQL: a throwaway cluster (tests/pgkit.py, needs the server binaries that
``scripts/bootstrap.sh --tests`` installs), or ``--database URL`` of a store made with
``trustdesk store init``.

Run: .venv/bin/python bench/board_sync.py [--backend sqlite|postgresql|both] [-n 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import load_rules
from trustdesk.services.bundle import Services, build_services
from trustdesk.services.passwords import PasswordHasher, ScryptParams
from trustdesk.store.errors import AlreadyOpen
from trustdesk.store.store import Store

FAST = PasswordHasher(ScryptParams(n=2**8, r=8, p=1))
PASSWORDS = {"admin": "red harbor compass 88", "officer": "blue river lantern 42"}
NOW = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
WAIT = 30.0
#: Longest pause between two saves (s): a little more than the SQLite feed's period.
PAUSE = 0.6


def case(number: int) -> dict[str, Any]:
    return {
        "decision_time": "2026-11-20T11:00:00-05:00",
        "releasable_at": "2026-11-20T15:00:00-05:00",
        "detainer": {
            "form": "I-247A",
            "judicial_warrant": False,
            "administrative_warrant": "I-200",
        },
        "person": {
            "name": f"Bench Person {number}",
            "date_of_birth": "1990-04-17",
            "booking_number": f"BENCH-{number:05d}",
        },
        "convictions": [
            {"statute": "53a-134", "level": "felony", "class": "B", "jurisdiction": "CT"}
        ],
        "pending_charges": [],
        "outstanding_ct_warrant": False,
        "gang_member": False,
        "security_risk_group": False,
        "tsdb_match": False,
        "final_removal_order": False,
        "public_safety_risk": {"asserted": False},
    }


def services(store: Store, rules: Any) -> Services:
    return build_services(store, rules, hasher=FAST, clock=lambda: NOW, workstation="bench")


def staff(desk: Services) -> None:
    accounts = desk.accounts
    if accounts.needs_first_administrator():
        accounts.create_first_administrator("admin", PASSWORDS["admin"])
        admin = accounts.log_on("admin", PASSWORDS["admin"])
        accounts.add_user(admin, "officer", "officer", PASSWORDS["officer"])


def measure(writer: Services, reader: Services, rules: Any, rounds: int) -> list[float]:
    officer_a = writer.accounts.log_on("officer", PASSWORDS["officer"])
    officer_b = reader.accounts.log_on("officer", PASSWORDS["officer"])
    told = threading.Event()
    watcher = reader.live.watch(told.set, lambda _up: None)
    delays = []
    try:
        for number in range(rounds):
            raw = case(number)
            parsed = parse_case(raw, "bench", rules.sections)
            # Saves come at random moments, not in step with the SQLite feed's looks.
            time.sleep(random.uniform(0, PAUSE))
            told.clear()
            start = time.perf_counter()
            saved = writer.decisions.create(officer_a, parsed, raw)
            shown = False
            while not shown:
                if not told.wait(WAIT):
                    raise SystemExit(f"round {number}: desk B was not told within {WAIT} s")
                told.clear()
                shown = any(h.hold_id == saved.hold_id for h in reader.holds.active(officer_b))
            delays.append(time.perf_counter() - start)
    finally:
        reader.live.unwatch(watcher)
    return delays


@contextmanager
def sqlite_desks(rules: Any) -> Iterator[tuple[Services, Services, str]]:
    with tempfile.TemporaryDirectory(prefix="board-sync-") as folder:
        first = services(Store.open(folder), rules)
        staff(first)
        try:
            second = services(Store.open(folder), rules)
            how = "two stores on one folder"
        except AlreadyOpen:
            second, how = first, "one store; the feed on its own read-only connection"
        try:
            yield first, second, how
        finally:
            if second is not first:
                second.close()
            first.close()


@contextmanager
def postgres_desks(rules: Any, url: str | None) -> Iterator[tuple[Services, Services, str]]:
    cluster = None
    if url is None:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from pgkit import PgCluster

        cluster = PgCluster()
        url = cluster.new_store_database()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="board-sync-") as a_dir,
            tempfile.TemporaryDirectory(prefix="board-sync-") as b_dir,
        ):
            first = services(Store.open(a_dir, database=url), rules)
            staff(first)
            second = services(Store.open(b_dir, database=url), rules)
            try:
                yield first, second, "two stores, one server, LISTEN/NOTIFY"
            finally:
                second.close()
                first.close()
    finally:
        if cluster is not None:
            cluster.destroy()


def report(name: str, how: str, delays: list[float]) -> None:
    ms = sorted(d * 1000 for d in delays)
    p90 = ms[max(0, round(0.9 * len(ms)) - 1)]
    print(
        f"{name:<11} n={len(ms):<4} median {statistics.median(ms):7.1f} ms   "
        f"p90 {p90:7.1f} ms   max {ms[-1]:7.1f} ms   ({how})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("-n", "--rounds", type=int, default=50)
    parser.add_argument("--database", help="a postgresql:// URL of an initialised store")
    options = parser.parse_args()
    rules = load_rules()
    if options.backend in ("sqlite", "both"):
        with sqlite_desks(rules) as (first, second, how):
            report("SQLite", how, measure(first, second, rules, options.rounds))
    if options.backend in ("postgresql", "both"):
        with postgres_desks(rules, options.database) as (first, second, how):
            report("PostgreSQL", how, measure(first, second, rules, options.rounds))


if __name__ == "__main__":
    main()

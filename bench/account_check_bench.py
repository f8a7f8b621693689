"""Benchmark of the account-record check made at sign-in and before every privileged action.

Issue 17: a user's row is compared with its latest audit-chained account entry on every
privileged action, so the check must cost little next to the action itself. Measured on
a store with many accounts, many account events (password changes, details) and a long
log of other entries: ``users.checked`` (row + check) beside ``users.by_id`` (the row
alone, what ``authorize`` read before), medians of many calls, warm cache; and the
first check after opening the store, which reads every account entry once.

Measured (2-core machine, 200 users, 5,200 account events, 105,000 entries): the check
adds about 20 µs per action; the first check after opening takes a few milliseconds.

Run: .venv/bin/python bench/account_check_bench.py [--users N] [--changes N] [--other N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from trustdesk.store import audit
from trustdesk.store.records import Actor, AuditEvent
from trustdesk.store.store import Store

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SYSTEM = Actor(None, None, "bench")


def build(folder: Path, users: int, changes: int, other: int) -> tuple[Store, list[int]]:
    store = Store.open(folder)
    ids = []
    for number in range(users):
        role = "administrator" if number == 0 else "officer"
        user = store.users.create(
            f"user{number:04d}", role, f"scrypt$x{number}", creator=SYSTEM, at=T0, first=number == 0
        )
        ids.append(user.id)
    at = T0
    for round_ in range(changes):
        for user_id in ids:
            at += timedelta(seconds=1)
            store.users.change(
                user_id,
                "user.password_reset",
                {"password_hash": f"scrypt$y{round_}-{user_id}"},
                actor=SYSTEM,
                at=at,
            )
    with store.db.transaction() as conn:
        for number in range(other):
            event = AuditEvent("decision.viewed", "success", {"decision": number % 5000 + 1})
            audit.append(conn, event, SYSTEM, at)
    return store, ids


def median_us(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--changes", type=int, default=25, help="account events per user")
    parser.add_argument("--other", type=int, default=200_000, help="other audit entries")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, ids = build(Path(folder) / "data", args.users, args.changes, args.other)
        first, last = ids[0], ids[-1]
        store.close()
        store = Store.open(Path(folder) / "data")  # a fresh process's first check
        start = time.perf_counter()
        store.users.checked(first)
        opening = (time.perf_counter() - start) * 1e3
        print(f"{args.users} users, {args.users * (args.changes + 1)} account events, "
              f"{store.audit.head()[0]} audit entries")  # fmt: skip
        print(f"first check after opening (reads every account entry once): {opening:.1f} ms")
        for label, user_id in (("oldest account", first), ("newest account", last)):
            plain = median_us(lambda u=user_id: store.users.by_id(u), 300)
            checked = median_us(lambda u=user_id: store.users.checked(u), 300)
            print(
                f"{label}: by_id {plain:8.1f} µs   checked {checked:8.1f} µs   "
                f"(check adds {checked - plain:8.1f} µs)"
            )
        store.close()


if __name__ == "__main__":
    main()

"""Benchmark of the store on SQLite and on PostgreSQL, side by side, on one large record.

Targets (issue 13), with 1,000,000 decisions: active holds and overdue queries < 10 ms;
history search by partial name < 50 ms; one decision + audit entry saved < 20 ms at the
median; 8 desks saving at once >= 300 decisions/s in total; verification of 100,000 chain
entries < 10 s and of the whole record < 20 s.

The record is generated once on SQLite by gen_record.py (reused from bench/out/) and
copied onto PostgreSQL with ``store migrate``'s own code (the copy's time is printed: it
is what a facility's move takes). Both backends then answer the same calls of the same
store API. PostgreSQL runs on this machine (a throwaway cluster started as tests do,
tests/pgkit.py), or on the server of ``--admin-url`` (a superuser URL; the benchmark
creates a database ``trustdesk_bench_N`` there). The measured saves go into the measured
record; the benchmark leaves the SQLite folder and the server's database behind it
slightly larger, which changes none of the figures.

The 8-desk figure is the median of DESK_ROUNDS rounds (each round's figure is printed:
this machine's load moves it a lot); ``--desks-only`` measures only that, on both
backends, without the minutes the other measures take (docs/decisions/0024).

Run: .venv/bin/python bench/pg_store.py [--decisions N] [--admin-url URL] [--only sqlite|postgresql]
     [--desks-only]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gen_record import sqlite_record
from store_bench import FRAGMENTS, LAST_DAY, OUT, templates
from trustdesk.store.case_records import DecisionDraft, PersonFacts
from trustdesk.store.records import Actor
from trustdesk.store.search import SearchQuery
from trustdesk.store.store import Store

DESKS = 8
DESK_SAVES = 250  # each; 2,000 decisions in all
DESK_ROUNDS = 3
SAVES = 200
VERIFY_PART = 100_000


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


class Target:
    """How one store is opened: a data folder (SQLite) or a server URL (PostgreSQL)."""

    def __init__(self, name: str, *, folder: Path | None = None, url: str | None = None):
        self.name, self.folder, self.url = name, folder, url

    def open(self) -> Store:
        if self.url is not None:
            return Store.open(database=self.url)
        return Store.open(self.folder)


class Results:
    """Rows of measures, a column per backend, and whether each met its target."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.rows: list[tuple[str, str, dict[str, str]]] = []
        self.failed: list[str] = []

    def add(self, measure: str, target: str, backend: str, value: float | None, shown: str) -> None:
        row = next((r for r in self.rows if r[0] == measure), None)
        if row is None:
            row = (measure, target, {})
            self.rows.append(row)
        verdict = "" if value is None else ("ok" if _meets(target, value) else "MISSED")
        if verdict == "MISSED":
            self.failed.append(f"{measure} on {backend}")
        row[2][backend] = f"{shown} {verdict}".strip()

    def print(self) -> None:
        width = max(len(r[0]) for r in self.rows) + 2
        print(f"\n{'measure':<{width}}{'target':<12}" + "".join(f"{n:<44}" for n in self.names))
        for measure, target, cells in self.rows:
            print(
                f"{measure:<{width}}{target:<12}"
                + "".join(f"{cells.get(n, '-'):<44}" for n in self.names)
            )


def _meets(target: str, value: float) -> bool:
    bound = float(target.split()[1].replace(",", ""))
    return value < bound if target.startswith("<") else value >= bound


def measure_holds(store: Store, name: str, results: Results) -> None:
    active = store.holds.active()
    dues = sorted(hold.release_due_at for hold in active if hold.release_due_at is not None)
    now = dues[len(dues) // 2] if dues else LAST_DAY
    overdue = store.holds.overdue(now)
    active_ms = median_ms(store.holds.active, 200)
    overdue_ms = median_ms(lambda: store.holds.overdue(now), 200)
    results.add(
        "active holds, median", "< 10 ms", name, active_ms, f"{active_ms:.2f} ms ({len(active)})"
    )
    results.add(
        "overdue holds, median",
        "< 10 ms",
        name,
        overdue_ms,
        f"{overdue_ms:.2f} ms ({len(overdue)})",
    )


def measure_search(store: Store, name: str, results: Results) -> None:
    timings = {
        fragment: median_ms(
            lambda f=fragment: store.search.decisions(SearchQuery(name=f, limit=100)), 5
        )
        for fragment in FRAGMENTS
    }
    worst = max(timings, key=timings.__getitem__)
    value = statistics.median(timings.values())
    results.add(
        f"search by partial name, median of {len(FRAGMENTS)}",
        "< 50 ms",
        name,
        value,
        f"{value:.1f} ms (max {timings[worst]:.0f})",
    )


def _officer(store: Store, username: str) -> Actor:
    user = store.users.get(username)
    return Actor(user.id, user.username, "bench-ws")


def measure_save(store: Store, name: str, results: Results, template: DecisionDraft) -> None:
    who = _officer(store, "officer1")
    counter = iter(range(10**9))

    def save() -> None:
        person = PersonFacts(f"SAVE-{time.time_ns()}-{next(counter)}", "Bench Save")
        store.decisions.add(replace(template, person=person), who, datetime.now(UTC))

    value = median_ms(save, SAVES)
    results.add("save decision + audit entry, median", "< 20 ms", name, value, f"{value:.2f} ms")


def _desk(target: Target, template: DecisionDraft, number: int, barrier: Any) -> tuple[int, str]:
    """One desk process: open the store, wait for the others, save DESK_SAVES decisions."""
    try:
        store = target.open()
    except Exception as exc:  # reported in the table, e.g. SQLite refusing a second writer
        barrier.wait()
        return 0, f"{type(exc).__name__}: {exc}"
    with store:
        who = _officer(store, f"officer{number}")
        barrier.wait()
        done = 0
        for index in range(DESK_SAVES):
            person = PersonFacts(f"DESK-{number}-{index}-{time.time_ns()}", "Bench Desk")
            try:
                store.decisions.add(replace(template, person=person), who, datetime.now(UTC))
            except Exception as exc:
                return done, f"{type(exc).__name__}: {exc}"
            done += 1
    return done, ""


def desk_round(target: Target, template: DecisionDraft) -> tuple[float, str]:
    """One round: DESKS processes saving DESK_SAVES each at once; (decisions/s, shown)."""
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(DESKS + 1)
        with context.Pool(DESKS) as pool:
            pending = [
                pool.apply_async(_desk, (target, template, number, barrier))
                for number in range(DESKS)
            ]
            barrier.wait()
            began = time.perf_counter()
            outcomes = [job.get(timeout=1800) for job in pending]
            took = time.perf_counter() - began
    saved = sum(done for done, _ in outcomes)
    errors = [error for _, error in outcomes if error]
    if errors:
        # Work turned away is no throughput: the figure counts as missed.
        return 0.0, f"{len(errors)} of {DESKS} desks refused ({errors[0][:40]}…)"
    return saved / took, f"{saved / took:,.0f}/s ({saved:,} in {took:.1f} s)"


def measure_desks(target: Target, name: str, results: Results, template: DecisionDraft) -> None:
    rounds = []
    for number in range(1, DESK_ROUNDS + 1):
        rate, shown = desk_round(target, template)
        load = os.getloadavg()[0]  # other work on the machine moves this figure most
        print(f"  {name}, {DESKS} desks, round {number}: {shown} (load {load:.1f})", flush=True)
        rounds.append((rate, shown))
    rates = sorted(rate for rate, _ in rounds)
    rate = statistics.median(rates)
    shown = (
        next(shown for r, shown in rounds if r == rate)
        if rate == 0
        else (f"{rate:,.0f}/s (rounds {', '.join(f'{r:,.0f}' for r in rates)})")
    )
    results.add(f"{DESKS} desks saving at once, total", ">= 300 /s", name, rate, shown)


def measure_verify(store: Store, name: str, results: Results) -> None:
    began = time.perf_counter()
    part = store.verify(upto=VERIFY_PART)
    part_s = time.perf_counter() - began
    assert part.ok, part.problems[:3]
    results.add(f"verify {VERIFY_PART:,} chain entries", "< 10 s", name, part_s, f"{part_s:.1f} s")
    began = time.perf_counter()
    whole = store.verify()
    whole_s = time.perf_counter() - began
    assert whole.ok, whole.problems[:3]
    results.add(
        "verify the whole record",
        "< 20 s",
        name,
        whole_s,
        f"{whole_s:.1f} s ({whole.entries:,} entries)",
    )


def run(target: Target, results: Results, *, desks_only: bool = False) -> None:
    template = templates(50)[0][1]
    if desks_only:
        measure_desks(target, target.name, results, template)
        return
    with target.open() as store:
        summary = store.summary()
        print(
            f"{target.name}: {summary.decisions:,} decisions, audit head {summary.head_seq:,}",
            flush=True,
        )
        measure_holds(store, target.name, results)
        measure_search(store, target.name, results)
        measure_save(store, target.name, results, template)
    measure_desks(target, target.name, results, template)
    with target.open() as store:
        measure_verify(store, target.name, results)


def postgres_target(folder: Path, count: int, admin_url: str | None) -> tuple[Target, Any]:
    """The record on PostgreSQL: a database made from the SQLite record once, then reused."""
    from pg_record import copy_to_server

    url, cluster = copy_to_server(folder, count, admin_url, OUT)
    return Target("PostgreSQL", url=url), cluster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--admin-url", help="a PostgreSQL superuser URL (default: a local cluster)")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument(
        "--desks-only", action="store_true", help=f"only the {DESKS} desks saving at once"
    )
    args = parser.parse_args()
    folder = sqlite_record(args.decisions)
    names = [n for n in ("SQLite", "PostgreSQL") if args.only in (None, n.lower())]
    results = Results(names)
    cluster = None
    try:
        if "SQLite" in names:
            run(Target("SQLite", folder=folder), results, desks_only=args.desks_only)
        if "PostgreSQL" in names:
            target, cluster = postgres_target(folder, args.decisions, args.admin_url)
            run(target, results, desks_only=args.desks_only)
    finally:
        if cluster is not None:
            cluster.stop()
    results.print()
    if results.failed:
        print("\nmissed: " + "; ".join(results.failed))
    return 1 if results.failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of a year's report on a record of 1,000,000 decisions and 200,000 contacts.

Targets (issue 14): the figures in < 2 s, the PDF with its charts in < 3 s, the XLSX in
< 5 s, memory < 300 MB; SQLite and PostgreSQL side by side. Each measure is end to end
as a person waits for it: ``build_report`` (every figure counted by the store, the
report audited) and, for the files, writing them through ``save_report`` (a new file,
fsynced, its SHA-256 audited). Both ways of counting are measured (``--by decided``
uses the decision-time index; ``--by received`` reads every decision, no index holds the
receipt time). Memory: the peak of Python's allocations during the measures
(tracemalloc) and the whole process's peak resident size (ru_maxrss: Python, SQLite's
page cache or libpq's buffers, reportlab), each backend in a process of its own. Beside
each wall time, the CPU time it took: this process's, plus, for the benchmark's own
PostgreSQL server on this machine, its processes' (the session's backend and parallel
workers, from /proc) — the steadier figure on a machine others are loading.

The record is gen_record.py's (made once under bench/out/ and reused), with 200,000
contacts added once by this script through the contact log's own writer (their times
spread over the record's years like the decisions'); PostgreSQL gets the same record
copied with ``store migrate``'s code (pg_record.py), on a throwaway durable cluster.

Run: .venv/bin/python bench/report_bench.py [--decisions N] [--contacts N]
     [--only sqlite|postgresql] [--admin-url URL] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gen_record import sqlite_record
from store_bench import OUT
from trustdesk.core.contacts import CONTACT_KINDS

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
TARGETS = {"figures": 2.0, "pdf": 3.0, "xlsx": 5.0}
MEMORY_MB = 300


def server_cpu(postmaster: int | None) -> float:
    """CPU seconds used so far by a PostgreSQL server on this machine (the postmaster and
    its children: the session's backend and any parallel workers); 0 for SQLite."""
    if postmaster is None:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state, ppid, …; utime and stime are fields 14 and 15 of stat.
        if int(entry.name) == postmaster or int(fields[1]) == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def _timed(
    action: Callable[[], object], runs: int, postmaster: int | None = None
) -> tuple[float, float, Any]:
    """Median wall seconds, median CPU seconds (this process and the server), result."""
    times, cpus, result = [], [], None
    for _ in range(runs):
        began, cpu, served = time.perf_counter(), time.process_time(), server_cpu(postmaster)
        result = action()
        times.append(time.perf_counter() - began)
        cpus.append(time.process_time() - cpu + server_cpu(postmaster) - served)
    return statistics.median(times), statistics.median(cpus), result


def contact_count(store: Any) -> int:
    from trustdesk.store.reports import has_table

    with store.db.reading() as conn:
        if not has_table(conn, "contacts"):
            return 0
        return int(conn.execute("SELECT count(*) FROM contacts").fetchone()[0])


KINDS = CONTACT_KINDS
GIVEN = ((), ("release_date",), ("custody_status",), ("interview_access",), ("transfer",))
CONTACT_BATCH = 5_000


def _contact_draft(number: int, count: int, rng: Any) -> Any:
    """Contact ``number`` of ``count``: times spread over the record's years like its
    decisions, kinds and disclosures mixed, one in twenty not allowed."""
    from store_bench import FIRST_DAY, LAST_DAY
    from trustdesk.store.contact_records import ContactDraft

    when = FIRST_DAY + (LAST_DAY - FIRST_DAY) * number / count
    given = GIVEN[number % len(GIVEN)]
    allowed = number % 20 != 0
    return ContactDraft(
        person_id=None,
        booking_number=f"{rng.choice(['NH', 'HFD', 'BPT'])}-{number:07d}",
        decision_id=None,
        kind=KINDS[number % len(KINDS)],
        direction="from_ice",
        occurred_at=when,
        channel="phone",
        ice_office="ICE ERO Hartford",
        ice_officer="Officer of ICE",
        asked="release date",
        given=given,
        note="",
        pack_id="ct-2019",
        advice_json="{}",
        allowed=allowed,
        unlawful_reason=None if allowed else "given before the check",
        review_needed=not allowed,
        app_version="bench",
    )


def ensure_contacts(folder: Path, count: int) -> None:
    """Add contacts to the SQLite record until it holds ``count`` (once; reused later),
    through the contact log's own writer, in large transactions (a benchmark record)."""
    import random

    from trustdesk.store.contacts import write_contact
    from trustdesk.store.records import Actor
    from trustdesk.store.store import Store

    with Store.open(folder) as store:
        have = contact_count(store)
        if have >= count:
            return
        print(f"Adding {count - have:,} contacts to {folder} (once; reused later)", flush=True)
        officers = [u for u in store.users.all() if u.role == "officer"]
        actors = [Actor(u.id, u.username, f"bench-desk-{n % 3}") for n, u in enumerate(officers)]
        conn = store.db.conn
        conn.execute("PRAGMA synchronous = OFF")
        rng = random.Random(3)
        began = time.perf_counter()
        for start in range(have, count, CONTACT_BATCH):
            conn.execute("BEGIN IMMEDIATE")
            for number in range(start, min(count, start + CONTACT_BATCH)):
                draft = _contact_draft(number, count, rng)
                actor = actors[number % len(actors)]
                write_contact(conn, draft, author=actor, at=draft.occurred_at)
            conn.execute("COMMIT")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"  done in {time.perf_counter() - began:,.0f} s", flush=True)


def measure(
    folder: Path, url: str | None, runs: int, postmaster: int | None = None
) -> dict[str, Any]:
    """The measures on one backend (run in a child process: ru_maxrss is per process)."""
    from trustdesk.services.context import ServiceContext, Session
    from trustdesk.services.report_files import save_report
    from trustdesk.services.reports import ReportRequest, build_report
    from trustdesk.store.store import Store

    tracemalloc.start()
    found: dict[str, Any] = {}
    with Store.open(folder, database=url) as store:
        ctx = ServiceContext(store)
        user = store.users.get("supervisor1")
        session = Session(user.id, user.username, ctx.now())
        found["decisions"] = store.summary().decisions
        found["contacts"] = contact_count(store)
        out = Path(tempfile.mkdtemp(prefix="report-bench-"))

        def figures(by: str) -> Any:
            return build_report(ctx, ReportRequest(session, *YEAR, by=by))

        for by in ("decided", "received"):
            seconds, cpu, report = _timed(lambda by=by: figures(by), runs, postmaster)
            found[f"figures_{by}"], found[f"figures_{by}_cpu"] = seconds, cpu
            found[f"counted_{by}"] = sum(row[3] for row in report.figure("by_desk").rows)
        for fmt in ("pdf", "xlsx", "csv"):
            serial = iter(range(10**6))

            def made(fmt: str = fmt, serial: Any = serial) -> str:
                report = figures("decided")
                target = out / f"year-{next(serial)}.{fmt}"
                return save_report(ctx, session, report, fmt, target)

            found[fmt], found[f"{fmt}_cpu"], _digest = _timed(made, runs, postmaster)
            found[f"{fmt}_bytes"] = (out / f"year-0.{fmt}").stat().st_size
        shutil.rmtree(out)
    # The machine's one-minute load average at the end of the measures: on a shared
    # machine the wall times are read against it (the CPU times are the steadier figure).
    found["load"] = os.getloadavg()[0]
    found["python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    found["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return found


def _child(
    backend: str, folder: Path, url: str | None, runs: int, postmaster: int | None = None
) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", backend, "--folder", str(folder)]
    command += ["--runs", str(runs)] + (["--url", url] if url else [])
    command += ["--postmaster", str(postmaster)] if postmaster else []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{backend} measures failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _print(results: dict[str, dict[str, Any]]) -> list[str]:
    names = list(results)
    missed = []
    print(f"\n{'measure (a year: 2025)':<46} {'target':>8} " + " ".join(f"{n:>14}" for n in names))

    def row(label: str, key: str, target: float | None, unit: str = "s") -> None:
        cells = []
        for name in names:
            value = results[name][key]
            ok = target is None or value < target
            if not ok:
                missed.append(f"{label} on {name}")
            cells.append(f"{value:>11.2f} {unit}{'' if ok else '!'}")
        shown = f"< {target:g} {unit}" if target is not None else ""
        print(f"{label:<46} {shown:>8} " + " ".join(f"{c:>14}" for c in cells))

    for name in names:
        r = results[name]
        print(
            f"{name}: {r['decisions']:,} decisions, {r['contacts']:,} contacts; the year counts "
            f"{r['counted_decided']:,} decisions (by decision), "
            f"{r['counted_received']:,} (by receipt); load average {r.get('load', 0):.1f}"
        )
    row("figures, counted by decision time", "figures_decided", TARGETS["figures"])
    row("  CPU (TrustDesk + the local server)", "figures_decided_cpu", None)
    row("figures, counted by receipt time", "figures_received", TARGETS["figures"])
    row("  CPU (TrustDesk + the local server)", "figures_received_cpu", None)
    row("PDF with charts (figures + file)", "pdf", TARGETS["pdf"])
    row("  CPU (TrustDesk + the local server)", "pdf_cpu", None)
    row("XLSX (figures + file)", "xlsx", TARGETS["xlsx"])
    row("  CPU (TrustDesk + the local server)", "xlsx_cpu", None)
    row("CSV (figures + file)", "csv", None)
    row("memory: Python's peak (tracemalloc)", "python_peak_mb", MEMORY_MB, "MB")
    row("memory: process peak resident (ru_maxrss)", "maxrss_mb", MEMORY_MB, "MB")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=200_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--admin-url", help="a PostgreSQL superuser URL (default: a local cluster)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--postmaster", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.folder, args.url, args.runs, args.postmaster)))
        return 0
    folder = sqlite_record(args.decisions)
    results: dict[str, dict[str, Any]] = {}
    cluster = None
    try:
        ensure_contacts(folder, args.contacts)  # before the copy: migrate copies contacts
        if args.only in (None, "sqlite"):
            results["SQLite"] = _child("sqlite", folder, None, args.runs)
        if args.only in (None, "postgresql"):
            from pg_record import copy_to_server

            url, cluster = copy_to_server(folder, args.decisions, args.admin_url, OUT)
            postmaster = None
            if cluster is not None:  # on this machine: its CPU is counted too
                postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
            results["PostgreSQL"] = _child("postgresql", folder, url, args.runs, postmaster)
    finally:
        if cluster is not None:
            cluster.stop()
    missed = _print(results)
    if missed:
        print("\nmissed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())

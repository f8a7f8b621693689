"""Benchmark of ``audit verify``: a record of 100,000 chain entries, and one of 1,000,000 decisions.

Targets (issue 13): the whole verification (the chain and every cross-check it makes:
each evidence row against its entry, row counts, the decision lookup table, the derived
tables, the accounts, the name index, the workstation anchor) of 100,000 chain entries
under 10 s, and of a 1,000,000-decision record under 20 s, on either backend. A large
record's verification runs in two processes, or more on a machine with more cores
(store/verify_worker.py, decision 0054); on SQLite one more helper reads the first
process's span through apsw (decision 0075); the CPU figure is that of all of them (the
timing child's whole process tree).

Two records are measured:
- ``chain``: a store whose chain is written directly here, entry after entry, hashed by
  the store's own ``audit.entry_hash`` (a few seconds for 100,000 entries): events of
  every kind a desk records, with the decision lookup table filled as ``audit.append``
  fills it. It has no decision rows, so it measures the chain and its lookup.
- ``decisions``: ``store_bench.py``'s record (real cases decided by the engine, written
  through the store's own ``write_version``/``write_review``/``write_closure``), shared
  with that benchmark under bench/out/ and built once (minutes).

``--program PATH`` (repeatable) also times an installed or frozen program's own
``PATH --data-dir DIR audit verify`` on the SQLite records (signed in as the generated
administrator; the figures include the program's start and sign-in, and each run adds
that run's audit entries to the record), e.g. ``dist/trustdesk/trustdesk`` of this
checkout beside a build of the code before a change (decision 0054).

``--compare-with DIR`` also times another checkout's verification of the same records
(``DIR/src`` on the path, in a child process), e.g. the code before this work, so the
two figures are taken side by side on the same machine at the same load. Both wall
time and CPU time are printed: this machine is shared, and CPU time is the steadier.

``--database URL`` also times a record on PostgreSQL (e.g. the copy ``pg_record.py``'s
``copy_to_server`` makes of a SQLite record); there the CPU figure is TrustDesk's own (the
client's), not the server's.

``--pg`` copies the decisions record onto the benchmark's own PostgreSQL cluster
(``pg_record.py``: bench/out/pg-cluster, the copy made once with ``store migrate``'s code
and reused) and times it there too, with the server's CPU (its processes on this machine)
beside TrustDesk's; the server is stopped at the end.

Each line also shows the load average when its runs began (this machine is shared).

Run: .venv/bin/python bench/verify_chain.py [--entries N] [--decisions N] [--pg]
[--compare-with DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from trustdesk.store.audit import entry_hash
from trustdesk.store.encoding import GENESIS_HASH, canonical_json, utc_text
from trustdesk.store.store import Store

OUT = Path(__file__).resolve().parent / "out"
BATCH = 10_000
#: Entries of the kinds a desk writes that stand alone (no evidence row behind them).
EVENTS: tuple[tuple[str, Callable[[int], dict[str, int | str]]], ...] = (
    ("logon", lambda n: {"user": 1 + n % 7}),
    ("decision.viewed", lambda n: {"decision": 1 + n % 5_000}),
    ("memo.printed", lambda n: {"decision": 1 + n % 5_000, "pdf_sha256": f"{n:064x}"}),
    ("history.searched", lambda n: {"results": n % 40}),
    ("logoff", lambda n: {"user": 1 + n % 7}),
)


def build_chain(folder: Path, entries: int) -> None:
    """A store whose chain holds ``entries`` entries, written directly in large batches."""
    with Store.open(folder) as store:
        conn = store.db.conn
        seq, prev = store.audit.head()
        start = datetime(2026, 1, 1, tzinfo=UTC)
        conn.execute("BEGIN IMMEDIATE")
        log: list[tuple[object, ...]] = []
        lookup: list[tuple[int, int]] = []
        while seq < entries:
            seq += 1
            event, objects_of = EVENTS[seq % len(EVENTS)]
            objects = objects_of(seq)
            fields = (
                seq,
                utc_text(start + timedelta(seconds=seq)),
                f"desk-{seq % 3}",
                f"officer{seq % 7}",
                1 + seq % 7,
                event,
                "success",
                canonical_json(objects),
            )
            digest = entry_hash(prev, *fields)
            log.append((*fields, prev, digest))
            decision = objects.get("decision")
            if isinstance(decision, int):
                lookup.append((seq, decision))
            prev = digest
            if len(log) == BATCH or seq == entries:
                conn.executemany(
                    "INSERT INTO audit_log (seq, at, workstation, actor, actor_id, event, "
                    "outcome, objects, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    log,
                )
                conn.executemany(
                    "INSERT INTO audit_decisions (seq, decision_id) VALUES (?, ?)", lookup
                )
                log.clear()
                lookup.clear()
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert prev != GENESIS_HASH


def decisions_record(count: int) -> Path:
    """store_bench.py's record of ``count`` decisions (built once, then reused)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import store_bench

    folder = OUT / f"store-{count}"
    marker = folder / "generated.json"
    if not marker.exists():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        print(f"generating {count:,} decisions into {folder} (once; reused later)", flush=True)
        began = time.perf_counter()
        store_bench.generate(folder, count)
        marker.write_text(json.dumps({"decisions": count, "seconds": time.perf_counter() - began}))
    return folder


#: Run in a child process, so that each checkout's code is timed on its own.
_TIMER = """
import json, sys, time
from trustdesk.store.store import Store
target = sys.argv[1]
opened = Store.open(database=target) if "://" in target else Store.open(target)
with opened as store:
    wall, cpu = time.perf_counter(), time.process_time()
    report = store.verify()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({"wall": wall, "cpu": cpu, "ok": report.ok, "entries": report.entries,
                  "records": report.records, "problems": [str(p) for p in report.problems[:3]]}))
"""


_TICK = os.sysconf("SC_CLK_TCK")
#: The server's own processes, which live as long as it does (not a session's backend).
_BACKGROUND = (
    "checkpointer",
    "background writer",
    "walwriter",
    "autovacuum launcher",
    "logical replication launcher",
    "stats collector",
    "archiver",
)


def _proc_cpu(pid: int) -> tuple[float, float]:
    """(own, reaped children's) CPU seconds of process ``pid`` (0.0s if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0, 0.0
    return (
        (int(fields[11]) + int(fields[12])) / _TICK,
        (int(fields[13]) + int(fields[14])) / _TICK,
    )


def _server_children(postmaster: int) -> dict[int, str]:
    """The postmaster's live children: pid -> what they are (their title)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != postmaster:
                continue
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except (OSError, ValueError):
            continue
        found[int(entry.name)] = title.removeprefix("postgres: ")
    return found


class ServerMeter:
    """The CPU the benchmark's PostgreSQL server spent during one run: the postmaster's,
    every child that ended (reaped into the postmaster's counters) and every live child's.

    The first version of this benchmark read only the postmaster's own and reaped
    children's counters right after the timed process ended. A session's backend ends a
    moment after its client does, and is reaped later still: its CPU often fell into
    the *next* run's window (a run could show about twice the server's work, or about
    none; decision 0045). Here ``stop`` first waits until the run's sessions have ended
    and been reaped. The server's own processes (checkpointer, writers, autovacuum) are
    watched twice a second, so that what they spent during the run is named apart
    (``background``), an autovacuum worker that came and went included.
    """

    def __init__(self, cluster: Any) -> None:
        self.pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
        self.background: dict[str, float] = {}
        self._seen: dict[int, tuple[str, float]] = {}
        self._first: dict[int, float] = {}
        self._done = threading.Event()

    def _total(self) -> float:
        own, reaped = _proc_cpu(self.pid)
        return own + reaped + sum(self._look().values())

    def _look(self) -> dict[int, float]:
        """Each live child's CPU; the server's own processes' remembered."""
        spent = {}
        for pid, title in _server_children(self.pid).items():
            spent[pid] = sum(_proc_cpu(pid))
            if title.startswith((*_BACKGROUND, "autovacuum worker")):
                self._seen[pid] = (title, spent[pid])
        return spent

    def _watch(self) -> None:
        while not self._done.wait(0.5):
            self._look()

    def start(self) -> None:
        self._wait_for_sessions()
        self.began = self._total()
        self._first = {pid: cpu for pid, (_title, cpu) in self._seen.items()}
        self._watcher = threading.Thread(target=self._watch, daemon=True)
        self._watcher.start()

    def stop(self) -> float:
        """The server's CPU seconds since ``start``; ``background`` says which of the
        server's own processes spent CPU during the run, and how much (at 0.5 s)."""
        self._done.set()
        self._watcher.join()
        self._wait_for_sessions()
        ended = self._total()
        self.background = {}
        for pid, (title, cpu) in self._seen.items():
            spent = cpu - self._first.get(pid, 0.0)
            if spent >= 0.05:
                self.background[title] = self.background.get(title, 0.0) + spent
        return ended - self.began

    def _wait_for_sessions(self, timeout: float = 30.0) -> None:
        """Until no client session's backend is left (only the server's own processes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            titles = _server_children(self.pid).values()
            if all(title.startswith((*_BACKGROUND, "autovacuum")) for title in titles):
                return
            time.sleep(0.05)


def time_verify(folder: Path | str, source: Path) -> dict[str, object]:
    """Verify ``folder`` with the code in ``source`` (a src/ folder); wall and CPU time.

    The CPU time is the whole tree of processes the verification used (its own and any
    it started), from the child's resource usage.
    """
    env = {**os.environ, "PYTHONPATH": str(source)}
    with tempfile.TemporaryDirectory() as anchors:
        env["TRUSTDESK_ANCHOR_DIR"] = anchors  # a fresh workstation: no anchor to match
        began = os.times()
        done = subprocess.run(
            [sys.executable, "-c", _TIMER, str(folder)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        ended = os.times()
    if done.returncode != 0:
        raise SystemExit(f"verification with {source} failed:\n{done.stderr}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["cpu_all"] = (ended.children_user + ended.children_system) - (
        began.children_user + began.children_system
    )
    if not result["ok"]:
        raise SystemExit(f"{folder} did not verify: {result['problems']}")
    return result


def time_program(folder: Path, program: Path) -> dict[str, object]:
    """``program --data-dir folder audit verify`` (an installed or frozen TrustDesk): wall
    time, and the CPU of its whole process tree."""
    from gen_record import BENCH_PASSWORD

    with tempfile.TemporaryDirectory() as anchors:
        env = {**os.environ, "TRUSTDESK_ANCHOR_DIR": anchors, "TRUSTDESK_PASSWORD": BENCH_PASSWORD}
        command = [str(program), "--data-dir", str(folder), "audit", "verify", "--as", "admin1"]
        began, wall = os.times(), time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        wall, ended = time.perf_counter() - wall, os.times()
    if done.returncode != 0 or "intact" not in done.stdout:
        raise SystemExit(f"{program} did not verify {folder}:\n{done.stdout}{done.stderr}")
    counted = re.search(r"intact: ([\d,]+) entries", done.stdout)
    return {
        "wall": wall,
        "entries": int(counted.group(1).replace(",", "")) if counted else 0,
        "cpu_all": (ended.children_user + ended.children_system)
        - (began.children_user + began.children_system),
    }


def _program_label(program: Path) -> str:
    """``frozen COMMIT`` from the program's ``--version`` (its build), else its path."""
    shown = subprocess.run(
        [str(program), "--version"], capture_output=True, text=True, check=False
    ).stdout
    commit = re.search(r"commit (\w+)", shown)
    return f"frozen {commit.group(1)[:12]}" if commit else str(program)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--skip-decisions", action="store_true", help="chain record only")
    parser.add_argument("--skip-chain", action="store_true", help="decisions record only")
    parser.add_argument(
        "--decisions-folder",
        type=Path,
        metavar="DIR",
        help="a data folder holding such a record already (instead of bench/out/)",
    )
    parser.add_argument(
        "--folder",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="also measure this data folder (any record; repeatable)",
    )
    parser.add_argument(
        "--database",
        action="append",
        default=[],
        metavar="URL",
        help="also measure this PostgreSQL record (e.g. one pg_record.py copied; repeatable)",
    )
    parser.add_argument(
        "--pg",
        action="store_true",
        help="also time the decisions record copied onto the benchmark's PostgreSQL",
    )
    parser.add_argument(
        "--skip-sqlite",
        action="store_true",
        help="with --pg: time the decisions record on PostgreSQL only",
    )
    parser.add_argument(
        "--compare-with", type=Path, metavar="DIR", help="another checkout to time alike"
    )
    parser.add_argument(
        "--program",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="also time this installed or frozen program's `audit verify` (repeatable)",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each (best is shown)")
    args = parser.parse_args()
    folders: list[tuple[str, Path | str, float]] = []
    cluster = None
    chain = OUT / f"chain-{args.entries}"
    if args.skip_chain:
        pass
    elif not (chain / "generated.json").exists():
        import shutil

        shutil.rmtree(chain, ignore_errors=True)
        began = time.perf_counter()
        build_chain(chain, args.entries)
        took = time.perf_counter() - began
        (chain / "generated.json").write_text(json.dumps({"entries": args.entries, "s": took}))
        print(f"wrote a chain of {args.entries:,} entries directly in {took:.1f} s")
    if not args.skip_chain:
        folders.append((f"{args.entries:,} chain entries", chain, 10.0))
    for extra in args.folder:
        folders.append((extra.name, extra, 0.0))
    for url in args.database:
        folders.append(("PostgreSQL record", url, 0.0))
    if not args.skip_decisions:
        record = args.decisions_folder or decisions_record(args.decisions)
        if not args.skip_sqlite:
            folders.append((f"{args.decisions:,} decisions", record, 20.0))
        if args.pg:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
            from pg_record import copy_to_server

            url, cluster = copy_to_server(record, args.decisions, None, OUT)
            folders.append((f"{args.decisions:,} on PostgreSQL", url, 20.0))
    try:
        return _measure(args, folders, cluster)
    finally:
        if cluster is not None:
            cluster.stop()


def _measure(
    args: argparse.Namespace, folders: list[tuple[str, Path | str, float]], cluster: Any
) -> int:
    here = Path(__file__).resolve().parent.parent / "src"
    sources = [("this checkout", here)]
    if args.compare_with is not None:
        sources.append((f"{args.compare_with}", args.compare_with.resolve() / "src"))
    programs = [program.resolve() for program in args.program]
    sources += [(_program_label(program), program) for program in programs]
    print(
        f"{'record':<26} {'code':<22} {'entries':>10} {'wall s':>7} {'CPU s':>6} "
        f"{'server':>6} {'load':>5}  target"
    )
    passed = True
    for label, folder, target in folders:
        for name, source in sources:
            if source in programs and not isinstance(folder, Path):
                continue  # a program is timed on the SQLite records only
            runs = []
            load = os.getloadavg()[0]
            for _ in range(args.runs):
                meter = ServerMeter(cluster) if cluster and isinstance(folder, str) else None
                if meter is not None:
                    meter.start()
                run = (
                    time_program(Path(folder), source)
                    if source in programs
                    else time_verify(folder, source)
                )
                run["server"] = meter.stop() if meter is not None else 0.0
                run["background"] = meter.background if meter is not None else {}
                runs.append(run)
            best = min(runs, key=lambda run: float(str(run["wall"])))
            wall, cpu = float(str(best["wall"])), float(str(best["cpu_all"]))
            server = float(str(best["server"]))
            mark = ("ok" if wall < target else "MISSED") if source == here and target else ""
            passed &= mark != "MISSED"
            print(
                f"{label:<26} {name[-22:]:<22} {best['entries']:>10,} {wall:>7.1f} {cpu:>6.1f} "
                f"{(f'{server:.1f}' if server else '-'):>6} {load:>5.1f}"
                f"  {f'< {target:.0f} s' if target else ''} {mark}",
                flush=True,
            )
            if len(runs) > 1 or any(run["background"] for run in runs):
                print(
                    "    each run (wall / CPU / server s): "
                    + "; ".join(
                        f"{float(str(run['wall'])):.1f} / {float(str(run['cpu_all'])):.1f} / "
                        f"{float(str(run['server'])):.1f}"
                        + (
                            " (server's own processes: "
                            + ", ".join(f"{k} {v:.1f}" for k, v in run["background"].items())  # type: ignore[attr-defined]
                            + ")"
                            if run["background"]
                            else ""
                        )
                        for run in runs
                    ),
                    flush=True,
                )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())

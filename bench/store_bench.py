"""Benchmark of the decision store on a database of 1,000,000 decisions.

Targets (issue 3): open the database < 100 ms; active-holds and overdue queries < 10 ms;
history search by partial name < 50 ms; one decision + audit entry saved with
``synchronous = FULL`` < 20 ms at the median; full chain verification of 100,000 entries
< 10 s. Each figure is printed beside a baseline that shows what it is made of.

The database is generated once into bench/out/ (gitignored) and reused: decisions come
from ~60 real cases evaluated by the engine under all three rule packs, each stored with
its own person (varied, accented names), times spread over 2014-2026, holds closed except
the latest few hundred, and reviews done except the latest few dozen. Generation writes
through the store's own ``write_version``/``write_review``/``write_closure`` in large
transactions, building the audit chain as it goes, so the data is exactly what TrustDesk
writes. The OS file cache is warm for every measurement (as on a workstation in use).

Run: .venv/bin/python bench/store_bench.py [--decisions N] [--fresh]
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import load_rules
from trustdesk.services.decisions import make_draft
from trustdesk.services.passwords import PasswordHasher
from trustdesk.store import audit
from trustdesk.store.decisions import write_version
from trustdesk.store.encoding import document_json
from trustdesk.store.holds import write_closure
from trustdesk.store.records import Actor, DecisionDraft, PersonFacts
from trustdesk.store.reviews import write_review
from trustdesk.store.search import SearchQuery
from trustdesk.store.store import Store
from trustdesk.store.verify import verify

OUT = Path(__file__).resolve().parent / "out"
BATCH = 2_000
OPEN_HOLDS = 300
PENDING_REVIEWS = 40
FIRST = [
    "María",
    "José",
    "Luis",
    "Ana",
    "Łukasz",
    "Zoë",
    "Nguyễn",
    "Siobhán",
    "Kim",
    "Jean",
    "Olga",
    "Ahmed",
    "Fatima",
    "Carlos",
    "Renée",
    "Søren",
    "Yusuf",
    "Ines",
    "Tomás",
    "Maya",
    "Chidi",
    "Priya",
    "Björn",
    "Agnieszka",
    "Dmitri",
    "Lucía",
    "Kwame",
    "Hana",
    "Mateo",
    "Aoife",
]
LAST = [
    "Peña",
    "Nuñez",
    "García",
    "Østergård",
    "Ångström",
    "O'Brien",
    "Lee",
    "Müller",
    "Kowalski",
    "Dubois",
    "Rodríguez",
    "Nowak",
    "Haddad",
    "Silva",
    "Fernández",
    "Mensah",
    "Okafor",
    "Smith",
    "Jiménez",
    "Papadopoulos",
    "Ivanova",
    "Chen",
    "Moreau",
    "Costa",
    "Hernández",
    "Yılmaz",
    "Novák",
    "Santos",
    "Ruiz",
    "Castillo",
    "Jovanović",
    "Kelly",
    "Andersen",
    "Reyes",
    "Nakamura",
    "Gómez",
    "Ortiz",
    "Álvarez",
    "Vargas",
    "Romero",
]


FIRST_DAY = datetime(2014, 1, 2, 14, tzinfo=UTC)
LAST_DAY = datetime(2026, 11, 1, 14, tzinfo=UTC)
TEMPLATES = 4000


def templates(count: int = TEMPLATES) -> list[tuple[dict[str, Any], DecisionDraft]]:
    """Real cases decided by the engine, spread in time order over 2014-2026.

    Decision *n* of the generated database reuses one of the five templates around
    ``n * TEMPLATES // N`` with its own person, so decision times rise with the ids.
    """
    rules = load_rules()
    rng = random.Random(7)
    found = []
    step = (LAST_DAY - FIRST_DAY) / count
    for index in range(count):
        variant = index % 5
        when = FIRST_DAY + step * index
        raw: dict[str, Any] = {
            "decision_time": when.isoformat(),
            "detainer": {
                "form": rng.choice(["I-247A", "I-247A", "I-247D", "I-247N"]),
                "received_at": (when - timedelta(hours=3)).isoformat(),
                "judicial_warrant": variant == 0,
                "administrative_warrant": "I-200",
                "issuing_office": "ICE ERO Burlington, MA",
                "subject_id": f"A{rng.randint(10**8, 10**9 - 1)}",
            },
            "person": {
                "name": "Template",
                "date_of_birth": "1990-01-01",
                "booking_number": "T-1",
            },
            "convictions": [
                {
                    "statute": rng.choice(["53a-134", "53a-61", "53a-59", "21a-278"]),
                    "level": "felony",
                    "class": rng.choice(["B", "C", "unclassified"]),
                    "jurisdiction": "CT",
                    "date": "2010-05-05",
                }
            ]
            if variant % 2
            else [],
            "pending_charges": [],
            "outstanding_ct_warrant": variant == 3,
            "gang_member": False,
            "security_risk_group": False,
            "tsdb_match": None if variant == 4 else variant == 2,
            "final_removal_order": False,
            "public_safety_risk": {"asserted": False},
        }
        if variant != 1:
            raw["releasable_at"] = (when + timedelta(hours=5)).isoformat()
        case = parse_case(raw, "bench", rules.catalog)
        found.append((raw, make_draft(rules, case, raw)))
    return found


def generate(folder: Path, count: int) -> None:
    rng = random.Random(1)
    pool = templates()
    with Store.open(folder) as store:
        hasher = PasswordHasher()
        officers = [
            store.users.create(
                f"officer{n}",
                "officer",
                hasher.hash(f"bench password {n}"),
                creator=Actor(None, None, "bench"),
                at=datetime.now(UTC),
            )
            for n in range(12)
        ]
        supervisor = store.users.create(
            "supervisor1",
            "supervisor",
            hasher.hash("bench sup pw"),
            creator=Actor(None, None, "bench"),
            at=datetime.now(UTC),
        )
        actors = [Actor(o.id, o.username, "bench-ws") for o in officers]
        reviewer = Actor(supervisor.id, supervisor.username, "bench-ws")
        began = time.perf_counter()
        conn = store.db.conn
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            conn.execute("BEGIN IMMEDIATE")
            for number in range(done, done + size):
                # Nearby instants, all five kinds of case in turn.
                base = number * len(pool) // count
                raw, template = pool[min(base - base % 5 + number % 5, len(pool) - 1)]
                when = template.decision_time + timedelta(minutes=number % 50)
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                booking = f"{rng.choice(['NH', 'HFD', 'BPT', 'WTB', 'NB'])}-{number:07d}"
                born = date(1950 + number % 50, 1 + number % 12, 1 + number % 28)
                person_raw = {
                    "name": name,
                    "date_of_birth": born.isoformat(),
                    "booking_number": booking,
                }
                draft = replace(
                    template,
                    person=PersonFacts(booking, name, born),
                    case_json=document_json({**raw, "person": person_raw}),
                )
                late = count - number
                record_id, hold_id, _entry = write_version(
                    conn, draft, author=actors[number % len(actors)], at=when
                )
                if hold_id is not None and late > OPEN_HOLDS:
                    write_closure(
                        conn,
                        hold_id,
                        outcome=rng.choice(["ice_took_custody", "released_at_expiry"]),
                        ended_at=when + timedelta(hours=20),
                        note=None,
                        officer=actors[(number + 1) % len(actors)],
                        at=when + timedelta(hours=21),
                    )
                if draft.review_required and late > PENDING_REVIEWS:
                    write_review(
                        conn,
                        decision_id=record_id,
                        record_id=record_id,
                        verdict="approved",
                        result_record_id=None,
                        reason=None,
                        reviewer=reviewer,
                        at=when + timedelta(hours=2),
                    )
            conn.execute("COMMIT")
            done += size
            rate = done / (time.perf_counter() - began)
            print(
                f"  generated {done:>9,} / {count:,} decisions "
                f"({rate:,.0f}/s, ~{(count - done) / rate:,.0f} s left)",
                flush=True,
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


class Table:
    """The printed results: target, measured, PASS/FAIL and a baseline, side by side."""

    def __init__(self) -> None:
        self.passed: list[bool] = []
        print(f"{'measure':<42} {'target':>9} {'measured':>13}      baseline")

    def add(self, label: str, target: float, value: float, unit: str, baseline: str) -> None:
        ok = value < target
        self.passed.append(ok)
        verdict = "PASS" if ok else "FAIL"
        print(
            f"{label:<42} {'< ' + f'{target:g} {unit}':>9} {value:>10,.2f} {unit:<2} "
            f"{verdict:<4} {baseline}"
        )


def measure_open(folder: Path, table: Table) -> None:
    db_path = folder / "trustdesk.db"

    def bare_open() -> None:
        conn = sqlite3.connect(db_path)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.close()

    open_ms = median_ms(lambda: Store.open(folder).close(), 20)
    bare_ms = median_ms(bare_open, 20)
    table.add(
        "open (lock, checks, pragmas, schema)",
        100,
        open_ms,
        "ms",
        f"bare sqlite3 open: {bare_ms:.2f} ms",
    )


def measure_holds(store: Store, table: Table) -> None:
    active = store.holds.active()
    dues = sorted(hold.release_due_at for hold in active if hold.release_due_at is not None)
    now = dues[len(dues) // 2] if dues else LAST_DAY  # half the open holds overdue
    overdue = store.holds.overdue(now)
    active_ms = median_ms(store.holds.active, 200)
    overdue_ms = median_ms(lambda: store.holds.overdue(now), 200)
    naive = """SELECT h.id FROM holds h JOIN decisions l ON l.decision_id = h.decision_id
        WHERE NOT EXISTS (SELECT 1 FROM decisions n WHERE n.amends = l.id)
          AND NOT EXISTS (SELECT 1 FROM hold_closures c WHERE c.hold_id = h.id)
        ORDER BY l.hold_expires_at"""
    with store.db.reading() as conn:
        naive_ms = median_ms(lambda: conn.execute(naive).fetchall(), 3)
    table.add(
        f"active holds ({len(active)} open)",
        10,
        active_ms,
        "ms",
        f"same from holds/closures, no open_holds table: {naive_ms:,.0f} ms",
    )
    table.add(
        f"overdue holds ({len(overdue)} overdue)",
        10,
        overdue_ms,
        "ms",
        "(same table, index on release_due_at)",
    )


FRAGMENTS = ["peña", "nunez", "OSTERGARD", "siobhan", "kowal", "jovanov", "renee m"]


def measure_search(store: Store, table: Table) -> None:
    timings = {
        fragment: median_ms(
            lambda f=fragment: store.search.decisions(SearchQuery(name=f, limit=100)), 5
        )
        for fragment in FRAGMENTS
    }
    worst = max(timings, key=timings.__getitem__)
    with store.db.reading() as conn:
        like_ms = median_ms(
            lambda: conn.execute(
                "SELECT id FROM people WHERE name_folded LIKE '%kowal%'"
            ).fetchall(),
            3,
        )
    table.add(
        f"search by partial name (median of {len(FRAGMENTS)})",
        50,
        statistics.median(timings.values()),
        "ms",
        f"slowest {worst!r} {timings[worst]:.1f} ms; LIKE '%kowal%' scan {like_ms:.0f} ms",
    )


def measure_save(store: Store, table: Table, template: DecisionDraft) -> None:
    officer = store.users.get("officer1")
    who = Actor(officer.id, officer.username, "bench-ws")
    counter = iter(range(10**9))

    def save() -> None:
        person = PersonFacts(f"SAVE-{time.time_ns()}-{next(counter)}", "Bench Save")
        store.decisions.add(replace(template, person=person), who, datetime.now(UTC))

    save_ms = median_ms(save, 200)
    scratch = OUT / "fsync-baseline.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(scratch) + suffix).unlink(missing_ok=True)
    base = sqlite3.connect(scratch, isolation_level=None)
    base.execute("PRAGMA journal_mode = WAL")
    base.execute("PRAGMA synchronous = FULL")
    base.execute("CREATE TABLE t (x)")
    fsync_ms = median_ms(lambda: base.execute("INSERT INTO t VALUES (1)"), 200)
    base.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(scratch) + suffix).unlink(missing_ok=True)
    table.add(
        "save decision + audit (sync=FULL, median)",
        20,
        save_ms,
        "ms",
        f"one-row commit, same pragmas: {fsync_ms:.2f} ms",
    )


def measure_verify(store: Store, table: Table) -> None:
    upto = 100_000
    reader = store.db.open_reader()
    try:
        chain_runs, full_runs = [], []
        for _ in range(3):
            began = time.perf_counter()
            count, _last, broken = audit.replay(audit.entries(reader, upto=upto))
            chain_runs.append(time.perf_counter() - began)
            began = time.perf_counter()
            report = verify(reader, upto=upto)
            full_runs.append(time.perf_counter() - began)
    finally:
        reader.close()
    assert broken is None and report.ok, report.problems[:3]
    baseline = f"sha256 of the same bytes {hash_only(store, upto):.2f} s; median of 3"
    table.add(
        f"verify hash chain, {count:,} entries", 10, statistics.median(chain_runs), "s", baseline
    )
    table.add(
        f"  + every record they vouch for ({report.records:,})",
        10,
        statistics.median(full_runs),
        "s",
        "audit verify's full check of those entries; median of 3",
    )


def hash_only(store: Store, upto: int) -> float:
    """Baseline: SHA-256 over the stored entries' bytes, without canonical JSON."""
    import hashlib

    with store.db.reading() as conn:
        rows = conn.execute(
            "SELECT prev_hash || at || workstation || ifnull(actor, '') || event || objects "
            "FROM audit_log WHERE seq <= ?",
            (upto,),
        ).fetchall()
    began = time.perf_counter()
    for (text,) in rows:
        hashlib.sha256(text.encode()).hexdigest()
    return time.perf_counter() - began


def measure(folder: Path) -> bool:
    db_path = folder / "trustdesk.db"
    with Store.open(folder) as store, store.db.reading() as conn:
        decisions = conn.execute("SELECT count(*) FROM decisions").fetchone()[0]
        entries = audit.head(conn)[0]
    print(
        f"\nDatabase: {db_path} — {decisions:,} decisions, {entries:,} audit entries, "
        f"{db_path.stat().st_size / 1e9:.2f} GB (OS file cache warm)\n"
    )
    table = Table()
    measure_open(folder, table)
    with Store.open(folder) as store:
        measure_holds(store, table)
        measure_search(store, table)
        measure_save(store, table, templates()[0][1])
        measure_verify(store, table)
    return all(table.passed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    args = parser.parse_args()
    folder = OUT / f"store-{args.decisions}"
    done_marker = folder / "generated.json"
    if args.fresh or not done_marker.exists():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        print(f"Generating {args.decisions:,} decisions into {folder} (once; reused later)")
        began = time.perf_counter()
        generate(folder, args.decisions)
        took = time.perf_counter() - began
        done_marker.write_text(json.dumps({"decisions": args.decisions, "seconds": took}))
        print(f"  done in {took:,.0f} s")
    print(f"sqlite {sqlite3.sqlite_version}, Python {sys.version.split()[0]}")
    return 0 if measure(folder) else 1


if __name__ == "__main__":
    sys.exit(main())

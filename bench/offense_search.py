"""Latency of offense search on the real catalog and on a synthetic one 50 times larger.

Run with ``.venv/bin/python bench/offense_search.py``. Targets: p99 under 5 ms per query
on the real catalog and under 25 ms on the 50x catalog. Prints PASS/FAIL per target and
exits 1 if any target fails.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doc_resolution import load_lines, shared_data_dir
from trustdesk.rules.catalog import OffenseCatalog, OffenseEntry, load_catalog
from trustdesk.rules.offense_search import OffenseIndex, search

TARGETS_MS = {"real": 5.0, "50x": 25.0}
SCALE = 50
ROUNDS = 3


def synthetic(catalog: OffenseCatalog, scale: int, seed: int = 7) -> OffenseCatalog:
    """``scale`` copies of the catalog: new section numbers, shuffled words in every name."""
    rng = random.Random(seed)

    def shuffled(text: str) -> str:
        words = text.split()
        rng.shuffle(words)
        return " ".join(words)

    entries: list[OffenseEntry] = list(catalog.entries)
    for copy in range(1, scale):
        for number, entry in enumerate(catalog.entries, start=1):
            entries.append(
                replace(
                    entry,
                    section=f"9{copy:02d}-{number}",
                    title=shuffled(entry.title),
                    aliases=tuple(shuffled(alias) for alias in entry.aliases),
                )
            )
    return OffenseCatalog.of(tuple(entries), id="synthetic", title="synthetic")


def queries(catalog: OffenseCatalog) -> list[str]:
    """DOC lines, section spellings, partial words and typos, as officers type them."""
    rng = random.Random(11)
    found: list[str] = []
    data = shared_data_dir()
    if data is not None:
        for line in load_lines(data):
            found.append(line.description)
            if line.raw:
                found.append(line.raw)
    for entry in catalog.entries:
        found.append(entry.section)
        found.append(entry.section.upper().replace("-", ""))
        words = entry.title.split()
        found.append(" ".join(word[:4] for word in words[:3]))
        if entry.aliases:
            alias = rng.choice(entry.aliases)
            cut = rng.randrange(len(alias))
            found.append(alias[:cut] + alias[cut + 1 :])
    return found


def measure(catalog: OffenseCatalog, texts: list[str]) -> tuple[float, float, float]:
    started = time.perf_counter()
    OffenseIndex(catalog)  # the index is built once per catalog; report it separately
    build_ms = (time.perf_counter() - started) * 1000
    search(catalog, "warm up", 10)
    samples: list[float] = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter_ns()
            search(catalog, text, 10)
            samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return statistics.median(samples), p99, build_ms


def main() -> int:
    real = load_catalog()
    texts = queries(real)
    big = synthetic(real, SCALE)
    print(
        f"{len(texts)} queries x {ROUNDS} rounds; real catalog {len(real)} sections,"
        f" synthetic {len(big)} sections"
    )
    print(f"{'catalog':<8} {'index build':>12} {'p50':>9} {'p99':>9} {'target p99':>11}  result")
    failed = False
    for label, catalog in (("real", real), ("50x", big)):
        p50, p99, build = measure(catalog, texts)
        ok = p99 < TARGETS_MS[label]
        failed |= not ok
        print(
            f"{label:<8} {build:>10.0f}ms {p50:>7.2f}ms {p99:>7.2f}ms {TARGETS_MS[label]:>9.0f}ms"
            f"  {'PASS' if ok else 'FAIL'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: in-process ``evaluate`` throughput on one core (target ≥ 20,000 cases/s).

Run: .venv/bin/python bench/engine_bench.py
The cases are every embedded test case of the three bundled rule packs, decided in a
loop; the baseline beside it is the same loop calling a no-op, so the figure shows the
engine's own cost.
"""

from __future__ import annotations

import statistics
import time

from trustdesk.core.evaluate import evaluate
from trustdesk.rules.caseio import parse_case
from trustdesk.rules.registry import load_rules

TARGET = 20_000


def main() -> None:
    rules = load_rules()
    work = []
    for loaded in rules.packs:
        for test in loaded.tests:
            case = parse_case(test["case"], "bench", rules.catalog)
            work.append((loaded.pack, case))
    for pack, case in work:  # warm the calendar and caches
        evaluate(pack, case)
    rates = []
    parse_rates = []
    raw_cases = [test["case"] for loaded in rules.packs for test in loaded.tests]
    for _ in range(5):
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < 1.0:
            for pack, case in work:
                evaluate(pack, case)
            n += len(work)
        rates.append(n / (time.perf_counter() - start))
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < 0.5:
            for raw in raw_cases:
                parse_case(raw, "bench", rules.catalog)
            n += len(raw_cases)
        parse_rates.append(n / (time.perf_counter() - start))
    rate = statistics.median(rates)
    print(f"{'measure':<44}{'target':>14}{'measured':>14}  result")
    print(
        f"{'evaluate(pack, case), cases/s, 1 core':<44}{TARGET:>14,}{rate:>14,.0f}  "
        f"{'PASS' if rate >= TARGET else 'FAIL'}"
    )
    print(
        f"{'parse_case + evaluate, cases/s':<44}{'-':>14}"
        f"{1 / (1 / rate + 1 / statistics.median(parse_rates)):>14,.0f}  (information)"
    )
    print(f"  {len(work)} distinct cases (the packs' embedded tests), median of 5 one-second runs")


if __name__ == "__main__":
    main()

"""Benchmark: ``trustdesk evaluate`` as a whole process vs ``python -c "import json"``.

Target: at most 3x the baseline's wall time on the same machine. Both commands are run
alternately, many times, and the medians compared; the validation cache is warmed
first, as it is on an agency workstation after the first run, and the package is
byte-compiled, as pip does when it installs it.
Run: .venv/bin/python bench/cli_startup.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 40
LIMIT = 3.0


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    script = Path(sys.executable).with_name("trustdesk")
    # As installed: pip byte-compiles a package when it installs it; an editable checkout
    # (and a shell with PYTHONDONTWRITEBYTECODE=1) would otherwise recompile every run.
    source = Path(__file__).resolve().parents[1] / "src"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(source)], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case.json"
        case.write_text(
            json.dumps(
                {
                    "decision_time": "2026-11-20T11:05:00-05:00",
                    "releasable_at": "2026-11-20T15:00:00-05:00",
                    "detainer": {"form": "I-247A", "judicial_warrant": False},
                    "person": {"name": "Bench Mark", "booking_number": "B-1"},
                    "convictions": [
                        {
                            "statute": "53a-134",
                            "level": "felony",
                            "class": "B",
                            "jurisdiction": "CT",
                        }
                    ],
                    "tsdb_match": False,
                }
            )
        )
        # The real default cache folder, as on a workstation (finding it is part of the cost).
        env = {k: v for k, v in os.environ.items() if k != "TRUSTDESK_CACHE_DIR"}
        app = [str(script), "evaluate", str(case), "--format", "json"]
        base = [sys.executable, "-c", "import json"]
        timed(app, env)  # first run validates the packs and fills the cache
        app_times, base_times = [], []
        for _ in range(RUNS):
            base_times.append(timed(base, env))
            app_times.append(timed(app, env))
    app_ms = statistics.median(app_times) * 1000
    base_ms = statistics.median(base_times) * 1000
    ratio = app_ms / base_ms
    print(f"{'measure':<48}{'median ms':>12}")
    label = 'python -c "import json" (baseline)'
    print(f"{label:<48}{base_ms:>12.1f}")
    print(f"{'trustdesk evaluate case.json --format json':<48}{app_ms:>12.1f}")
    print(
        f"ratio {ratio:.2f}x (target at most {LIMIT:.0f}x): {'PASS' if ratio <= LIMIT else 'FAIL'}"
        f"  [{RUNS} alternating runs each, warm cache]"
    )


if __name__ == "__main__":
    main()

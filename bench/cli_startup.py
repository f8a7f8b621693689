"""Benchmark: ``trustdesk evaluate`` as a whole process vs ``python -c "import json"``.

Target: at most 3x the baseline's wall time on the same machine. Both commands are run
alternately, many times, and the medians compared; the validation cache is warmed
first, as it is on an agency workstation after the first run, and the package is
byte-compiled, as pip does when it installs it.
A second row times the same case on a data folder holding an imported rule pack (put
in force through the audited import path): there ``evaluate`` also reads which imported
versions the audit chain records (issue 17), over a read-only SQLite connection.
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
        data = Path(tmp) / "data"
        imported_pack(data, Path(tmp) / "usb")
        with_pack = [str(script), "--data-dir", str(data), *app[1:]]
        base = [sys.executable, "-c", "import json"]
        timed(app, env)  # first run validates the packs and fills the cache
        timed(with_pack, env)
        app_times, base_times, pack_times = [], [], []
        for _ in range(RUNS):
            base_times.append(timed(base, env))
            app_times.append(timed(app, env))
            pack_times.append(timed(with_pack, env))
    pack_ms = statistics.median(pack_times) * 1000
    app_ms = statistics.median(app_times) * 1000
    base_ms = statistics.median(base_times) * 1000
    ratio = app_ms / base_ms
    print(f"{'measure':<48}{'median ms':>12}")
    label = 'python -c "import json" (baseline)'
    print(f"{label:<48}{base_ms:>12.1f}")
    print(f"{'trustdesk evaluate case.json --format json':<48}{app_ms:>12.1f}")
    print(f"{'  the same, data folder with an imported pack':<48}{pack_ms:>12.1f}")
    print(
        f"ratio {ratio:.2f}x (target at most {LIMIT:.0f}x): {'PASS' if ratio <= LIMIT else 'FAIL'}"
        f"  [{RUNS} alternating runs each, warm cache]"
    )


class _Holder:
    def replace(self, rules: object) -> None:
        self.rules = rules


def imported_pack(data: Path, usb: Path) -> None:
    """A data folder with an administrator and a retitled ct-2025 imported as the app does."""
    from trustdesk import resources
    from trustdesk.rules.registry import load_rules
    from trustdesk.services.bundle import open_services

    pack = json.loads(resources.resource("rules", "ct-2025.json").read_text())
    pack["title"] = "Agency edition (benchmark)"
    usb.mkdir()
    source = usb / "pack.json"
    source.write_text(json.dumps(pack), encoding="utf-8")
    password = "bench mark password 1"
    with open_services(data, load_rules()) as services:
        services.accounts.create_first_administrator("admin", password)
        session = services.accounts.log_on("admin", password)
        services.rulepacks.import_pack(session, source, _Holder())


if __name__ == "__main__":
    main()
